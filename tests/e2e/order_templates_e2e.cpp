// Order templates over HTTP against a real server process: create for a
// customer and tenant-wide, list by owner, merge-patch with If-Match,
// delete, precise field errors, roles.
#include <boost/test/unit_test.hpp>

#include "support.hpp"

using namespace chronicle::e2e;

namespace {

struct fixture {
  std::string dir = temp_dir();
  server_process server{dir};
  std::uint16_t port = server.port();
  std::string key = server.admin_key();
  std::string customer;
  const std::string p1 = "01JAAAAAAAAAAAAAAAAAAAAAA1";
  const std::string p2 = "01JAAAAAAAAAAAAAAAAAAAAAA2";
  fixture() {
    auto r = call("POST", "/v1/customers", R"({"first_name":"Ada","company":"Ada Farm"})");
    BOOST_TEST_REQUIRE(r.status == 201, r.body);
    customer = json_field(r.body, "id").value();
    BOOST_TEST_REQUIRE(call("GET", "/v1/customers/" + customer + "?consistent_with=" + r.header("consistency-token")).status == 200);
  }
  ~fixture() {
    server.kill9();
    remove_dir(dir);
  }
  response call(const std::string& method, const std::string& target, const std::string& body = {},
                header_list headers = {}, const std::string& as = {}) {
    http_client c(port, as.empty() ? key : as);
    if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
    return c.request(method, target, body, headers);
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(order_templates_over_http, fixture)

BOOST_AUTO_TEST_CASE(templates_are_created_listed_by_owner_patched_with_if_match_and_deleted) {
  auto mine = call("POST", "/v1/order-templates",
                   R"({"name":" Weekly box ","customer_id":")" + customer + R"(","items":[{"product_id":")" + p1 +
                       R"(","quantity":2},{"product_id":")" + p2 + R"(","quantity":1}],"notes":"Fridays"})");
  BOOST_TEST_REQUIRE(mine.status == 201, mine.body);
  auto id = json_field(mine.body, "id").value();
  BOOST_TEST(json_field(mine.body, "name").value() == "Weekly box");
  BOOST_TEST(json_field(mine.body, "customer_id").value() == customer);
  BOOST_TEST(mine.header("etag") == "\"1\"");
  BOOST_TEST(mine.header("location") == "/v1/order-templates/" + id);
  auto wide = call("POST", "/v1/order-templates", R"({"name":"Starter","items":[{"product_id":")" + p1 + R"(","quantity":5}]})");
  BOOST_TEST_REQUIRE(wide.status == 201, wide.body);
  BOOST_TEST(wide.body.find("\"customer_id\":null") != std::string::npos, wide.body);
  auto token = wide.header("consistency-token");

  auto all = call("GET", "/v1/order-templates?consistent_with=" + token);
  BOOST_TEST_REQUIRE(all.status == 200, all.body);
  BOOST_TEST(count_items(all.body) == 2u);
  auto own = call("GET", "/v1/order-templates?customer_id=" + customer + "&consistent_with=" + token);
  BOOST_TEST_REQUIRE(own.status == 200, own.body);
  BOOST_TEST((item_field(own.body, "name") == std::vector<std::string>{"Weekly box"}));
  auto tenant = call("GET", "/v1/order-templates?scope=tenant&consistent_with=" + token);
  BOOST_TEST((item_field(tenant.body, "name") == std::vector<std::string>{"Starter"}));
  auto paged = call("GET", "/v1/order-templates?limit=1&consistent_with=" + token);
  auto next = json_field(paged.body, "next_cursor");
  BOOST_TEST_REQUIRE(next.has_value());
  auto page2 = call("GET", "/v1/order-templates?limit=1&cursor=" + *next);
  BOOST_TEST((item_field(page2.body, "name") == std::vector<std::string>{"Starter"}));

  auto stale = call("PATCH", "/v1/order-templates/" + id, R"({"name":"x"})", {{"If-Match", "\"7\""}});
  BOOST_TEST(stale.status == 412, stale.body);
  auto patched = call("PATCH", "/v1/order-templates/" + id,
                      R"({"items":[{"product_id":")" + p2 + R"(","quantity":3}],"notes":null})", {{"If-Match", "\"1\""}});
  BOOST_TEST_REQUIRE(patched.status == 200, patched.body);
  BOOST_TEST(patched.header("etag") == "\"2\"");
  BOOST_TEST(patched.body.find("\"notes\":null") != std::string::npos, patched.body);
  BOOST_TEST(patched.body.find("\"quantity\":3") != std::string::npos, patched.body);
  auto got = call("GET", "/v1/order-templates/" + id + "?consistent_with=" + patched.header("consistency-token"));
  BOOST_TEST(got.status == 200);
  BOOST_TEST(got.body.find(p1) == std::string::npos, got.body);

  auto del = call("DELETE", "/v1/order-templates/" + id);
  BOOST_TEST(del.status == 204, del.body);
  BOOST_TEST(call("DELETE", "/v1/order-templates/" + id).status == 204);
  BOOST_TEST(call("GET", "/v1/order-templates/" + id + "?consistent_with=" + del.header("consistency-token")).status == 404);
  BOOST_TEST(call("PATCH", "/v1/order-templates/" + id, R"({"name":"y"})").status == 404);
}

BOOST_AUTO_TEST_CASE(bad_templates_get_precise_field_errors) {
  auto r = call("POST", "/v1/order-templates",
                R"({"name":"","items":[{"product_id":"nope","quantity":0},{"product_id":")" + p1 + R"(","quantity":1,"x":1}]})");
  BOOST_TEST(r.status == 400, r.body);
  BOOST_TEST(r.body.find("items[1].x") != std::string::npos, r.body);
  auto v = call("POST", "/v1/order-templates", R"({"name":"","items":[{"product_id":"nope","quantity":0}]})");
  BOOST_TEST(v.status == 400, v.body);
  BOOST_TEST(v.body.find("\"field\":\"items[0].quantity\"") != std::string::npos, v.body);
  BOOST_TEST(v.body.find("\"field\":\"items[0].product_id\"") != std::string::npos, v.body);
  BOOST_TEST(v.body.find("\"field\":\"name\"") != std::string::npos, v.body);
  auto empty = call("POST", "/v1/order-templates", R"({"name":"x","items":[]})");
  BOOST_TEST(empty.status == 400, empty.body);
  auto unknown = call("POST", "/v1/order-templates",
                      R"({"name":"x","customer_id":"01JZZZZZZZZZZZZZZZZZZZZZZZ","items":[{"product_id":")" + p1 + R"(","quantity":1}]})");
  BOOST_TEST(unknown.status == 400, unknown.body);
  BOOST_TEST(unknown.body.find("unknown_customer") != std::string::npos, unknown.body);
  BOOST_TEST(call("GET", "/v1/order-templates?customer_id=bad").status == 400);
  BOOST_TEST(call("GET", "/v1/order-templates?sort=name").status == 400);
  BOOST_TEST(call("GET", "/v1/order-templates/not-an-id").status == 404);
}

BOOST_AUTO_TEST_CASE(analysts_read_templates_but_may_not_write_them) {
  auto k = call("POST", "/v1/api-keys", R"({"role":"analyst","label":"bi"})");
  BOOST_TEST_REQUIRE(k.status == 201, k.body);
  auto analyst = json_field(k.body, "key").value();
  auto token = k.header("consistency-token");
  BOOST_TEST(call("GET", "/v1/order-templates?consistent_with=" + token, {}, {}, analyst).status == 200);
  auto w = call("POST", "/v1/order-templates", R"({"name":"x","items":[{"product_id":")" + p1 + R"(","quantity":1}]})", {}, analyst);
  BOOST_TEST(w.status == 403, w.body);
}

BOOST_AUTO_TEST_SUITE_END()
