#pragma once
// The JSON form of the event envelope (schemas/events/envelope.v1.json):
// one event per log record, readable with kcat and jq.
#include <string>
#include <string_view>

#include "domain/envelope.hpp"
#include "domain/result.hpp"

namespace chronicle::schemas {

std::string encode_envelope(const event_envelope& e);
result<event_envelope> decode_envelope(std::string_view json);

// A stable 128-bit hash of a request (hex), for Idempotency-Key checks.
std::string request_hash(std::string_view method, std::string_view path, std::string_view body);

}  // namespace chronicle::schemas
