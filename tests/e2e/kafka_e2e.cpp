// The same customer flow with Kafka as the event log: a mock cluster
// (librdkafka's, speaking the Kafka protocol on 127.0.0.1) in a helper process.
#include <boost/test/unit_test.hpp>

#include "support.hpp"

using namespace chronicle::e2e;

BOOST_AUTO_TEST_SUITE(kafka_log)

BOOST_AUTO_TEST_CASE(create_read_update_on_kafka) {
  helper_process mock({CHRONICLE_KAFKA_MOCK_BIN, "--brokers", "3", "--partitions", "4", "--prefix", "e2e."});
  auto bootstrap = mock.first_line();
  BOOST_TEST_MESSAGE("mock cluster at " << bootstrap);
  auto dir = temp_dir();
  {
    server_process s(dir, {"--kafka", bootstrap, "--kafka-prefix", "e2e.", "--partitions", "4",
                           "--kafka-config", "fetch.wait.max.ms=10"});
    http_client c(s.port(), s.admin_key());
    auto created = c.post_json("/v1/customers", R"({"name":"Kafka Kate","email":"kate@example.org"})",
                               {{"Idempotency-Key", "k-1"}});
    BOOST_TEST_REQUIRE(created.status == 201, created.body);
    auto id = json_field(created.body, "id").value();
    auto read = c.get("/v1/customers/" + id + "?consistent_with=" + created.header("consistency-token"));
    BOOST_TEST_REQUIRE(read.status == 200, read.body);
    BOOST_TEST(json_field(read.body, "email").value() == "kate@example.org");
    auto patched = c.request("PATCH", "/v1/customers/" + id, R"({"phone":"+44 20 7946 0958"})",
                             {{"Content-Type", "application/json"}, {"If-Match", "\"1\""}});
    BOOST_TEST_REQUIRE(patched.status == 200, patched.body);
    auto after = c.get("/v1/customers/" + id, {{"Consistency-Token", patched.header("consistency-token")}});
    BOOST_TEST(json_field(after.body, "phone").value() == "+442079460958");
    BOOST_TEST(c.request("PATCH", "/v1/customers/" + id, R"({"name":"x"})",
                         {{"Content-Type", "application/json"}, {"If-Match", "\"1\""}})
                   .status == 412);
    auto again = c.post_json("/v1/customers", R"({"name":"Kafka Kate","email":"kate@example.org"})",
                             {{"Idempotency-Key", "k-1"}});
    BOOST_TEST(json_field(again.body, "id").value() == id);
    BOOST_TEST(s.terminate() == 0);
  }
  remove_dir(dir);
}

BOOST_AUTO_TEST_SUITE_END()
