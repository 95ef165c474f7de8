#pragma once
// Internal to schemas/: reading JSON with simdjson's DOM and turning every
// problem into a chronicle::error with per-field detail. Never include this
// from a header outside schemas/ (it pulls in simdjson).
#include <simdjson.h>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.hpp"

namespace chronicle::json::detail {

// One parser per thread: parsing reuses its buffers. Elements obtained from it
// are valid until the next parse on the same thread.
simdjson::dom::parser& thread_parser();

// Parses `text` as a JSON object; malformed JSON, bad UTF-8, too deep or not
// an object → invalid_argument with a precise code.
result<simdjson::dom::object> parse_object(std::string_view text, simdjson::dom::parser& p);

enum class kind { string, integer, boolean, number, object, array, any };

struct field {
  std::string_view name;
  kind type;
  bool nullable = false;
};

// Checks an object's keys and value types against `fields`: unknown and
// duplicate keys and wrong types become field errors appended to `errors`.
// Field names are prefixed: a prefix ending in '.' ("addresses[1].") is
// joined as is, any other with '/'.
void check_fields(simdjson::dom::object o, std::initializer_list<field> fields,
                  std::vector<field_error>& errors, std::string_view prefix = {});

// Lookup helpers; absent → nullopt. A JSON null yields an empty string for
// opt_string (callers distinguish via is_null when it matters).
std::optional<std::string> opt_string(simdjson::dom::object o, std::string_view key);
bool is_null(simdjson::dom::object o, std::string_view key);
bool has(simdjson::dom::object o, std::string_view key);
// An array of strings; each item that is not a string becomes the field
// error "<path>[i]"/invalid_type. Anything but an array yields nothing.
std::vector<std::string> string_array(simdjson::dom::element v, const std::string& path,
                                      std::vector<field_error>& errors);

}  // namespace chronicle::json::detail
