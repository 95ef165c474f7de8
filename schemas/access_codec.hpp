#pragma once
// Wire formats of tenants and API keys: events, snapshots, the create-key
// request body and the ApiKey resource. Key secrets never appear here: only
// their keyed hash travels in events.
#include <string>
#include <string_view>

#include "domain/access.hpp"
#include "domain/envelope.hpp"
#include "schemas/encoded_event.hpp"

namespace chronicle::schemas::access_codec {

encoded_event encode_event(const access::event& e);
result<access::event> decode_event(const event_envelope& e);

std::string encode_tenant(const access::tenant& t);
result<access::tenant> decode_tenant(std::string_view json);
std::string encode_key(const access::api_key& k);
result<access::api_key> decode_key(std::string_view json);

struct create_key_body {
  access::role role = access::role::staff;
  std::string customer_id, label;
};
// POST /v1/api-keys: {"role": "...", "customer_id"?: "...", "label"?: "..."}
result<create_key_body> parse_create_key(std::string_view body);

// The ApiKey resource; `secret` (the whole key) only in the create response.
std::string render_key(const access::api_key& k, std::string_view secret = {});

}  // namespace chronicle::schemas::access_codec
