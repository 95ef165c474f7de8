#pragma once
// Wire formats of the customer slice: request bodies → commands, events ↔
// envelope data/pii, aggregate state ↔ snapshot JSON, and the resource JSON
// that the API returns (schemas/openapi.json, #/components/schemas/Customer).
#include <string>
#include <string_view>

#include "domain/customer.hpp"
#include "domain/envelope.hpp"
#include "domain/result.hpp"
#include "schemas/encoded_event.hpp"

namespace chronicle::schemas {

namespace customer_codec {

// POST /v1/customers body: {name, company?, email?, phone?}. The id is left empty.
result<customers::register_customer> parse_register(std::string_view body);
// PATCH /v1/customers/{id} body (merge patch): any of the fields; null clears
// company, email and phone.
result<customers::update_customer> parse_update(std::string_view body);

encoded_event encode_event(const customers::event& e);
result<customers::event> decode_event(const event_envelope& e);

std::string encode_state(const customers::customer& c);
result<customers::customer> decode_state(std::string_view json);

// The Customer resource.
std::string render(const customers::customer& c, std::uint64_t version);

}  // namespace customer_codec
}  // namespace chronicle::schemas
