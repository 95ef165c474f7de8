#pragma once
// Wire formats of the customer slice: request bodies → commands, events ↔
// envelope data/pii, aggregate state ↔ snapshot JSON, and the resource JSON
// that the API returns (schemas/openapi.json, #/components/schemas/Customer
// and Address).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/customer.hpp"
#include "domain/envelope.hpp"
#include "domain/result.hpp"
#include "schemas/encoded_event.hpp"

namespace chronicle::schemas {

namespace customer_codec {

// POST /v1/customers body (CustomerInput). Ids (customer, addresses) are left empty.
result<customers::register_customer> parse_register(std::string_view body);
// PATCH /v1/customers/{id} body (CustomerPatch, a merge patch): null clears
// optional fields; `emails` and `phones` replace the lists.
result<customers::update_customer> parse_update(std::string_view body);
// POST /v1/customers/{id}/addresses body (AddressInput); the id is left empty.
result<customers::address> parse_address(std::string_view body);
// PATCH /v1/customers/{id}/addresses/{address_id} body (AddressPatch).
result<customers::address_patch> parse_address_patch(std::string_view body);
// POST /v1/customers/{id}/tags body: {"tag_ids": [...]}.
result<std::vector<std::string>> parse_tag_ids(std::string_view body);

encoded_event encode_event(const customers::event& e);
// Reads every version still in the log (customer.registered and
// customer.updated v1 and v2; the v1 `name` becomes `first_name`).
result<customers::event> decode_event(const event_envelope& e);

std::string encode_state(const customers::customer& c);
result<customers::customer> decode_state(std::string_view json);

// The Customer resource.
std::string render(const customers::customer& c, std::uint64_t version);
// The Address resource; single-address answers carry the customer's version.
std::string render_address(const customers::address& a, std::optional<std::uint64_t> version = std::nullopt);
// {"items": [Address...]} of a customer.
std::string render_addresses(const customers::customer& c);

}  // namespace customer_codec
}  // namespace chronicle::schemas
