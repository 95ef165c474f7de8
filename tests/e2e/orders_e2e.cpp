// Orders over HTTP against a real server process: place → modify → cancel
// (stock back), place → confirm → … → deliver → return → approve → receive
// with restock → refunds up to the total, invalid transitions listing the
// allowed verbs, bad input, analysts reading without the personal parts, and
// concurrent HTTP orders for the last units of a product.
#include <boost/test/unit_test.hpp>

#include <simdjson.h>

#include <atomic>
#include <thread>

#include "support.hpp"

using namespace chronicle::e2e;

namespace {

struct fixture {
  std::string dir = temp_dir();
  server_process server{dir};
  std::uint16_t port = server.port();
  std::string key = server.admin_key();
  ~fixture() {
    server.kill9();
    remove_dir(dir);
  }

  response req(const std::string& method, const std::string& target, const std::string& body = {}, header_list h = {}) {
    return call(port, key, method, target, body, std::move(h));
  }
  std::string product(const std::string& sku, std::int64_t cents, std::int64_t stock) {
    auto r = req("POST", "/v1/products",
                 R"({"sku":")" + sku + R"(","name":"Pea shoots","unit":"tray","price":{"amount":)" + std::to_string(cents) +
                     R"(,"currency":"USD"}})");
    BOOST_TEST_REQUIRE(r.status == 201, r.body);
    auto id = json_field(r.body, "id").value();
    auto s = req("POST", "/v1/products/" + id + "/stock", R"({"action":"receive","quantity":)" + std::to_string(stock) + "}");
    BOOST_TEST_REQUIRE(s.status == 200, s.body);
    return id;
  }
  std::string customer() {
    auto r = req("POST", "/v1/customers",
                 R"({"first_name":"Ada","addresses":[{"label":"Home","street":"1 Farm Lane","city":"Springfield","postal_code":"12345","country":"US"}]})");
    BOOST_TEST_REQUIRE(r.status == 201, r.body);
    return json_field(r.body, "id").value();
  }
  // "on_hand/reserved/available" of a product once the products view shows `want` (or after 5 s).
  std::string stock(const std::string& id, const std::string& want = {}) {
    std::string got;
    for (int i = 0; i < 100; ++i) {
      auto r = req("GET", "/v1/products/" + id);
      got = json_at(r.body, "/stock/on_hand") + "/" + json_at(r.body, "/stock/reserved") + "/" + json_at(r.body, "/stock/available");
      if (want.empty() || got == want) return got;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return got;
  }
  response place(const std::string& body) { return req("POST", "/v1/orders", body); }
  response verb(const std::string& id, const std::string& v, const std::string& body = {}) {
    return req("POST", "/v1/orders/" + id + "/" + v, body);
  }
};

std::string items(const std::string& product, int qty) {
  return R"([{"product_id":")" + product + R"(","quantity":)" + std::to_string(qty) + "}]";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(orders_http)

BOOST_AUTO_TEST_CASE(place_modify_cancel_gives_the_stock_back) {
  fixture f;
  auto pea = f.product("PEA-1", 450, 10), rad = f.product("RAD-1", 300, 4);
  auto ada = f.customer();
  auto placed = f.place(R"({"customer_id":")" + ada + R"(","items":)" + items(pea, 3) +
                        R"(,"requested_delivery_date":"2099-06-01","notes":"ring twice"})");
  BOOST_TEST_REQUIRE(placed.status == 201, placed.body);
  auto id = json_field(placed.body, "id").value();
  BOOST_TEST(placed.header("location") == "/v1/orders/" + id);
  BOOST_TEST(placed.header("etag") == "\"1\"");
  BOOST_TEST(json_at(placed.body, "/status") == "pending");
  BOOST_TEST(json_at(placed.body, "/total/amount") == "1350");
  BOOST_TEST(json_at(placed.body, "/lines/0/sku") == "PEA-1");
  BOOST_TEST(json_at(placed.body, "/delivery_address/street") == "1 Farm Lane");  // the customer's default
  BOOST_TEST(f.stock(pea, "10/3/7") == "10/3/7");

  auto patched = f.req("PATCH", "/v1/orders/" + id,
                       R"({"items":[{"product_id":")" + pea + R"(","quantity":1},{"product_id":")" + rad +
                           R"(","quantity":2}],"delivery_address":{"street":"2 Barn Road","city":"Shelbyville","postal_code":"999","country":"US"},"notes":"leave at the back"})",
                       {{"If-Match", "\"1\""}});
  BOOST_TEST_REQUIRE(patched.status == 200, patched.body);
  BOOST_TEST(json_at(patched.body, "/total/amount") == "1050");
  BOOST_TEST(json_at(patched.body, "/delivery_address/street") == "2 Barn Road");
  BOOST_TEST(json_at(patched.body, "/notes") == "leave at the back");
  BOOST_TEST(json_at(patched.body, "/history/0/type") == "order.notes_changed");
  BOOST_TEST(json_at(patched.body, "/history/1/type") == "order.address_changed");
  BOOST_TEST(json_at(patched.body, "/history/2/type") == "order.items_changed");
  BOOST_TEST(json_at(patched.body, "/history/3/type") == "order.placed");
  BOOST_TEST(f.stock(pea, "10/1/9") == "10/1/9");
  BOOST_TEST(f.stock(rad, "4/2/2") == "4/2/2");
  auto stale = f.req("PATCH", "/v1/orders/" + id, R"({"notes":"x"})", {{"If-Match", "\"1\""}});
  BOOST_TEST(stale.status == 412, stale.body);

  auto cancelled = f.verb(id, "cancel", R"({"reason":"changed mind"})");
  BOOST_TEST_REQUIRE(cancelled.status == 200, cancelled.body);
  BOOST_TEST(json_at(cancelled.body, "/status") == "cancelled");
  BOOST_TEST(json_at(cancelled.body, "/cancel_reason") == "changed mind");
  BOOST_TEST(!json_at(cancelled.body, "/timestamps/cancelled_at").empty());
  BOOST_TEST(f.stock(pea, "10/0/10") == "10/0/10");
  BOOST_TEST(f.stock(rad, "4/0/4") == "4/0/4");
  auto again = f.req("PATCH", "/v1/orders/" + id, R"({"items":)" + items(pea, 1) + "}");
  BOOST_TEST(again.status == 409, again.body);
  BOOST_TEST(json_at(again.body, "/code") == "invalid_transition");
  BOOST_TEST(f.stock(pea) == "10/0/10");
}

BOOST_AUTO_TEST_CASE(deliver_return_restock_and_refund_within_the_total) {
  fixture f;
  auto pea = f.product("PEA-1", 500, 10);
  auto ada = f.customer();
  auto placed = f.place(R"({"customer_id":")" + ada + R"(","items":)" + items(pea, 4) + "}");
  BOOST_TEST_REQUIRE(placed.status == 201, placed.body);
  auto id = json_field(placed.body, "id").value();
  for (auto v : {"confirm", "process", "ready", "dispatch", "deliver"}) {
    auto r = f.verb(id, v);
    BOOST_TEST_REQUIRE(r.status == 200, v << ": " << r.body);
  }
  auto order = f.req("GET", "/v1/orders/" + id);
  BOOST_TEST(json_at(order.body, "/status") == "delivered");
  for (auto stamp : {"placed_at", "confirmed_at", "processing_at", "ready_at", "dispatched_at", "delivered_at"})
    BOOST_TEST(json_at(order.body, std::string("/timestamps/") + stamp) != "null", stamp);
  BOOST_TEST(f.stock(pea, "6/0/6") == "6/0/6");  // committed at dispatch

  auto too_many = f.req("POST", "/v1/orders/" + id + "/returns", R"({"items":)" + items(pea, 5) + R"(,"reason":"wilted"})");
  BOOST_TEST(too_many.status == 400, too_many.body);
  BOOST_TEST(json_at(too_many.body, "/errors/0/field") == "items[0].quantity");
  BOOST_TEST(json_at(too_many.body, "/errors/0/code") == "exceeds_delivered");
  auto ret = f.req("POST", "/v1/orders/" + id + "/returns", R"({"items":)" + items(pea, 2) + R"(,"reason":"wilted"})");
  BOOST_TEST_REQUIRE(ret.status == 201, ret.body);
  auto rid = json_field(ret.body, "id").value();
  BOOST_TEST(json_at(ret.body, "/status") == "requested");
  BOOST_TEST(ret.header("location") == "/v1/returns/" + rid);
  auto early = f.req("POST", "/v1/returns/" + rid + "/receive", R"({"restock":true})");
  BOOST_TEST(early.status == 409, early.body);
  BOOST_TEST(json_at(early.body, "/allowed") == R"(["approve","decline"])");
  BOOST_TEST(f.req("POST", "/v1/returns/" + rid + "/approve").status == 200);
  auto received = f.req("POST", "/v1/returns/" + rid + "/receive", R"({"restock":true})");
  BOOST_TEST_REQUIRE(received.status == 200, received.body);
  BOOST_TEST(json_at(received.body, "/status") == "received");
  BOOST_TEST(json_at(received.body, "/restock") == "true");
  BOOST_TEST(f.stock(pea, "8/0/8") == "8/0/8");

  auto partial = f.req("POST", "/v1/orders/" + id + "/refunds",
                       R"({"amount":{"amount":1000,"currency":"USD"},"method":"original_payment","return_id":")" + rid +
                           R"(","reason":"wilted"})");
  BOOST_TEST_REQUIRE(partial.status == 201, partial.body);
  BOOST_TEST(json_at(partial.body, "/refunded/amount") == "1000");
  BOOST_TEST(json_at(partial.body, "/returns/0/status") == "refunded");
  auto got = f.req("GET", "/v1/returns/" + rid);
  BOOST_TEST(json_at(got.body, "/status") == "refunded");
  BOOST_TEST(json_at(got.body, "/refunds/0/amount/amount") == "1000");
  auto over = f.req("POST", "/v1/orders/" + id + "/refunds",
                    R"({"amount":{"amount":1001,"currency":"USD"},"method":"store_credit"})");
  BOOST_TEST(over.status == 409, over.body);
  BOOST_TEST(json_at(over.body, "/code") == "refund_exceeds_paid");
  BOOST_TEST(json_at(over.body, "/errors/0/field") == "amount.amount");
  auto rest = f.req("POST", "/v1/orders/" + id + "/refunds",
                    R"({"amount":{"amount":1000,"currency":"USD"},"method":"store_credit"})");
  BOOST_TEST(rest.status == 201, rest.body);
  BOOST_TEST(json_at(rest.body, "/refunded/amount") == "2000");

  // The customer's history and timeline show the order, its return and refunds.
  auto history = f.req("GET", "/v1/customers/" + ada + "/orders");
  BOOST_TEST(history.status == 200, history.body);
  BOOST_TEST(count_items(history.body) == 1u);
  auto timeline = f.req("GET", "/v1/customers/" + ada + "/timeline?type[in]=return.received,refund.issued,order.delivered");
  BOOST_TEST(timeline.status == 200, timeline.body);
  BOOST_TEST(count_items(timeline.body) == 4u, timeline.body);
}

BOOST_AUTO_TEST_CASE(an_invalid_transition_is_409_listing_the_allowed_verbs) {
  fixture f;
  auto pea = f.product("PEA-1", 450, 10);
  auto ada = f.customer();
  auto id = json_field(f.place(R"({"customer_id":")" + ada + R"(","items":)" + items(pea, 1) + "}").body, "id").value();
  auto r = f.verb(id, "deliver");
  BOOST_TEST(r.status == 409, r.body);
  BOOST_TEST(r.header("content-type") == "application/problem+json");
  BOOST_TEST(json_at(r.body, "/code") == "invalid_transition");
  BOOST_TEST(json_at(r.body, "/allowed") == R"(["confirm","cancel"])");
  BOOST_TEST(f.verb(id, "confirm").status == 200);
  BOOST_TEST(json_at(f.verb(id, "confirm").body, "/allowed") == R"(["process","cancel"])");
  BOOST_TEST(f.verb(id, "process", R"({"reason":"x"})").status == 400);
  BOOST_TEST(f.verb("01JNOSUCHORDERXXXXXXXXXXXX", "confirm").status == 404);
  BOOST_TEST(f.verb("nope", "confirm").status == 404);
}

BOOST_AUTO_TEST_CASE(bad_orders_name_the_field_and_the_product) {
  fixture f;
  auto pea = f.product("PEA-1", 450, 2);
  auto ada = f.customer();
  auto unknown_field = f.place(R"({"customer_id":")" + ada + R"(","items":)" + items(pea, 1) + R"(,"coupon":"X"})");
  BOOST_TEST(unknown_field.status == 400);
  BOOST_TEST(json_at(unknown_field.body, "/errors/0/field") == "coupon");
  auto no_customer = f.place(R"({"customer_id":"01JNOSUCHCUSTOMERXXXXXXXXX","items":)" + items(pea, 1) + "}");
  BOOST_TEST(no_customer.status == 400, no_customer.body);
  BOOST_TEST(json_at(no_customer.body, "/code") == "customer_not_found");
  auto shortage = f.place(R"({"customer_id":")" + ada + R"(","items":)" + items(pea, 3) + "}");
  BOOST_TEST(shortage.status == 409, shortage.body);
  BOOST_TEST(json_at(shortage.body, "/code") == "insufficient_stock");
  BOOST_TEST(json_at(shortage.body, "/available") == "2");
  BOOST_TEST(json_at(shortage.body, "/errors/0/field") == "items[0].product_id");
  BOOST_TEST(json_at(shortage.body, "/detail").find("PEA-1") != std::string::npos, shortage.body);
  auto past = f.place(R"({"customer_id":")" + ada + R"(","items":)" + items(pea, 1) + R"(,"requested_delivery_date":"2001-01-01"})");
  BOOST_TEST(past.status == 400, past.body);
  BOOST_TEST(json_at(past.body, "/errors/0/field") == "requested_delivery_date");
  BOOST_TEST(f.stock(pea, "2/0/2") == "2/0/2");  // the refused orders released what they held
  auto bad_list = f.req("GET", "/v1/orders?status=lost");
  BOOST_TEST(bad_list.status == 400);

  // Analysts read orders without the delivery address and notes.
  auto placed = f.place(R"({"customer_id":")" + ada + R"(","items":)" + items(pea, 1) + R"(,"notes":"secret-note"})");
  BOOST_TEST_REQUIRE(placed.status == 201, placed.body);
  auto analyst = json_field(f.req("POST", "/v1/api-keys", R"({"role":"analyst"})").body, "key").value();
  auto seen = call(f.port, analyst, "GET", "/v1/orders/" + json_field(placed.body, "id").value());
  BOOST_TEST(seen.status == 200, seen.body);
  BOOST_TEST(seen.body.find("secret-note") == std::string::npos);
  BOOST_TEST(seen.body.find("Farm Lane") == std::string::npos);
  BOOST_TEST(call(f.port, analyst, "POST", "/v1/orders", R"({"customer_id":")" + ada + R"(","items":)" + items(pea, 1) + "}")
                 .status == 403);
  auto listed = f.req("GET", "/v1/orders?status=pending&customer_id=" + ada);
  BOOST_TEST(count_items(listed.body) == 1u, listed.body);

  // A portal key reads its own customer's orders only.
  auto bob = f.customer();
  auto bobs = f.place(R"({"customer_id":")" + bob + R"(","items":)" + items(pea, 1) + "}");
  BOOST_TEST_REQUIRE(bobs.status == 201, bobs.body);
  auto portal_key = f.req("POST", "/v1/api-keys", R"({"role":"portal","customer_id":")" + ada + "\"}");
  BOOST_TEST_REQUIRE(portal_key.status == 201, portal_key.body);
  auto portal = json_field(portal_key.body, "key").value();
  auto own = call(f.port, portal, "GET", "/v1/customers/" + ada + "/orders");
  BOOST_TEST(own.status == 200, own.body);
  BOOST_TEST(count_items(own.body) == 1u);
  BOOST_TEST(call(f.port, portal, "GET", "/v1/customers/" + bob + "/orders").status == 403);
  BOOST_TEST(call(f.port, portal, "GET", "/v1/orders/" + json_field(placed.body, "id").value()).status == 200);
  BOOST_TEST(call(f.port, portal, "GET", "/v1/orders/" + json_field(bobs.body, "id").value()).status == 404);
  BOOST_TEST(call(f.port, portal, "GET", "/v1/orders").status == 403);
}

BOOST_AUTO_TEST_CASE(concurrent_http_orders_for_the_last_units_never_oversell) {
  fixture f;
  auto pea = f.product("PEA-1", 450, 6);
  auto ada = f.customer();
  constexpr int n = 24;
  std::atomic<int> won{0}, refused{0}, other{0};
  std::vector<std::thread> threads;
  auto body = R"({"customer_id":")" + ada + R"(","items":)" + items(pea, 1) + "}";
  for (int i = 0; i < n; ++i)
    threads.emplace_back([&] {
      auto r = call(f.port, f.key, "POST", "/v1/orders", body);
      if (r.status == 201) ++won;
      else if (r.status == 409 && json_at(r.body, "/code") == "insufficient_stock" &&
               json_at(r.body, "/errors/0/field") == "items[0].product_id" && json_at(r.body, "/available") == "0")
        ++refused;
      else ++other;
    });
  for (auto& t : threads) t.join();
  BOOST_TEST(won.load() == 6);
  BOOST_TEST(refused.load() == n - 6);
  BOOST_TEST(other.load() == 0);
  BOOST_TEST(f.stock(pea, "6/6/0") == "6/6/0");
  BOOST_TEST(count_items(f.req("GET", "/v1/orders?customer_id=" + ada + "&limit=200").body) == 6u);
}

BOOST_AUTO_TEST_CASE(a_retried_order_for_the_last_units_replays_instead_of_running_short) {
  fixture f;
  auto pea = f.product("PEA-2", 450, 3);
  auto ada = f.customer();
  auto body = R"({"customer_id":")" + ada + R"(","items":)" + items(pea, 3) + "}";
  auto first = f.req("POST", "/v1/orders", body, {{"Idempotency-Key", "order-retry-1"}});
  BOOST_TEST_REQUIRE(first.status == 201, first.body);
  // The first order holds every unit; the retry is answered from its key.
  auto retry = f.req("POST", "/v1/orders", body, {{"Idempotency-Key", "order-retry-1"}});
  BOOST_TEST(retry.status == 200, retry.body);
  BOOST_TEST(retry.header("idempotent-replayed") == "true");
  BOOST_TEST(json_at(retry.body, "/id") == json_at(first.body, "/id"));
  // Another request under the same key is refused, and nothing more is held.
  auto other = f.req("POST", "/v1/orders", R"({"customer_id":")" + ada + R"(","items":)" + items(pea, 1) + "}",
                     {{"Idempotency-Key", "order-retry-1"}});
  BOOST_TEST(other.status == 422, other.body);
  BOOST_TEST(json_at(other.body, "/code") == "idempotency_key_reused");
  BOOST_TEST(f.stock(pea, "3/3/0") == "3/3/0");
  BOOST_TEST(count_items(f.req("GET", "/v1/orders?customer_id=" + ada + "&consistent_with=" + first.header("consistency-token")).body) == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
