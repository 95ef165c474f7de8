// The customer slice over HTTP against a real server process: the write/read
// flow with tokens, If-Match and idempotency, and bad input of every kind.
#include <boost/test/unit_test.hpp>

#include "support.hpp"

using namespace chronicle::e2e;

namespace {
struct running_server {
  std::string dir = temp_dir();
  server_process server{dir};
  ~running_server() {
    server.kill9();
    remove_dir(dir);
  }
};
}  // namespace

BOOST_FIXTURE_TEST_SUITE(customers_over_http, running_server)

BOOST_AUTO_TEST_CASE(create_read_update_and_retry) {
  http_client c(server.port(), server.admin_key());
  auto appended_before = metric(c.get("/metrics").body, "chronicle_appended_events_total");
  auto created = c.post_json("/v1/customers", R"({"first_name":"Ada","last_name":"Lovelace","company":"Greens","emails":[{"address":"Ada@Farm.Example"}],"phones":[{"number":"(415) 555-0123"}]})");
  BOOST_TEST_REQUIRE(created.status == 201, created.body);
  auto id = json_field(created.body, "id").value();
  BOOST_TEST(created.header("etag") == "\"1\"");
  BOOST_TEST(created.header("location") == "/v1/customers/" + id);
  BOOST_TEST(json_field(created.body, "email").value() == "Ada@farm.example");
  BOOST_TEST(json_field(created.body, "phone").value() == "+14155550123");
  auto token = created.header("consistency-token");
  BOOST_TEST_REQUIRE(!token.empty());

  // Read-your-writes with the token, as a query parameter and as a header.
  auto read = c.get("/v1/customers/" + id + "?consistent_with=" + token);
  BOOST_TEST_REQUIRE(read.status == 200, read.body);
  BOOST_TEST(json_field(read.body, "display_name").value() == "Ada Lovelace");
  BOOST_TEST(read.header("etag") == "\"1\"");
  BOOST_TEST(c.get("/v1/customers/" + id, {{"Consistency-Token", token}}).status == 200);

  auto patched = c.request("PATCH", "/v1/customers/" + id, R"({"company":null,"last_name":"King"})",
                           {{"Content-Type", "application/json"}, {"If-Match", "\"1\""}});
  BOOST_TEST_REQUIRE(patched.status == 200, patched.body);
  BOOST_TEST(patched.header("etag") == "\"2\"");
  BOOST_TEST(json_field(patched.body, "company").value() == "null");
  auto after = c.get("/v1/customers/" + id + "?consistent_with=" + patched.header("consistency-token"));
  BOOST_TEST(json_field(after.body, "display_name").value() == "Ada King");
  BOOST_TEST(json_field(after.body, "version").value() == "2");

  auto stale = c.request("PATCH", "/v1/customers/" + id, R"({"first_name":"Late"})",
                         {{"Content-Type", "application/json"}, {"If-Match", "\"1\""}});
  BOOST_TEST(stale.status == 412);
  BOOST_TEST(stale.header("content-type") == "application/problem+json");
  BOOST_TEST(json_field(stale.body, "code").value() == "version_conflict");

  // Idempotent retry: same key and body → the original response, no second customer.
  std::string body = R"({"first_name":"Bob","last_name":"Baker","emails":[{"address":"bob@bakery.example"}]})";
  auto first = c.post_json("/v1/customers", body, {{"Idempotency-Key", "retry-1"}});
  BOOST_TEST_REQUIRE(first.status == 201, first.body);
  auto second = c.post_json("/v1/customers", body, {{"Idempotency-Key", "retry-1"}});
  BOOST_TEST(second.status == 201);
  BOOST_TEST(json_field(second.body, "id").value() == json_field(first.body, "id").value());
  BOOST_TEST(second.header("idempotent-replayed") == "true");
  auto other = c.post_json("/v1/customers", R"({"first_name":"Someone Else"})", {{"Idempotency-Key", "retry-1"}});
  BOOST_TEST(other.status == 422);
  BOOST_TEST(json_field(other.body, "code").value() == "idempotency_key_reused");

  auto list = c.get("/v1/customers?limit=1&consistent_with=" + second.header("consistency-token"));
  BOOST_TEST_REQUIRE(list.status == 200, list.body);
  BOOST_TEST(count_items(list.body) == 1u);
  auto cursor = json_field(list.body, "next_cursor").value();
  auto rest = c.get("/v1/customers?limit=200&cursor=" + cursor);
  BOOST_TEST(count_items(rest.body) == 1u);
  BOOST_TEST(json_field(rest.body, "next_cursor").value() == "null");

  auto metrics = c.get("/metrics").body;
  BOOST_TEST(metric(metrics, "chronicle_appended_events_total") - appended_before == 3.0);  // 2 registrations + 1 update
}

BOOST_AUTO_TEST_CASE(bad_input_gets_a_problem_and_never_reaches_the_log) {
  http_client c(server.port(), server.admin_key());
  auto appended_before = metric(c.get("/metrics").body, "chronicle_appended_events_total");
  struct bad_case {
    std::string name, method, target, body, content_type;
    int status;
    std::string code;
  };
  std::vector<bad_case> cases = {
      {"malformed json", "POST", "/v1/customers", R"({"first_name": )", "application/json", 400, "malformed_json"},
      {"not an object", "POST", "/v1/customers", R"(["Ada"])", "application/json", 400, "invalid_body"},
      {"wrong type", "POST", "/v1/customers", R"({"first_name": 42})", "application/json", 400, "validation_failed"},
      {"unknown field", "POST", "/v1/customers", R"({"first_name":"A","nickname":"x"})", "application/json", 400, "validation_failed"},
      {"duplicate field", "POST", "/v1/customers", R"({"first_name":"A","first_name":"B"})", "application/json", 400, "validation_failed"},
      {"missing name", "POST", "/v1/customers", R"({"emails":[{"address":"a@b.example"}]})", "application/json", 400, "validation_failed"},
      {"the old name field", "POST", "/v1/customers", R"({"name":"Ada"})", "application/json", 400, "validation_failed"},
      {"bad email", "POST", "/v1/customers", R"({"first_name":"A","emails":[{"address":"nope"}]})", "application/json", 400, "validation_failed"},
      {"bad utf-8", "POST", "/v1/customers", "{\"first_name\":\"\xff\xfe\"}", "application/json", 400, "invalid_utf8"},
      {"empty body", "POST", "/v1/customers", "", "application/json", 400, "empty_body"},
      {"wrong media type", "POST", "/v1/customers", R"({"first_name":"A"})", "text/plain", 415, "unsupported_media_type"},
      {"unknown route", "GET", "/v1/nothing", "", "", 404, "route_not_found"},
      {"wrong method", "DELETE", "/v1/customers", "", "", 405, "method_not_allowed"},
      {"bad limit", "GET", "/v1/customers?limit=0", "", "", 400, "invalid_query"},
      {"unknown parameter", "GET", "/v1/customers?colour=red", "", "", 400, "invalid_query"},
      {"unknown sort", "GET", "/v1/customers?sort=shoe_size", "", "", 400, "invalid_query"},
      {"unsupported filter", "GET", "/v1/customers?type[gte]=restaurant", "", "", 400, "invalid_query"},
      {"bad cursor", "GET", "/v1/customers?cursor=zzz", "", "", 400, "invalid_query"},
      {"bad token", "GET", "/v1/customers?consistent_with=t1.nope", "", "", 400, "invalid_consistency_token"},
      {"bad percent escape", "GET", "/v1/customers?limit=%zz", "", "", 400, "invalid_query"},
      {"unknown id", "GET", "/v1/customers/01JAAAAAAAAAAAAAAAAAAAAAAA", "", "", 404, "customer_not_found"},
      {"malformed id", "GET", "/v1/customers/not-an-id", "", "", 404, "customer_not_found"},
      {"patch unknown", "PATCH", "/v1/customers/01JAAAAAAAAAAAAAAAAAAAAAAA", R"({"first_name":"X"})", "application/json", 404, "customer_not_found"},
      {"bad if-match", "PATCH", "/v1/customers/01JAAAAAAAAAAAAAAAAAAAAAAA", R"({"first_name":"X"})", "application/json", 400, "invalid_header"},
  };
  for (auto& bc : cases) {
    std::vector<std::pair<std::string, std::string>> h;
    if (!bc.content_type.empty()) h.emplace_back("Content-Type", bc.content_type);
    if (bc.name == "bad if-match") h.emplace_back("If-Match", "yesterday");
    auto r = c.request(bc.method, bc.target, bc.body, h);
    BOOST_TEST(r.status == bc.status, bc.name << ": " << r.status << " " << r.body);
    BOOST_TEST(r.header("content-type") == "application/problem+json", bc.name);
    BOOST_TEST(json_field(r.body, "code").value_or("") == bc.code, bc.name << ": " << r.body);
    BOOST_TEST(json_field(r.body, "status").value_or("") == std::to_string(bc.status), bc.name);
  }
  auto wrong = c.post_json("/v1/customers", R"({"first_name": 42, "nickname": "x"})");
  BOOST_TEST(wrong.body.find("\"field\":\"first_name\"") != std::string::npos, wrong.body);
  BOOST_TEST(wrong.body.find("\"field\":\"nickname\"") != std::string::npos, wrong.body);

  // A body over the 1 MiB limit gets 413 and the connection is closed.
  http_client big(server.port(), server.admin_key());
  auto r = big.post_json("/v1/customers", "{\"first_name\":\"" + std::string(2 << 20, 'a') + "\"}");
  BOOST_TEST(r.status == 413);
  BOOST_TEST(json_field(r.body, "code").value_or("") == "body_too_large");

  // Garbage that is not HTTP gets a 400 problem, and the server keeps serving.
  http_client junk(server.port(), server.admin_key());
  auto j = junk.raw("HELLO\r\n\r\n");
  BOOST_TEST(j.status == 400);

  http_client after(server.port(), server.admin_key());
  BOOST_TEST(after.get("/healthz").status == 200);
  BOOST_TEST(metric(after.get("/metrics").body, "chronicle_appended_events_total") == appended_before);
}

BOOST_AUTO_TEST_CASE(serves_openapi_health_readiness_and_metrics) {
  http_client c(server.port(), server.admin_key());
  auto doc = c.get("/v1/openapi.json");
  BOOST_TEST(doc.status == 200);
  BOOST_TEST(json_field(doc.body, "openapi").value_or("").rfind("3.1", 0) == 0u);
  BOOST_TEST(c.get("/healthz").status == 200);
  BOOST_TEST(c.get("/readyz").status == 200);
  BOOST_TEST(c.post_json("/v1/customers", R"({"first_name":"M"})").status == 201);
  auto m = c.get("/metrics");
  BOOST_TEST(m.header("content-type").rfind("text/plain", 0) == 0u);
  BOOST_TEST(metric(m.body, "chronicle_http_requests_total{route=\"customers.register\",status=\"201\"}") == 1.0);
  BOOST_TEST(metric(m.body, "chronicle_http_request_duration_seconds_count{route=\"customers.register\"}") == 1.0);
  BOOST_TEST(metric(m.body, "chronicle_append_duration_seconds_count") >= 1.0);
  BOOST_TEST(metric(m.body, "chronicle_projection_lag_events") >= 0.0);
  // One gauge per RocksDB store of the embedded default (-1: absent).
  for (auto store : {"log", "state", "views"})
    BOOST_TEST(metric(m.body, std::string("chronicle_storage_background_jobs{store=\"") + store + "\"}") >= 0.0, store);
}

BOOST_AUTO_TEST_CASE(keeps_connections_alive_across_requests) {
  http_client c(server.port(), server.admin_key());
  for (int i = 0; i < 20; ++i) BOOST_TEST(c.post_json("/v1/customers", R"({"first_name":"K"})").status == 201);
  auto closing = c.request("GET", "/healthz", {}, {{"Connection", "close"}});
  BOOST_TEST(closing.status == 200);
  BOOST_TEST(c.closed_by_peer());
}

BOOST_AUTO_TEST_SUITE_END()
