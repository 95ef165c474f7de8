// The order codec against its schema files: every event it writes validates
// against schemas/events (and edited copies do not), personal data (the
// delivery address, the notes) is only in pii with the customer as subject,
// events decode to themselves and erased ones to "[erased]", and the bodies
// the parsers accept validate against schemas/commands.
#include <boost/test/unit_test.hpp>

#include <map>

#include "domain/ids.hpp"
#include "domain/order.hpp"
#include "domain/pii.hpp"
#include "schemas/envelope_codec.hpp"
#include "schemas/order_codec.hpp"
#include "unit/support/mini_schema.hpp"

namespace {

using chronicle::test::mini_schema;
namespace orders = chronicle::orders;
namespace codec = chronicle::schemas::order_codec;

const mini_schema& schema_file(const std::string& relative) {
  static std::map<std::string, mini_schema> cache;
  auto it = cache.find(relative);
  if (it == cache.end())
    it = cache.emplace(relative, mini_schema::from_file(std::string(CHRONICLE_SOURCE_DIR) + "/" + relative)).first;
  return it->second;
}
std::string joined(const std::vector<std::string>& errors) {
  std::string out;
  for (auto& e : errors) out += (out.empty() ? "" : "; ") + e;
  return out;
}
void check_valid(const mini_schema& s, std::string_view instance) {
  auto errors = s.validate(instance, "#");
  BOOST_CHECK_MESSAGE(errors.empty(), instance << " should be valid: " << joined(errors));
}
void check_invalid(const mini_schema& s, std::string_view instance) {
  BOOST_CHECK_MESSAGE(!s.validate(instance, "#").empty(), instance << " should be rejected");
}

const std::string cust = chronicle::make_ulid(1'700'000'000'000, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
const std::string oid = chronicle::make_ulid(1'700'000'000'100, {1, 1, 1, 1, 1, 1, 1, 1, 1, 1});
const std::string pid = chronicle::make_ulid(1'700'000'000'200, {2, 2, 2, 2, 2, 2, 2, 2, 2, 2});
const std::string rid = chronicle::make_ulid(1'700'000'000'300, {3, 3, 3, 3, 3, 3, 3, 3, 3, 3});

orders::address home() {
  orders::address a;
  a.label = "Restaurant back door";
  a.street = "1 Farm Lane";
  a.city = "Springfield";
  a.postal_code = "12345";
  a.country = "US";
  a.latitude = 40.5;
  a.longitude = -70.25;
  a.delivery_instructions = "Knock twice";
  return a;
}
orders::line pea(std::int64_t q) { return {pid, "PEA-1", "Pea shoots", "tray", q, {450, "USD"}, {450 * q, "USD"}}; }

std::vector<std::pair<std::string, orders::event>> order_events() {
  using namespace orders;
  orders::address bare;
  bare.street = "2 Barn Rd";
  bare.city = "Shelbyville";
  bare.postal_code = "999";
  bare.country = "GB";
  return {
      {"placed", order_placed{oid, cust, {pea(2)}, home(), "2026-06-01", "Leave with Sam", 900, 900, "USD", ""}},
      {"placed from a template, bare address",
       order_placed{oid, cust, {pea(1)}, bare, "2026-06-01", "", 450, 450, "USD", rid}},
      {"confirmed", order_advanced{oid, "confirmed", 1'700'000'000'123'456}},
      {"processing", order_advanced{oid, "processing", 1'700'000'000'123'457}},
      {"ready", order_advanced{oid, "ready", 1'700'000'000'123'458}},
      {"dispatched", order_advanced{oid, "out_for_delivery", 1'700'000'000'123'459}},
      {"delivered", order_advanced{oid, "delivered", 1'700'000'000'123'460}},
      {"cancelled", order_cancelled{oid, "customer called", "confirmed"}},
      {"items changed", items_changed{oid, {pea(3)}, 1350, 1350}},
      {"address changed", address_changed{oid, cust, home()}},
      {"date changed", delivery_date_changed{oid, "2026-06-02"}},
      {"notes changed", notes_changed{oid, cust, "Call on arrival"}},
      {"return requested", return_requested{oid, rid, {{pid, 1}}, "wilted"}},
      {"return approved", return_approved{oid, rid}},
      {"return declined", return_declined{oid, rid, "looks fine"}},
      {"return received", return_received{oid, rid, true}},
      {"refund for a return", refund_issued{oid, rid, rid, {450, "USD"}, "original_payment", "wilted"}},
      {"goodwill refund", refund_issued{oid, rid, "", {100, "USD"}, "store_credit", ""}},
  };
}

chronicle::event_envelope envelope_for(const chronicle::schemas::encoded_event& ev) {
  chronicle::event_envelope e;
  e.id = chronicle::make_uuid_v7(1'700'000'000'123, {9, 8, 7, 6, 5, 4, 3, 2, 1, 0});
  e.type = ev.type;
  e.tenant = "acme_farm";
  e.stream = chronicle::stream_name(orders::category, "acme_farm", oid);
  e.stream_version = 4;
  e.occurred_at = 1'700'000'000'123'456;
  e.actor = "key_01";
  e.actor_role = "staff";
  e.command_id = chronicle::make_uuid_v7(1'700'000'000'120, {1, 1, 1, 1, 1, 1, 1, 1, 1, 1});
  e.data = ev.data;
  e.pii = ev.pii;
  return e;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(order_event_schemas)

BOOST_AUTO_TEST_CASE(every_encoded_order_event_validates_against_its_schema_and_the_envelope) {
  for (auto& [label, ev] : order_events()) {
    BOOST_TEST_CONTEXT(label) {
      auto enc = codec::encode_event(ev);
      BOOST_TEST(codec::is_order_type(enc.type));
      auto path = "schemas/events/" + enc.type + ".v1.json";
      check_valid(schema_file(path), "{\"data\":" + enc.data + ",\"pii\":" + enc.pii + "}");
      for (auto& ref : schema_file(path).refs()) BOOST_TEST(schema_file(path).resolves(ref), ref);
      check_valid(schema_file("schemas/events/envelope.v1.json"), chronicle::schemas::encode_envelope(envelope_for(enc)));
    }
  }
}

BOOST_AUTO_TEST_CASE(the_address_and_notes_are_only_in_pii_for_the_customer) {
  for (auto& [label, ev] : order_events()) {
    BOOST_TEST_CONTEXT(label) {
      auto enc = codec::encode_event(ev);
      if (enc.pii == "{}") BOOST_TEST(enc.subject.empty());
      else BOOST_TEST(enc.subject == cust);
      for (auto text : {"Farm Lane", "Springfield", "Knock twice", "Leave with Sam", "Call on arrival", "Barn Rd"})
        BOOST_TEST(enc.data.find(text) == std::string::npos, text << " in data: " << enc.data);
    }
  }
}

BOOST_AUTO_TEST_CASE(encoded_events_decode_to_themselves_and_erased_ones_to_erased_texts) {
  for (auto& [label, ev] : order_events()) {
    BOOST_TEST_CONTEXT(label) {
      auto enc = codec::encode_event(ev);
      auto env = envelope_for(enc);
      auto back = codec::decode_event(env);
      BOOST_REQUIRE(back.ok());
      BOOST_TEST(codec::encode_event(*back).data == enc.data);
      BOOST_TEST(codec::encode_event(*back).pii == enc.pii);
      BOOST_TEST(back->index() == ev.index());
      if (enc.pii == "{}") continue;
      env.pii = std::string(chronicle::erased_pii);
      auto erased = codec::decode_event(env);
      BOOST_REQUIRE(erased.ok());
      auto again = codec::encode_event(*erased);
      BOOST_TEST(again.data == enc.data);
      BOOST_TEST(again.pii.find("[erased]") != std::string::npos, again.pii);
      BOOST_TEST(again.pii.find("Springfield") == std::string::npos);
    }
  }
}

BOOST_AUTO_TEST_CASE(the_snapshot_round_trips) {
  orders::order s;
  for (auto& [label, ev] : order_events()) s = orders::evolve(std::move(s), ev);
  auto text = codec::encode_state(s);
  auto back = codec::decode_state(text);
  BOOST_REQUIRE(back.ok());
  BOOST_TEST(codec::encode_state(*back) == text);
  BOOST_TEST(back->refunded == 550);
  BOOST_TEST(back->returns.size() == 1u);
  BOOST_TEST(back->lines.front().quantity == 3);
  BOOST_TEST(codec::decode_state("").value().exists == false);
}

BOOST_AUTO_TEST_CASE(edited_events_fail_their_schemas) {
  auto& placed = schema_file("schemas/events/order.placed.v1.json");
  auto enc = codec::encode_event(order_events().front().second);
  auto good = "{\"data\":" + enc.data + ",\"pii\":" + enc.pii + "}";
  check_valid(placed, good);
  auto edit = [&](std::string from, std::string to) {
    auto s = good;
    auto at = s.find(from);
    BOOST_REQUIRE(at != std::string::npos);
    return s.replace(at, from.size(), to);
  };
  check_invalid(placed, edit("\"currency\":\"USD\"}", "\"currency\":\"usd\"}"));
  check_invalid(placed, edit("\"quantity\":2", "\"quantity\":0"));
  check_invalid(placed, edit("\"amount\":450", "\"amount\":4.5"));
  check_invalid(placed, edit("\"country\":\"US\"", "\"country\":\"USA\""));
  check_invalid(placed, edit("\"requested_delivery_date\":\"2026-06-01\"", "\"requested_delivery_date\":\"01/06/2026\""));
  check_invalid(placed, edit("\"notes\":", "\"street2\":\"x\",\"notes\":"));
  auto& refund = schema_file("schemas/events/refund.issued.v1.json");
  check_invalid(refund, R"({"data":{"order_id":")" + oid + R"(","refund_id":")" + rid +
                            R"(","amount":{"amount":5,"currency":"USD"},"method":"cash","reason":""},"pii":{}})");
  auto& cancelled = schema_file("schemas/events/order.cancelled.v1.json");
  check_invalid(cancelled, R"({"data":{"id":")" + oid + R"(","reason":"","from_status":"delivered"},"pii":{}})");
}

BOOST_AUTO_TEST_CASE(accepted_bodies_validate_against_the_command_schemas) {
  const std::vector<std::pair<std::string, std::string>> bodies = {
      {"orders.place", R"({"customer_id":")" + cust + R"(","items":[{"product_id":")" + pid + R"(","quantity":2}]})"},
      {"orders.place", R"({"customer_id":"c","items":[],"delivery_address":{"street":"s","city":"c","postal_code":"1","country":"US","label":null},"requested_delivery_date":"2026-06-01","notes":"n"})"},
      {"orders.place", R"({"customer_id":"c","items":[],"delivery_address":null,"requested_delivery_date":null})"},
      {"orders.update", R"({"items":[{"product_id":"p","quantity":1}],"notes":null})"},
      {"orders.update", R"({"requested_delivery_date":"2026-06-01"})"},
      {"orders.cancel", R"({"reason":"changed mind"})"},
      {"orders.returns.request", R"({"items":[{"product_id":"p","quantity":1}],"reason":"wilted"})"},
      {"returns.decline", R"({"reason":"no"})"},
      {"returns.receive", R"({"restock":true})"},
      {"orders.refunds.issue", R"({"amount":{"amount":100,"currency":"USD"},"method":"store_credit","return_id":null})"},
  };
  for (auto& [name, body] : bodies) {
    BOOST_TEST_CONTEXT(name << " " << body) {
      bool parsed = name == "orders.place"             ? codec::parse_place(body).ok()
                    : name == "orders.update"          ? codec::parse_patch(body).ok()
                    : name == "orders.cancel"          ? codec::parse_transition(body, true).ok()
                    : name == "orders.returns.request" ? codec::parse_return(body).ok()
                    : name == "returns.decline"        ? codec::parse_decline(body).ok()
                    : name == "returns.receive"        ? codec::parse_receive(body).ok()
                                                       : codec::parse_refund(body).ok();
      BOOST_TEST(parsed);
      check_valid(schema_file("schemas/commands/" + name + ".v1.json"), body);
    }
  }
}

BOOST_AUTO_TEST_CASE(bad_bodies_name_each_field) {
  auto fields = [](const chronicle::error& e) {
    std::vector<std::string> out;
    for (auto& f : e.fields) out.push_back(f.field + ":" + f.code);
    return out;
  };
  auto r = codec::parse_place(R"({"items":[{"product_id":1,"quantity":"2"},{"qty":1}],"coupon":"x","delivery_address":{"street":"s"}})");
  BOOST_REQUIRE(!r.ok());
  auto f = fields(r.err());
  for (auto want : {"coupon:unknown_field", "customer_id:required", "items[0].product_id:invalid_type",
                    "items[0].quantity:invalid_type", "items[1].qty:unknown_field", "items[1].product_id:required",
                    "delivery_address.city:required", "delivery_address.country:required"})
    BOOST_TEST((std::find(f.begin(), f.end(), want) != f.end()), want << " in " << joined(f));
  BOOST_TEST(!codec::parse_patch("{}").ok());
  BOOST_TEST(!codec::parse_transition(R"({"reason":"x"})", false).ok());
  BOOST_TEST(codec::parse_transition("", false).ok());
  BOOST_TEST(!codec::parse_receive(R"({"restock":"yes"})").ok());
  auto rf = codec::parse_refund(R"({"amount":{"amount":1.5},"method":"cash"})");
  BOOST_REQUIRE(!rf.ok());
  f = fields(rf.err());
  BOOST_TEST((std::find(f.begin(), f.end(), "amount.amount:invalid_type") != f.end()), joined(f));
  BOOST_TEST((std::find(f.begin(), f.end(), "amount.currency:required") != f.end()), joined(f));
}

BOOST_AUTO_TEST_SUITE_END()
