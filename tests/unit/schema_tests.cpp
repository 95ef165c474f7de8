// The schema files in schemas/ against the code that reads and writes the wire
// formats: events written by the codecs validate against their event schemas
// (and the sealed form of their pii against events/sealed_pii.v1.json),
// bodies the parsers accept validate against the command schemas and the
// OpenAPI request bodies (and bodies the schemas reject never get past the
// server), resources the codecs render validate against the OpenAPI
// components, and the OpenAPI document is well-formed. The validator itself is
// tested first, since the rest trusts it.
#include <boost/test/unit_test.hpp>
#include <simdjson.h>

#include <array>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "api/http/routes.hpp"
#include "domain/access.hpp"
#include "domain/customer.hpp"
#include "domain/envelope.hpp"
#include "domain/ids.hpp"
#include "domain/pii.hpp"
#include "projections/audit.hpp"
#include "projections/ports/kv_store.hpp"
#include "projections/projection.hpp"
#include "schemas/access_codec.hpp"
#include "schemas/audit_codec.hpp"
#include "schemas/customer_codec.hpp"
#include "schemas/envelope_codec.hpp"
#include "schemas/json_writer.hpp"
#include "schemas/openapi.hpp"
#include "unit/support/mini_schema.hpp"

namespace {

using chronicle::test::mini_schema;
namespace customers = chronicle::customers;
namespace access = chronicle::access;
namespace codec = chronicle::schemas::customer_codec;
namespace access_codec = chronicle::schemas::access_codec;

std::string source_path(std::string_view relative) {
  return std::string(CHRONICLE_SOURCE_DIR) + "/" + std::string(relative);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Schema files by path relative to the source root, loaded once.
const mini_schema& schema_file(const std::string& relative) {
  static std::map<std::string, mini_schema> cache;
  auto it = cache.find(relative);
  if (it == cache.end()) it = cache.emplace(relative, mini_schema::from_file(source_path(relative))).first;
  return it->second;
}

const mini_schema& openapi() {
  static const mini_schema doc{chronicle::schemas::openapi_document()};
  return doc;
}

std::string joined(const std::vector<std::string>& errors) {
  std::string out;
  for (auto& e : errors) out += (out.empty() ? "" : "; ") + e;
  return out;
}

void check_valid(const mini_schema& s, std::string_view instance, std::string_view ref = "#") {
  auto errors = s.validate(instance, ref);
  BOOST_CHECK_MESSAGE(errors.empty(), instance << " should be valid against " << ref << ": " << joined(errors));
}

void check_invalid(const mini_schema& s, std::string_view instance, std::string_view ref = "#") {
  auto errors = s.validate(instance, ref);
  BOOST_CHECK_MESSAGE(!errors.empty(), instance << " should be rejected by " << ref);
  BOOST_TEST_MESSAGE(instance << " rejected: " << joined(errors));
}

// Rewrites JSON text: the member at `pointer` ("/data/customer_id") is
// replaced by `raw` (encoded JSON), added when absent, or removed when `raw`
// is nullopt. Used to derive invalid documents from valid ones.
void rewrite(simdjson::dom::element e, std::string_view pointer, const std::optional<std::string>& raw,
             chronicle::json::writer& w) {
  simdjson::dom::object o;
  simdjson::dom::array a;
  auto rest = pointer.empty() ? pointer : pointer.substr(1);
  auto slash = rest.find('/');
  auto name = rest.substr(0, slash);
  auto deeper = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
  if (!pointer.empty() && !e.get(a)) {
    // An array member by index: replaced, or removed when `raw` is nullopt.
    w.begin_array();
    std::size_t i = 0;
    for (auto v : a) {
      if (std::to_string(i++) != name) w.raw(simdjson::minify(v));
      else if (!deeper.empty()) rewrite(v, deeper, raw, w);
      else if (raw) w.raw(*raw);
    }
    w.end_array();
    return;
  }
  if (pointer.empty() || e.get(o)) {
    w.raw(simdjson::minify(e));
    return;
  }
  bool found = false;
  w.begin_object();
  for (auto [k, v] : o) {
    if (k != name) {
      w.key(k).raw(simdjson::minify(v));
      continue;
    }
    found = true;
    if (!deeper.empty()) {
      w.key(k);
      rewrite(v, deeper, raw, w);
    } else if (raw) {
      w.key(k).raw(*raw);
    }
  }
  if (!found && deeper.empty() && raw) w.key(name).raw(*raw);
  w.end_object();
}

std::string edited(std::string_view json, std::string_view pointer, std::optional<std::string> raw) {
  simdjson::dom::parser p;
  auto doc = p.parse(json.data(), json.size(), true).value();
  chronicle::json::writer w;
  rewrite(doc, pointer, raw, w);
  return w.take();
}

const std::string customer_id =
    chronicle::make_ulid(1'700'000'000'000, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
const std::string address_id = chronicle::make_ulid(1'700'000'000'001, {1, 1, 1, 1, 1, 1, 1, 1, 1, 1});
const std::string tag_id = chronicle::make_ulid(1'700'000'000'002, {2, 2, 2, 2, 2, 2, 2, 2, 2, 2});

// A registration with a first name and, when given, a company, one email and one phone.
customers::customer_registered registered_event(std::string first, std::string company = "", std::string email = "",
                                                std::string phone = "") {
  customers::customer_registered e;
  e.id = customer_id;
  e.first_name = std::move(first);
  e.company = std::move(company);
  if (!email.empty()) e.emails.push_back({std::move(email), "", true});
  if (!phone.empty()) e.phones.push_back({std::move(phone), "", true});
  return e;
}

customers::address sample_address(bool full) {
  customers::address a;
  a.id = address_id;
  a.label = "Restaurant back door";
  a.street = "1 Market St";
  a.city = "San Francisco";
  a.postal_code = "94105";
  a.country = "US";
  a.is_default = true;
  if (full) {
    a.region = "CA";
    a.latitude = 37.7941;
    a.longitude = -122.395;
    a.delivery_instructions = "Ring twice; crates by the walk-in.";
  }
  return a;
}

customers::preferences sample_preferences() {
  customers::preferences p;
  p.product_interests = {"pea_shoots", "sunflower"};
  p.delivery_days = {"tue", "fri"};
  p.window = customers::delivery_window{"07:00", "10:30"};
  p.packaging = {"returnable_crates"};
  p.channels = {"email", "sms"};
  p.preferred_contact = "email";
  p.language = "en-US";
  return p;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mini_schema_validator)

// One schema exercising every supported keyword.
const mini_schema& sample() {
  static const mini_schema s{R"({
    "type": "object",
    "required": ["id", "count"],
    "additionalProperties": false,
    "properties": {
      "id": {"$ref": "#/$defs/id"},
      "count": {"type": "integer", "minimum": 1, "maximum": 10},
      "ratio": {"type": "number"},
      "label": {"type": ["string", "null"], "minLength": 2, "maxLength": 3},
      "color": {"enum": ["red", "green"]},
      "kind": {"const": "x"},
      "at": {"type": "string", "format": "date-time"},
      "tags": {"type": "array", "items": {"type": "string", "pattern": "^[a-z]+$"}},
      "nested": {"type": "object", "properties": {"flag": {"type": "boolean"}}},
      "anything": true,
      "nothing": false
    },
    "$defs": {"id": {"type": "string", "pattern": "^[0-9]{3}$"}}
  })"};
  return s;
}

// Like an OpenAPI document: not a schema itself, schemas under components.
const mini_schema& with_components() {
  static const mini_schema s{R"({
    "openapi": "3.1.0",
    "$defs": {"id": {"type": "string", "pattern": "^[0-9]{3}$"}},
    "components": {"schemas": {"Pair": {"type": "array", "items": {"$ref": "#/$defs/id"}}}}
  })"};
  return s;
}

BOOST_AUTO_TEST_CASE(accepts_an_instance_that_uses_every_keyword_correctly) {
  check_valid(sample(), R"({"id":"123","count":10})");
  check_valid(sample(), R"({"id":"123","count":1,"ratio":0.5,"label":null,"color":"green","kind":"x",
                            "at":"2024-02-29T12:00:00.123456Z","tags":["a","bc"],"nested":{"flag":true,"other":1},
                            "anything":[1,{"a":null}]})");
  check_valid(sample(), R"({"id":"123","count":2.0,"ratio":3,"label":"éé","at":"2024-02-29t12:00:00+01:00"})");
}

BOOST_AUTO_TEST_CASE(rejects_values_of_the_wrong_type) {
  check_invalid(sample(), R"({"id":123,"count":1})");
  check_invalid(sample(), R"({"id":"123","count":"1"})");
  check_invalid(sample(), R"({"id":"123","count":1.5})");
  check_invalid(sample(), R"({"id":"123","count":true})");
  check_invalid(sample(), R"({"id":"123","count":1,"ratio":"0.5"})");
  check_invalid(sample(), R"({"id":"123","count":1,"label":7})");
  check_invalid(sample(), R"({"id":"123","count":1,"nested":[]})");
  check_invalid(sample(), R"({"id":"123","count":1,"nested":{"flag":"yes"}})");
  check_invalid(sample(), R"({"id":"123","count":1,"tags":"a"})");
  check_invalid(sample(), R"([])");
  check_invalid(sample(), R"(null)");
}

BOOST_AUTO_TEST_CASE(rejects_missing_required_properties) {
  check_invalid(sample(), R"({"id":"123"})");
  check_invalid(sample(), R"({"count":1})");
  check_invalid(sample(), R"({})");
}

BOOST_AUTO_TEST_CASE(rejects_properties_not_declared_when_additional_properties_is_false) {
  check_invalid(sample(), R"({"id":"123","count":1,"extra":0})");
  check_invalid(sample(), R"({"id":"123","count":1,"ID":"123"})");
  check_invalid(sample(), R"({"id":"123","count":1,"nothing":0})");
}

BOOST_AUTO_TEST_CASE(rejects_strings_that_do_not_match_the_pattern) {
  check_invalid(sample(), R"({"id":"12","count":1})");
  check_invalid(sample(), R"({"id":"1234","count":1})");
  check_invalid(sample(), R"({"id":"123","count":1,"tags":["ok","Not"]})");
}

BOOST_AUTO_TEST_CASE(counts_string_length_in_code_points) {
  check_invalid(sample(), R"({"id":"123","count":1,"label":"é"})");
  check_invalid(sample(), R"({"id":"123","count":1,"label":"abcd"})");
  check_valid(sample(), R"({"id":"123","count":1,"label":"ééé"})");
}

BOOST_AUTO_TEST_CASE(rejects_numbers_outside_minimum_and_maximum) {
  check_invalid(sample(), R"({"id":"123","count":0})");
  check_invalid(sample(), R"({"id":"123","count":-3})");
  check_invalid(sample(), R"({"id":"123","count":11})");
}

BOOST_AUTO_TEST_CASE(rejects_values_outside_enum_and_const) {
  check_invalid(sample(), R"({"id":"123","count":1,"color":"blue"})");
  check_invalid(sample(), R"({"id":"123","count":1,"color":null})");
  check_invalid(sample(), R"({"id":"123","count":1,"kind":"y"})");
}

BOOST_AUTO_TEST_CASE(rejects_malformed_date_times) {
  for (auto at : {"2024-02-29", "2024-02-29 12:00:00Z", "2024-02-29T12:00:00", "yesterday",
                  "2024-02-29T12:00:00.Z"}) {
    BOOST_TEST_CONTEXT(at) {
      check_invalid(sample(), std::string(R"({"id":"123","count":1,"at":")") + at + "\"}");
    }
  }
}

BOOST_AUTO_TEST_CASE(follows_refs_and_validates_against_a_named_subschema) {
  check_valid(with_components(), R"(["123","456"])", "#/components/schemas/Pair");
  check_invalid(with_components(), R"(["123","45"])", "#/components/schemas/Pair");
  check_invalid(with_components(), R"("123")", "#/components/schemas/Pair");
  check_valid(sample(), R"("999")", "#/$defs/id");
  BOOST_TEST(sample().resolves("#/$defs/id"));
  BOOST_TEST(!sample().resolves("#/$defs/missing"));
  BOOST_TEST(!sample().resolves("other.json#/$defs/id"));
  BOOST_TEST(with_components().refs() == std::vector<std::string>{"#/$defs/id"});
}

BOOST_AUTO_TEST_CASE(reports_unresolvable_refs_instead_of_accepting) {
  mini_schema s{R"({"properties": {"a": {"$ref": "#/$defs/nowhere"}}})"};
  check_invalid(s, R"({"a": 1})");
  check_invalid(s, R"(1)", "#/$defs/nowhere");
}

// if/then/else: "kind a needs x; anything else may not have x".
const mini_schema& conditional() {
  static const mini_schema s{R"({
    "type": "object",
    "properties": {"kind": {"enum": ["a", "b"]}, "x": {"type": "integer"}},
    "if": {"required": ["kind"], "properties": {"kind": {"const": "a"}}},
    "then": {"required": ["x"], "properties": {"x": {"minimum": 1}}},
    "else": {"properties": {"x": false}}
  })"};
  return s;
}

BOOST_AUTO_TEST_CASE(applies_then_when_if_holds_and_else_when_it_does_not) {
  check_valid(conditional(), R"({"kind":"a","x":1})");
  check_valid(conditional(), R"({"kind":"b"})");
  check_valid(conditional(), R"({})");
  check_invalid(conditional(), R"({"kind":"a"})");
  check_invalid(conditional(), R"({"kind":"a","x":0})");
  check_invalid(conditional(), R"({"kind":"b","x":1})");
  check_invalid(conditional(), R"({"x":1})");
  // The failing "if" is a verdict, not an error; the other keywords still apply.
  check_invalid(conditional(), R"({"kind":"c"})");
  auto errors = conditional().validate(R"({"kind":"b","x":1})");
  BOOST_TEST_REQUIRE(errors.size() == 1u, joined(errors));
  BOOST_TEST(errors[0].rfind("/x:", 0) == 0u, errors[0]);
}

BOOST_AUTO_TEST_CASE(ignores_then_and_else_without_if_and_if_without_branches) {
  check_valid(mini_schema{R"({"then": false, "else": false})"}, R"(1)");
  check_valid(mini_schema{R"({"if": {"type": "string"}})"}, R"(1)");
  check_valid(mini_schema{R"({"if": {"type": "string"}})"}, R"("x")");
  check_invalid(mini_schema{R"({"if": {"type": "string"}, "then": {"minLength": 2}})"}, R"("x")");
  check_invalid(mini_schema{R"({"if": {"type": "string"}, "else": {"minimum": 2}})"}, R"(1)");
}

BOOST_AUTO_TEST_CASE(reports_keywords_it_does_not_support_instead_of_ignoring_them) {
  check_invalid(mini_schema{R"({"oneOf": [{"type": "string"}]})"}, R"(1)");
  check_invalid(mini_schema{R"({"type": "array", "minItems": 1})"}, R"([])");
  // Inside "if", where a failure would otherwise only choose "else".
  check_invalid(mini_schema{R"({"if": {"oneOf": [true]}, "else": true})"}, R"(1)");
  check_invalid(mini_schema{R"({"if": {"$ref": "#/$defs/nowhere"}})"}, R"(1)");
}

BOOST_AUTO_TEST_CASE(names_the_failing_instance_path) {
  auto errors = sample().validate(R"({"id":"123","count":1,"tags":["ok","Not"]})");
  BOOST_TEST_REQUIRE(errors.size() == 1u);
  BOOST_TEST(errors[0].rfind("/tags/1:", 0) == 0u, errors[0]);
}

BOOST_AUTO_TEST_SUITE_END()

namespace {

struct sample_event {
  std::string label;
  customers::event event;
};

std::vector<sample_event> sample_events() {
  using customers::customer_updated;
  std::string long_name;
  for (int i = 0; i < 200; ++i) long_name += "é";
  auto everything = registered_event("Ada", "Analytical Engines Ltd", "Ada@example.com", "+442079460958");
  everything.last_name = "Lovelace";
  everything.type = "restaurant";
  everything.date_of_birth = "1815-12-10";
  everything.acquired = customers::acquisition{"2026-03-01", "farmers_market"};
  everything.status = "active";
  everything.lifecycle_stage = "loyal";
  everything.marketing_opt_in = true;
  everything.emails.push_back({"orders@engines.example", "orders", false});
  everything.phones.push_back({"+14155550123", "kitchen", false});
  everything.addresses = {sample_address(true), sample_address(false)};
  everything.addresses[1].id = tag_id;
  everything.addresses[1].is_default = false;
  everything.prefs = sample_preferences();
  everything.tag_ids = {tag_id};
  customer_updated all;
  all.id = customer_id;
  all.first_name = "Ada";
  all.last_name = "King";
  all.company = "Babbage & Co";
  all.type = "household";
  all.date_of_birth = "1815-12-10";
  all.status = "churned";
  all.lifecycle_stage = "lost";
  all.marketing_opt_in = false;
  all.acquired = customers::acquisition{"2025-01-31", "referral"};
  all.emails = std::vector<customers::email_entry>{{"ada@king.example.org", "home", true}};
  all.phones = std::vector<customers::phone_entry>{{"+14155550123", "", true}};
  customer_updated cleared;
  cleared.id = customer_id;
  cleared.last_name = "";
  cleared.company = "";
  cleared.type = "";
  cleared.date_of_birth = "";
  cleared.acquired = std::optional<customers::acquisition>{};
  cleared.emails = std::vector<customers::email_entry>{};
  cleared.phones = std::vector<customers::phone_entry>{};
  customer_updated status_only;
  status_only.id = customer_id;
  status_only.status = "inactive";
  auto moved = sample_address(true);
  moved.is_default = false;
  return {
      {"registered with every field", everything},
      {"registered with a name only", registered_event("Ada")},
      {"registered with a 200-character non-ASCII name", registered_event(long_name, "", "", "+14155550123")},
      {"updated with every field", all},
      {"updated clearing every optional field", cleared},
      {"updated status only", status_only},
      {"preferences updated", customers::preferences_updated{customer_id, sample_preferences()}},
      {"preferences cleared", customers::preferences_updated{customer_id, {}}},
      {"address added with every field", customers::address_added{customer_id, sample_address(true)}},
      {"address added bare", customers::address_added{customer_id, sample_address(false)}},
      {"address updated", customers::address_updated{customer_id, moved}},
      {"address removed", customers::address_removed{customer_id, address_id}},
      {"default address changed", customers::default_address_changed{customer_id, address_id}},
      {"tagged", customers::customer_tagged{customer_id, {tag_id}}},
      {"untagged", customers::customer_untagged{customer_id, {tag_id}}},
      {"deactivated", customers::customer_deactivated{customer_id}},
      {"reactivated", customers::customer_reactivated{customer_id}},
      {"erased", customers::subject_erased{customer_id}},
  };
}

std::string event_schema_path(const chronicle::schemas::encoded_event& e) {
  return "schemas/events/" + e.type + ".v" + std::to_string(e.schema_version) + ".json";
}

std::string data_and_pii(const chronicle::schemas::encoded_event& e) {
  return "{\"data\":" + e.data + ",\"pii\":" + e.pii + "}";
}

chronicle::event_envelope envelope_for(const chronicle::schemas::encoded_event& ev, bool with_optional_fields) {
  chronicle::event_envelope e;
  e.id = chronicle::make_uuid_v7(1'700'000'000'123, {9, 8, 7, 6, 5, 4, 3, 2, 1, 0});
  e.type = ev.type;
  e.schema_version = ev.schema_version;
  e.tenant = "acme_farm";
  e.stream = chronicle::stream_name(customers::category, e.tenant, customer_id);
  e.stream_version = 3;
  e.occurred_at = 1'700'000'000'123'456;
  e.actor = "key_01HZX";
  e.command_id = chronicle::make_uuid_v7(1'700'000'000'120, {1, 1, 1, 1, 1, 1, 1, 1, 1, 1});
  if (with_optional_fields) {
    e.command_id = "client-retry-key-7";
    e.command_hash = chronicle::schemas::request_hash("POST", "/v1/customers", R"({"name":"Ada"})");
    e.correlation_id = "req-42";
    e.causation_id = chronicle::make_uuid_v7(1'700'000'000'100, {2, 2, 2, 2, 2, 2, 2, 2, 2, 2});
  }
  e.data = ev.data;
  e.pii = ev.pii;
  return e;
}

const mini_schema& envelope_schema() { return schema_file("schemas/events/envelope.v1.json"); }
struct mutation {
  std::string label;
  std::string_view pointer;
  std::optional<std::string> raw;  // nullopt: remove the member
};

const mini_schema& sealed_schema() { return schema_file("schemas/events/sealed_pii.v1.json"); }

const std::string key_id = chronicle::make_ulid(1'700'000'000'500, {9, 9, 9, 9, 9, 9, 9, 9, 9, 9});
// What the libsodium vault's blind index looks like: 32 bytes, lower-case hex.
const std::string secret_hash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

struct sample_access_event {
  std::string label;
  access::event event;
};

std::vector<sample_access_event> access_events() {
  using access::api_key_issued;
  using access::role;
  std::string long_label;
  for (int i = 0; i < 100; ++i) long_label += "é";  // 200 bytes
  return {
      {"tenant created", access::tenant_created{"acme_farm", "Acme Farm Ltd"}},
      {"tenant created with its id as name", access::tenant_created{"a", "a"}},
      {"staff key with a label", api_key_issued{key_id, "acme_farm", "", secret_hash, "ops laptop", role::staff}},
      {"admin key without a label", api_key_issued{key_id, "acme_farm", "", secret_hash, "", role::admin}},
      {"analyst key", api_key_issued{key_id, "acme_farm", "", secret_hash, "bi", role::analyst}},
      {"auditor key with a 200-byte label", api_key_issued{key_id, "acme_farm", "", secret_hash, long_label, role::auditor}},
      {"portal key", api_key_issued{key_id, "acme_farm", customer_id, secret_hash, "Ada's portal", role::portal}},
      {"portal key without a label", api_key_issued{key_id, "acme_farm", customer_id, secret_hash, "", role::portal}},
      {"key revoked", access::api_key_revoked{key_id}},
  };
}

// libsodium's sodium_base64_VARIANT_URLSAFE_NO_PADDING.
std::string base64url(const std::string& bytes) {
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16 | static_cast<unsigned char>(bytes[i + 1]) << 8 |
                 static_cast<unsigned char>(bytes[i + 2]);
    for (int shift : {18, 12, 6, 0}) out += alphabet[(v >> shift) & 63];
  }
  if (bytes.size() - i == 1) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    for (int shift : {18, 12}) out += alphabet[(v >> shift) & 63];
  } else if (bytes.size() - i == 2) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16 | static_cast<unsigned char>(bytes[i + 1]) << 8;
    for (int shift : {18, 12, 6}) out += alphabet[(v >> shift) & 63];
  }
  return out;
}

std::string pseudo_random_bytes(std::size_t n, unsigned seed) {
  std::string out(n, '\0');
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<char>((i * 167 + seed * 31 + 11) & 0xff);
  return out;
}

// The shape infra/crypto/sodium_vault.cpp seal() gives `plaintext`: a 24-byte
// nonce and the ciphertext with its 16-byte tag (as long as the plaintext
// plus 16), both base64url without padding. The bytes are not a real
// encryption; only the shape is checked here.
std::string sealed_like_the_vault(std::string_view subject, std::string_view plaintext, unsigned seed = 1) {
  chronicle::json::writer w;
  w.begin_object()
      .key("sealed").value("xchacha20poly1305")
      .key("v").value(1)
      .key("subject").value(subject)
      .key("nonce").value(base64url(pseudo_random_bytes(24, seed)))
      .key("ct").value(base64url(pseudo_random_bytes(plaintext.size() + 16, seed + 1)))
      .end_object();
  return w.take();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(event_schemas)

BOOST_AUTO_TEST_CASE(every_encoded_customer_event_validates_against_its_event_schema) {
  for (auto& s : sample_events()) {
    BOOST_TEST_CONTEXT(s.label) {
      auto enc = codec::encode_event(s.event);
      check_valid(schema_file(event_schema_path(enc)), data_and_pii(enc));
    }
  }
}

BOOST_AUTO_TEST_CASE(events_decided_from_raw_commands_validate_against_their_schemas) {
  customers::rules uk{"44", "2026-11-22"};
  customers::register_customer reg;
  reg.id = customer_id;
  reg.first_name = "  Ada ";
  reg.last_name = "Lovelace";
  reg.company = " Analytical Engines ";
  reg.emails = {{"ADA@Example.COM", " home ", false}};
  reg.phones = {{"020 7946 0958", "", false}};
  reg.addresses = {sample_address(true)};
  reg.addresses[0].label = " Home ";
  reg.prefs = customers::preferences_patch{};
  reg.prefs->channels = std::vector<std::string>{"sms"};
  reg.prefs->preferred_contact = "sms";
  auto registered = customers::decide(customers::customer{}, reg, uk);
  BOOST_TEST_REQUIRE(registered.ok());
  auto state = customers::evolve(customers::customer{}, registered->at(0), 1);
  customers::update_customer upd;
  upd.id = customer_id;
  upd.first_name = "Ada King";
  upd.company = "";
  upd.emails = std::vector<customers::email_input>{};
  upd.phones = std::vector<customers::phone_input>{{"+1 (415) 555-0123", "", false}};
  upd.prefs = customers::preferences_patch{};
  upd.prefs->language = "nl";
  auto updated = customers::decide(state, upd, uk);
  BOOST_TEST_REQUIRE(updated.ok());
  BOOST_TEST_REQUIRE(updated->size() == 2u);
  customers::update_address ua{customer_id, address_id, {}};
  ua.patch.street = " 2 Market St ";
  ua.patch.latitude = std::optional<double>{};
  ua.patch.longitude = std::optional<double>{};
  auto moved = customers::decide(state, ua, uk);
  BOOST_TEST_REQUIRE(moved.ok());
  BOOST_TEST_REQUIRE(moved->size() == 1u);
  for (auto* events : {&*registered, &*updated, &*moved}) {
    for (auto& e : *events) {
      auto enc = codec::encode_event(e);
      BOOST_TEST_CONTEXT(enc.type << " " << enc.data << " " << enc.pii) {
        check_valid(schema_file(event_schema_path(enc)), data_and_pii(enc));
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(envelopes_of_encoded_events_validate_against_the_envelope_schema) {
  for (auto& s : sample_events()) {
    for (bool optional_fields : {false, true}) {
      BOOST_TEST_CONTEXT(s.label << (optional_fields ? ", with" : ", without") << " optional envelope fields") {
        check_valid(envelope_schema(),
                    chronicle::schemas::encode_envelope(envelope_for(codec::encode_event(s.event), optional_fields)));
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(envelopes_at_the_edges_of_time_and_version_validate) {
  auto e = envelope_for(codec::encode_event(sample_events().front().event), false);
  for (std::int64_t at : {std::int64_t{0}, std::int64_t{999}, std::int64_t{4'102'444'799'999'999}}) {
    e.occurred_at = at;
    e.stream_version = 1;
    BOOST_TEST_CONTEXT("occurred_at " << at) { check_valid(envelope_schema(), chronicle::schemas::encode_envelope(e)); }
  }
}

BOOST_AUTO_TEST_CASE(encoded_events_round_trip_through_the_envelope) {
  for (auto& s : sample_events()) {
    BOOST_TEST_CONTEXT(s.label) {
      auto enc = codec::encode_event(s.event);
      auto original = envelope_for(enc, true);
      auto decoded = chronicle::schemas::decode_envelope(chronicle::schemas::encode_envelope(original));
      BOOST_TEST_REQUIRE(decoded.ok());
      BOOST_TEST(decoded->id == original.id);
      BOOST_TEST(decoded->occurred_at == original.occurred_at);
      BOOST_TEST(decoded->command_hash == original.command_hash);
      BOOST_TEST(decoded->causation_id == original.causation_id);
      auto event = codec::decode_event(*decoded);
      BOOST_TEST_REQUIRE(event.ok());
      auto again = codec::encode_event(*event);
      BOOST_TEST(again.type == enc.type);
      BOOST_TEST(again.data == enc.data);
      BOOST_TEST(again.pii == enc.pii);
    }
  }
}

BOOST_AUTO_TEST_CASE(mutated_registered_events_fail_validation) {
  auto enc = codec::encode_event(sample_events()[0].event);
  const auto& schema = schema_file(event_schema_path(enc));
  auto base = data_and_pii(enc);
  check_valid(schema, base);
  const std::vector<mutation> mutations = {
      {"an extra top-level member", "/extra", "1"},
      {"a personal field in data", "/data/emails", "[]"},
      {"a name in data", "/data/first_name", R"("Ada")"},
      {"the company in data (v1 kept it there)", "/data/company", R"("Engines")"},
      {"an extra pii field", "/pii/birthday", R"("1815-12-10")"},
      {"no customer_id", "/data/customer_id", std::nullopt},
      {"no status", "/data/status", std::nullopt},
      {"no preferences", "/data/preferences", std::nullopt},
      {"no emails", "/pii/emails", std::nullopt},
      {"no pii", "/pii", std::nullopt},
      {"a numeric customer_id", "/data/customer_id", "42"},
      {"a lower-case customer_id", "/data/customer_id", R"("01hgw2n7r8aaaaaaaaaaaaaaaa")"},
      {"a customer_id of 25 characters", "/data/customer_id", R"("01HGW2N7R8AAAAAAAAAAAAAAA")"},
      {"a null first name", "/pii/first_name", "null"},
      {"an empty first name", "/pii/first_name", R"("")"},
      {"an unknown type", "/data/type", R"("farm")"},
      {"an unknown status", "/data/status", R"("gone")"},
      {"an unknown stage", "/data/lifecycle_stage", R"("vip")"},
      {"a string opt-in", "/data/marketing_opt_in", R"("yes")"},
      {"a badly written birth date", "/pii/date_of_birth", R"("10/12/1815")"},
      {"an upper-case acquisition source", "/data/acquisition/source", R"("Market")"},
      {"an unknown weekday", "/data/preferences/delivery_days/0", R"("funday")"},
      {"a window time of 24:00", "/data/preferences/delivery_window/from", R"("24:00")"},
      {"an unknown packaging", "/data/preferences/packaging/0", R"("glass")"},
      {"a lower-case tag id", "/data/tag_ids/0", R"("01hgw2n7r8aaaaaaaaaaaaaaaa")"},
      {"a national phone", "/pii/phones/0/number", R"("020 7946 0958")"},
      {"a phone with a leading zero country code", "/pii/phones/0/number", R"("+0442079460958")"},
      {"an email with an upper-case domain", "/pii/emails/0/address", R"("ada@Example.com")"},
      {"an email without primary", "/pii/emails/0/primary", std::nullopt},
      {"an address without id", "/pii/addresses/0/id", std::nullopt},
      {"an address in a lower-case country", "/pii/addresses/0/country", R"("us")"},
      {"a latitude of 91", "/pii/addresses/0/latitude", "91"},
      {"a longitude as text", "/pii/addresses/0/longitude", R"("-122.4")"},
      {"a null region (omitted when none)", "/pii/addresses/0/region", "null"},
      {"data as an array", "/data", "[]"},
  };
  for (auto& m : mutations) {
    BOOST_TEST_CONTEXT(m.label) { check_invalid(schema, edited(base, m.pointer, m.raw)); }
  }
}

BOOST_AUTO_TEST_CASE(mutated_updated_events_fail_validation) {
  auto enc = codec::encode_event(sample_events()[3].event);
  BOOST_TEST_REQUIRE(enc.type == "customer.updated");
  BOOST_TEST(enc.schema_version == 2);
  const auto& schema = schema_file(event_schema_path(enc));
  auto base = data_and_pii(enc);
  check_valid(schema, base);
  const std::vector<mutation> mutations = {
      {"an extra top-level member", "/extra", "true"},
      {"a personal field in data", "/data/first_name", R"("Ada")"},
      {"no customer_id", "/data/customer_id", std::nullopt},
      {"no data", "/data", std::nullopt},
      {"an empty company (cleared is null)", "/pii/company", R"("")"},
      {"a numeric company", "/pii/company", "7"},
      {"a null status (it cannot be cleared)", "/data/status", "null"},
      {"a null email list (cleared is [])", "/pii/emails", "null"},
      {"an email that is a string", "/pii/emails/0", R"("ada@king.example.org")"},
      {"a phone without +", "/pii/phones/0/number", R"("14155550123")"},
      {"a phone of 16 digits", "/pii/phones/0/number", R"("+1234567890123456")"},
      {"null pii", "/pii", "null"},
  };
  for (auto& m : mutations) {
    BOOST_TEST_CONTEXT(m.label) { check_invalid(schema, edited(base, m.pointer, m.raw)); }
  }
}

BOOST_AUTO_TEST_CASE(mutated_address_and_tag_events_fail_validation) {
  struct target {
    std::size_t sample;
    std::vector<mutation> mutations;
  };
  const std::vector<target> targets = {
      {8, {{"the street in data", "/data/street", R"("1 Market St")"},
           {"no default flag", "/data/default", std::nullopt},
           {"no postal code", "/pii/postal_code", std::nullopt},
           {"an empty label", "/pii/label", R"("")"},
           {"instructions of 501 characters", "/pii/delivery_instructions", "\"" + std::string(501, 'x') + "\""}}},
      {10, {{"a default flag (changed by its own event)", "/data/default", "true"},
            {"no address id", "/data/address_id", std::nullopt}}},
      {11, {{"personal data", "/pii/street", R"("1 Market St")"}, {"a bad address id", "/data/address_id", R"("x")"}}},
      {13, {{"a bad tag id", "/data/tag_ids/0", R"("tag-1")"}, {"no tag ids", "/data/tag_ids", std::nullopt}}},
      {6, {{"an unknown channel", "/data/preferences/channels/0", R"("fax")"},
           {"a preference in pii", "/pii/language", R"("en")"},
           {"no language member", "/data/preferences/language", std::nullopt}}},
  };
  auto samples = sample_events();
  for (auto& t : targets) {
    auto enc = codec::encode_event(samples.at(t.sample).event);
    const auto& schema = schema_file(event_schema_path(enc));
    auto base = data_and_pii(enc);
    BOOST_TEST_CONTEXT(enc.type) {
      check_valid(schema, base);
      for (auto& m : t.mutations) {
        BOOST_TEST_CONTEXT(m.label) { check_invalid(schema, edited(base, m.pointer, m.raw)); }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(mutated_envelopes_fail_validation) {
  auto base = chronicle::schemas::encode_envelope(envelope_for(codec::encode_event(sample_events()[0].event), true));
  check_valid(envelope_schema(), base);
  std::vector<mutation> mutations = {
      {"an extra member", "/extra", "1"},
      {"a UUIDv4 id", "/id", R"("0190a1b2-c3d4-4e5f-8a6b-7c8d9e0f1a2b")"},
      {"an upper-case id", "/id", R"("018BCFE5-687B-7000-8000-000000000000")"},
      {"a type without a category", "/type", R"("registered")"},
      {"a string schema_version", "/schema_version", R"("1")"},
      {"schema_version 0", "/schema_version", "0"},
      {"a fractional schema_version", "/schema_version", "1.5"},
      {"stream_version 0", "/stream_version", "0"},
      {"a string stream_version", "/stream_version", R"("3")"},
      {"an upper-case tenant", "/tenant", R"("Acme")"},
      {"a stream without an id", "/stream", R"("customer-acme")"},
      {"occurred_at without microseconds", "/occurred_at", R"("2023-11-14T22:13:20Z")"},
      {"occurred_at with an offset", "/occurred_at", R"("2023-11-14T23:13:20.123456+01:00")"},
      {"an empty actor", "/actor", R"("")"},
      {"an empty command_id", "/command_id", R"("")"},
      {"an empty command_hash", "/command_hash", R"("")"},
      {"an empty correlation_id", "/correlation_id", R"("")"},
      {"a numeric causation_id", "/causation_id", "7"},
      {"null data", "/data", "null"},
      {"pii as a string", "/pii", R"("sealed")"},
  };
  for (auto name : {"/id", "/type", "/schema_version", "/tenant", "/stream", "/stream_version", "/occurred_at",
                    "/actor", "/command_id", "/data", "/pii"})
    mutations.push_back({"without " + std::string(name + 1), name, std::nullopt});
  for (auto& m : mutations) {
    BOOST_TEST_CONTEXT(m.label << " (" << m.pointer << ")") {
      check_invalid(envelope_schema(), edited(base, m.pointer, m.raw));
    }
  }
}

BOOST_AUTO_TEST_CASE(erasure_decided_by_the_domain_validates_against_its_schema) {
  auto state = customers::evolve(customers::customer{}, registered_event("Ada", "", "ada@example.com"), 1);
  auto erased = customers::decide(state, customers::erase_customer{customer_id});
  BOOST_TEST_REQUIRE(erased.ok());
  BOOST_TEST_REQUIRE(erased->size() == 1u);
  auto enc = codec::encode_event(erased->at(0));
  BOOST_TEST(enc.type == "subject.erased");
  check_valid(schema_file(event_schema_path(enc)), data_and_pii(enc));
  // Erasing again decides nothing: no second event to describe.
  auto again = customers::decide(customers::evolve(state, erased->at(0), 2), customers::erase_customer{customer_id});
  BOOST_TEST_REQUIRE(again.ok());
  BOOST_TEST(again->empty());
}

BOOST_AUTO_TEST_CASE(mutated_erased_events_fail_validation) {
  auto enc = codec::encode_event(sample_events().back().event);
  BOOST_TEST_REQUIRE(enc.type == "subject.erased");
  const auto& schema = schema_file(event_schema_path(enc));
  auto base = data_and_pii(enc);
  check_valid(schema, base);
  const std::vector<mutation> mutations = {
      {"an extra top-level member", "/extra", "1"},
      {"no subject", "/data/subject", std::nullopt},
      {"no customer_id", "/data/customer_id", std::nullopt},
      {"a personal field in data", "/data/name", R"("Ada")"},
      {"personal data left in pii", "/pii/name", R"("Ada")"},
      {"an erased marker in pii", "/pii/erased", "true"},
      {"a lower-case subject", "/data/subject", R"("01hgw2n7r8aaaaaaaaaaaaaaaa")"},
      {"a numeric customer_id", "/data/customer_id", "42"},
      {"no pii", "/pii", std::nullopt},
  };
  for (auto& m : mutations) {
    BOOST_TEST_CONTEXT(m.label) { check_invalid(schema, edited(base, m.pointer, m.raw)); }
  }
}

BOOST_AUTO_TEST_CASE(every_encoded_access_event_validates_against_its_event_schema) {
  for (auto& s : access_events()) {
    BOOST_TEST_CONTEXT(s.label) {
      auto enc = access_codec::encode_event(s.event);
      check_valid(schema_file(event_schema_path(enc)), data_and_pii(enc));
      for (bool optional_fields : {false, true})
        check_valid(envelope_schema(), chronicle::schemas::encode_envelope(envelope_for(enc, optional_fields)));
    }
  }
}

BOOST_AUTO_TEST_CASE(access_events_decided_by_the_domain_validate_against_their_schemas) {
  std::vector<access::event> events;
  for (auto& name : {std::string(), std::string("Acme Farm")}) {
    auto t = access::decide(access::tenant{}, access::create_tenant{"acme_farm", name});
    BOOST_TEST_REQUIRE(t.ok());
    events.insert(events.end(), t->begin(), t->end());
  }
  access::issue_api_key portal{key_id, "acme_farm", customer_id, secret_hash, "", access::role::portal};
  access::issue_api_key staff{key_id, "acme_farm", "", secret_hash, "ops", access::role::staff};
  for (auto* cmd : {&portal, &staff}) {
    auto issued = access::decide(access::api_key{}, *cmd);
    BOOST_TEST_REQUIRE(issued.ok());
    BOOST_TEST_REQUIRE(issued->size() == 1u);
    auto key = access::evolve(access::api_key{}, issued->at(0), 1);
    auto revoked = access::decide(key, access::revoke_api_key{key_id});
    BOOST_TEST_REQUIRE(revoked.ok());
    events.insert(events.end(), issued->begin(), issued->end());
    events.insert(events.end(), revoked->begin(), revoked->end());
  }
  BOOST_TEST(events.size() == 6u);
  for (auto& e : events) {
    auto enc = access_codec::encode_event(e);
    BOOST_TEST_CONTEXT(enc.type << " " << enc.data) {
      check_valid(schema_file(event_schema_path(enc)), data_and_pii(enc));
    }
  }
}

BOOST_AUTO_TEST_CASE(encoded_access_events_round_trip_through_the_envelope) {
  for (auto& s : access_events()) {
    BOOST_TEST_CONTEXT(s.label) {
      auto enc = access_codec::encode_event(s.event);
      auto decoded = chronicle::schemas::decode_envelope(chronicle::schemas::encode_envelope(envelope_for(enc, false)));
      BOOST_TEST_REQUIRE(decoded.ok());
      auto event = access_codec::decode_event(*decoded);
      BOOST_TEST_REQUIRE(event.ok());
      auto again = access_codec::encode_event(*event);
      BOOST_TEST(again.type == enc.type);
      BOOST_TEST(again.data == enc.data);
      BOOST_TEST(again.pii == enc.pii);
    }
  }
}

BOOST_AUTO_TEST_CASE(mutated_issued_key_events_fail_validation) {
  auto portal = access_codec::encode_event(access_events()[6].event);
  auto staff = access_codec::encode_event(access_events()[2].event);
  BOOST_TEST_REQUIRE(portal.type == "api_key.issued");
  BOOST_TEST_REQUIRE(staff.type == "api_key.issued");
  const auto& schema = schema_file(event_schema_path(portal));
  for (auto* enc : {&portal, &staff}) {
    auto base = data_and_pii(*enc);
    check_valid(schema, base);
    const std::vector<mutation> mutations = {
        {"an extra top-level member", "/extra", "1"},
        {"the secret itself in data", "/data/secret", R"("0123456789abcdef")"},
        {"a personal field in pii", "/pii/name", R"("Ada")"},
        {"no key_id", "/data/key_id", std::nullopt},
        {"no tenant_id", "/data/tenant_id", std::nullopt},
        {"no role", "/data/role", std::nullopt},
        {"no secret_hash", "/data/secret_hash", std::nullopt},
        {"an unknown role", "/data/role", R"("root")"},
        {"an upper-case role", "/data/role", R"("Admin")"},
        {"a lower-case key_id", "/data/key_id", R"("01hgw2n7r8aaaaaaaaaaaaaaaa")"},
        {"an upper-case tenant_id", "/data/tenant_id", R"("Acme")"},
        {"a 16-digit secret_hash (the test vault's)", "/data/secret_hash", R"("0123456789abcdef")"},
        {"an upper-case secret_hash", "/data/secret_hash", "\"" + std::string(64, 'A') + "\""},
        {"an empty label (absent when none)", "/data/label", R"("")"},
        {"a label of 201 characters", "/data/label", "\"" + std::string(201, 'l') + "\""},
        {"a null customer_id", "/data/customer_id", "null"},
        {"no pii", "/pii", std::nullopt},
    };
    for (auto& m : mutations) {
      BOOST_TEST_CONTEXT(enc->data << ": " << m.label) { check_invalid(schema, edited(base, m.pointer, m.raw)); }
    }
  }
  // Only a portal key is bound to a customer, and a portal key always is.
  check_invalid(schema, edited(data_and_pii(portal), "/data/customer_id", std::nullopt));
  check_invalid(schema, edited(data_and_pii(portal), "/data/role", R"("staff")"));
  check_invalid(schema, edited(data_and_pii(staff), "/data/customer_id", "\"" + customer_id + "\""));
  check_invalid(schema, edited(data_and_pii(staff), "/data/role", R"("portal")"));
  check_valid(schema, edited(edited(data_and_pii(staff), "/data/role", R"("portal")"), "/data/customer_id",
                             "\"" + customer_id + "\""));
}

BOOST_AUTO_TEST_CASE(mutated_tenant_and_revoked_key_events_fail_validation) {
  auto tenant = access_codec::encode_event(access_events()[0].event);
  auto revoked = access_codec::encode_event(access_events().back().event);
  BOOST_TEST_REQUIRE(tenant.type == "tenant.created");
  BOOST_TEST_REQUIRE(revoked.type == "api_key.revoked");
  const std::vector<mutation> tenant_mutations = {
      {"an extra top-level member", "/extra", "1"},
      {"no tenant_id", "/data/tenant_id", std::nullopt},
      {"no name", "/data/name", std::nullopt},
      {"an empty name", "/data/name", R"("")"},
      {"an upper-case tenant_id", "/data/tenant_id", R"("Acme")"},
      {"a tenant_id of 33 characters", "/data/tenant_id", "\"" + std::string(33, 'a') + "\""},
      {"a tenant_id with a dash", "/data/tenant_id", R"("acme-farm")"},
      {"a contact person in pii", "/pii/contact", R"("Ada")"},
  };
  auto tenant_base = data_and_pii(tenant);
  check_valid(schema_file(event_schema_path(tenant)), tenant_base);
  for (auto& m : tenant_mutations) {
    BOOST_TEST_CONTEXT("tenant.created: " << m.label) {
      check_invalid(schema_file(event_schema_path(tenant)), edited(tenant_base, m.pointer, m.raw));
    }
  }
  const std::vector<mutation> revoked_mutations = {
      {"an extra top-level member", "/extra", "1"},
      {"no key_id", "/data/key_id", std::nullopt},
      {"a numeric key_id", "/data/key_id", "7"},
      {"a reason in data", "/data/reason", R"("lost")"},
      {"a non-empty pii", "/pii/name", R"("Ada")"},
  };
  auto revoked_base = data_and_pii(revoked);
  check_valid(schema_file(event_schema_path(revoked)), revoked_base);
  for (auto& m : revoked_mutations) {
    BOOST_TEST_CONTEXT("api_key.revoked: " << m.label) {
      check_invalid(schema_file(event_schema_path(revoked)), edited(revoked_base, m.pointer, m.raw));
    }
  }
}

BOOST_AUTO_TEST_CASE(personal_data_always_names_the_subject_whose_key_seals_it) {
  // The executor seals pii only for events with a subject and stores an empty
  // pii as is: a non-empty pii without a subject would reach the log in clear.
  std::vector<chronicle::schemas::encoded_event> all;
  for (auto& s : sample_events()) all.push_back(codec::encode_event(s.event));
  for (auto& s : access_events()) all.push_back(access_codec::encode_event(s.event));
  for (auto& enc : all) {
    BOOST_TEST_CONTEXT(enc.type << " " << enc.pii) {
      if (enc.pii != "{}") BOOST_TEST(enc.subject == customer_id);
      bool personal = enc.type == "customer.registered" || enc.type == "customer.updated" ||
                      enc.type == "customer.address_added" || enc.type == "customer.address_updated";
      if (!personal) BOOST_TEST(enc.pii == "{}");
    }
  }
}

BOOST_AUTO_TEST_CASE(the_sealed_form_of_every_personal_pii_validates_against_the_sealed_schema) {
  unsigned seed = 1;
  for (auto& s : sample_events()) {
    auto enc = codec::encode_event(s.event);
    if (enc.pii == "{}") continue;
    BOOST_TEST_CONTEXT(s.label) {
      auto sealed = sealed_like_the_vault(enc.subject, enc.pii, seed++);
      check_valid(sealed_schema(), sealed);
      // In the log: the envelope holds the sealed object in place of the plaintext.
      auto stored = enc;
      stored.pii = sealed;
      check_valid(envelope_schema(), chronicle::schemas::encode_envelope(envelope_for(stored, true)));
    }
  }
  // Every ciphertext length, so every base64 tail: 16-byte tag plus 0 to 5 bytes.
  for (std::size_t n = 0; n < 6; ++n) {
    BOOST_TEST_CONTEXT("plaintext of " << n << " bytes") {
      check_valid(sealed_schema(), sealed_like_the_vault(customer_id, std::string(n, 'x')));
    }
  }
  // Any printable ASCII subject of 1 to 128 characters is allowed by the vault.
  check_valid(sealed_schema(), sealed_like_the_vault("a", "{}"));
  check_valid(sealed_schema(), sealed_like_the_vault(std::string(128, '~'), "{}"));
  check_valid(sealed_schema(), sealed_like_the_vault("o'brien \"quoted\" \\ subject", "{}"));
}

BOOST_AUTO_TEST_CASE(mutated_sealed_pii_fails_validation) {
  auto base = sealed_like_the_vault(customer_id, R"({"name":"Ada"})");
  check_valid(sealed_schema(), base);
  std::vector<mutation> mutations = {
      {"an extra member", "/extra", "1"},
      {"plaintext next to the ciphertext", "/name", R"("Ada")"},
      {"another algorithm", "/sealed", R"("aes256gcm")"},
      {"the test vault's marker", "/sealed", R"("memory")"},
      {"format version 2", "/v", "2"},
      {"a string version", "/v", R"("1")"},
      {"an empty subject", "/subject", R"("")"},
      {"a subject of 129 characters", "/subject", "\"" + std::string(129, 's') + "\""},
      {"a non-ASCII subject", "/subject", R"("Zoë")"},
      {"a subject with a control character", "/subject", R"("a\tb")"},
      {"a nonce of 23 bytes", "/nonce", "\"" + base64url(pseudo_random_bytes(23, 3)) + "\""},
      {"a nonce of 25 bytes", "/nonce", "\"" + base64url(pseudo_random_bytes(25, 3)) + "\""},
      {"a padded standard-base64 nonce", "/nonce", R"("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+/")"},
      {"a ciphertext shorter than the tag", "/ct", "\"" + base64url(pseudo_random_bytes(15, 4)) + "\""},
      {"a ciphertext with padding", "/ct", "\"" + base64url(pseudo_random_bytes(17, 4)) + "==\""},
      {"a ciphertext of impossible length 4n+1", "/ct", "\"" + base64url(pseudo_random_bytes(18, 4)) + "A\""},
      {"a ciphertext in standard base64", "/ct", R"("++++////++++////++++////")"},
      {"a numeric ciphertext", "/ct", "12345678901234567890123"},
      {"the erased marker", "/erased", "true"},
  };
  for (auto name : {"/sealed", "/v", "/subject", "/nonce", "/ct"})
    mutations.push_back({"without " + std::string(name + 1), name, std::nullopt});
  for (auto& m : mutations) {
    BOOST_TEST_CONTEXT(m.label) { check_invalid(sealed_schema(), edited(base, m.pointer, m.raw)); }
  }
  // What a reader gets once the key is gone is not a stored form.
  check_invalid(sealed_schema(), chronicle::erased_pii);
  check_invalid(sealed_schema(), "{}");
}

BOOST_AUTO_TEST_CASE(audit_records_validate_against_their_event_schema_and_the_envelope) {
  namespace audit_codec = chronicle::schemas::audit_codec;
  std::array<std::uint8_t, 10> rnd{};
  auto entry_id = chronicle::make_uuid_v7(1'700'000'000'000, rnd);
  std::int64_t at = 1'700'000'000'000'000;
  for (auto& r : {audit_codec::recorded{entry_id, at, customer_id, key_id, "portal", "read", "customers.get"},
                  audit_codec::recorded{entry_id, at, customer_id, "cli", "", "list", "customers.list"}}) {
    chronicle::schemas::encoded_event enc{std::string(audit_codec::recorded_type), 1,
                                          audit_codec::encode_recorded({r, r}), "{}", ""};
    BOOST_TEST_CONTEXT(enc.data) {
      check_valid(schema_file(event_schema_path(enc)), data_and_pii(enc));
      // As commands/audit.cpp appends it: its own stream, outside any aggregate.
      auto e = envelope_for(enc, false);
      e.stream = chronicle::stream_name("audit", e.tenant, "p3");
      e.stream_version = 0;
      check_valid(envelope_schema(), chronicle::schemas::encode_envelope(e));
      auto personal = edited(data_and_pii(enc), "/pii/first_name", R"("Ada")");
      check_invalid(schema_file(event_schema_path(enc)), personal);
    }
  }
}

BOOST_AUTO_TEST_CASE(every_ref_in_the_event_and_command_schemas_resolves) {
  for (auto path : {"schemas/events/envelope.v1.json", "schemas/events/customer.registered.v1.json",
                    "schemas/events/customer.updated.v1.json", "schemas/events/customer.registered.v2.json",
                    "schemas/events/customer.updated.v2.json", "schemas/events/customer.preferences_updated.v1.json",
                    "schemas/events/customer.address_added.v1.json", "schemas/events/customer.address_updated.v1.json",
                    "schemas/events/customer.address_removed.v1.json",
                    "schemas/events/customer.default_address_changed.v1.json", "schemas/events/customer.tagged.v1.json",
                    "schemas/events/customer.untagged.v1.json", "schemas/events/customer.deactivated.v1.json",
                    "schemas/events/customer.reactivated.v1.json", "schemas/events/subject.erased.v1.json",
                    "schemas/events/tenant.created.v1.json", "schemas/events/tenant.created.v2.json",
                    "schemas/events/api_key.issued.v1.json", "schemas/events/api_key.revoked.v1.json",
                    "schemas/events/sealed_pii.v1.json", "schemas/events/audit.recorded.v1.json",
                    "schemas/commands/customers.register.v2.json", "schemas/commands/customers.update.v2.json",
                    "schemas/commands/customers.addresses.add.v1.json",
                    "schemas/commands/customers.addresses.update.v1.json", "schemas/commands/customers.tags.add.v1.json"}) {
    for (auto& ref : schema_file(path).refs()) {
      BOOST_TEST_CONTEXT(path) { BOOST_TEST(schema_file(path).resolves(ref), ref); }
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

namespace {

// Where the server stops a request body: the codec's parser checks the JSON
// shape, the domain's decide checks the values.
enum class intake { accepted, parser_rejects, domain_rejects };

std::ostream& operator<<(std::ostream& os, intake i) {
  switch (i) {
    case intake::accepted: return os << "accepted";
    case intake::parser_rejects: return os << "parser_rejects";
    case intake::domain_rejects: return os << "domain_rejects";
  }
  return os;
}

const customers::rules intake_rules{"1", "2026-11-22"};

intake register_intake(std::string_view body) {
  auto cmd = codec::parse_register(body);
  if (!cmd) return intake::parser_rejects;
  cmd->id = customer_id;
  for (auto& a : cmd->addresses) a.id = address_id;
  return customers::decide(customers::customer{}, *cmd, intake_rules).ok() ? intake::accepted : intake::domain_rejects;
}

customers::customer existing_customer() {
  auto e = registered_event("Ada", "Engines", "ada@example.com", "+14155550123");
  e.addresses = {sample_address(true)};
  return customers::evolve(customers::customer{}, e, 1);
}

intake update_intake(std::string_view body) {
  auto cmd = codec::parse_update(body);
  if (!cmd) return intake::parser_rejects;
  cmd->id = customer_id;
  return customers::decide(existing_customer(), *cmd, intake_rules).ok() ? intake::accepted : intake::domain_rejects;
}

intake add_address_intake(std::string_view body) {
  auto a = codec::parse_address(body);
  if (!a) return intake::parser_rejects;
  a->id = address_id;
  auto r = customers::decide(customers::evolve(customers::customer{}, registered_event("Ada"), 1),
                             customers::add_address{customer_id, *a}, intake_rules);
  return r.ok() ? intake::accepted : intake::domain_rejects;
}

intake update_address_intake(std::string_view body) {
  auto p = codec::parse_address_patch(body);
  if (!p) return intake::parser_rejects;
  auto r = customers::decide(existing_customer(), customers::update_address{customer_id, address_id, *p}, intake_rules);
  return r.ok() ? intake::accepted : intake::domain_rejects;
}

intake tag_intake(std::string_view body) {
  auto ids = codec::parse_tag_ids(body);
  if (!ids) return intake::parser_rejects;
  auto r = customers::decide(existing_customer(), customers::tag_customer{customer_id, *ids}, intake_rules);
  return r.ok() ? intake::accepted : intake::domain_rejects;
}

struct body_case {
  std::string body;
  bool schema_valid;
  intake expected;
};

std::string repeated(std::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

std::string with_first_name(std::string_view name) { return R"({"first_name":")" + std::string(name) + "\"}"; }

const std::string address_body =
    R"({"label":"Home","street":"1 Market St","city":"San Francisco","postal_code":"94105","country":"US"})";

const std::vector<body_case>& register_cases() {
  using enum intake;
  static const std::vector<body_case> cases = {
      {R"({"first_name":"Ada"})", true, accepted},
      {R"({"company":"Green Fork Ltd"})", true, accepted},
      {R"({"first_name":"Ada","last_name":"Lovelace","company":"Engines","type":"restaurant","date_of_birth":"1815-12-10",)"
       R"("acquisition":{"date":"2026-03-01","source":"farmers_market"},"status":"active","lifecycle_stage":"customer",)"
       R"("marketing_opt_in":true,"emails":[{"address":"ada@example.com","label":"home","primary":true},{"address":"b@example.com"}],)"
       R"("phones":[{"number":"+44 20 7946 0958","label":null}],"addresses":[)" + address_body + R"(],)"
       R"("preferences":{"product_interests":["pea_shoots"],"delivery_days":["tue","fri"],"delivery_window":{"from":"07:00","to":"10:30"},)"
       R"("packaging":["compostable"],"preferred_contact":"sms","channels":["sms","email"],"language":"en-GB"},)"
       R"("tag_ids":["01HGW2N7R8AAAAAAAAAAAAAAAA"]})", true, accepted},
      {R"({"first_name":"Ada","company":null,"type":null,"date_of_birth":null,"acquisition":null})", true, accepted},
      {R"({"first_name":"  Ada  "})", true, accepted},
      {with_first_name(repeated("é", 200)), true, accepted},
      {R"({"first_name":"Ada","company":")" + repeated("c", 200) + "\"}", true, accepted},
      {R"({"first_name":"Ada","preferences":{"delivery_window":null,"preferred_contact":null,"language":null}})", true, accepted},
      // Valid JSON shapes whose values only the domain can judge.
      {R"({})", true, domain_rejects},
      {R"({"first_name":"   "})", true, domain_rejects},
      {R"({"first_name":""})", true, domain_rejects},
      {R"({"first_name":"Ada","emails":[{"address":"not-an-address"}]})", true, domain_rejects},
      {R"({"first_name":"Ada","emails":[{"address":"a@x.example","primary":true},{"address":"b@x.example","primary":true}]})", true, domain_rejects},
      {R"({"first_name":"Ada","phones":[{"number":"12"}]})", true, domain_rejects},
      {R"({"first_name":"Ada","date_of_birth":"2023-02-30"})", true, domain_rejects},
      {R"({"first_name":"Ada","date_of_birth":"2099-01-01"})", true, domain_rejects},
      {R"({"first_name":"Ada","preferences":{"preferred_contact":"phone","channels":["sms"]}})", true, domain_rejects},
      {R"({"first_name":"Ada","preferences":{"delivery_window":{"from":"10:00","to":"09:00"}}})", true, domain_rejects},
      {R"({"first_name":"Ada","addresses":[{"label":"Home","street":"1 Main","city":"X","postal_code":"1","country":"ZZ"}]})", true, domain_rejects},
      {R"({"first_name":"Ada","addresses":[{"label":"Home","street":"1 Main","city":"X","postal_code":"1","country":"US","latitude":1}]})", true, domain_rejects},
      // The schema says no; the server must too.
      {with_first_name(repeated("a", 201)), false, domain_rejects},
      {R"({"first_name":"Ada","company":")" + repeated("c", 201) + "\"}", false, domain_rejects},
      {R"({"first_name":"Ada","emails":[{"address":")" + repeated("a", 64) + "@" + repeated("b", 186) + ".com\"}]}", false, domain_rejects},
      {R"({"first_name":"Ada","type":"farm"})", false, domain_rejects},
      {R"({"first_name":"Ada","status":"gone"})", false, domain_rejects},
      {R"({"first_name":"Ada","date_of_birth":"10/12/1815"})", false, domain_rejects},
      {R"({"first_name":"Ada","acquisition":{"date":"2026-03-01","source":"Farmers Market"}})", false, domain_rejects},
      {R"({"first_name":"Ada","preferences":{"delivery_days":["funday"]}})", false, domain_rejects},
      {R"({"first_name":"Ada","preferences":{"language":"english"}})", false, domain_rejects},
      {R"({"first_name":"Ada","tag_ids":["tag-1"]})", false, domain_rejects},
      {R"({"first_name":"Ada","addresses":[{"label":"Home","street":"1 Main","city":"X","postal_code":"1","country":"US","latitude":91,"longitude":0}]})", false, domain_rejects},
      {R"({"name":"Ada"})", false, parser_rejects},
      {R"({"first_name":42})", false, parser_rejects},
      {R"({"first_name":true})", false, parser_rejects},
      {R"({"first_name":["Ada"]})", false, parser_rejects},
      {R"({"First_name":"Ada"})", false, parser_rejects},
      {R"({"first_name":"Ada","status":null})", false, parser_rejects},
      {R"({"first_name":"Ada","marketing_opt_in":"yes"})", false, parser_rejects},
      {R"({"first_name":"Ada","id":"01HGW2N7R8AAAAAAAAAAAAAAAA"})", false, parser_rejects},
      {R"({"first_name":"Ada","company":7})", false, parser_rejects},
      {R"({"first_name":"Ada","email":"ada@example.com"})", false, parser_rejects},
      {R"({"first_name":"Ada","emails":["ada@example.com"]})", false, parser_rejects},
      {R"({"first_name":"Ada","emails":[{"address":"a@x.example","kind":"work"}]})", false, parser_rejects},
      {R"({"first_name":"Ada","phones":[{"label":"kitchen"}]})", false, parser_rejects},
      {R"({"first_name":"Ada","addresses":[{"label":"Home"}]})", false, parser_rejects},
      {R"({"first_name":"Ada","addresses":[{"label":"Home","street":"1 Main","city":"X","postal_code":"1","country":"US","latitude":"1"}]})", false, parser_rejects},
      {R"({"first_name":"Ada","acquisition":{"date":"2026-03-01"}})", false, parser_rejects},
      {R"({"first_name":"Ada","acquisition":{"date":"","source":""}})", false, parser_rejects},
      {R"({"first_name":"Ada","preferences":{"delivery_window":{"from":"","to":""}}})", false, parser_rejects},
      {R"({"first_name":"Ada","preferences":{"delivery_days":"tue"}})", false, parser_rejects},
      {R"({"first_name":"Ada","preferences":{"colour":"green"}})", false, parser_rejects},
      {R"({"first_name":"Ada","preferences":null})", false, parser_rejects},
      {R"({"first_name":"Ada","tag_ids":[7]})", false, parser_rejects},
      {R"([])", false, parser_rejects},
      {R"("Ada")", false, parser_rejects},
      {R"(null)", false, parser_rejects},
  };
  return cases;
}

const std::vector<body_case>& update_cases() {
  using enum intake;
  static const std::vector<body_case> cases = {
      {R"({})", true, accepted},
      {R"({"first_name":"Ada King"})", true, accepted},
      {R"({"company":null,"emails":null,"phones":null,"type":null,"date_of_birth":null,"acquisition":null})", true, accepted},
      {R"({"company":"","emails":[],"phones":[]})", true, accepted},
      {R"({"emails":[{"address":"ADA@EXAMPLE.COM"}],"phones":[{"number":"+1 (415) 555-0199","primary":true}]})", true, accepted},
      {R"({"status":"churned","lifecycle_stage":"at_risk","marketing_opt_in":false})", true, accepted},
      {R"({"preferences":{"delivery_days":["mon"],"delivery_window":null,"channels":["phone"],"preferred_contact":"phone"}})", true, accepted},
      {R"({"first_name":"Ada","company":")" + repeated("c", 200) + "\"}", true, accepted},
      {R"({"phones":[{"number":"12"}]})", true, domain_rejects},
      {R"({"first_name":"  ","company":null})", true, domain_rejects},
      {R"({"preferences":{"preferred_contact":"phone"}})", true, domain_rejects},
      {R"({"first_name":"","company":""})", true, domain_rejects},
      {with_first_name(repeated("a", 201)), false, domain_rejects},
      {R"({"company":")" + repeated("c", 201) + "\"}", false, domain_rejects},
      {R"({"lifecycle_stage":"vip"})", false, domain_rejects},
      {R"({"name":"Ada"})", false, parser_rejects},
      {R"({"first_name":1})", false, parser_rejects},
      {R"({"status":null})", false, parser_rejects},
      {R"({"marketing_opt_in":null})", false, parser_rejects},
      {R"({"addresses":[]})", false, parser_rejects},
      {R"({"tag_ids":[]})", false, parser_rejects},
      {R"({"id":"01HGW2N7R8AAAAAAAAAAAAAAAA"})", false, parser_rejects},
      {R"({"version":3})", false, parser_rejects},
      {R"({"company":false})", false, parser_rejects},
      {R"({"emails":{}})", false, parser_rejects},
      {R"({"phones":"+14155550123"})", false, parser_rejects},
      {R"({"preferences":{"channels":null}})", false, parser_rejects},
      {R"([{"op":"replace","path":"/first_name","value":"Ada"}])", false, parser_rejects},
  };
  return cases;
}

const std::vector<body_case>& add_address_cases() {
  using enum intake;
  static const std::vector<body_case> cases = {
      {address_body, true, accepted},
      {R"({"label":"Office","street":"2 Pine St","city":"Oakland","region":"CA","postal_code":"94607","country":"US",)"
       R"("latitude":37.8,"longitude":-122.27,"delivery_instructions":"Side gate","default":true})", true, accepted},
      {R"({"label":"Home","street":"1 Main","city":"X","region":null,"postal_code":"1","country":"GB","latitude":null,"longitude":null,"delivery_instructions":null})", true, accepted},
      {R"({"label":" ","street":"1 Main","city":"X","postal_code":"1","country":"US"})", true, domain_rejects},
      {R"({"label":"Home","street":"1 Main","city":"X","postal_code":"1","country":"ZZ"})", true, domain_rejects},
      {R"({"label":"Home","street":"1 Main","city":"X","postal_code":"1","country":"US","longitude":3})", true, domain_rejects},
      {R"({"label":"","street":"1 Main","city":"X","postal_code":"1","country":"US"})", false, domain_rejects},
      {R"({"label":"Home","street":"1 Main","city":"X","postal_code":"1","country":"us"})", false, domain_rejects},
      {R"({"label":")" + repeated("l", 61) + R"(","street":"1 Main","city":"X","postal_code":"1","country":"US"})", false, domain_rejects},
      {R"({"label":"Home","street":"1 Main","city":"X","postal_code":"1","country":"US","latitude":-91,"longitude":0})", false, domain_rejects},
      {R"({"label":"Home","street":"1 Main","city":"X","postal_code":"1","country":"US","delivery_instructions":")" + repeated("d", 501) + "\"}", false, domain_rejects},
      {R"({"label":"Home","street":"1 Main","city":"X","postal_code":"1"})", false, parser_rejects},
      {R"({"label":"Home","street":"1 Main","city":"X","postal_code":1,"country":"US"})", false, parser_rejects},
      {R"({"label":"Home","street":"1 Main","city":"X","postal_code":"1","country":"US","id":"01HGW2N7R8AAAAAAAAAAAAAAAA"})", false, parser_rejects},
      {R"({"label":"Home","street":"1 Main","city":"X","postal_code":"1","country":"US","default":null})", false, parser_rejects},
  };
  return cases;
}

const std::vector<body_case>& update_address_cases() {
  using enum intake;
  static const std::vector<body_case> cases = {
      {R"({})", true, accepted},
      {R"({"city":"Oakland","default":true})", true, accepted},
      {R"({"region":null,"latitude":null,"longitude":null,"delivery_instructions":null})", true, accepted},
      {R"({"latitude":1.5,"longitude":2})", true, accepted},
      {R"({"default":false})", true, domain_rejects},
      {R"({"country":"ZZ"})", true, domain_rejects},
      {R"({"street":""})", false, domain_rejects},
      {R"({"latitude":100,"longitude":0})", false, domain_rejects},
      {R"({"latitude":1})", true, accepted},
      {R"({"latitude":null})", true, domain_rejects},
      {R"({"label":null})", false, parser_rejects},
      {R"({"id":"x"})", false, parser_rejects},
  };
  return cases;
}

const std::vector<body_case>& tag_cases() {
  using enum intake;
  static const std::vector<body_case> cases = {
      {R"({"tag_ids":["01HGW2N7R8AAAAAAAAAAAAAAAA"]})", true, accepted},
      {R"({"tag_ids":[]})", true, accepted},
      {R"({"tag_ids":["01hgw2n7r8aaaaaaaaaaaaaaaa"]})", false, domain_rejects},
      {R"({})", false, parser_rejects},
      {R"({"tag_ids":"01HGW2N7R8AAAAAAAAAAAAAAAA"})", false, parser_rejects},
      {R"({"tag_ids":[1]})", false, parser_rejects},
      {R"({"tag_ids":[],"extra":1})", false, parser_rejects},
  };
  return cases;
}

// The route adds one check the table leaves out: a portal key's customer must
// exist (a lookup, not a shape); these bodies name one that does.
intake create_key_intake(std::string_view body) {
  auto b = access_codec::parse_create_key(body);
  if (!b) return intake::parser_rejects;
  access::issue_api_key cmd{key_id, "acme_farm", b->customer_id, secret_hash, b->label, b->role};
  return access::decide(access::api_key{}, cmd).ok() ? intake::accepted : intake::domain_rejects;
}

const std::vector<body_case>& create_key_cases() {
  using enum intake;
  static const std::vector<body_case> cases = {
      {R"({"role":"staff"})", true, accepted},
      {R"({"role":"admin","label":"ops laptop"})", true, accepted},
      {R"({"role":"analyst","label":null})", true, accepted},
      {R"({"role":"auditor","customer_id":null})", true, accepted},
      {R"({"role":"staff","customer_id":"","label":""})", true, accepted},
      {R"({"role":"portal","customer_id":")" + customer_id + "\"}", true, accepted},
      {R"({"role":"portal","customer_id":")" + customer_id + R"(","label":"Ada's portal"})", true, accepted},
      {R"({"role":"staff","label":")" + repeated("l", 200) + "\"}", true, accepted},
      {R"({"role":"staff","label":")" + repeated("é", 100) + "\"}", true, accepted},
      // The domain counts the label in bytes: 200 characters of two bytes each.
      {R"({"role":"staff","label":")" + repeated("é", 200) + "\"}", true, domain_rejects},
      // The schema says no; the server must too.
      {R"({})", false, parser_rejects},
      {R"({"label":"no role"})", false, parser_rejects},
      {R"({"role":"root"})", false, parser_rejects},
      {R"({"role":"Admin"})", false, parser_rejects},
      {R"({"role":""})", false, parser_rejects},
      {R"({"role":null})", false, parser_rejects},
      {R"({"role":1})", false, parser_rejects},
      {R"({"role":["admin"]})", false, parser_rejects},
      {R"({"role":"staff","scopes":["read"]})", false, parser_rejects},
      {R"({"role":"staff","tenant":"other"})", false, parser_rejects},
      {R"({"role":"staff","label":7})", false, parser_rejects},
      {R"({"role":"portal","customer_id":7})", false, parser_rejects},
      {R"({"role":"portal"})", false, domain_rejects},
      {R"({"role":"portal","customer_id":null})", false, domain_rejects},
      {R"({"role":"portal","customer_id":""})", false, domain_rejects},
      {R"({"role":"portal","customer_id":"01hgw2n7r8aaaaaaaaaaaaaaaa"})", false, domain_rejects},
      {R"({"role":"portal","customer_id":"ada"})", false, domain_rejects},
      {R"({"role":"staff","customer_id":")" + customer_id + "\"}", false, domain_rejects},
      {R"({"role":"admin","customer_id":")" + customer_id + "\"}", false, domain_rejects},
      {R"({"role":"staff","label":")" + repeated("l", 201) + "\"}", false, domain_rejects},
      {R"([])", false, parser_rejects},
      {R"("admin")", false, parser_rejects},
  };
  return cases;
}

void check_body_cases(const std::vector<body_case>& cases, intake (*server)(std::string_view),
                      const mini_schema& schema, std::string_view ref) {
  for (auto& c : cases) {
    BOOST_TEST_CONTEXT(c.body.substr(0, 80) << " against " << ref) {
      auto errors = schema.validate(c.body, ref);
      BOOST_TEST(errors.empty() == c.schema_valid, joined(errors));
      auto got = server(c.body);
      BOOST_TEST(got == c.expected);
      // The guarantees the table exists for: the parser never refuses the
      // shape the schema documents, and nothing the schema forbids gets in.
      if (c.schema_valid) BOOST_TEST(got != intake::parser_rejects);
      if (!c.schema_valid) BOOST_TEST(got != intake::accepted);
    }
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(command_schemas)

BOOST_AUTO_TEST_CASE(register_bodies_get_the_same_verdict_from_schema_and_server) {
  check_body_cases(register_cases(), register_intake, schema_file("schemas/commands/customers.register.v2.json"), "#");
}

BOOST_AUTO_TEST_CASE(update_bodies_get_the_same_verdict_from_schema_and_server) {
  check_body_cases(update_cases(), update_intake, schema_file("schemas/commands/customers.update.v2.json"), "#");
}

BOOST_AUTO_TEST_CASE(address_and_tag_bodies_get_the_same_verdict_from_schema_and_server) {
  check_body_cases(add_address_cases(), add_address_intake,
                   schema_file("schemas/commands/customers.addresses.add.v1.json"), "#");
  check_body_cases(update_address_cases(), update_address_intake,
                   schema_file("schemas/commands/customers.addresses.update.v1.json"), "#");
  check_body_cases(tag_cases(), tag_intake, schema_file("schemas/commands/customers.tags.add.v1.json"), "#");
  check_body_cases(add_address_cases(), add_address_intake, openapi(), "#/components/schemas/AddressInput");
  check_body_cases(update_address_cases(), update_address_intake, openapi(), "#/components/schemas/AddressPatch");
  check_body_cases(tag_cases(), tag_intake, openapi(), "#/components/schemas/TagIds");
}

BOOST_AUTO_TEST_CASE(openapi_request_bodies_mirror_the_command_schemas) {
  check_body_cases(register_cases(), register_intake, openapi(), "#/components/schemas/CustomerInput");
  check_body_cases(update_cases(), update_intake, openapi(), "#/components/schemas/CustomerPatch");
}

BOOST_AUTO_TEST_CASE(create_key_bodies_get_the_same_verdict_from_schema_and_server) {
  check_body_cases(create_key_cases(), create_key_intake, openapi(), "#/components/schemas/CreateApiKey");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(openapi_document)

namespace {
const std::set<std::string_view> http_methods = {"get", "put", "post", "delete", "options", "head", "patch", "trace"};

// Calls f(path, method, operation) for every operation in the document.
template <class F>
void for_each_operation(F f) {
  simdjson::dom::object paths;
  BOOST_TEST_REQUIRE(!openapi().root()["paths"].get(paths));
  for (auto [path, item] : paths) {
    simdjson::dom::object ops;
    BOOST_TEST_REQUIRE(!item.get(ops));
    for (auto [method, op] : ops)
      if (http_methods.count(method)) f(path, method, op);
  }
}

// A response object, following its $ref when it has one.
simdjson::dom::element resolved(simdjson::dom::element e) {
  std::string_view ref;
  if (e["$ref"].get(ref)) return e;
  simdjson::dom::element target;
  BOOST_TEST_REQUIRE(!openapi().root().at_pointer(ref.substr(1)).get(target), ref);
  return target;
}
}  // namespace

BOOST_AUTO_TEST_CASE(is_a_json_object_declaring_openapi_3_1) {
  simdjson::dom::parser p;
  auto doc = chronicle::schemas::openapi_document();
  simdjson::dom::object root;
  BOOST_TEST_REQUIRE(!p.parse(doc.data(), doc.size(), true).get(root));
  std::string_view version;
  BOOST_TEST_REQUIRE(!root["openapi"].get(version));
  BOOST_TEST(version.rfind("3.1.", 0) == 0u, version);
  std::string_view title;
  BOOST_TEST(!root["info"]["title"].get(title));
  BOOST_TEST(!root["info"]["version"].get(title));
}

BOOST_AUTO_TEST_CASE(the_compiled_in_document_is_the_file_in_the_repository) {
  BOOST_TEST(chronicle::schemas::openapi_document() == read_file(source_path("schemas/openapi.json")));
}

BOOST_AUTO_TEST_CASE(every_ref_resolves) {
  auto refs = openapi().refs();
  BOOST_TEST(!refs.empty());
  for (auto& ref : refs) BOOST_TEST(openapi().resolves(ref), ref);
}

BOOST_AUTO_TEST_CASE(every_operation_has_a_unique_operation_id) {
  std::set<std::string> seen;
  int operations = 0;
  for_each_operation([&](std::string_view path, std::string_view method, simdjson::dom::element op) {
    ++operations;
    BOOST_TEST_CONTEXT(method << " " << path) {
      std::string_view id;
      BOOST_TEST_REQUIRE(!op["operationId"].get(id));
      BOOST_TEST(!id.empty());
      BOOST_TEST(seen.insert(std::string(id)).second, "duplicate operationId " << id);
    }
  });
  BOOST_TEST(operations > 0);
}

BOOST_AUTO_TEST_CASE(every_error_response_is_problem_json) {
  for_each_operation([&](std::string_view path, std::string_view method, simdjson::dom::element op) {
    simdjson::dom::object responses;
    BOOST_TEST_REQUIRE(!op["responses"].get(responses));
    for (auto [status, response] : responses) {
      if (status != "default" && status.front() != '4' && status.front() != '5') continue;
      BOOST_TEST_CONTEXT(method << " " << path << " " << status) {
        std::string_view schema_ref;
        BOOST_TEST(!resolved(response)["content"]["application/problem+json"]["schema"]["$ref"].get(schema_ref));
        BOOST_TEST(schema_ref == "#/components/schemas/Problem");
      }
    }
  });
}

namespace {

customers::customer sample_customer(std::string first, std::string company, std::string email, std::string phone) {
  auto c = customers::evolve(customers::customer{},
                             registered_event(std::move(first), std::move(company), std::move(email), std::move(phone)),
                             1'700'000'000'000'000);
  c.updated_at = 1'700'000'000'123'456;
  return c;
}

customers::customer full_customer() {
  auto c = sample_customer("Ada", "Engines", "ada@example.com", "+14155550123");
  c.last_name = "Lovelace";
  c.type = "restaurant";
  c.date_of_birth = "1815-12-10";
  c.acquired = customers::acquisition{"2026-03-01", "farmers_market"};
  c.status = "active";
  c.lifecycle_stage = "loyal";
  c.emails.push_back({"orders@engines.example", "orders", false});
  c.addresses = {sample_address(true), sample_address(false)};
  c.addresses[1].is_default = false;
  c.prefs = sample_preferences();
  c.tags = {tag_id};
  c.active = false;
  return c;
}

// Registered with these fields, then erased, as the projections fold it.
customers::customer erased_customer(std::string company, std::string email, std::string phone) {
  auto e = registered_event("Ada", company, email, phone);
  e.last_name = "Lovelace";
  e.addresses = {sample_address(true)};
  auto c = customers::evolve(customers::customer{}, e, 1'700'000'000'000'000);
  return customers::evolve(c, customers::subject_erased{customer_id}, 1'700'000'000'123'456);
}

}  // namespace

BOOST_AUTO_TEST_CASE(rendered_customers_match_the_customer_component) {
  auto full = full_customer();
  auto bare = sample_customer("Ada", "", "", "");
  bare.updated_at = bare.created_at;
  const std::string ref = "#/components/schemas/Customer";
  check_valid(openapi(), codec::render(full, 1), ref);
  check_valid(openapi(), codec::render(bare, 12), ref);
  check_valid(openapi(), codec::render(sample_customer("", "Green Fork Ltd", "", ""), 2), ref);
  auto base = codec::render(full, 3);
  BOOST_TEST(base.find(R"("erased":false)") != std::string::npos, base);
  BOOST_TEST(base.find(R"("display_name":"Ada Lovelace")") != std::string::npos, base);
  BOOST_TEST(base.find(R"("email":"ada@example.com")") != std::string::npos, base);
  BOOST_TEST(base.find(R"("latitude":37.7941)") != std::string::npos, base);
  check_invalid(openapi(), edited(base, "/version", "0"), ref);
  check_invalid(openapi(), edited(base, "/updated_at", std::nullopt), ref);
  check_invalid(openapi(), edited(base, "/company", std::nullopt), ref);
  check_invalid(openapi(), edited(base, "/tenant", R"("acme")"), ref);
  check_invalid(openapi(), edited(base, "/name", R"("Ada")"), ref);
  check_invalid(openapi(), edited(base, "/created_at", "1700000000"), ref);
  check_invalid(openapi(), edited(base, "/erased", std::nullopt), ref);
  check_invalid(openapi(), edited(base, "/erased", R"("false")"), ref);
  check_invalid(openapi(), edited(base, "/erased", "0"), ref);
  check_invalid(openapi(), edited(base, "/active", std::nullopt), ref);
  check_invalid(openapi(), edited(base, "/phone", R"("[erased]")"), ref);
  check_invalid(openapi(), edited(base, "/phone", R"("+1 415 555 0123")"), ref);
  check_invalid(openapi(), edited(base, "/status", R"("gone")"), ref);
  check_invalid(openapi(), edited(base, "/tags/0", R"("tag")"), ref);
  check_invalid(openapi(), edited(base, "/addresses/0/latitude", "120"), ref);
  check_invalid(openapi(), edited(base, "/addresses/0/region", std::nullopt), ref);
  check_invalid(openapi(), edited(base, "/emails/0/label", std::nullopt), ref);
  check_invalid(openapi(), edited(base, "/preferences/delivery_days/0", R"("funday")"), ref);
  check_invalid(openapi(), edited(base, "/preferences/language", std::nullopt), ref);
}

BOOST_AUTO_TEST_CASE(rendered_addresses_match_the_address_components) {
  auto c = full_customer();
  check_valid(openapi(), codec::render_address(c.addresses[0]), "#/components/schemas/Address");
  check_valid(openapi(), codec::render_address(c.addresses[1], 7), "#/components/schemas/Address");
  check_valid(openapi(), codec::render_addresses(c), "#/components/schemas/AddressList");
  check_valid(openapi(), codec::render_addresses(sample_customer("Ada", "", "", "")), "#/components/schemas/AddressList");
  auto base = codec::render_address(c.addresses[1]);
  BOOST_TEST(base.find(R"("region":null)") != std::string::npos, base);
  check_invalid(openapi(), edited(base, "/default", std::nullopt), "#/components/schemas/Address");
  check_invalid(openapi(), edited(base, "/country", R"("usa")"), "#/components/schemas/Address");
}

BOOST_AUTO_TEST_CASE(erased_customers_match_the_customer_component) {
  const std::string ref = "#/components/schemas/Customer";
  for (auto& c : {erased_customer("Engines", "ada@example.com", "+14155550123"), erased_customer("", "", "")}) {
    auto body = codec::render(c, 2);
    BOOST_TEST_CONTEXT(body) {
      check_valid(openapi(), body, ref);
      BOOST_TEST(body.find(R"("erased":true)") != std::string::npos);
      BOOST_TEST(body.find("Ada") == std::string::npos);
      BOOST_TEST(body.find("Lovelace") == std::string::npos);
      BOOST_TEST(body.find("Market St") == std::string::npos);
      BOOST_TEST(body.find("example.com") == std::string::npos);
      BOOST_TEST(body.find("4155550123") == std::string::npos);
      BOOST_TEST(body.find(R"("addresses":[])") != std::string::npos);
      BOOST_TEST(body.find(R"("emails":[])") != std::string::npos);
    }
  }
  // The company is treated as personal data too: it is erased with the rest.
  auto base = codec::render(erased_customer("Engines", "ada@example.com", "+14155550123"), 2);
  BOOST_TEST(base.find("Engines") == std::string::npos, base);
  BOOST_TEST(base.find(R"("display_name":"[erased]")") != std::string::npos, base);
  const std::vector<std::pair<std::string_view, std::string>> leaks = {
      {"/first_name", R"("Ada")"}, {"/email", R"("ada@example.com")"}, {"/phone", R"("+14155550123")"},
      {"/email", "null"},          {"/phone", "null"},                 {"/first_name", R"("anon_0123456789abcdef")"},
      {"/display_name", R"("Ada Lovelace")"}, {"/date_of_birth", R"("1815-12-10")"},
  };
  for (auto& [pointer, raw] : leaks) {
    BOOST_TEST_CONTEXT(pointer << " = " << raw) { check_invalid(openapi(), edited(base, pointer, raw), ref); }
  }
  check_invalid(openapi(), edited(base, "/version", "0"), ref);
  check_invalid(openapi(), edited(base, "/erased", std::nullopt), ref);
}

BOOST_AUTO_TEST_CASE(pseudonymised_customers_for_analysts_match_the_customer_component) {
  const std::string ref = "#/components/schemas/Customer";
  // What the customer routes give an analyst key: "anon_" and 16 hex digits
  // of the tenant's blind index in place of each personal value.
  auto c = sample_customer("anon_0123456789abcdef", "anon_1123456789abcdef", "anon_fedcba9876543210", "anon_00ff00ff00ff00ff");
  c.date_of_birth = "anon_2123456789abcdef";
  auto a = sample_address(false);
  a.label = a.street = a.city = a.postal_code = a.country = "anon_3123456789abcdef";
  c.addresses = {a};
  check_valid(openapi(), codec::render(c, 4), ref);
  check_valid(openapi(), codec::render(sample_customer("anon_0123456789abcdef", "", "", ""), 4), ref);
  check_invalid(openapi(), codec::render(sample_customer("Ada", "", "", "anon_00FF00FF00FF00FF"), 4), ref);
  check_invalid(openapi(), codec::render(sample_customer("Ada", "", "", "anon_00ff"), 4), ref);
}

BOOST_AUTO_TEST_CASE(customer_pages_match_the_customer_page_component) {
  std::string page = "{\"items\":[" + codec::render(sample_customer("Ada", "", "", ""), 1) + "," +
                     codec::render(erased_customer("Engines", "", ""), 2) + "],\"next_cursor\":null}";
  check_valid(openapi(), page, "#/components/schemas/CustomerPage");
  check_valid(openapi(), R"({"items":[],"next_cursor":"abc"})", "#/components/schemas/CustomerPage");
  check_invalid(openapi(), R"({"items":[{}],"next_cursor":null})", "#/components/schemas/CustomerPage");
}

namespace {
const std::string full_key = "chr_" + key_id + "_" + std::string(64, 'e');

access::api_key issued_key(access::role role, std::string customer, std::string label) {
  return access::evolve(access::api_key{},
                        access::api_key_issued{key_id, "acme_farm", std::move(customer), secret_hash, std::move(label), role},
                        1'700'000'000'000'000);
}
}  // namespace

BOOST_AUTO_TEST_CASE(rendered_api_keys_match_the_api_key_component) {
  const std::string ref = "#/components/schemas/ApiKey";
  using access::role;
  std::vector<access::api_key> keys;
  for (auto r : {role::admin, role::staff, role::analyst, role::auditor}) keys.push_back(issued_key(r, "", "ops"));
  keys.push_back(issued_key(role::staff, "", ""));
  keys.push_back(issued_key(role::portal, customer_id, "Ada's portal"));
  auto revoked = access::evolve(keys.back(), access::api_key_revoked{key_id}, 1'700'000'000'500'000);
  BOOST_TEST_REQUIRE(revoked.revoked);
  keys.push_back(revoked);
  for (auto& k : keys) {
    for (bool created : {false, true}) {
      auto body = access_codec::render_key(k, created ? std::string_view(full_key) : std::string_view{});
      BOOST_TEST_CONTEXT(body) {
        check_valid(openapi(), body, ref);
        // The whole key only in the create answer; the hash of its secret never.
        BOOST_TEST((body.find("\"key\":") != std::string::npos) == created);
        BOOST_TEST(body.find(secret_hash) == std::string::npos);
        BOOST_TEST(body.find("tenant") == std::string::npos);
      }
    }
  }
  auto staff = access_codec::render_key(keys[1], full_key);
  auto portal = access_codec::render_key(keys[5]);
  const std::vector<std::tuple<std::string, std::string_view, std::optional<std::string>>> mutations = {
      {staff, "/secret_hash", "\"" + secret_hash + "\""},
      {staff, "/tenant", R"("acme_farm")"},
      {staff, "/key", R"("0123456789abcdef")"},
      {staff, "/key", "\"chr_" + key_id + "_" + std::string(64, 'E') + "\""},
      {staff, "/key", "\"chr_" + key_id + "_" + std::string(63, 'e') + "\""},
      {staff, "/role", R"("root")"},
      {staff, "/customer_id", "\"" + customer_id + "\""},
      {staff, "/revoked", std::nullopt},
      {staff, "/revoked", R"("no")"},
      {staff, "/label", std::nullopt},
      {staff, "/label", "null"},
      {staff, "/created_at", "1700000000"},
      {staff, "/id", R"("01hgw2n7r8aaaaaaaaaaaaaaaa")"},
      {portal, "/customer_id", "null"},
      {portal, "/customer_id", std::nullopt},
      {portal, "/customer_id", R"("ada")"},
  };
  for (auto& [base, pointer, raw] : mutations) {
    BOOST_TEST_CONTEXT(base << ": " << pointer << " = " << raw.value_or("(removed)")) {
      check_invalid(openapi(), edited(base, pointer, raw), ref);
    }
  }
}

BOOST_AUTO_TEST_CASE(api_key_pages_match_the_api_key_page_component) {
  std::string page = "{\"items\":[" + access_codec::render_key(issued_key(access::role::staff, "", "")) + "," +
                     access_codec::render_key(issued_key(access::role::portal, customer_id, "p")) +
                     "],\"next_cursor\":\"" + key_id + "\"}";
  check_valid(openapi(), page, "#/components/schemas/ApiKeyPage");
  check_valid(openapi(), R"({"items":[],"next_cursor":null})", "#/components/schemas/ApiKeyPage");
  check_invalid(openapi(), R"({"items":[]})", "#/components/schemas/ApiKeyPage");
}

namespace {

// Just enough of a read-model store for a projection to write into.
class map_kv final : public chronicle::projections::kv_store {
 public:
  chronicle::result<std::optional<std::string>> get(std::string_view key) override {
    auto it = rows_.find(std::string(key));
    if (it == rows_.end()) return std::optional<std::string>{};
    return std::optional<std::string>{it->second};
  }
  chronicle::status write(const std::vector<chronicle::projections::kv_write>& batch) override {
    for (auto& w : batch) {
      if (w.value) rows_[w.key] = *w.value;
      else rows_.erase(w.key);
    }
    return {};
  }
  chronicle::result<chronicle::projections::kv_pairs> scan(std::string_view prefix, std::string_view after,
                                                          std::size_t limit, bool reverse) override {
    chronicle::projections::kv_pairs out;
    auto take = [&](auto& row) {
      if (row.first.compare(0, prefix.size(), prefix) != 0 || out.size() == limit) return;
      if (!after.empty() && (reverse ? row.first >= after : row.first <= after)) return;
      out.push_back(row);
    };
    if (reverse)
      for (auto it = rows_.rbegin(); it != rows_.rend(); ++it) take(*it);
    else
      for (auto& row : rows_) take(row);
    return out;
  }
  chronicle::status compact() override { return {}; }

 private:
  std::map<std::string, std::string> rows_;
};

chronicle::event_envelope audit_envelope(std::string type, std::string data, std::int64_t at, std::uint8_t n) {
  chronicle::event_envelope e;
  e.id = chronicle::make_uuid_v7(static_cast<std::uint64_t>(at / 1000), {n, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  e.type = std::move(type);
  e.schema_version = 1;
  e.tenant = "acme_farm";
  e.stream = chronicle::stream_name(customers::category, e.tenant, customer_id);
  e.stream_version = n;
  e.occurred_at = at;
  e.actor = key_id;
  e.command_id = e.id;
  e.data = std::move(data);
  e.pii = "{}";
  return e;
}

}  // namespace

BOOST_AUTO_TEST_CASE(audit_entries_rendered_by_the_audit_projection_match_the_audit_entry_component) {
  namespace audit_codec = chronicle::schemas::audit_codec;
  std::vector<chronicle::event_envelope> events;
  std::int64_t at = 1'700'000'000'000'000;
  std::uint8_t n = 0;
  auto customer_event = [&](const customers::event& e) {
    auto enc = codec::encode_event(e);
    events.push_back(audit_envelope(enc.type, enc.data, at += 1000, ++n));
  };
  customer_event(registered_event("Ada"));
  customers::customer_updated renamed;
  renamed.id = customer_id;
  renamed.first_name = "Ada King";
  customer_event(renamed);
  customer_event(customers::address_added{customer_id, sample_address(false)});
  customer_event(customers::customer_deactivated{customer_id});
  customer_event(customers::customer_reactivated{customer_id});
  std::array<std::uint8_t, 10> rnd{};
  for (auto r : {audit_codec::recorded{"", 0, customer_id, key_id, "staff", "read", "customers.get"},
                 audit_codec::recorded{"", 0, customer_id, key_id, "analyst", "list", "customers.list"},
                 audit_codec::recorded{"", 0, customer_id, "cli", "", "read", "customers.get"}}) {
    r.at = at += 1000;
    rnd[0] = ++n;
    r.id = chronicle::make_uuid_v7(static_cast<std::uint64_t>(r.at / 1000), rnd);
    auto e = audit_envelope(std::string(audit_codec::recorded_type), audit_codec::encode_recorded({r}), r.at, 0);
    e.stream = chronicle::stream_name("audit", e.tenant, "p0");
    e.actor = "audit_trail";
    events.push_back(std::move(e));
  }
  customer_event(customers::subject_erased{customer_id});

  map_kv kv;
  auto projection = chronicle::projections::make_audit_projection();
  chronicle::projections::view_batch batch(kv);
  for (auto& e : events) BOOST_TEST_REQUIRE(projection->apply(e, batch).ok(), e.type);
  BOOST_TEST_REQUIRE(kv.write(batch.take()).ok());
  auto page = chronicle::projections::audit_queries::list(kv, "acme_farm", customer_id, "", 200);
  BOOST_TEST_REQUIRE(page.ok());
  BOOST_TEST_REQUIRE(page->items.size() == events.size());
  std::set<std::string> actions;
  for (auto& item : page->items) {
    BOOST_TEST_CONTEXT(item) {
      check_valid(openapi(), item, "#/components/schemas/AuditEntry");
      simdjson::dom::parser p;
      std::string_view action;
      BOOST_TEST_REQUIRE(!p.parse(item)["action"].get(action));
      actions.insert(std::string(action));
    }
  }
  BOOST_TEST((actions == std::set<std::string>{"register", "update", "update_address", "deactivate", "reactivate",
                                               "read", "list", "erase"}));
  std::string body = "{\"items\":[";
  for (std::size_t i = 0; i < page->items.size(); ++i) body += (i ? "," : "") + page->items[i];
  body += "],\"next_cursor\":null}";
  check_valid(openapi(), body, "#/components/schemas/AuditPage");
}

BOOST_AUTO_TEST_CASE(mutated_audit_entries_fail_validation) {
  const std::string ref = "#/components/schemas/AuditEntry";
  const std::string read = R"({"id":"018bcfe5-687b-7000-8000-000000000000","subject":")" + customer_id +
                           R"(","actor":")" + key_id +
                           R"(","role":"staff","action":"read","route":"customers.get","at":"2023-11-14T22:13:20.123456Z"})";
  check_valid(openapi(), read, ref);
  check_valid(openapi(), edited(edited(edited(read, "/role", "null"), "/action", R"("erase")"), "/route",
                                R"("subject.erased")"),
              ref);
  const std::vector<mutation> mutations = {
      {"no role (null when unknown, never absent)", "/role", std::nullopt},
      {"an empty role", "/role", R"("")"},
      {"an unknown role", "/role", R"("root")"},
      {"no id", "/id", std::nullopt},
      {"an id that is not a UUIDv7", "/id", R"("01HGW2N7R8AAAAAAAAAAAAAAAA")"},
      {"no at", "/at", std::nullopt},
      {"a numeric at", "/at", "1700000000"},
      {"a lower-case subject", "/subject", R"("01hgw2n7r8aaaaaaaaaaaaaaaa")"},
      {"an empty actor", "/actor", R"("")"},
      {"an upper-case action", "/action", R"("READ")"},
      {"an empty route", "/route", R"("")"},
      {"personal data in the entry", "/name", R"("Ada")"},
  };
  for (auto& m : mutations) {
    BOOST_TEST_CONTEXT(m.label) { check_invalid(openapi(), edited(read, m.pointer, m.raw), ref); }
  }
}

namespace {

struct routed {
  std::string method, path, name;
  std::set<std::string> roles;  // empty: no key needed
};

// The route table of api/http/app.cpp with the roles of each route, read from
// the source: routes.hpp exposes only method, path and name.
std::vector<routed> routes_with_roles() {
  static const std::set<std::string> everyone = {"admin", "staff", "analyst", "auditor", "portal"};
  auto text = read_file(source_path("api/http/app.cpp"));
  static const std::regex entry(R"re(\{\{"([A-Z]+)", "([^"]+)", "([^"]+)"\},\s*([^{}]*?),\s*handler_kind::)re");
  static const std::regex role_bit(R"(role::([a-z]+))");
  std::vector<routed> out;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), entry); it != std::sregex_iterator(); ++it) {
    routed r{(*it)[1], (*it)[2], (*it)[3], {}};
    std::string roles = (*it)[4];
    if (roles.find("anyone") != std::string::npos) r.roles = everyone;
    for (auto b = std::sregex_iterator(roles.begin(), roles.end(), role_bit); b != std::sregex_iterator(); ++b)
      r.roles.insert((*b)[1]);
    out.push_back(std::move(r));
  }
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The `backticked` names in the "**Roles:**" sentence of a description.
std::optional<std::set<std::string>> documented_roles(std::string_view description) {
  auto at = description.find("**Roles:**");
  if (at == std::string_view::npos) return std::nullopt;
  auto sentence = description.substr(at);
  sentence = sentence.substr(0, std::min(sentence.find(". "), sentence.find('\n')));
  std::set<std::string> roles;
  for (auto open = sentence.find('`'); open != std::string_view::npos; open = sentence.find('`', open)) {
    auto close = sentence.find('`', open + 1);
    if (close == std::string_view::npos) break;
    roles.insert(std::string(sentence.substr(open + 1, close - open - 1)));
    open = close + 1;
  }
  return roles;
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_route_table_is_read_with_its_roles) {
  auto rs = routes_with_roles();
  BOOST_TEST_REQUIRE(rs.size() == chronicle::api::route_table().size(),
                     "api/http/app.cpp changed shape: update routes_with_roles()");
  for (std::size_t i = 0; i < rs.size(); ++i) BOOST_TEST(rs[i].name == chronicle::api::route_table()[i].name);
}

BOOST_AUTO_TEST_CASE(the_api_key_is_a_bearer_scheme_required_everywhere_but_health_readiness_and_metrics) {
  std::string_view type, scheme;
  BOOST_TEST(!openapi().root()["components"]["securitySchemes"]["api_key"]["type"].get(type));
  BOOST_TEST(!openapi().root()["components"]["securitySchemes"]["api_key"]["scheme"].get(scheme));
  BOOST_TEST(type == "http");
  BOOST_TEST(lower(scheme) == "bearer");
  simdjson::dom::array global;
  BOOST_TEST_REQUIRE(!openapi().root()["security"].get(global));
  BOOST_TEST_REQUIRE(global.size() == 1u);
  simdjson::dom::array scopes;
  BOOST_TEST(!global.at(0)["api_key"].get(scopes));
  for (auto& r : routes_with_roles()) {
    BOOST_TEST_CONTEXT(r.method << " " << r.path) {
      simdjson::dom::element op;
      BOOST_TEST_REQUIRE(!openapi().root()["paths"][r.path][lower(r.method)].get(op));
      simdjson::dom::array security;
      bool overridden = !op["security"].get(security);
      if (r.roles.empty()) {
        BOOST_TEST(overridden, "a public route needs \"security\": []");
        if (overridden) BOOST_TEST(security.size() == 0u);
      } else {
        BOOST_TEST(!overridden, "an authenticated route keeps the global security");
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(every_authenticated_operation_documents_401_and_403) {
  for (auto& r : routes_with_roles()) {
    if (r.roles.empty()) continue;
    BOOST_TEST_CONTEXT(r.method << " " << r.path) {
      simdjson::dom::element responses;
      BOOST_TEST_REQUIRE(!openapi().root()["paths"][r.path][lower(r.method)]["responses"].get(responses));
      std::string_view ref;
      BOOST_TEST(!responses["401"]["$ref"].get(ref));
      BOOST_TEST(ref == "#/components/responses/Unauthenticated");
      std::string_view challenge;
      BOOST_TEST(!resolved(responses["401"])["headers"]["WWW-Authenticate"]["$ref"].get(challenge));
      // A route that every role may call never answers 403, so it does not say it might.
      bool everyone = r.roles.size() == 5;
      simdjson::dom::element forbidden;
      bool has_403 = !responses["403"].get(forbidden);
      BOOST_TEST(has_403 == !everyone, (everyone ? "403 documented but impossible" : "403 missing"));
      if (has_403 && !everyone) {
        BOOST_TEST(!forbidden["$ref"].get(ref));
        BOOST_TEST(ref == "#/components/responses/Forbidden");
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(every_operation_description_names_the_roles_the_route_table_allows) {
  for (auto& r : routes_with_roles()) {
    BOOST_TEST_CONTEXT(r.method << " " << r.path) {
      std::string_view description;
      BOOST_TEST_REQUIRE(!openapi().root()["paths"][r.path][lower(r.method)]["description"].get(description));
      auto roles = documented_roles(description);
      if (r.roles.empty()) {
        BOOST_TEST(!roles, "a public route names no roles");
        BOOST_TEST(description.find("No key needed") != std::string_view::npos);
        continue;
      }
      BOOST_TEST_REQUIRE(roles.has_value(), "no **Roles:** sentence in: " << description);
      BOOST_TEST((*roles == r.roles), "documented roles differ from api/http/app.cpp for " << r.name);
      if (r.roles.count("portal") && r.roles.size() < 5)
        BOOST_TEST(description.find("only its own customer") != std::string_view::npos,
                   "routes open to portal keys say they reach only their own customer");
    }
  }
}

BOOST_AUTO_TEST_CASE(reads_of_personal_data_document_that_they_fail_closed_without_the_audit_trail) {
  for (auto [path, method] : {std::pair{"/v1/customers", "get"}, std::pair{"/v1/customers/{id}", "get"}}) {
    BOOST_TEST_CONTEXT(method << " " << path) {
      std::string_view ref, description;
      BOOST_TEST_REQUIRE(!openapi().root()["paths"][path][method]["responses"]["503"]["$ref"].get(ref));
      BOOST_TEST_REQUIRE(!openapi().root().at_pointer(std::string(ref.substr(1)) + "/description").get(description));
      BOOST_TEST(description.find("audit_unavailable") != std::string_view::npos);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

// Strings are written in runs between the characters that need escaping;
// every control character, quote and backslash must still come back intact
// through a JSON parser, wherever it stands in the string.
BOOST_AUTO_TEST_CASE(json_writer_escapes_round_trip_through_a_parser) {
  std::vector<std::string> samples = {"", "plain", "\"", "\\", "a\"b\\c", "tail\n", "\x01lead", "é ü 漢字 🍃"};
  std::string every;
  for (int c = 1; c < 128; ++c) every += static_cast<char>(c);
  samples.push_back(every);
  samples.push_back(every + "middle" + every);
  simdjson::dom::parser parser;
  for (const auto& s : samples) {
    chronicle::json::writer w;
    w.begin_object().key("k\"\x1f").value(s).end_object();
    auto doc = parser.parse(w.str());
    BOOST_REQUIRE_MESSAGE(!doc.error(), "unparsable: " << w.str());
    std::string_view back;
    BOOST_REQUIRE(!doc.value()["k\"\x1f"].get(back));
    BOOST_TEST(back == s);
  }
}

// Timestamps are rendered without gmtime; the C library is the reference,
// over leap days, century years, the epoch, times before it and far ahead.
BOOST_AUTO_TEST_CASE(format_timestamp_agrees_with_gmtime) {
  auto reference = [](std::int64_t us) {
    std::int64_t secs = us >= 0 ? us / 1000000 : (us - 999999) / 1000000;
    std::time_t t = static_cast<std::time_t>(secs);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[48];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<long long>(us - secs * 1000000));
    return std::string(buf);
  };
  std::vector<std::int64_t> samples = {0, 1, -1, 999999, -999999, -1000000, 951782400000000 /* 2000-02-29 */,
                                       4107542399999999 /* 2100-02-28T23:59:59.999999 */,
                                       -2208988800000000 /* 1900-01-01 */, 253402300799999999 /* 9999-12-31 */};
  std::uint64_t x = 88172645463325252ull;
  for (int i = 0; i < 20000; ++i) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    samples.push_back(static_cast<std::int64_t>(x % 8'000'000'000'000'000ull) - 2'000'000'000'000'000);
  }
  for (auto us : samples) BOOST_TEST(chronicle::json::format_timestamp(us) == reference(us), us);
}
