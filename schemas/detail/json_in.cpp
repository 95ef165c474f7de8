#include "schemas/detail/json_in.hpp"

#include <set>

namespace chronicle::json::detail {

simdjson::dom::parser& thread_parser() {
  thread_local simdjson::dom::parser p;
  return p;
}

result<simdjson::dom::object> parse_object(std::string_view text, simdjson::dom::parser& p) {
  simdjson::dom::element doc;
  auto err = p.parse(text.data(), text.size(), true).get(doc);
  if (err) {
    if (err == simdjson::UTF8_ERROR)
      return error::invalid("invalid_utf8", "the body is not valid UTF-8");
    if (err == simdjson::DEPTH_ERROR)
      return error::invalid("too_deep", "the JSON body is nested too deeply");
    if (err == simdjson::EMPTY)
      return error::invalid("empty_body", "the request needs a JSON body");
    return error::invalid("malformed_json",
                          std::string("the body is not valid JSON: ") + simdjson::error_message(err));
  }
  simdjson::dom::object o;
  if (doc.get(o)) return error::invalid("invalid_body", "the body must be a JSON object");
  return o;
}

namespace {
const char* kind_name(kind k) {
  switch (k) {
    case kind::string: return "a string";
    case kind::integer: return "an integer";
    case kind::boolean: return "a boolean";
    case kind::number: return "a number";
    case kind::object: return "an object";
    case kind::array: return "an array";
    case kind::any: return "a value";
  }
  return "a value";
}
bool matches(simdjson::dom::element v, kind k) {
  using t = simdjson::dom::element_type;
  switch (k) {
    case kind::string: return v.type() == t::STRING;
    case kind::integer: return v.type() == t::INT64 || v.type() == t::UINT64;
    case kind::boolean: return v.type() == t::BOOL;
    case kind::number: return v.type() == t::INT64 || v.type() == t::UINT64 || v.type() == t::DOUBLE;
    case kind::object: return v.type() == t::OBJECT;
    case kind::array: return v.type() == t::ARRAY;
    case kind::any: return true;
  }
  return false;
}
}  // namespace

void check_fields(simdjson::dom::object o, std::initializer_list<field> fields,
                  std::vector<field_error>& errors, std::string_view prefix) {
  std::set<std::string_view> seen;
  for (auto [key, value] : o) {
    // A prefix ending in '.' names a member path ("addresses[1]."), else a pointer.
    std::string path = prefix.empty()            ? std::string(key)
                       : prefix.back() == '.' ? std::string(prefix) + std::string(key)
                                              : std::string(prefix) + "/" + std::string(key);
    if (!seen.insert(key).second) {
      errors.push_back({path, "duplicate_field", "the field appears more than once"});
      continue;
    }
    const field* f = nullptr;
    for (auto& c : fields)
      if (c.name == key) f = &c;
    if (!f) {
      errors.push_back({path, "unknown_field", "this field is not part of the request"});
      continue;
    }
    if (value.is_null()) {
      if (!f->nullable) errors.push_back({path, "invalid_type", std::string("must be ") + kind_name(f->type) + ", not null"});
      continue;
    }
    if (!matches(value, f->type))
      errors.push_back({path, "invalid_type", std::string("must be ") + kind_name(f->type)});
  }
}

std::optional<std::string> opt_string(simdjson::dom::object o, std::string_view key) {
  simdjson::dom::element v;
  if (o.at_key(key).get(v)) return std::nullopt;
  if (v.is_null()) return std::string{};
  std::string_view s;
  if (v.get(s)) return std::nullopt;
  return std::string(s);
}

bool is_null(simdjson::dom::object o, std::string_view key) {
  simdjson::dom::element v;
  return !o.at_key(key).get(v) && v.is_null();
}

bool has(simdjson::dom::object o, std::string_view key) {
  simdjson::dom::element v;
  return !o.at_key(key).get(v);
}

std::vector<std::string> string_array(simdjson::dom::element v, const std::string& path,
                                      std::vector<field_error>& errors) {
  std::vector<std::string> out;
  simdjson::dom::array a;
  if (v.get(a)) return out;
  std::size_t i = 0;
  for (simdjson::dom::element x : a) {
    std::string_view s;
    if (x.get(s)) errors.push_back({path + "[" + std::to_string(i) + "]", "invalid_type", "must be a string"});
    else out.emplace_back(s);
    ++i;
  }
  return out;
}

}  // namespace chronicle::json::detail
