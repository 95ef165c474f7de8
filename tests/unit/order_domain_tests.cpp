// Domain scenarios of the order aggregate: every lifecycle transition from
// every status (valid and invalid, with the allowed verbs), modifications by
// stage, return limits and refund limits.
#include <boost/test/unit_test.hpp>

#include "domain/order.hpp"

using namespace chronicle;
using namespace chronicle::orders;

namespace {

const std::string oid = "01JORDERAAAAAAAAAAAAAAAAAA";
const std::string cust = "01JCUSTAAAAAAAAAAAAAAAAAAA";
const std::string p1 = "01JPRODAAAAAAAAAAAAAAAAAAA";
const std::string p2 = "01JPRODBBBBBBBBBBBBBBBBBBB";
constexpr std::int64_t now = 1'780'000'000'000'000;

std::vector<std::string> fields_of(const error& e) {
  std::vector<std::string> out;
  for (auto& f : e.fields) out.push_back(f.field + ":" + f.code);
  return out;
}

priced_item item(const std::string& product, std::int64_t qty, std::int64_t cents, std::string currency = "USD") {
  return {product, "SKU-" + product.substr(6, 4), "Pea shoots", "tray", qty, {cents, std::move(currency)}};
}

address home() {
  address a;
  a.street = "1 Farm Lane";
  a.city = "Springfield";
  a.postal_code = "12345";
  a.country = "US";
  return a;
}

place_order placing() {
  return {oid, cust, {item(p1, 2, 450), item(p2, 1, 1000)}, home(), "2026-06-01", "ring twice", "", "2026-05-01"};
}

order fold(order s, const std::vector<event>& events) {
  for (auto& e : events) s = evolve(std::move(s), e);
  return s;
}

order placed() {
  auto r = decide(order{}, placing());
  BOOST_REQUIRE(r.ok());
  return fold({}, *r);
}

// The order brought to `status` through the valid verbs.
order at_status(const std::string& status) {
  auto s = placed();
  if (status == "cancelled") return fold(s, *decide(s, transition{oid, "cancel", "changed mind"}, now));
  for (auto verb : {"confirm", "process", "ready", "dispatch", "deliver"}) {
    if (s.status == status) break;
    auto r = decide(s, transition{oid, verb, ""}, now);
    BOOST_REQUIRE(r.ok());
    s = fold(s, *r);
  }
  BOOST_REQUIRE_EQUAL(s.status, status);
  return s;
}

order delivered_with_received_return() {
  auto s = at_status("delivered");
  s = fold(s, *decide(s, request_return{oid, "R1", {{p1, 1}}, "wilted"}));
  s = fold(s, *decide(s, approve_return{oid, "R1"}));
  return fold(s, *decide(s, receive_return{oid, "R1", true}));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(order_domain)

BOOST_AUTO_TEST_CASE(places_an_order_with_captured_prices_and_totals) {
  auto r = decide(order{}, placing());
  BOOST_REQUIRE(r.ok());
  BOOST_REQUIRE_EQUAL(r->size(), 1u);
  auto& e = std::get<order_placed>(r->front());
  BOOST_TEST(e.lines.size() == 2u);
  BOOST_TEST(e.lines[0].line_total.amount == 900);
  BOOST_TEST(e.subtotal == 1900);
  BOOST_TEST(e.total == 1900);
  BOOST_TEST(e.currency == "USD");
  auto s = fold({}, *r);
  BOOST_TEST(s.status == "pending");
  BOOST_TEST(s.total == 1900);
}

BOOST_AUTO_TEST_CASE(rejects_an_invalid_placement_with_every_field) {
  auto cmd = placing();
  cmd.items = {item(p1, 0, 450), item(p1, 2, 450), item(p2, 1, 100, "EUR")};
  cmd.delivery_address.country = "XX";
  cmd.delivery_address.street = " ";
  cmd.requested_delivery_date = "2026-04-30";
  auto r = decide(order{}, cmd);
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.err().code == "validation_failed");
  auto f = fields_of(r.err());
  for (auto want : {"items[0].quantity:out_of_range", "items[1].product_id:duplicate",
                    "items[2].product_id:currency_mismatch", "delivery_address.street:required",
                    "delivery_address.country:invalid_value", "requested_delivery_date:in_the_past"})
    BOOST_TEST((std::find(f.begin(), f.end(), want) != f.end()), want);
  cmd = placing();
  cmd.items.clear();
  cmd.requested_delivery_date = "2026-02-30";
  f = fields_of(decide(order{}, cmd).err());
  BOOST_TEST((f == std::vector<std::string>{"items:required", "requested_delivery_date:invalid_format"}));
  BOOST_TEST(decide(placed(), placing()).err().code == "order_exists");
}

BOOST_AUTO_TEST_CASE(rejects_a_total_that_overflows) {
  auto cmd = placing();
  cmd.items = {item(p1, 1'000'000, std::numeric_limits<std::int64_t>::max() / 10)};
  auto f = fields_of(decide(order{}, cmd).err());
  BOOST_TEST((f == std::vector<std::string>{"items:out_of_range"}));
}

BOOST_AUTO_TEST_CASE(every_valid_transition_moves_the_status_and_is_timestamped) {
  const std::vector<std::pair<std::string, std::string>> path = {
      {"confirm", "confirmed"}, {"process", "processing"}, {"ready", "ready"},
      {"dispatch", "out_for_delivery"}, {"deliver", "delivered"}};
  auto s = placed();
  for (auto& [verb, status] : path) {
    auto r = decide(s, transition{oid, verb, ""}, now + 7);
    BOOST_REQUIRE_MESSAGE(r.ok(), verb);
    auto& e = std::get<order_advanced>(r->front());
    BOOST_TEST(e.status == status);
    BOOST_TEST(e.at == now + 7);
    s = fold(s, *r);
    BOOST_TEST(s.status == status);
  }
  BOOST_TEST(advanced_type("out_for_delivery") == "order.dispatched");
}

BOOST_AUTO_TEST_CASE(cancel_is_allowed_until_out_for_delivery) {
  for (auto status : {"pending", "confirmed", "processing", "ready"}) {
    auto s = at_status(status);
    auto r = decide(s, transition{oid, "cancel", "  no longer needed "}, now);
    BOOST_REQUIRE_MESSAGE(r.ok(), status);
    auto& e = std::get<order_cancelled>(r->front());
    BOOST_TEST(e.from_status == status);
    BOOST_TEST(e.reason == "no longer needed");
    BOOST_TEST(fold(s, *r).status == "cancelled");
  }
  for (auto status : {"out_for_delivery", "delivered", "cancelled"}) {
    auto r = decide(at_status(status), transition{oid, "cancel", ""}, now);
    BOOST_REQUIRE(!r.ok());
    BOOST_TEST(r.err().code == "invalid_transition");
  }
}

BOOST_AUTO_TEST_CASE(every_invalid_transition_is_rejected_listing_the_allowed_verbs) {
  const std::vector<std::pair<std::string, std::vector<std::string>>> allowed = {
      {"pending", {"confirm", "cancel"}},   {"confirmed", {"process", "cancel"}},
      {"processing", {"ready", "cancel"}},  {"ready", {"dispatch", "cancel"}},
      {"out_for_delivery", {"deliver"}},    {"delivered", {}},
      {"cancelled", {}}};
  int rejected = 0;
  for (auto& [status, ok] : allowed) {
    auto s = at_status(status);
    for (auto verb : verbs) {
      auto r = decide(s, transition{oid, std::string(verb), ""}, now);
      bool valid = std::find(ok.begin(), ok.end(), verb) != ok.end();
      BOOST_TEST(r.ok() == valid, status << " " << verb);
      if (!r.ok()) {
        ++rejected;
        BOOST_TEST(r.err().kind == errc::failed_precondition);
        BOOST_TEST(r.err().code == "invalid_transition");
        BOOST_TEST(r.err().allowed == ok, status << " " << verb);
      }
    }
  }
  BOOST_TEST(rejected == 7 * 6 - 9);
  auto r = decide(placed(), transition{oid, "teleport", ""}, now);
  BOOST_TEST(fields_of(r.err()) == std::vector<std::string>{"action:invalid_value"});
  BOOST_TEST(decide(order{}, transition{oid, "confirm", ""}, now).err().code == "order_not_found");
}

BOOST_AUTO_TEST_CASE(items_and_address_change_until_processing) {
  for (auto status : {"pending", "confirmed"}) {
    auto s = at_status(status);
    auto r = decide(s, change_items{oid, {item(p1, 5, 450)}});
    BOOST_REQUIRE(r.ok());
    auto& e = std::get<items_changed>(r->front());
    BOOST_TEST(e.total == 2250);
    BOOST_TEST(fold(s, *r).total == 2250);
    auto a = home();
    a.street = "2 Barn Road";
    auto ra = decide(s, change_address{oid, a});
    BOOST_REQUIRE(ra.ok());
    BOOST_TEST(std::get<address_changed>(ra->front()).customer_id == cust);
  }
  for (auto status : {"processing", "ready", "out_for_delivery", "delivered", "cancelled"}) {
    auto s = at_status(status);
    auto r = decide(s, change_items{oid, {item(p1, 5, 450)}});
    BOOST_REQUIRE(!r.ok());
    BOOST_TEST(r.err().code == "invalid_transition");
    BOOST_TEST(r.err().allowed == allowed_verbs(status));
    BOOST_TEST(decide(s, change_address{oid, home()}).err().code == "invalid_transition");
  }
}

BOOST_AUTO_TEST_CASE(unchanged_items_emit_nothing_and_a_currency_change_is_refused) {
  auto s = placed();
  auto r = decide(s, change_items{oid, {item(p1, 2, 450), item(p2, 1, 1000)}});
  BOOST_REQUIRE(r.ok());
  BOOST_TEST(r->empty());
  auto f = fields_of(decide(s, change_items{oid, {item(p1, 2, 450, "EUR")}}).err());
  BOOST_TEST(f == std::vector<std::string>{"items[0].product_id:currency_mismatch"});
}

BOOST_AUTO_TEST_CASE(delivery_date_changes_until_out_for_delivery) {
  for (auto status : {"pending", "confirmed", "processing", "ready"}) {
    auto s = at_status(status);
    auto r = decide(s, change_delivery_date{oid, "2026-06-05", "2026-05-01"});
    BOOST_REQUIRE_MESSAGE(r.ok(), status);
    BOOST_TEST(fold(s, *r).requested_delivery_date == "2026-06-05");
    BOOST_TEST(decide(s, change_delivery_date{oid, "2026-06-01", "2026-05-01"})->empty());
  }
  for (auto status : {"out_for_delivery", "delivered", "cancelled"})
    BOOST_TEST(decide(at_status(status), change_delivery_date{oid, "2026-06-05", ""}).err().code == "invalid_transition");
  auto f = fields_of(decide(placed(), change_delivery_date{oid, "2026-04-01", "2026-05-01"}).err());
  BOOST_TEST(f == std::vector<std::string>{"requested_delivery_date:in_the_past"});
}

BOOST_AUTO_TEST_CASE(notes_change_at_any_stage) {
  for (auto status : {"pending", "processing", "delivered", "cancelled"}) {
    auto r = decide(at_status(status), change_notes{oid, "leave by the back door"});
    BOOST_REQUIRE(r.ok());
    BOOST_TEST(std::get<notes_changed>(r->front()).notes == "leave by the back door");
  }
  auto f = fields_of(decide(placed(), change_notes{oid, std::string(2001, 'x')}).err());
  BOOST_TEST(f == std::vector<std::string>{"notes:too_long"});
}

BOOST_AUTO_TEST_CASE(returns_only_after_delivery) {
  for (auto status : {"pending", "confirmed", "processing", "ready", "out_for_delivery", "cancelled"}) {
    auto r = decide(at_status(status), request_return{oid, "R1", {{p1, 1}}, "wilted"});
    BOOST_REQUIRE(!r.ok());
    BOOST_TEST(r.err().code == "invalid_transition");
  }
  BOOST_TEST(decide(at_status("delivered"), request_return{oid, "R1", {{p1, 1}}, "wilted"}).ok());
}

BOOST_AUTO_TEST_CASE(returns_never_exceed_delivered_minus_returned) {
  auto s = at_status("delivered");
  auto f = fields_of(decide(s, request_return{oid, "R1", {{p1, 3}}, "wilted"}).err());
  BOOST_TEST(f == std::vector<std::string>{"items[0].quantity:exceeds_delivered"});
  s = fold(s, *decide(s, request_return{oid, "R1", {{p1, 1}}, "wilted"}));
  BOOST_TEST(returned_quantity(s, p1) == 1);
  f = fields_of(decide(s, request_return{oid, "R2", {{p1, 2}}, "more"}).err());
  BOOST_TEST(f == std::vector<std::string>{"items[0].quantity:exceeds_delivered"});
  BOOST_TEST(decide(s, request_return{oid, "R2", {{p1, 1}}, "more"}).ok());
  // A declined return gives its quantity back.
  s = fold(s, *decide(s, decline_return{oid, "R1", "looks fine"}));
  BOOST_TEST(returned_quantity(s, p1) == 0);
  BOOST_TEST(decide(s, request_return{oid, "R2", {{p1, 2}}, "more"}).ok());
  f = fields_of(decide(s, request_return{oid, "R2", {{"01JNOTONORDERXXXXXXXXXXXXX", 1}, {p2, 0}}, ""}).err());
  BOOST_TEST((f == std::vector<std::string>{"items[0].product_id:not_on_order", "items[1].quantity:out_of_range",
                                            "reason:required"}));
  f = fields_of(decide(s, request_return{oid, "R2", {}, "x"}).err());
  BOOST_TEST(f == std::vector<std::string>{"items:required"});
}

BOOST_AUTO_TEST_CASE(return_lifecycle_and_its_invalid_transitions) {
  auto s = at_status("delivered");
  s = fold(s, *decide(s, request_return{oid, "R1", {{p1, 1}}, "wilted"}));
  BOOST_TEST(find_return(s, "R1")->status == "requested");
  auto r = decide(s, receive_return{oid, "R1", true});
  BOOST_TEST(r.err().code == "invalid_transition");
  BOOST_TEST((r.err().allowed == std::vector<std::string>{"approve", "decline"}));
  BOOST_TEST(fields_of(decide(s, decline_return{oid, "R1", ""}).err()) == std::vector<std::string>{"reason:required"});
  s = fold(s, *decide(s, approve_return{oid, "R1"}));
  BOOST_TEST(find_return(s, "R1")->status == "approved");
  BOOST_TEST(decide(s, approve_return{oid, "R1"}).err().allowed == std::vector<std::string>{"receive"});
  BOOST_TEST(decide(s, decline_return{oid, "R1", "no"}).err().code == "invalid_transition");
  s = fold(s, *decide(s, receive_return{oid, "R1", true}));
  BOOST_TEST(find_return(s, "R1")->status == "received");
  BOOST_TEST(find_return(s, "R1")->restock);
  BOOST_TEST(s.last == "R1");
  BOOST_TEST(decide(s, approve_return{oid, "R9"}).err().code == "return_not_found");
  auto declined = at_status("delivered");
  declined = fold(declined, *decide(declined, request_return{oid, "R2", {{p2, 1}}, "late"}));
  declined = fold(declined, *decide(declined, decline_return{oid, "R2", "on time"}));
  BOOST_TEST(find_return(declined, "R2")->status == "declined");
  BOOST_TEST(decide(declined, receive_return{oid, "R2", false}).err().allowed.empty());
}

BOOST_AUTO_TEST_CASE(refunds_never_exceed_the_order_total) {
  auto s = at_status("delivered");
  auto r = decide(s, issue_refund{oid, "F1", "", {1500, "USD"}, "original_payment", "damaged"});
  BOOST_REQUIRE(r.ok());
  s = fold(s, *r);
  BOOST_TEST(s.refunded == 1500);
  auto over = decide(s, issue_refund{oid, "F2", "", {401, "USD"}, "store_credit", ""});
  BOOST_REQUIRE(!over.ok());
  BOOST_TEST(over.err().code == "refund_exceeds_paid");
  BOOST_TEST(over.err().kind == errc::failed_precondition);
  BOOST_TEST(fields_of(over.err()) == std::vector<std::string>{"amount.amount:exceeds_paid"});
  s = fold(s, *decide(s, issue_refund{oid, "F2", "", {400, "USD"}, "store_credit", ""}));
  BOOST_TEST(s.refunded == s.total);
  BOOST_TEST(decide(s, issue_refund{oid, "F3", "", {1, "USD"}, "store_credit", ""}).err().code == "refund_exceeds_paid");
}

BOOST_AUTO_TEST_CASE(refunds_validate_amount_currency_method_and_stage) {
  auto s = at_status("delivered");
  auto f = fields_of(decide(s, issue_refund{oid, "F1", "", {0, "EUR"}, "cash", ""}).err());
  BOOST_TEST((f == std::vector<std::string>{"amount.amount:out_of_range", "amount.currency:currency_mismatch",
                                            "method:invalid_value"}));
  for (auto status : {"pending", "ready", "out_for_delivery", "cancelled"})
    BOOST_TEST(decide(at_status(status), issue_refund{oid, "F1", "", {1, "USD"}, "store_credit", ""}).err().code ==
               "invalid_transition");
}

BOOST_AUTO_TEST_CASE(a_refund_for_a_return_needs_it_received_and_marks_it_refunded) {
  auto s = at_status("delivered");
  s = fold(s, *decide(s, request_return{oid, "R1", {{p1, 1}}, "wilted"}));
  auto early = decide(s, issue_refund{oid, "F1", "R1", {450, "USD"}, "original_payment", ""});
  BOOST_TEST(early.err().code == "invalid_transition");
  s = delivered_with_received_return();
  s = fold(s, *decide(s, issue_refund{oid, "F1", "R1", {450, "USD"}, "original_payment", ""}));
  BOOST_TEST(find_return(s, "R1")->status == "refunded");
  BOOST_TEST(s.last == "F1");
  BOOST_TEST(decide(s, issue_refund{oid, "F2", "R1", {1, "USD"}, "original_payment", ""}).err().code ==
             "invalid_transition");
  BOOST_TEST(decide(s, issue_refund{oid, "F2", "R7", {1, "USD"}, "original_payment", ""}).err().code ==
             "return_not_found");
}

BOOST_AUTO_TEST_SUITE_END()
