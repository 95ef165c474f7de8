// Order templates: the aggregate's decisions (accepted and rejected), the
// codec (bodies, events, snapshots) against the schema files and the OpenAPI
// document, and the read model after sequences of events.
#include <boost/test/unit_test.hpp>

#include <map>

#include "domain/ids.hpp"
#include "domain/order_template.hpp"
#include "projections/order_templates.hpp"
#include "schemas/openapi.hpp"
#include "schemas/order_batch_codec.hpp"
#include "schemas/order_template_codec.hpp"
#include "unit/support/map_kv.hpp"
#include "unit/support/mini_schema.hpp"

namespace {

namespace ot = chronicle::order_templates;
namespace codec = chronicle::schemas::order_template_codec;
namespace otq = chronicle::projections::order_template_queries;
using chronicle::test::mini_schema;

const std::string cust = chronicle::make_ulid(1'700'000'000'000, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
const std::string cust2 = chronicle::make_ulid(1'700'000'000'001, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
const std::string p1 = chronicle::make_ulid(1'700'000'000'100, {1, 1, 1, 1, 1, 1, 1, 1, 1, 1});
const std::string p2 = chronicle::make_ulid(1'700'000'000'200, {2, 2, 2, 2, 2, 2, 2, 2, 2, 2});
std::string tid(int n) { return chronicle::make_ulid(1'700'000'001'000 + n, {3, 3, 3, 3, 3, 3, 3, 3, 3, 3}); }

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
bool has_field(const chronicle::error& e, const std::string& field, const std::string& code) {
  for (auto& f : e.fields)
    if (f.field == field && f.code == code) return true;
  return false;
}

ot::order_template created(const std::string& customer = cust) {
  std::optional<std::string> owner;
  if (!customer.empty()) owner = customer;
  auto ev = ot::decide(ot::order_template{}, ot::create_template{tid(1), "Weekly box", owner, {{p1, 2}}, "Leave by door"});
  BOOST_REQUIRE(ev.ok());
  return ot::evolve({}, ev.value().at(0), 10);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(order_template_domain)

BOOST_AUTO_TEST_CASE(creates_a_customer_template_with_trimmed_name_and_items) {
  auto ev = ot::decide({}, ot::create_template{tid(1), "  Weekly box ", cust, {{p1, 2}, {p2, 1}}, std::nullopt});
  BOOST_REQUIRE(ev.ok());
  auto& c = std::get<ot::template_created>(ev.value().at(0));
  BOOST_TEST(c.name == "Weekly box");
  BOOST_TEST(c.customer_id == cust);
  BOOST_TEST(c.items.size() == 2u);
  auto s = ot::evolve({}, c, 42);
  BOOST_TEST(s.exists);
  BOOST_TEST(s.created_at == 42);
}

BOOST_AUTO_TEST_CASE(a_template_without_customer_is_tenant_wide) {
  auto ev = ot::decide({}, ot::create_template{tid(1), "Restaurant starter", std::nullopt, {{p1, 5}}, std::nullopt});
  BOOST_REQUIRE(ev.ok());
  BOOST_TEST(std::get<ot::template_created>(ev.value().at(0)).customer_id.empty());
}

BOOST_AUTO_TEST_CASE(rejects_empty_items_zero_quantities_duplicates_and_bad_ids_field_by_field) {
  auto none = ot::decide({}, ot::create_template{tid(1), "x", std::nullopt, {}, std::nullopt});
  BOOST_REQUIRE(!none.ok());
  BOOST_TEST(has_field(none.err(), "items", "required"));
  auto bad = ot::decide({}, ot::create_template{tid(1), "", std::string("nope"), {{p1, 0}, {p1, 2}, {"x", -1}}, std::string(1001, 'n')});
  BOOST_REQUIRE(!bad.ok());
  BOOST_TEST(bad.err().kind == chronicle::errc::invalid_argument);
  BOOST_TEST(has_field(bad.err(), "name", "required"));
  BOOST_TEST(has_field(bad.err(), "customer_id", "invalid_format"));
  BOOST_TEST(has_field(bad.err(), "items[0].quantity", "out_of_range"));
  BOOST_TEST(has_field(bad.err(), "items[1].product_id", "duplicate"));
  BOOST_TEST(has_field(bad.err(), "items[2].product_id", "invalid_format"));
  BOOST_TEST(has_field(bad.err(), "items[2].quantity", "out_of_range"));
  BOOST_TEST(has_field(bad.err(), "notes", "too_long"));
  auto big = ot::decide({}, ot::create_template{tid(1), "x", std::nullopt, {{p1, 100001}}, std::nullopt});
  BOOST_REQUIRE(!big.ok());
  BOOST_TEST(has_field(big.err(), "items[0].quantity", "out_of_range"));
}

BOOST_AUTO_TEST_CASE(creating_twice_is_rejected) {
  auto again = ot::decide(created(), ot::create_template{tid(1), "x", std::nullopt, {{p1, 1}}, std::nullopt});
  BOOST_REQUIRE(!again.ok());
  BOOST_TEST(again.err().code == "template_exists");
}

BOOST_AUTO_TEST_CASE(update_emits_only_what_changed_and_nothing_for_a_no_op) {
  auto s = created();
  auto same = ot::decide(s, ot::update_template{s.id, std::string("Weekly box"), std::vector<ot::item>{{p1, 2}}, std::nullopt});
  BOOST_REQUIRE(same.ok());
  BOOST_TEST(same.value().empty());
  auto ch = ot::decide(s, ot::update_template{s.id, std::string("Weekly box"), std::vector<ot::item>{{p1, 3}}, std::string("")});
  BOOST_REQUIRE(ch.ok());
  auto& u = std::get<ot::template_updated>(ch.value().at(0));
  BOOST_TEST(!u.name);
  BOOST_REQUIRE(u.items);
  BOOST_TEST(u.items->at(0).quantity == 3);
  BOOST_REQUIRE(u.notes);
  BOOST_TEST(u.notes->empty());
  auto next = ot::evolve(s, u, 99);
  BOOST_TEST(next.notes.empty());
  BOOST_TEST(next.items.at(0).quantity == 3);
  BOOST_TEST(next.customer_id == cust);
  BOOST_TEST(next.updated_at == 99);
}

BOOST_AUTO_TEST_CASE(update_rejects_bad_items_and_unknown_templates) {
  auto s = created();
  auto bad = ot::decide(s, ot::update_template{s.id, std::nullopt, std::vector<ot::item>{}, std::nullopt});
  BOOST_REQUIRE(!bad.ok());
  BOOST_TEST(has_field(bad.err(), "items", "required"));
  auto missing = ot::decide({}, ot::update_template{tid(2), std::string("x"), std::nullopt, std::nullopt});
  BOOST_REQUIRE(!missing.ok());
  BOOST_TEST(missing.err().kind == chronicle::errc::not_found);
}

BOOST_AUTO_TEST_CASE(delete_once_then_nothing_and_no_update_after) {
  auto s = created();
  auto del = ot::decide(s, ot::delete_template{s.id});
  BOOST_REQUIRE(del.ok());
  BOOST_TEST(del.value().size() == 1u);
  s = ot::evolve(s, del.value().at(0), 20);
  BOOST_TEST(s.deleted);
  auto again = ot::decide(s, ot::delete_template{s.id});
  BOOST_REQUIRE(again.ok());
  BOOST_TEST(again.value().empty());
  auto upd = ot::decide(s, ot::update_template{s.id, std::string("y"), std::nullopt, std::nullopt});
  BOOST_REQUIRE(!upd.ok());
  BOOST_TEST(upd.err().code == "template_not_found");
  BOOST_TEST(!ot::decide({}, ot::delete_template{tid(3)}).ok());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(order_template_codec)

BOOST_AUTO_TEST_CASE(events_round_trip_and_validate_against_their_schemas) {
  std::vector<ot::event> events = {
      ot::template_created{tid(1), "Weekly box", cust, {{p1, 2}, {p2, 10}}, "Notes"},
      ot::template_created{tid(1), "Tenant box", "", {{p1, 1}}, ""},
      ot::template_updated{tid(1), std::string("New"), std::vector<ot::item>{{p2, 4}}, std::string("")},
      ot::template_updated{tid(1), std::nullopt, std::nullopt, std::string("Some notes")},
      ot::template_deleted{tid(1)},
  };
  for (auto& ev : events) {
    auto enc = codec::encode_event(ev);
    auto path = "schemas/events/" + enc.type + ".v1.json";
    auto errors = schema_file(path).validate("{\"data\":" + enc.data + ",\"pii\":" + enc.pii + "}");
    BOOST_TEST(errors.empty(), enc.data << ": " << joined(errors));
    for (auto& ref : schema_file(path).refs()) BOOST_TEST(schema_file(path).resolves(ref), path << " " << ref);
    chronicle::event_envelope env;
    env.id = "e";
    env.type = enc.type;
    env.data = enc.data;
    auto back = codec::decode_event(env);
    BOOST_REQUIRE(back.ok());
    BOOST_TEST(codec::encode_event(*back).data == enc.data);
  }
  auto& cs = schema_file("schemas/events/template.created.v1.json");
  BOOST_TEST(!cs.validate(R"({"data":{"id":")" + tid(1) + R"(","name":"x","items":[]},"pii":{}})").empty());
  BOOST_TEST(!cs.validate(R"({"data":{"id":")" + tid(1) + R"(","name":"x","items":[{"product_id":")" + p1 +
                          R"(","quantity":0}]},"pii":{}})").empty());
}

BOOST_AUTO_TEST_CASE(state_round_trips_through_the_snapshot_and_renders_as_the_openapi_resource) {
  auto s = created();
  auto back = codec::decode_state(codec::encode_state(s));
  BOOST_REQUIRE(back.ok());
  BOOST_TEST(back->name == s.name);
  BOOST_TEST(back->customer_id == cust);
  BOOST_TEST(back->items == s.items);
  BOOST_TEST(back->notes == s.notes);
  auto r = codec::render(s, 3);
  auto errors = openapi().validate(r, "#/components/schemas/OrderTemplate");
  BOOST_TEST(errors.empty(), r << ": " << joined(errors));
  auto wide = created("");
  auto rw = codec::render(wide, 1);
  BOOST_TEST(rw.find("\"customer_id\":null") != std::string::npos, rw);
  BOOST_TEST(openapi().validate(rw, "#/components/schemas/OrderTemplate").empty());
}

BOOST_AUTO_TEST_CASE(bodies_the_schemas_accept_parse_and_shape_errors_are_rejected) {
  struct body_case {
    std::string body;
    bool valid;
  };
  auto item = R"({"product_id":")" + p1 + R"(","quantity":2})";
  std::vector<body_case> creates = {
      {R"({"name":"Box","items":[)" + item + "]}", true},
      {R"({"name":"Box","customer_id":")" + cust + R"(","items":[)" + item + R"(],"notes":null})", true},
      {R"({"name":"Box","customer_id":null,"items":[)" + item + "]}", true},
      {R"({"name":"Box"})", false},
      {R"({"name":"Box","items":[{"product_id":")" + p1 + R"(","quantity":"2"}]})", false},
      {R"({"name":"Box","items":[{"product_id":")" + p1 + R"("}]})", false},
      {R"({"name":"Box","items":[{"product_id":")" + p1 + R"(","quantity":1,"price":3}]})", false},
      {R"({"name":"Box","items":[)" + item + R"(],"extra":1})", false},
  };
  for (auto& c : creates) {
    BOOST_TEST_CONTEXT(c.body) {
      auto file = schema_file("schemas/commands/order_templates.create.v1.json").validate(c.body);
      auto api = openapi().validate(c.body, "#/components/schemas/CreateOrderTemplate");
      BOOST_TEST(file.empty() == c.valid, joined(file));
      BOOST_TEST(api.empty() == c.valid, joined(api));
      BOOST_TEST(codec::parse_create(c.body).ok() == c.valid);
    }
  }
  std::vector<body_case> updates = {
      {R"({})", true}, {R"({"notes":null})", true}, {R"({"items":[)" + item + "]}", true},
      {R"({"customer_id":")" + cust + R"("})", false}, {R"({"name":null})", false}, {R"({"items":{}})", false},
  };
  for (auto& c : updates) {
    BOOST_TEST_CONTEXT(c.body) {
      auto file = schema_file("schemas/commands/order_templates.update.v1.json").validate(c.body);
      auto api = openapi().validate(c.body, "#/components/schemas/UpdateOrderTemplate");
      BOOST_TEST(file.empty() == c.valid, joined(file));
      BOOST_TEST(api.empty() == c.valid, joined(api));
      BOOST_TEST(codec::parse_update(c.body).ok() == c.valid);
    }
  }
  auto missing = codec::parse_create(R"({"name":"Box","items":[{"product_id":"x"}]})");
  BOOST_REQUIRE(!missing.ok());
  BOOST_TEST(has_field(missing.err(), "items[0].quantity", "required"));
}

BOOST_AUTO_TEST_CASE(batch_and_place_from_template_bodies_match_their_schemas) {
  namespace bc = chronicle::schemas::order_batch_codec;
  struct body_case {
    std::string body;
    bool valid;
  };
  std::string many = "[";
  for (int i = 0; i < 101; ++i) many += (i ? ",\"" : "\"") + tid(i) + "\"";
  many += "]";
  std::vector<body_case> batches = {
      {R"({"action":"confirm","ids":[")" + tid(1) + "\"]}", true},
      {R"({"action":"cancel","ids":["a","b"],"reason":"out of stock"})", true},
      {R"({"action":"set_delivery_date","ids":["a"],"requested_delivery_date":"2026-03-05"})", true},
      {R"({"action":"set_delivery_date","ids":["a"]})", false},
      {R"({"action":"confirm","ids":["a"],"requested_delivery_date":"2026-03-05"})", false},
      {R"({"action":"ship","ids":["a"]})", false},
      {R"({"action":"confirm","ids":[]})", false},
      {R"({"action":"confirm","ids":)" + many + "}", false},
      {R"({"action":"confirm","ids":["a"],"extra":1})", false},
  };
  for (auto& c : batches) {
    BOOST_TEST_CONTEXT(c.body.substr(0, 100)) {
      auto file = schema_file("schemas/commands/orders.batch.v1.json").validate(c.body);
      auto api = openapi().validate(c.body, "#/components/schemas/OrderBatch");
      BOOST_TEST(file.empty() == c.valid, joined(file));
      BOOST_TEST(api.empty() == c.valid, joined(api));
      BOOST_TEST(bc::parse_batch(c.body).ok() == c.valid);
    }
  }
  auto dup = bc::parse_batch(R"({"action":"deliver","ids":["a","b","a"]})");
  BOOST_REQUIRE(!dup.ok());
  BOOST_TEST(has_field(dup.err(), "ids[2]", "duplicate"));
  auto reason = bc::parse_batch(R"({"action":"confirm","ids":["a"],"reason":"x"})");
  BOOST_REQUIRE(!reason.ok());
  BOOST_TEST(has_field(reason.err(), "reason", "not_allowed"));
  auto result = bc::render_batch_result("confirm", {"a"}, {{"b", "order_not_found", "no order b"}});
  BOOST_TEST(openapi().validate(result, "#/components/schemas/OrderBatchResult").empty(), result);

  std::vector<body_case> places = {
      {R"({})", true}, {R"({"customer_id":")" + cust + R"(","requested_delivery_date":"2026-03-05","notes":"x"})", true},
      {R"({"requested_delivery_date":"tomorrow"})", false}, {R"({"items":[]})", false}};
  for (auto& c : places) {
    BOOST_TEST_CONTEXT(c.body) {
      auto file = schema_file("schemas/commands/order_templates.place.v1.json").validate(c.body);
      auto api = openapi().validate(c.body, "#/components/schemas/PlaceFromTemplate");
      BOOST_TEST(file.empty() == c.valid, joined(file));
      BOOST_TEST(api.empty() == c.valid, joined(api));
      BOOST_TEST(bc::parse_place_from_template(c.body).ok() == c.valid);
    }
  }
  BOOST_TEST(bc::parse_place_from_template("").ok());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(order_template_projection)

BOOST_AUTO_TEST_CASE(lists_per_customer_tenant_wide_and_all_and_forgets_deleted_ones) {
  chronicle::test::map_kv kv;
  auto proj = chronicle::projections::make_order_templates_projection();
  chronicle::test::projection_feed feed{*proj, kv};
  auto put = [&](const ot::event& e, const std::string& id, std::int64_t at) {
    BOOST_REQUIRE(feed.apply(codec::encode_event(e), ot::category, id, at).ok());
  };
  put(ot::template_created{tid(1), "A", cust, {{p1, 1}}, ""}, tid(1), 1);
  put(ot::template_created{tid(2), "B", "", {{p2, 2}}, ""}, tid(2), 2);
  put(ot::template_created{tid(3), "C", cust2, {{p1, 3}}, ""}, tid(3), 3);
  put(ot::template_created{tid(4), "D", cust, {{p2, 4}}, ""}, tid(4), 4);
  put(ot::template_updated{tid(4), std::string("D2"), std::nullopt, std::nullopt}, tid(4), 5);

  using scope = otq::scope;
  auto names = [&](const scope& s) {
    std::vector<std::string> out;
    auto page = otq::list(kv, "acme_farm", s, "", 50);
    BOOST_REQUIRE(page.ok());
    for (auto& r : page->items) out.push_back(r.tmpl.name);
    return out;
  };
  BOOST_TEST((names({scope::kind::all, ""}) == std::vector<std::string>{"A", "B", "C", "D2"}));
  BOOST_TEST((names({scope::kind::customer, cust}) == std::vector<std::string>{"A", "D2"}));
  BOOST_TEST((names({scope::kind::tenant_wide, ""}) == std::vector<std::string>{"B"}));

  auto first = otq::list(kv, "acme_farm", {scope::kind::all, ""}, "", 2);
  BOOST_REQUIRE(first.ok());
  BOOST_TEST(first->items.size() == 2u);
  BOOST_REQUIRE(!first->next_cursor.empty());
  auto second = otq::list(kv, "acme_farm", {scope::kind::all, ""}, first->next_cursor, 2);
  BOOST_REQUIRE(second.ok());
  BOOST_TEST(second->items.at(0).tmpl.name == "C");
  BOOST_TEST(second->next_cursor.empty());
  BOOST_TEST(!otq::list(kv, "acme_farm", {scope::kind::all, ""}, "bogus", 2).ok());

  auto d = otq::get(kv, "acme_farm", tid(4));
  BOOST_REQUIRE(d.ok());
  BOOST_REQUIRE(d->has_value());
  BOOST_TEST((*d)->version == 2u);

  put(ot::template_deleted{tid(1)}, tid(1), 6);
  BOOST_TEST((names({scope::kind::customer, cust}) == std::vector<std::string>{"D2"}));
  auto gone = otq::get(kv, "acme_farm", tid(1));
  BOOST_REQUIRE(gone.ok());
  BOOST_TEST(!gone->has_value());
  auto other = otq::list(kv, "other_farm", {scope::kind::all, ""}, "", 50);
  BOOST_REQUIRE(other.ok());
  BOOST_TEST(other->items.empty());
}

BOOST_AUTO_TEST_SUITE_END()
