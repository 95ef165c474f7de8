#pragma once
// Wire formats of order templates: request bodies → commands, events ↔
// envelope data, state ↔ snapshot JSON, and the OrderTemplate resource
// (schemas/openapi.json). A template is a basket of product ids and
// quantities: no personal data, every event's `pii` is empty.
#include <string>
#include <string_view>

#include "domain/envelope.hpp"
#include "domain/order_template.hpp"
#include "domain/result.hpp"
#include "schemas/encoded_event.hpp"

namespace chronicle::schemas::order_template_codec {

// POST /v1/order-templates: {name, customer_id?, items: [{product_id, quantity}], notes?}. The id is left empty.
result<order_templates::create_template> parse_create(std::string_view body);
// PATCH /v1/order-templates/{id} (merge patch): name, items (replaced whole), notes (null clears).
result<order_templates::update_template> parse_update(std::string_view body);

encoded_event encode_event(const order_templates::event& e);
result<order_templates::event> decode_event(const event_envelope& e);

std::string encode_state(const order_templates::order_template& t);
result<order_templates::order_template> decode_state(std::string_view json);

std::string render(const order_templates::order_template& t, std::uint64_t version);

}  // namespace chronicle::schemas::order_template_codec
