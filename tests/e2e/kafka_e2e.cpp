// The same customer flow with Kafka as the event log: a mock cluster
// (librdkafka's, speaking the Kafka protocol on 127.0.0.1) in a helper process.
#include <boost/test/unit_test.hpp>

#include <librdkafka/rdkafka.h>

#include <csignal>
#include <random>
#include <thread>

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
    auto created = c.post_json("/v1/customers", R"({"first_name":"Kafka Kate","emails":[{"address":"kate@example.org"}]})",
                               {{"Idempotency-Key", "k-1"}});
    BOOST_TEST_REQUIRE(created.status == 201, created.body);
    auto id = json_field(created.body, "id").value();
    auto read = c.get("/v1/customers/" + id + "?consistent_with=" + created.header("consistency-token"));
    BOOST_TEST_REQUIRE(read.status == 200, read.body);
    BOOST_TEST(json_field(read.body, "email").value() == "kate@example.org");
    auto patched = c.request("PATCH", "/v1/customers/" + id, R"({"phones":[{"number":"+44 20 7946 0958"}]})",
                             {{"Content-Type", "application/json"}, {"If-Match", "\"1\""}});
    BOOST_TEST_REQUIRE(patched.status == 200, patched.body);
    auto after = c.get("/v1/customers/" + id, {{"Consistency-Token", patched.header("consistency-token")}});
    BOOST_TEST(json_field(after.body, "phone").value() == "+442079460958");
    BOOST_TEST(c.request("PATCH", "/v1/customers/" + id, R"({"first_name":"x"})",
                         {{"Content-Type", "application/json"}, {"If-Match", "\"1\""}})
                   .status == 412);
    auto again = c.post_json("/v1/customers", R"({"first_name":"Kafka Kate","emails":[{"address":"kate@example.org"}]})",
                             {{"Idempotency-Key", "k-1"}});
    BOOST_TEST(json_field(again.body, "id").value() == id);
    BOOST_TEST(s.terminate() == 0);
  }
  remove_dir(dir);
}

// Every broker goes away mid-run: commands get a clear 503 within the
// delivery timeout (10 s) instead of hanging, nothing is acknowledged that is
// not in the log, and the server recovers by itself when the brokers return.
BOOST_AUTO_TEST_CASE(brokers_down_mid_run_get_503_in_bounded_time_and_recover) {
  helper_process mock({CHRONICLE_KAFKA_MOCK_BIN, "--brokers", "1", "--partitions", "2", "--prefix", "down."});
  auto dir = temp_dir();
  server_process s(dir, {"--kafka", mock.first_line(), "--kafka-prefix", "down.", "--partitions", "2",
                         "--kafka-config", "fetch.wait.max.ms=10"});
  http_client c(s.port(), s.admin_key());
  std::vector<std::string> acked;
  for (int i = 0; i < 5; ++i) {
    auto r = c.post_json("/v1/customers", R"({"first_name":"before )" + std::to_string(i) + R"("})");
    BOOST_REQUIRE_EQUAL(r.status, 201);
    acked.push_back(json_field(r.body, "id").value());
  }

  mock.signal(SIGUSR1);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto started = std::chrono::steady_clock::now();
  auto down = c.post_json("/v1/customers", R"({"first_name":"while down"})");
  auto took = std::chrono::steady_clock::now() - started;
  BOOST_TEST_MESSAGE("answer while down: " << down.status << " after "
                     << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms");
  BOOST_TEST(down.status == 503);
  BOOST_TEST(down.header("content-type") == "application/problem+json");
  BOOST_TEST(down.header("retry-after") == "1");
  BOOST_TEST(took < std::chrono::seconds(30));  // the delivery timeout, not forever

  mock.signal(SIGUSR2);
  response back;
  for (int i = 0; i < 60; ++i) {
    back = c.post_json("/v1/customers", R"({"first_name":"after )" + std::to_string(i) + R"("})");
    if (back.status == 201) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  BOOST_REQUIRE_EQUAL(back.status, 201);
  acked.push_back(json_field(back.body, "id").value());
  auto token = back.header("consistency-token");
  // The projections' consumer reconnects on its own backoff (up to 10 s):
  // reads wait for the token and answer 503 consistency_timeout meanwhile.
  for (auto& id : acked) {
    response r;
    for (int i = 0; i < 60; ++i) {
      r = c.get("/v1/customers/" + id + "?consistent_with=" + token);
      if (r.status != 503) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    BOOST_TEST(r.status == 200, id << ": " << r.body);
  }
  BOOST_TEST(s.terminate() == 0);
  remove_dir(dir);
}

BOOST_AUTO_TEST_SUITE_END()

namespace {

// Every record value of every partition of `topic`, read from offset 0.
std::string all_topic_bytes(const std::string& bootstrap, const std::string& topic, int partitions) {
  char err[512];
  auto* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), err, sizeof err);
  rd_kafka_conf_set(conf, "group.id", "e2e-raw-reader", err, sizeof err);
  rd_kafka_conf_set(conf, "enable.auto.commit", "false", err, sizeof err);
  rd_kafka_conf_set(conf, "fetch.wait.max.ms", "10", err, sizeof err);
  auto* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  BOOST_REQUIRE(rk);
  auto* list = rd_kafka_topic_partition_list_new(partitions);
  for (int p = 0; p < partitions; ++p) rd_kafka_topic_partition_list_add(list, topic.c_str(), p)->offset = 0;
  BOOST_REQUIRE(rd_kafka_assign(rk, list) == RD_KAFKA_RESP_ERR_NO_ERROR);
  rd_kafka_topic_partition_list_destroy(list);
  std::string bytes;
  int quiet = 0;
  for (int i = 0; i < 2000 && quiet < 20; ++i) {
    auto* m = rd_kafka_consumer_poll(rk, 50);
    if (!m) {
      ++quiet;
      continue;
    }
    if (!m->err) {
      quiet = 0;
      bytes.append(static_cast<const char*>(m->payload), m->len);
      if (m->key) bytes.append(static_cast<const char*>(m->key), m->key_len);
    }
    rd_kafka_message_destroy(m);
  }
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  return bytes;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(kafka_log)

BOOST_AUTO_TEST_CASE(an_erased_person_is_unreadable_in_the_kafka_topic) {
  helper_process mock({CHRONICLE_KAFKA_MOCK_BIN, "--brokers", "1", "--partitions", "2", "--prefix", "gdpr."});
  auto bootstrap = mock.first_line();
  auto dir = temp_dir();
  std::string marker = "Qx" + std::to_string(std::random_device{}());
  std::string name = "Erin " + marker, email = "erin." + marker + "@example.org";
  {
    server_process s(dir, {"--kafka", bootstrap, "--kafka-prefix", "gdpr.", "--partitions", "2",
                           "--kafka-config", "fetch.wait.max.ms=10"});
    http_client c(s.port(), s.admin_key());
    auto created = c.post_json("/v1/customers", "{\"first_name\":\"" + name + "\",\"emails\":[{\"address\":\"" + email + "\"}]}");
    BOOST_TEST_REQUIRE(created.status == 201, created.body);
    auto id = json_field(created.body, "id").value();
    // Free text about the person travels sealed too.
    BOOST_TEST_REQUIRE(c.get("/v1/customers/" + id + "?consistent_with=" + created.header("consistency-token")).status == 200);
    auto note = c.post_json("/v1/customers/" + id + "/notes", "{\"body\":\"Erin asked " + marker + "\"}");
    BOOST_TEST_REQUIRE(note.status == 201, note.body);
    // The topic carries sealed personal data only, even before the erasure.
    auto before = all_topic_bytes(bootstrap, "gdpr.customers", 2);
    BOOST_TEST_REQUIRE(before.find(id) != std::string::npos);  // the reader really sees the events
    BOOST_TEST_REQUIRE(before.find("note.added") != std::string::npos);
    BOOST_TEST(before.find(marker) == std::string::npos);
    auto erased = c.post_json("/v1/customers/" + id + "/erase", "{}");
    BOOST_TEST_REQUIRE(erased.status == 200, erased.body);
    BOOST_TEST(json_field(erased.body, "first_name").value() == "[erased]");
    auto after = all_topic_bytes(bootstrap, "gdpr.customers", 2);
    BOOST_TEST(after.find("subject.erased") != std::string::npos);
    BOOST_TEST(after.find(marker) == std::string::npos);
    BOOST_TEST(after.find(email) == std::string::npos);
    BOOST_TEST(s.terminate() == 0);
  }
  remove_dir(dir);
}

BOOST_AUTO_TEST_SUITE_END()
