// Restarts and crashes of a real server process: nothing acknowledged is
// lost, nothing is applied twice, and SIGTERM shuts down cleanly.
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "support.hpp"

using namespace chronicle::e2e;

namespace {

// Every customer name in the tenant, following cursors.
std::vector<std::string> all_names(std::uint16_t port, const std::string& key) {
  http_client c(port, key);
  std::vector<std::string> names;
  std::string cursor;
  for (int page = 0; page < 10000; ++page) {
    auto r = c.get("/v1/customers?limit=200" + (cursor.empty() ? "" : "&cursor=" + cursor));
    BOOST_REQUIRE_EQUAL(r.status, 200);
    for (auto& n : item_field(r.body, "first_name")) names.push_back(n);
    cursor = json_field(r.body, "next_cursor").value_or("null");
    if (cursor == "null") break;
  }
  return names;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(durability)

BOOST_AUTO_TEST_CASE(a_restart_keeps_everything_and_reapplies_nothing) {
  auto dir = temp_dir();
  std::vector<std::string> ids;
  std::string key;
  {
    server_process s(dir);
    key = s.admin_key();
    http_client c(s.port(), key);
    std::string token;
    for (int i = 0; i < 60; ++i) {
      auto r = c.post_json("/v1/customers", "{\"first_name\":\"R" + std::to_string(i) + "\"}");
      BOOST_REQUIRE_EQUAL(r.status, 201);
      ids.push_back(json_field(r.body, "id").value());
    }
    for (int i = 0; i < 60; i += 5) {
      auto r = c.request("PATCH", "/v1/customers/" + ids[i], R"({"company":"Updated"})",
                         {{"Content-Type", "application/json"}, {"If-Match", "1"}});
      BOOST_REQUIRE_EQUAL(r.status, 200);
      token = r.header("consistency-token");
    }
    BOOST_TEST(c.get("/v1/customers/" + ids[55] + "?consistent_with=" + token).status == 200);
    BOOST_TEST(s.terminate() == 0);
  }
  server_process s(dir);
  http_client c(s.port(), key);
  // The projections resumed from their checkpoint: nothing was folded again.
  // (Checked first: every read below appends an audit record.)
  auto m = c.get("/metrics").body;
  BOOST_TEST(metric(m, "chronicle_projection_applied_events_total") == 0.0);
  BOOST_TEST(metric(m, "chronicle_projection_lag_events") == 0.0);
  for (int i = 0; i < 60; ++i) {
    auto r = c.get("/v1/customers/" + ids[i]);
    BOOST_REQUIRE_EQUAL(r.status, 200);
    BOOST_TEST(json_field(r.body, "version").value() == (i % 5 == 0 ? "2" : "1"));
  }
  // The writer caught up: a stale If-Match is still detected after the restart.
  auto stale = c.request("PATCH", "/v1/customers/" + ids[0], R"({"first_name":"X"})",
                         {{"Content-Type", "application/json"}, {"If-Match", "1"}});
  BOOST_TEST(stale.status == 412);
  BOOST_TEST(s.terminate() == 0);
  remove_dir(dir);
}

BOOST_AUTO_TEST_CASE(kill_9_during_a_write_burst_loses_no_acknowledged_write) {
  auto dir = temp_dir();
  std::mutex m;
  std::set<std::string> acknowledged;
  std::atomic<int> acks{0};
  std::string key;
  {
    server_process s(dir);
    key = s.admin_key();
    std::vector<std::thread> writers;
    for (int t = 0; t < 8; ++t)
      writers.emplace_back([&, t] {
        try {
          http_client c(s.port(), key);
          for (int i = 0; i < 400; ++i) {
            auto name = "burst-" + std::to_string(t) + "-" + std::to_string(i);
            auto r = c.post_json("/v1/customers", "{\"first_name\":\"" + name + "\"}");
            if (r.status != 201) break;
            std::lock_guard lock(m);
            acknowledged.insert(name);
            ++acks;
          }
        } catch (const std::exception&) {
          // The server died under us: expected.
        }
      });
    // Kill while writes are in flight, after a good number have been acknowledged.
    for (int i = 0; i < 2000 && acks.load() < 600; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    s.kill9();
    for (auto& w : writers) w.join();
  }
  BOOST_TEST_MESSAGE("acknowledged before kill -9: " << acknowledged.size());
  BOOST_REQUIRE(acknowledged.size() > 0u);
  server_process s(dir);
  auto names = all_names(s.port(), key);
  std::multiset<std::string> seen(names.begin(), names.end());
  for (auto& n : acknowledged) BOOST_TEST(seen.count(n) == 1u, n);
  for (auto& n : names) BOOST_TEST(seen.count(n) == 1u, "duplicated: " << n);
  // Writes after the crash still work and keep versions straight.
  http_client c(s.port(), key);
  BOOST_TEST(c.post_json("/v1/customers", R"({"first_name":"after"})").status == 201);
  BOOST_TEST(s.terminate() == 0);
  remove_dir(dir);
}

BOOST_AUTO_TEST_CASE(sigterm_finishes_in_flight_requests_and_exits_zero) {
  auto dir = temp_dir();
  server_process s(dir);
  auto key = s.admin_key();
  std::atomic<int> ok{0}, failed{0};
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t)
    writers.emplace_back([&] {
      try {
        http_client c(s.port(), key);
        for (int i = 0; i < 200; ++i) {
          auto r = c.post_json("/v1/customers", R"({"first_name":"term"})");
          if (r.status == 201) ++ok;
          else ++failed;
          if (r.header("connection") == "close") break;
        }
      } catch (const std::exception&) {
      }
    });
  while (ok.load() < 50) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  BOOST_TEST(s.terminate() == 0);
  for (auto& w : writers) w.join();
  BOOST_TEST(failed.load() == 0);
  // Every 201 answered before the shutdown is in the log.
  server_process again(dir);
  BOOST_TEST(all_names(again.port(), key).size() == static_cast<std::size_t>(ok.load()));
  again.terminate();
  remove_dir(dir);
}

BOOST_AUTO_TEST_SUITE_END()
