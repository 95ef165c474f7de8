// The catalog's schema files against its codec: every event the codec writes
// validates against schemas/events (and edited copies do not) and decodes to
// itself; bodies validate against schemas/commands and the OpenAPI request
// bodies exactly when the schemas say; the Product resource validates against
// its OpenAPI component; a product state survives a snapshot round trip.
#include <boost/test/unit_test.hpp>

#include <map>

#include "domain/ids.hpp"
#include "domain/product.hpp"
#include "schemas/catalog_codec.hpp"
#include "schemas/envelope_codec.hpp"
#include "schemas/openapi.hpp"
#include "unit/support/mini_schema.hpp"

namespace {

using chronicle::test::mini_schema;
namespace products = chronicle::products;
namespace ccodec = chronicle::schemas::catalog_codec;

const mini_schema& schema_file(const std::string& relative) {
  static std::map<std::string, mini_schema> cache;
  auto it = cache.find(relative);
  if (it == cache.end())
    it = cache.emplace(relative, mini_schema::from_file(std::string(CHRONICLE_SOURCE_DIR) + "/" + relative)).first;
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
  BOOST_CHECK_MESSAGE(!s.validate(instance, ref).empty(), instance << " should be rejected by " << ref);
}

const std::string pid = chronicle::make_ulid(1'700'000'000'000, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
const std::string order = chronicle::make_ulid(1'700'000'000'100, {1, 1, 1, 1, 1, 1, 1, 1, 1, 1});
const std::string ret = chronicle::make_ulid(1'700'000'000'200, {2, 2, 2, 2, 2, 2, 2, 2, 2, 2});

std::vector<std::pair<std::string, products::event>> catalog_events() {
  using namespace products;
  return {
      {"created", product_created{pid, "MG-PEA-100", "Pea shoots", "tray", {450, "USD"}, true, {{"12-01", "02-28"}}, "Sweet"}},
      {"created bare", product_created{pid, "A", "x", "u", {0, "EUR"}, false, {}, ""}},
      {"updated: all", product_updated{pid, std::string("Peas"), std::string("box"), std::string("New"),
                                       chronicle::money{500, "USD"}, false, std::vector<window>{{"07-01", "07-31"}}}},
      {"updated: clears", product_updated{pid, std::nullopt, std::nullopt, std::string(""), std::nullopt, std::nullopt,
                                          std::vector<window>{}}},
      {"received", stock_received{pid, 10, "harvest"}},
      {"received without reason", stock_received{pid, 1, ""}},
      {"adjusted down", stock_adjusted{pid, -3, "wilted"}},
      {"reserved", stock_reserved{pid, order, 2, {450, "USD"}}},
      {"released", stock_released{pid, order, 2}},
      {"committed", stock_committed{pid, order, 2}},
      {"restocked", stock_restocked{pid, order, ret, 1}},
  };
}

std::string path_of(const chronicle::schemas::encoded_event& e) {
  return "schemas/events/" + e.type + ".v" + std::to_string(e.schema_version) + ".json";
}
std::string data_and_pii(const chronicle::schemas::encoded_event& e) {
  return "{\"data\":" + e.data + ",\"pii\":" + e.pii + "}";
}
chronicle::event_envelope envelope_for(const chronicle::schemas::encoded_event& ev) {
  chronicle::event_envelope e;
  e.id = chronicle::make_uuid_v7(1'700'000'000'123, {9, 8, 7, 6, 5, 4, 3, 2, 1, 0});
  e.type = ev.type;
  e.tenant = "acme_farm";
  e.stream = chronicle::stream_name(products::category, "acme_farm", pid);
  e.stream_version = 4;
  e.occurred_at = 1'700'000'000'123'456;
  e.actor = "key_01";
  e.actor_role = "staff";
  e.command_id = chronicle::make_uuid_v7(1'700'000'000'120, {1, 1, 1, 1, 1, 1, 1, 1, 1, 1});
  e.data = ev.data;
  e.pii = ev.pii;
  return e;
}

struct body_case {
  std::string body;
  bool valid;
};

template <class Parse>
void check_bodies(const std::vector<body_case>& cases, Parse parse, const std::string& command,
                  const std::string& component) {
  for (auto& c : cases) {
    BOOST_TEST_CONTEXT(command << " " << c.body.substr(0, 80)) {
      auto file = schema_file("schemas/commands/" + command + ".v1.json").validate(c.body);
      auto api = openapi().validate(c.body, "#/components/schemas/" + component);
      BOOST_TEST(file.empty() == c.valid, joined(file));
      BOOST_TEST(api.empty() == c.valid, joined(api));
      if (c.valid) BOOST_TEST(parse(c.body).ok());
    }
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(catalog_schemas)

BOOST_AUTO_TEST_CASE(every_encoded_catalog_event_validates_decodes_to_itself_and_holds_no_personal_data) {
  for (auto& [label, ev] : catalog_events()) {
    BOOST_TEST_CONTEXT(label) {
      auto enc = ccodec::encode_event(ev);
      check_valid(schema_file(path_of(enc)), data_and_pii(enc));
      BOOST_TEST(enc.pii == "{}");
      BOOST_TEST(enc.subject.empty());
      auto env = envelope_for(enc);
      check_valid(schema_file("schemas/events/envelope.v1.json"), chronicle::schemas::encode_envelope(env));
      auto back = ccodec::decode_event(env);
      BOOST_REQUIRE(back.ok());
      BOOST_TEST(ccodec::encode_event(*back).data == enc.data);
      BOOST_TEST(ccodec::encode_event(*back).type == enc.type);
    }
  }
}

BOOST_AUTO_TEST_CASE(edited_events_fail_their_schemas) {
  auto& created = schema_file("schemas/events/product.created.v1.json");
  auto base = R"({"id":")" + pid + R"(","sku":"A","name":"x","unit":"u","active":true,"unavailable":[],)";
  check_valid(created, R"({"data":)" + base + R"("price":{"amount":1,"currency":"USD"}},"pii":{}})");
  check_invalid(created, R"({"data":)" + base + R"("price":{"amount":1.5,"currency":"USD"}},"pii":{}})");
  check_invalid(created, R"({"data":)" + base + R"("price":{"amount":-1,"currency":"USD"}},"pii":{}})");
  check_invalid(created, R"({"data":)" + base + R"("price":{"amount":1,"currency":"usd"}},"pii":{}})");
  check_invalid(created, R"({"data":)" + base + R"("price":{"amount":1,"currency":"USD"}},"pii":{"name":"x"}})");
  auto& reserved = schema_file("schemas/events/stock.reserved.v1.json");
  check_invalid(reserved, R"({"data":{"product_id":")" + pid + R"(","order_id":"o","quantity":0,"unit_price":{"amount":1,"currency":"USD"}},"pii":{}})");
  check_invalid(reserved, R"({"data":{"product_id":")" + pid + R"(","order_id":"o","quantity":1},"pii":{}})");
  auto& adjusted = schema_file("schemas/events/stock.adjusted.v1.json");
  check_invalid(adjusted, R"({"data":{"product_id":")" + pid + R"(","delta":-1},"pii":{}})");
  auto& updated = schema_file("schemas/events/product.updated.v1.json");
  check_invalid(updated, R"({"data":{"id":")" + pid + R"(","sku":"B"},"pii":{}})");
  check_invalid(updated, R"({"data":{"id":")" + pid + R"(","unavailable":[{"from":"13-01","to":"01-01"}]},"pii":{}})");
}

BOOST_AUTO_TEST_CASE(every_ref_in_the_catalog_schemas_resolves) {
  for (auto name : {"product.created", "product.updated", "stock.received", "stock.adjusted", "stock.reserved",
                    "stock.released", "stock.committed", "stock.restocked"}) {
    auto path = "schemas/events/" + std::string(name) + ".v1.json";
    for (auto& ref : schema_file(path).refs()) BOOST_TEST(schema_file(path).resolves(ref), path << " " << ref);
  }
}

BOOST_AUTO_TEST_CASE(product_bodies) {
  check_bodies({{R"({"sku":"A","name":"n","unit":"u","price":{"amount":1,"currency":"USD"}})", true},
                {R"({"sku":"a-1","name":"n","unit":"u","price":{"amount":0,"currency":"EUR"},"active":false,)"
                 R"("unavailable":[{"from":"12-01","to":"02-28"}],"description":null})", true},
                {R"({"sku":"A","name":"n","unit":"u","price":{"amount":1.5,"currency":"USD"}})", false},
                {R"({"sku":"A","name":"n","unit":"u","price":{"amount":1}})", false},
                {R"({"sku":"A","name":"n","unit":"u"})", false},
                {R"({"sku":"A","name":"n","unit":"u","price":{"amount":1,"currency":"USD"},"stock":5})", false},
                {R"({"sku":"A","name":"n","unit":"u","price":{"amount":1,"currency":"USD"},"unavailable":[{"from":"12-01"}]})", false}},
               ccodec::parse_create, "products.create", "CreateProduct");
  check_bodies({{R"({})", true},
                {R"({"name":"n","active":true,"unavailable":null,"description":null})", true},
                {R"({"price":{"amount":5,"currency":"USD"}})", true},
                {R"({"sku":"B"})", false},
                {R"({"name":null})", false},
                {R"({"active":"yes"})", false}},
               ccodec::parse_update, "products.update", "UpdateProduct");
  check_bodies({{R"({"action":"receive","quantity":3})", true},
                {R"({"action":"adjust","quantity":-3,"reason":"wilted"})", true},
                {R"({"action":"adjust","quantity":-3})", false},
                {R"({"action":"sell","quantity":3})", false},
                {R"({"action":"receive"})", false},
                {R"({"action":"receive","quantity":1.5})", false},
                {R"({"action":"receive","quantity":1,"note":"x"})", false}},
               ccodec::parse_stock, "products.stock", "StockChange");
  // What the schemas forbid in shape, the parsers refuse too.
  for (auto bad : {R"({"sku":"A","name":"n","unit":"u","price":{"amount":1.5,"currency":"USD"}})",
                   R"({"sku":"A","name":"n","unit":"u"})",
                   R"({"sku":"A","name":"n","unit":"u","price":{"amount":1,"currency":"USD"},"stock":5})"})
    BOOST_TEST(!ccodec::parse_create(bad).ok(), bad);
  for (auto bad : {R"({"sku":"B"})", R"({"name":null})", R"({"active":"yes"})"})
    BOOST_TEST(!ccodec::parse_update(bad).ok(), bad);
  for (auto bad : {R"({"action":"adjust","quantity":-3})", R"({"action":"sell","quantity":3})", R"({"action":"receive"})",
                   R"({"action":"receive","quantity":1.5})", R"({"action":"receive","quantity":1,"note":"x"})"})
    BOOST_TEST(!ccodec::parse_stock(bad).ok(), bad);
}

BOOST_AUTO_TEST_CASE(the_product_resource_matches_openapi_and_the_state_round_trips) {
  products::product p;
  p = products::evolve(p, products::product_created{pid, "MG-PEA-100", "Pea shoots", "tray", {450, "USD"}, true,
                                                    {{"12-01", "02-28"}}, ""},
                       1'700'000'000'000'000);
  p = products::evolve(p, products::stock_received{pid, 10, ""}, 1'700'000'000'000'001);
  p = products::evolve(p, products::stock_reserved{pid, order, 4, {450, "USD"}}, 1'700'000'000'000'002);
  p = products::evolve(p, products::stock_restocked{pid, order, ret, 1}, 1'700'000'000'000'003);
  auto json = ccodec::render(p, 4);
  check_valid(openapi(), json, "#/components/schemas/Product");
  BOOST_TEST(json.find(R"("stock":{"on_hand":11,"reserved":4,"available":7})") != std::string::npos, json);
  auto back = ccodec::decode_state(ccodec::encode_state(p));
  BOOST_REQUIRE(back.ok());
  BOOST_TEST(ccodec::encode_state(*back) == ccodec::encode_state(p));
  BOOST_TEST(back->reservations.get(order) == 4);
  // Snapshots written before the ledger held an object {order: quantity}.
  auto legacy = ccodec::encode_state(p);
  auto ledger = "\"reservations\":\"" + p.reservations.records() + "\"";
  BOOST_TEST_REQUIRE(legacy.find(ledger) != std::string::npos, legacy);
  legacy.replace(legacy.find(ledger), ledger.size(), "\"reservations\":{\"" + order + "\":4}");
  auto old = ccodec::decode_state(legacy);
  BOOST_REQUIRE(old.ok());
  BOOST_TEST(old->reservations.get(order) == 4);
  BOOST_TEST(old->available() == 7);
  BOOST_TEST(ccodec::encode_state(*old) == ccodec::encode_state(p));
  BOOST_TEST(back->restocked_returns.count(ret) == 1u);
  p.description = "Sweet";
  p.active = false;
  check_valid(openapi(), ccodec::render(p, 5), "#/components/schemas/Product");
  check_invalid(openapi(), R"({"id":")" + pid + R"("})", "#/components/schemas/Product");
}

BOOST_AUTO_TEST_SUITE_END()
