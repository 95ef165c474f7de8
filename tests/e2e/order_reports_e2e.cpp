// Order reports and the customer's order figures over HTTP against a real
// server process: parameter validation, the shape of an empty report, the
// profile's `orders` object, roles.
#include <boost/test/unit_test.hpp>

#include "support.hpp"

using namespace chronicle::e2e;

namespace {

struct reports_fixture {
  std::string dir = temp_dir();
  server_process server{dir};
  std::uint16_t port = server.port();
  std::string key = server.admin_key();
  ~reports_fixture() {
    server.kill9();
    remove_dir(dir);
  }
  response get(const std::string& target, const std::string& as = {}) {
    http_client c(port, as.empty() ? key : as);
    return c.get(target);
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(order_reports_over_http, reports_fixture)

BOOST_AUTO_TEST_CASE(a_report_lists_every_period_of_the_range_even_without_orders) {
  auto r = get("/v1/reports/orders?from=2026-03-01&to=2026-03-03");
  BOOST_TEST_REQUIRE(r.status == 200, r.body);
  BOOST_TEST(json_field(r.body, "granularity").value_or("") == "day");
  BOOST_TEST(r.body.find(R"("period":"2026-03-01")") != std::string::npos, r.body);
  BOOST_TEST(r.body.find(R"("period":"2026-03-03")") != std::string::npos, r.body);
  BOOST_TEST(r.body.find(R"("average_time_to_delivery_seconds":null)") != std::string::npos, r.body);
  BOOST_TEST(r.body.find(R"("return_rate":null)") != std::string::npos, r.body);
  auto w = get("/v1/reports/orders?from=2026-03-04&to=2026-03-10&granularity=week");
  BOOST_TEST_REQUIRE(w.status == 200, w.body);
  BOOST_TEST(w.body.find(R"("period":"2026-W10","start":"2026-03-02")") != std::string::npos, w.body);
  BOOST_TEST(w.body.find(R"("period":"2026-W11","start":"2026-03-09")") != std::string::npos, w.body);
}

BOOST_AUTO_TEST_CASE(bad_report_parameters_are_named) {
  auto missing = get("/v1/reports/orders");
  BOOST_TEST(missing.status == 400, missing.body);
  BOOST_TEST(missing.body.find(R"("field":"from","code":"required")") != std::string::npos, missing.body);
  BOOST_TEST(missing.body.find(R"("field":"to","code":"required")") != std::string::npos, missing.body);
  auto bad = get("/v1/reports/orders?from=2026-02-30&to=2026-03-01&granularity=month&x=1");
  BOOST_TEST(bad.status == 400, bad.body);
  BOOST_TEST(bad.body.find(R"("field":"from","code":"invalid_format")") != std::string::npos, bad.body);
  BOOST_TEST(bad.body.find(R"("field":"granularity","code":"invalid_value")") != std::string::npos, bad.body);
  BOOST_TEST(bad.body.find(R"("field":"x","code":"unknown_parameter")") != std::string::npos, bad.body);
  auto backwards = get("/v1/reports/orders?from=2026-03-02&to=2026-03-01");
  BOOST_TEST(backwards.body.find(R"("field":"to","code":"out_of_range")") != std::string::npos, backwards.body);
  BOOST_TEST(get("/v1/reports/orders?from=2025-01-01&to=2026-01-01").status == 200);   // 366 days
  BOOST_TEST(get("/v1/reports/orders?from=2025-01-01&to=2026-01-02").status == 400);   // 367
  BOOST_TEST(get("/v1/reports/orders?from=2024-01-01&to=2025-12-31&granularity=week").status == 200);
  BOOST_TEST(get("/v1/reports/orders?from=2020-01-01&to=2025-12-31&granularity=week").status == 400);
}

BOOST_AUTO_TEST_CASE(analysts_read_reports_and_a_profile_shows_empty_order_figures) {
  http_client admin(port, key);
  auto k = admin.post_json("/v1/api-keys", R"({"role":"analyst"})");
  BOOST_TEST_REQUIRE(k.status == 201, k.body);
  auto analyst = json_field(k.body, "key").value();
  auto token = k.header("consistency-token");
  BOOST_TEST(get("/v1/reports/orders?from=2026-03-01&to=2026-03-01&consistent_with=" + token, analyst).status == 200);
  auto c = admin.post_json("/v1/customers", R"({"first_name":"Ada","company":"Ada Farm"})");
  BOOST_TEST_REQUIRE(c.status == 201, c.body);
  auto id = json_field(c.body, "id").value();
  auto p = get("/v1/customers/" + id + "?consistent_with=" + c.header("consistency-token"));
  BOOST_TEST_REQUIRE(p.status == 200, p.body);
  BOOST_TEST(p.body.find(R"("orders":{"total_orders":0,"total_spent":null,"average_order_value":null,"first_order_at":null,"last_order_at":null})") !=
                 std::string::npos,
             p.body);
  auto sorted = get("/v1/customers?sort=-lifetime_value&total_orders[gte]=0");
  BOOST_TEST(sorted.status == 200, sorted.body);
  BOOST_TEST(get("/v1/customers?total_orders[gte]=lots").status == 400);
}

BOOST_AUTO_TEST_SUITE_END()
