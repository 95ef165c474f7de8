// Orders in bulk and from templates over HTTP against a real server process:
// POST /v1/orders/batch with a result per order (one bad order never fails
// the others; stock released on cancel, committed on dispatch), POST
// /v1/order-templates/{id}/orders, and the figures the order projections
// keep (customer profile, customer list sorts and filters, reports),
// including after a restart.
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdio>

#include "support.hpp"

using namespace chronicle::e2e;

namespace {

std::string utc_date(int days) {
  using namespace std::chrono;
  year_month_day d{floor<std::chrono::days>(system_clock::now()) + std::chrono::days(days)};
  char b[16];
  std::snprintf(b, sizeof b, "%04d-%02u-%02u", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                static_cast<unsigned>(d.day()));
  return b;
}

struct shop {
  std::string dir = temp_dir();
  std::unique_ptr<server_process> server = std::make_unique<server_process>(dir);
  std::string key = server->admin_key();
  std::string customer, pea, radish, token;
  shop() {
    auto c = post("/v1/customers",
                  R"({"first_name":"Ada","company":"Ada Bistro","addresses":[{"label":"Back door","street":"1 Farm Lane","city":"Springfield","postal_code":"12345","country":"US"}]})");
    BOOST_TEST_REQUIRE(c.status == 201, c.body);
    customer = json_field(c.body, "id").value();
    pea = product("PEA-1", "Pea shoots", 450, 10);
    radish = product("RAD-1", "Radish mix", 300, 5);
  }
  ~shop() {
    server->kill9();
    remove_dir(dir);
  }
  response call(const std::string& method, const std::string& target, const std::string& body = {}) {
    http_client c(server->port(), key);
    std::vector<std::pair<std::string, std::string>> h;
    if (!body.empty()) h.emplace_back("Content-Type", "application/json");
    auto r = c.request(method, target, body, h);
    if (auto t = r.header("consistency-token"); !t.empty()) token = t;
    return r;
  }
  response post(const std::string& target, const std::string& body) { return call("POST", target, body); }
  response get(const std::string& target) {
    return call("GET", target + (target.find('?') == std::string::npos ? "?" : "&") + "consistent_with=" + token);
  }
  std::string product(const std::string& sku, const std::string& name, int price, int stock) {
    auto p = post("/v1/products", R"({"sku":")" + sku + R"(","name":")" + name + R"(","unit":"tray","price":{"amount":)" +
                                      std::to_string(price) + R"(,"currency":"USD"}})");
    BOOST_TEST_REQUIRE(p.status == 201, p.body);
    auto id = json_field(p.body, "id").value();
    auto s = post("/v1/products/" + id + "/stock", R"({"action":"receive","quantity":)" + std::to_string(stock) + "}");
    BOOST_TEST_REQUIRE(s.status / 100 == 2, s.body);
    return id;
  }
  std::string order(const std::string& product_id, int quantity) {
    auto o = post("/v1/orders", R"({"customer_id":")" + customer + R"(","items":[{"product_id":")" + product_id +
                                    R"(","quantity":)" + std::to_string(quantity) + "}]}");
    BOOST_TEST_REQUIRE(o.status == 201, o.body);
    return json_field(o.body, "id").value();
  }
  std::string available(const std::string& product_id) {
    auto p = get("/v1/products/" + product_id);
    auto at = p.body.find("\"available\":");
    if (at == std::string::npos) return "?";
    auto end = p.body.find_first_of(",}", at);
    return p.body.substr(at + 12, end - at - 12);
  }
  response batch(const std::string& body) { return post("/v1/orders/batch", body); }
};

std::string ids(std::initializer_list<std::string> v) {
  std::string out = "[";
  for (auto& x : v) out += (out.size() > 1 ? ",\"" : "\"") + x + "\"";
  return out + "]";
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(order_extras_over_http, shop)

BOOST_AUTO_TEST_CASE(a_batch_answers_per_order_and_one_bad_order_fails_alone) {
  auto o1 = order(pea, 2), o2 = order(pea, 3), o3 = order(radish, 1);
  BOOST_TEST(available(pea) == "5");
  const std::string ghost = "01JZZZZZZZZZZZZZZZZZZZZZZZ";
  auto r = batch(R"({"action":"confirm","ids":)" + ids({o1, o2, ghost, "junk"}) + "}");
  BOOST_TEST_REQUIRE(r.status == 200, r.body);
  BOOST_TEST(r.body.find(R"("succeeded":[")" + o1 + R"(",")" + o2 + R"("])") != std::string::npos, r.body);
  BOOST_TEST(r.body.find(R"({"id":")" + ghost + R"(","code":"order_not_found")") != std::string::npos, r.body);
  BOOST_TEST(r.body.find(R"({"id":"junk","code":"order_not_found")") != std::string::npos, r.body);

  // A confirmed order cannot be delivered yet: the failure lists the allowed verbs.
  auto wrong = batch(R"({"action":"deliver","ids":)" + ids({o1}) + "}");
  BOOST_TEST_REQUIRE(wrong.status == 200, wrong.body);
  BOOST_TEST(wrong.body.find(R"("succeeded":[])") != std::string::npos, wrong.body);
  BOOST_TEST(wrong.body.find(R"("code":"invalid_transition")") != std::string::npos, wrong.body);
  BOOST_TEST(wrong.body.find("allowed: ") != std::string::npos, wrong.body);

  // Cancelling releases the reservations.
  auto cancel = batch(R"({"action":"cancel","ids":)" + ids({o1, o3}) + R"(,"reason":"frost"})");
  BOOST_TEST_REQUIRE(cancel.status == 200, cancel.body);
  BOOST_TEST(cancel.body.find(R"("failed":[])") != std::string::npos, cancel.body);
  BOOST_TEST(available(pea) == "7");
  BOOST_TEST(available(radish) == "5");
  auto doc = get("/v1/orders/" + o1);
  BOOST_TEST(json_field(doc.body, "status").value_or("") == "cancelled", doc.body);

  // A new delivery date, then through to dispatch: the goods leave the stock.
  auto date = utc_date(3);
  auto moved = batch(R"({"action":"set_delivery_date","ids":)" + ids({o2}) + R"(,"requested_delivery_date":")" + date + "\"}");
  BOOST_TEST(moved.body.find(R"("failed":[])") != std::string::npos, moved.body);
  BOOST_TEST(get("/v1/orders/" + o2).body.find(date) != std::string::npos);
  for (auto verb : {"process", "ready", "dispatch", "deliver"}) {
    auto step = batch(R"({"action":")" + std::string(verb) + R"(","ids":)" + ids({o2}) + "}");
    BOOST_TEST(step.body.find(R"("failed":[])") != std::string::npos, verb << ": " << step.body);
  }
  BOOST_TEST(available(pea) == "7");
  auto product = get("/v1/products/" + pea);
  BOOST_TEST(product.body.find(R"("on_hand":7)") != std::string::npos, product.body);

  auto too_many = std::string("[");
  for (int i = 0; i < 101; ++i) too_many += (i ? ",\"" : "\"") + o1 + std::to_string(i) + "\"";
  auto big = batch(R"({"action":"confirm","ids":)" + too_many + "]}");
  BOOST_TEST(big.status == 400, big.body);
  BOOST_TEST(big.body.find(R"("field":"ids","code":"too_many")") != std::string::npos, big.body);
  auto no_date = batch(R"({"action":"set_delivery_date","ids":)" + ids({o2}) + "}");
  BOOST_TEST(no_date.status == 400, no_date.body);
}

BOOST_AUTO_TEST_CASE(orders_placed_from_templates_take_todays_prices_and_stock) {
  auto mine = post("/v1/order-templates", R"({"name":"Weekly","customer_id":")" + customer + R"(","items":[{"product_id":")" +
                                              pea + R"(","quantity":2},{"product_id":")" + radish + R"(","quantity":1}]})");
  BOOST_TEST_REQUIRE(mine.status == 201, mine.body);
  auto tid = json_field(mine.body, "id").value();
  get("/v1/order-templates/" + tid);
  auto placed = post("/v1/order-templates/" + tid + "/orders", "{}");
  BOOST_TEST_REQUIRE(placed.status == 201, placed.body);
  BOOST_TEST(placed.body.find(R"("template_id":")" + tid + "\"") != std::string::npos, placed.body);
  BOOST_TEST(placed.body.find(R"("customer_id":")" + customer + "\"") != std::string::npos, placed.body);
  BOOST_TEST(placed.body.find("\"amount\":1200") != std::string::npos, placed.body);  // 2 × 450 + 300
  BOOST_TEST(available(pea) == "8");
  BOOST_TEST(available(radish) == "4");

  auto wide = post("/v1/order-templates", R"({"name":"Big radish","items":[{"product_id":")" + radish + R"(","quantity":9}]})");
  BOOST_TEST_REQUIRE(wide.status == 201, wide.body);
  auto wid = json_field(wide.body, "id").value();
  get("/v1/order-templates/" + wid);
  auto who = post("/v1/order-templates/" + wid + "/orders", "");
  BOOST_TEST(who.status == 400, who.body);
  BOOST_TEST(who.body.find(R"("field":"customer_id","code":"required")") != std::string::npos, who.body);
  auto short_stock = post("/v1/order-templates/" + wid + "/orders", R"({"customer_id":")" + customer + "\"}");
  BOOST_TEST(short_stock.status == 409, short_stock.body);
  BOOST_TEST(short_stock.body.find("insufficient_stock") != std::string::npos, short_stock.body);
  BOOST_TEST(available(radish) == "4");  // nothing stays reserved
  auto other = post("/v1/order-templates/" + tid + "/orders", R"({"customer_id":"01JZZZZZZZZZZZZZZZZZZZZZZZ"})");
  BOOST_TEST(other.status == 400, other.body);
  BOOST_TEST(post("/v1/order-templates/01JZZZZZZZZZZZZZZZZZZZZZZZ/orders", "").status == 404);
}

BOOST_AUTO_TEST_CASE(order_figures_show_on_the_profile_in_lists_and_reports_and_survive_a_restart) {
  auto o1 = order(pea, 2), o2 = order(radish, 1), o3 = order(pea, 1);
  BOOST_TEST(batch(R"({"action":"cancel","ids":)" + ids({o3}) + "}").status == 200);
  for (auto verb : {"confirm", "process", "ready", "dispatch", "deliver"})
    BOOST_TEST(batch(R"({"action":")" + std::string(verb) + R"(","ids":)" + ids({o1}) + "}").status == 200);
  auto other = post("/v1/customers", R"({"first_name":"Bob","company":"Bob Deli"})");
  BOOST_TEST_REQUIRE(other.status == 201);
  auto bob = json_field(other.body, "id").value();

  auto profile = get("/v1/customers/" + customer);
  BOOST_TEST_REQUIRE(profile.status == 200, profile.body);
  BOOST_TEST(profile.body.find(R"("orders":{"total_orders":2,"total_spent":{"amount":1200,"currency":"USD"},"average_order_value":{"amount":600,"currency":"USD"},"first_order_at":")") !=
                 std::string::npos,
             profile.body);
  auto rich = get("/v1/customers?sort=-lifetime_value");
  BOOST_TEST(count_items(rich.body) == 2u, rich.body);
  BOOST_TEST(rich.body.find(customer) < rich.body.find(bob), rich.body);
  auto busy = get("/v1/customers?total_orders[gte]=2");
  BOOST_TEST(count_items(busy.body) == 1u, busy.body);
  BOOST_TEST(busy.body.find(customer) != std::string::npos, busy.body);
  auto today = utc_date(0);
  auto report = get("/v1/reports/orders?from=" + today + "&to=" + today);
  BOOST_TEST_REQUIRE(report.status == 200, report.body);
  BOOST_TEST(report.body.find(R"("orders_placed":3,"revenue":[{"amount":1200,"currency":"USD"}])") != std::string::npos,
             report.body);
  BOOST_TEST(report.body.find(R"("delivered":1,"cancelled":1})") != std::string::npos, report.body);

  // After a restart the index is loaded from the views, figures included.
  BOOST_TEST(server->terminate() == 0);
  server = std::make_unique<server_process>(dir);
  token.clear();
  auto again = get("/v1/customers?sort=-lifetime_value&lifetime_value[gte]=1000");
  BOOST_TEST(count_items(again.body) == 1u, again.body);
  BOOST_TEST(again.body.find(customer) != std::string::npos, again.body);
}

BOOST_AUTO_TEST_SUITE_END()
