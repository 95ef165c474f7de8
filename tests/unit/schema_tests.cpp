// The schema files in schemas/ against the code that reads and writes the wire
// formats: events written by the codecs validate against their event schemas,
// bodies the parsers accept validate against the command schemas (and bodies
// the schemas reject never get past the server), and the OpenAPI document is
// well-formed. The validator itself is tested first, since the rest trusts it.
#include <boost/test/unit_test.hpp>
#include <simdjson.h>

#include <array>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "domain/customer.hpp"
#include "domain/envelope.hpp"
#include "domain/ids.hpp"
#include "schemas/customer_codec.hpp"
#include "schemas/envelope_codec.hpp"
#include "schemas/json_writer.hpp"
#include "schemas/openapi.hpp"
#include "unit/support/mini_schema.hpp"

namespace {

using chronicle::test::mini_schema;
namespace customers = chronicle::customers;
namespace codec = chronicle::schemas::customer_codec;

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
  if (pointer.empty() || e.get(o)) {
    w.raw(simdjson::minify(e));
    return;
  }
  auto rest = pointer.substr(1);
  auto slash = rest.find('/');
  auto name = rest.substr(0, slash);
  auto deeper = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
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

BOOST_AUTO_TEST_CASE(reports_keywords_it_does_not_support_instead_of_ignoring_them) {
  check_invalid(mini_schema{R"({"oneOf": [{"type": "string"}]})"}, R"(1)");
  check_invalid(mini_schema{R"({"type": "array", "minItems": 1})"}, R"([])");
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
  using customers::customer_registered;
  using customers::customer_updated;
  std::string long_name;
  for (int i = 0; i < 200; ++i) long_name += "é";
  return {
      {"registered with every field",
       customer_registered{customer_id, "Ada Lovelace", "Analytical Engines Ltd", "Ada@example.com",
                           "+442079460958"}},
      {"registered with a name only", customer_registered{customer_id, "Ada", "", "", ""}},
      {"registered with a 200-character non-ASCII name",
       customer_registered{customer_id, long_name, "", "", "+14155550123"}},
      {"updated with every field",
       customer_updated{customer_id, "Ada King", "Babbage & Co", "ada@king.example.org", "+14155550123"}},
      {"updated name only", customer_updated{customer_id, "Ada King", std::nullopt, std::nullopt, std::nullopt}},
      {"updated company only", customer_updated{customer_id, std::nullopt, "Babbage & Co", std::nullopt, std::nullopt}},
      {"updated clearing company, email and phone", customer_updated{customer_id, std::nullopt, "", "", ""}},
      {"updated clearing the email and setting the phone",
       customer_updated{customer_id, std::nullopt, std::nullopt, "", "+4930123456"}},
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
  customers::rules uk{"44"};
  customers::register_customer reg{customer_id, "  Ada Lovelace ", " Analytical Engines ", "ADA@Example.COM",
                                   "020 7946 0958"};
  auto registered = customers::decide(customers::customer{}, reg, uk);
  BOOST_TEST_REQUIRE(registered.ok());
  auto state = customers::evolve(customers::customer{}, registered->at(0), 1);
  customers::update_customer upd{customer_id, "Ada King", "", "", "+1 (415) 555-0123"};
  auto updated = customers::decide(state, upd, uk);
  BOOST_TEST_REQUIRE(updated.ok());
  BOOST_TEST_REQUIRE(updated->size() == 1u);
  for (auto* events : {&*registered, &*updated}) {
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

struct mutation {
  std::string label;
  std::string_view pointer;
  std::optional<std::string> raw;  // nullopt: remove the member
};

BOOST_AUTO_TEST_CASE(mutated_registered_events_fail_validation) {
  auto enc = codec::encode_event(sample_events()[0].event);
  const auto& schema = schema_file(event_schema_path(enc));
  auto base = data_and_pii(enc);
  check_valid(schema, base);
  const std::vector<mutation> mutations = {
      {"an extra top-level member", "/extra", "1"},
      {"a personal field in data", "/data/email", R"("ada@example.com")"},
      {"an extra pii field", "/pii/birthday", R"("1815-12-10")"},
      {"no customer_id", "/data/customer_id", std::nullopt},
      {"no name", "/pii/name", std::nullopt},
      {"no pii", "/pii", std::nullopt},
      {"a numeric customer_id", "/data/customer_id", "42"},
      {"a lower-case customer_id", "/data/customer_id", R"("01hgw2n7r8aaaaaaaaaaaaaaaa")"},
      {"a customer_id of 25 characters", "/data/customer_id", R"("01HGW2N7R8AAAAAAAAAAAAAAA")"},
      {"a null name", "/pii/name", "null"},
      {"an empty name", "/pii/name", R"("")"},
      {"a null company (registered omits it)", "/data/company", "null"},
      {"a national phone", "/pii/phone", R"("020 7946 0958")"},
      {"a phone with a leading zero country code", "/pii/phone", R"("+0442079460958")"},
      {"an email with an upper-case domain", "/pii/email", R"("ada@Example.com")"},
      {"data as an array", "/data", "[]"},
  };
  for (auto& m : mutations) {
    BOOST_TEST_CONTEXT(m.label) { check_invalid(schema, edited(base, m.pointer, m.raw)); }
  }
}

BOOST_AUTO_TEST_CASE(mutated_updated_events_fail_validation) {
  auto enc = codec::encode_event(sample_events()[3].event);
  BOOST_TEST_REQUIRE(enc.type == "customer.updated");
  const auto& schema = schema_file(event_schema_path(enc));
  auto base = data_and_pii(enc);
  check_valid(schema, base);
  const std::vector<mutation> mutations = {
      {"an extra top-level member", "/extra", "true"},
      {"a personal field in data", "/data/name", R"("Ada")"},
      {"no customer_id", "/data/customer_id", std::nullopt},
      {"no data", "/data", std::nullopt},
      {"a cleared name", "/pii/name", "null"},
      {"an empty company (cleared is null)", "/data/company", R"("")"},
      {"a numeric company", "/data/company", "7"},
      {"a numeric email", "/pii/email", "1"},
      {"a phone without +", "/pii/phone", R"("14155550123")"},
      {"a phone of 16 digits", "/pii/phone", R"("+1234567890123456")"},
      {"null pii", "/pii", "null"},
  };
  for (auto& m : mutations) {
    BOOST_TEST_CONTEXT(m.label) { check_invalid(schema, edited(base, m.pointer, m.raw)); }
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

BOOST_AUTO_TEST_CASE(every_ref_in_the_event_and_command_schemas_resolves) {
  for (auto path : {"schemas/events/envelope.v1.json", "schemas/events/customer.registered.v1.json",
                    "schemas/events/customer.updated.v1.json", "schemas/commands/customers.register.v1.json",
                    "schemas/commands/customers.update.v1.json"}) {
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

intake register_intake(std::string_view body) {
  auto cmd = codec::parse_register(body);
  if (!cmd) return intake::parser_rejects;
  cmd->id = customer_id;
  return customers::decide(customers::customer{}, *cmd).ok() ? intake::accepted : intake::domain_rejects;
}

intake update_intake(std::string_view body) {
  auto cmd = codec::parse_update(body);
  if (!cmd) return intake::parser_rejects;
  cmd->id = customer_id;
  auto existing = customers::evolve(
      customers::customer{},
      customers::customer_registered{customer_id, "Ada", "Engines", "ada@example.com", "+14155550123"}, 1);
  return customers::decide(existing, *cmd).ok() ? intake::accepted : intake::domain_rejects;
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

std::string with_name(std::string_view name) { return R"({"name":")" + std::string(name) + "\"}"; }

const std::vector<body_case>& register_cases() {
  using enum intake;
  static const std::vector<body_case> cases = {
      {R"({"name":"Ada"})", true, accepted},
      {R"({"name":"Ada","company":"Engines","email":"ada@example.com","phone":"+44 20 7946 0958"})", true, accepted},
      {R"({"name":"Ada","company":null,"email":null,"phone":null})", true, accepted},
      {R"({"name":"  Ada  "})", true, accepted},
      {with_name(repeated("é", 200)), true, accepted},
      {R"({"name":"Ada","company":")" + repeated("c", 200) + "\"}", true, accepted},
      // Valid JSON shapes whose values only the domain can judge.
      {R"({"name":"   "})", true, domain_rejects},
      {R"({"name":"Ada","email":"not-an-address"})", true, domain_rejects},
      {R"({"name":"Ada","phone":"12"})", true, domain_rejects},
      // The schema says no; the server must too.
      {R"({})", false, parser_rejects},
      {R"({"name":""})", false, domain_rejects},
      {with_name(repeated("a", 201)), false, domain_rejects},
      {with_name(repeated("é", 201)), false, domain_rejects},
      {R"({"name":"Ada","company":")" + repeated("c", 201) + "\"}", false, domain_rejects},
      {R"({"name":"Ada","email":")" + repeated("a", 64) + "@" + repeated("b", 186) + ".com\"}", false, domain_rejects},
      {R"({"name":null})", false, parser_rejects},
      {R"({"name":42})", false, parser_rejects},
      {R"({"name":true})", false, parser_rejects},
      {R"({"name":["Ada"]})", false, parser_rejects},
      {R"({"Name":"Ada"})", false, parser_rejects},
      {R"({"name":"Ada","nickname":"A"})", false, parser_rejects},
      {R"({"name":"Ada","id":"01HGW2N7R8AAAAAAAAAAAAAAAA"})", false, parser_rejects},
      {R"({"name":"Ada","company":7})", false, parser_rejects},
      {R"({"name":"Ada","email":["ada@example.com"]})", false, parser_rejects},
      {R"({"name":"Ada","phone":{"number":"+14155550123"}})", false, parser_rejects},
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
      {R"({"name":"Ada King"})", true, accepted},
      {R"({"company":null,"email":null,"phone":null})", true, accepted},
      {R"({"company":"","email":"","phone":""})", true, accepted},
      {R"({"email":"ADA@EXAMPLE.COM","phone":"+1 (415) 555-0199"})", true, accepted},
      {R"({"name":"Ada","company":")" + repeated("c", 200) + "\"}", true, accepted},
      {R"({"phone":"12"})", true, domain_rejects},
      {R"({"name":"  "})", true, domain_rejects},
      {R"({"name":""})", false, domain_rejects},
      {with_name(repeated("a", 201)), false, domain_rejects},
      {R"({"company":")" + repeated("c", 201) + "\"}", false, domain_rejects},
      {R"({"name":null})", false, parser_rejects},
      {R"({"name":1})", false, parser_rejects},
      {R"({"id":"01HGW2N7R8AAAAAAAAAAAAAAAA"})", false, parser_rejects},
      {R"({"version":3})", false, parser_rejects},
      {R"({"company":false})", false, parser_rejects},
      {R"({"email":{}})", false, parser_rejects},
      {R"({"phone":[]})", false, parser_rejects},
      {R"([{"op":"replace","path":"/name","value":"Ada"}])", false, parser_rejects},
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
  check_body_cases(register_cases(), register_intake, schema_file("schemas/commands/customers.register.v1.json"), "#");
}

BOOST_AUTO_TEST_CASE(update_bodies_get_the_same_verdict_from_schema_and_server) {
  check_body_cases(update_cases(), update_intake, schema_file("schemas/commands/customers.update.v1.json"), "#");
}

BOOST_AUTO_TEST_CASE(openapi_request_bodies_mirror_the_command_schemas) {
  check_body_cases(register_cases(), register_intake, openapi(), "#/components/schemas/RegisterCustomer");
  check_body_cases(update_cases(), update_intake, openapi(), "#/components/schemas/UpdateCustomer");
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

BOOST_AUTO_TEST_CASE(rendered_customers_match_the_customer_component) {
  customers::customer full{true, customer_id, "Ada Lovelace", "Engines", "ada@example.com", "+14155550123",
                           1'700'000'000'000'000, 1'700'000'000'123'456};
  customers::customer bare{true, customer_id, "Ada", "", "", "", 1'700'000'000'000'000, 1'700'000'000'000'000};
  const std::string ref = "#/components/schemas/Customer";
  check_valid(openapi(), codec::render(full, 1), ref);
  check_valid(openapi(), codec::render(bare, 12), ref);
  auto base = codec::render(full, 3);
  check_invalid(openapi(), edited(base, "/version", "0"), ref);
  check_invalid(openapi(), edited(base, "/updated_at", std::nullopt), ref);
  check_invalid(openapi(), edited(base, "/company", std::nullopt), ref);
  check_invalid(openapi(), edited(base, "/tenant", R"("acme")"), ref);
  check_invalid(openapi(), edited(base, "/created_at", "1700000000"), ref);
}

BOOST_AUTO_TEST_SUITE_END()
