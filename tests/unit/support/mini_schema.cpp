#include "unit/support/mini_schema.hpp"

#include <cmath>
#include <fstream>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>

namespace chronicle::test {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

// Keywords that never make an instance invalid.
const std::set<std::string_view> annotations = {
    "$schema", "$id", "$defs", "$comment", "title", "description", "default",
    "examples", "deprecated", "readOnly", "writeOnly"};

// A $ref cycle that consumes no input would recurse forever.
constexpr int max_depth = 64;

std::size_t code_points(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

bool is_number(element v) {
  auto t = v.type();
  return t == element_type::INT64 || t == element_type::UINT64 || t == element_type::DOUBLE;
}

double as_double(element v) {
  switch (v.type()) {
    case element_type::INT64: return static_cast<double>(v.get_int64().value());
    case element_type::UINT64: return static_cast<double>(v.get_uint64().value());
    default: return v.get_double().value();
  }
}

bool has_type(element v, std::string_view type) {
  auto t = v.type();
  if (type == "null") return t == element_type::NULL_VALUE;
  if (type == "boolean") return t == element_type::BOOL;
  if (type == "object") return t == element_type::OBJECT;
  if (type == "array") return t == element_type::ARRAY;
  if (type == "string") return t == element_type::STRING;
  if (type == "number") return is_number(v);
  // 2020-12: 1.0 is an integer too.
  if (type == "integer")
    return t == element_type::INT64 || t == element_type::UINT64 ||
           (t == element_type::DOUBLE && std::floor(as_double(v)) == as_double(v));
  return false;
}

bool json_equal(element a, element b) {
  if (is_number(a) && is_number(b)) return as_double(a) == as_double(b);
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case element_type::NULL_VALUE: return true;
    case element_type::BOOL: return a.get_bool().value() == b.get_bool().value();
    case element_type::STRING: return a.get_string().value() == b.get_string().value();
    case element_type::ARRAY: {
      auto x = a.get_array().value(), y = b.get_array().value();
      if (x.size() != y.size()) return false;
      auto i = x.begin(), j = y.begin();
      for (; i != x.end(); ++i, ++j)
        if (!json_equal(*i, *j)) return false;
      return true;
    }
    case element_type::OBJECT: {
      auto x = a.get_object().value(), y = b.get_object().value();
      if (x.size() != y.size()) return false;
      for (auto [k, v] : x) {
        element w;
        if (y.at_key(k).get(w) || !json_equal(v, w)) return false;
      }
      return true;
    }
    default: return false;
  }
}

std::optional<element> resolve(element root, std::string_view ref) {
  if (ref.empty() || ref.front() != '#') return std::nullopt;
  ref.remove_prefix(1);
  if (ref.empty()) return root;
  element out;
  if (root.at_pointer(ref).get(out)) return std::nullopt;
  return out;
}

// RFC 3339 date-time, checked loosely: shape only, not calendar validity.
const std::regex& date_time() {
  static const std::regex r(
      R"(^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$)");
  return r;
}

class checker {
 public:
  explicit checker(element root) : root_(root) {}

  void check(element schema, element inst, const std::string& path, int depth) {
    if (depth > max_depth) return fault(path, "schema recursion too deep ($ref cycle?)");
    bool b;
    if (!schema.get(b)) {
      if (!b) fail(path, "no value is allowed here (schema false)");
      return;
    }
    object s;
    if (schema.get(s)) return fault(path, "the schema is neither an object nor a boolean");
    for (auto [key, value] : s) keyword(s, key, value, inst, path, depth);
  }

  std::vector<std::string> errors;
  // The subset of `errors` that are faults of the schema, not of the instance.
  std::vector<std::string> faults;

 private:
  void fail(const std::string& path, std::string what) {
    errors.push_back((path.empty() ? std::string("/") : path) + ": " + std::move(what));
  }
  // A schema the validator cannot apply: reported even where an instance
  // error would only be a verdict (inside "if").
  void fault(const std::string& path, std::string what) {
    fail(path, std::move(what));
    faults.push_back(errors.back());
  }

  void keyword(object s, std::string_view key, element value, element inst,
               const std::string& path, int depth) {
    if (annotations.count(key)) return;
    if (key == "$ref") {
      std::string_view ref;
      if (value.get(ref)) return fault(path, "$ref is not a string");
      auto target = resolve(root_, ref);
      if (!target) return fault(path, "unresolvable $ref " + std::string(ref));
      return check(*target, inst, path, depth + 1);
    }
    if (key == "type") return type(value, inst, path);
    if (key == "properties") return properties(value, inst, path, depth);
    if (key == "required") return required(value, inst, path);
    if (key == "additionalProperties") return additional(s, value, inst, path, depth);
    if (key == "items") {
      simdjson::dom::array a;
      if (inst.get(a)) return;
      std::size_t i = 0;
      for (auto item : a) check(value, item, path + "/" + std::to_string(i++), depth + 1);
      return;
    }
    if (key == "pattern") {
      std::string_view p, str;
      if (value.get(p)) return fault(path, "pattern is not a string");
      if (inst.get(str)) return;
      if (!std::regex_search(std::string(str), std::regex(std::string(p), std::regex::ECMAScript)))
        fail(path, "\"" + std::string(str) + "\" does not match " + std::string(p));
      return;
    }
    if (key == "minItems" || key == "maxItems") {
      simdjson::dom::array a;
      if (inst.get(a)) return;
      auto n = a.size();
      auto limit = static_cast<std::size_t>(as_double(value));
      if (key == "minItems" && n < limit) fail(path, "fewer than " + std::to_string(limit) + " items");
      if (key == "maxItems" && n > limit) fail(path, "more than " + std::to_string(limit) + " items");
      return;
    }
    if (key == "minLength" || key == "maxLength") {
      std::string_view str;
      if (inst.get(str)) return;
      auto n = code_points(str);
      auto limit = static_cast<std::size_t>(as_double(value));
      if (key == "minLength" && n < limit) fail(path, "shorter than " + std::to_string(limit));
      if (key == "maxLength" && n > limit) fail(path, "longer than " + std::to_string(limit));
      return;
    }
    if (key == "minimum" || key == "maximum") {
      if (!is_number(inst)) return;
      if (key == "minimum" && as_double(inst) < as_double(value)) fail(path, "below the minimum");
      if (key == "maximum" && as_double(inst) > as_double(value)) fail(path, "above the maximum");
      return;
    }
    if (key == "enum") {
      simdjson::dom::array options;
      if (value.get(options)) return fault(path, "enum is not an array");
      for (auto o : options)
        if (json_equal(o, inst)) return;
      return fail(path, "not one of the enum values");
    }
    if (key == "const") {
      if (!json_equal(value, inst)) fail(path, "not the const value");
      return;
    }
    if (key == "if") {
      // Applies "then" when the instance is valid against "if", else "else";
      // the verdict of "if" itself is never an error.
      checker probe(root_);
      probe.check(value, inst, path, depth + 1);
      for (auto& f : probe.faults) {
        errors.push_back(f);
        faults.push_back(f);
      }
      element branch;
      if (!s[probe.errors.empty() ? "then" : "else"].get(branch)) check(branch, inst, path, depth + 1);
      return;
    }
    if (key == "then" || key == "else") return;  // applied by "if"; alone they do nothing
    if (key == "format") {
      std::string_view f, str;
      // Other formats are annotations in 2020-12; only date-time is asserted.
      if (value.get(f) || f != "date-time" || inst.get(str)) return;
      if (!std::regex_match(std::string(str), date_time())) fail(path, "not an RFC 3339 date-time");
      return;
    }
    fault(path, "unsupported schema keyword " + std::string(key));
  }

  void type(element value, element inst, const std::string& path) {
    std::string_view one;
    if (!value.get(one)) {
      if (!has_type(inst, one)) fail(path, "is not of type " + std::string(one));
      return;
    }
    simdjson::dom::array many;
    if (value.get(many)) return fault(path, "type is neither a string nor an array");
    std::string names;
    for (auto t : many) {
      std::string_view name;
      if (t.get(name)) return fault(path, "type array holds a non-string");
      if (has_type(inst, name)) return;
      names += names.empty() ? "" : "|";
      names += name;
    }
    fail(path, "is not of type " + names);
  }

  void properties(element value, element inst, const std::string& path, int depth) {
    object props, o;
    if (value.get(props)) return fault(path, "properties is not an object");
    if (inst.get(o)) return;
    for (auto [name, sub] : props) {
      element v;
      if (!o.at_key(name).get(v)) check(sub, v, path + "/" + std::string(name), depth + 1);
    }
  }

  void required(element value, element inst, const std::string& path) {
    simdjson::dom::array names;
    object o;
    if (value.get(names)) return fault(path, "required is not an array");
    if (inst.get(o)) return;
    for (auto n : names) {
      std::string_view name;
      element v;
      if (n.get(name)) return fault(path, "required holds a non-string");
      if (o.at_key(name).get(v)) fail(path, "missing required property " + std::string(name));
    }
  }

  void additional(object s, element value, element inst, const std::string& path, int depth) {
    object o, props;
    if (inst.get(o)) return;
    bool has_props = !s["properties"].get(props);
    for (auto [name, v] : o) {
      element declared;
      if (has_props && !props.at_key(name).get(declared)) continue;
      check(value, v, path + "/" + std::string(name), depth + 1);
    }
  }

  element root_;
};

void collect_refs(element e, std::vector<std::string>& out) {
  object o;
  simdjson::dom::array a;
  if (!e.get(o)) {
    for (auto [k, v] : o) {
      std::string_view ref;
      if (k == "$ref" && !v.get(ref)) out.emplace_back(ref);
      else collect_refs(v, out);
    }
  } else if (!e.get(a)) {
    for (auto v : a) collect_refs(v, out);
  }
}

}  // namespace

mini_schema::mini_schema(std::string_view text) : parser_(std::make_unique<simdjson::dom::parser>()) {
  auto err = parser_->parse(text.data(), text.size(), true).get(root_);
  if (err) throw std::runtime_error(std::string("schema is not JSON: ") + simdjson::error_message(err));
}

mini_schema mini_schema::from_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return mini_schema(text.str());
}

std::vector<std::string> mini_schema::validate(std::string_view instance, std::string_view ref) const {
  simdjson::dom::parser p;
  element doc;
  if (auto err = p.parse(instance.data(), instance.size(), true).get(doc))
    return {std::string("the instance is not JSON: ") + simdjson::error_message(err)};
  return validate(doc, ref);
}

std::vector<std::string> mini_schema::validate(simdjson::dom::element instance, std::string_view ref) const {
  auto schema = resolve(root_, ref);
  if (!schema) return {"unresolvable schema reference " + std::string(ref)};
  checker c(root_);
  c.check(*schema, instance, "", 0);
  return std::move(c.errors);
}

std::vector<std::string> mini_schema::refs() const {
  std::vector<std::string> out;
  collect_refs(root_, out);
  return out;
}

bool mini_schema::resolves(std::string_view ref) const { return resolve(root_, ref).has_value(); }

}  // namespace chronicle::test
