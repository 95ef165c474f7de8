// Restarts and crashes of a real server process: nothing acknowledged is
// lost, nothing is applied twice, and SIGTERM shuts down cleanly.
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <filesystem>
#include <map>
#include <random>
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

// Every page of the tenant's customer list, as the server sends it.
std::vector<std::string> all_pages(std::uint16_t port, const std::string& key) {
  http_client c(port, key);
  std::vector<std::string> pages;
  std::string cursor;
  for (int page = 0; page < 10000; ++page) {
    auto r = c.get("/v1/customers?limit=100" + (cursor.empty() ? "" : "&cursor=" + cursor));
    BOOST_REQUIRE_EQUAL(r.status, 200);
    pages.push_back(r.body);
    cursor = json_field(r.body, "next_cursor").value_or("null");
    if (cursor == "null") break;
  }
  return pages;
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

// Rounds of: a server, a burst of creates and updates from several clients,
// kill -9 at a random moment. Afterwards every acknowledged create is there
// exactly once, every customer's version counts its acknowledged updates (and
// no more than were sent), and the read models equal a fresh replay of the log.
BOOST_AUTO_TEST_CASE(kill_9_at_random_points_over_many_rounds_loses_and_duplicates_nothing) {
  auto dir = temp_dir();
  auto seed = static_cast<unsigned>(std::chrono::steady_clock::now().time_since_epoch().count());
  BOOST_TEST_MESSAGE("kill -9 rounds, seed " << seed);
  std::mt19937 rng(seed);
  std::mutex m;
  std::set<std::string> acknowledged;             // names of acknowledged creates
  std::map<std::string, int> patches_acked, patches_sent;  // per customer id
  std::string key;
  constexpr int rounds = 5;
  for (int round = 0; round < rounds; ++round) {
    server_process s(dir);
    if (round == 0) key = s.admin_key();
    std::atomic<int> acks{0};
    int kill_after = std::uniform_int_distribution<int>(10, 400)(rng);
    std::vector<std::thread> writers;
    for (int t = 0; t < 6; ++t)
      writers.emplace_back([&, t] {
        std::vector<std::string> mine;
        try {
          http_client c(s.port(), key);
          for (int i = 0; i < 300; ++i) {
            if (i % 3 == 2 && !mine.empty()) {
              auto& id = mine[static_cast<std::size_t>(i) % mine.size()];
              {
                std::lock_guard lock(m);
                ++patches_sent[id];
              }
              auto r = c.request("PATCH", "/v1/customers/" + id, R"({"company":"p)" + std::to_string(i) + R"("})",
                                 {{"Content-Type", "application/json"}});
              if (r.status != 200) break;
              std::lock_guard lock(m);
              ++patches_acked[id];
            } else {
              auto name = "k" + std::to_string(round) + "-" + std::to_string(t) + "-" + std::to_string(i);
              auto r = c.post_json("/v1/customers", "{\"first_name\":\"" + name + "\"}");
              if (r.status != 201) break;
              mine.push_back(json_field(r.body, "id").value());
              std::lock_guard lock(m);
              acknowledged.insert(name);
            }
            ++acks;
          }
        } catch (const std::exception&) {
          // The server died under us: expected.
        }
      });
    for (int i = 0; i < 4000 && acks.load() < kill_after; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    s.kill9();
    for (auto& w : writers) w.join();
    BOOST_TEST_MESSAGE("round " << round << ": killed after " << acks.load() << " acknowledged writes");
  }
  BOOST_REQUIRE(!acknowledged.empty());

  std::vector<std::string> pages;
  {
    server_process s(dir);
    auto names = all_names(s.port(), key);
    std::multiset<std::string> seen(names.begin(), names.end());
    for (auto& n : acknowledged) BOOST_TEST(seen.count(n) == 1u, n);
    for (auto& n : names) BOOST_TEST(seen.count(n) == 1u, "duplicated: " << n);
    http_client c(s.port(), key);
    for (auto& [id, sent] : patches_sent) {
      auto r = c.get("/v1/customers/" + id);
      BOOST_REQUIRE_EQUAL(r.status, 200);
      auto version = std::stoi(json_field(r.body, "version").value());
      BOOST_TEST(version >= 1 + patches_acked[id], id << " lost an acknowledged update");
      BOOST_TEST(version <= 1 + sent, id << " has more updates than were sent");
    }
    pages = all_pages(s.port(), key);
    BOOST_TEST(s.terminate() == 0);
  }
  // A fresh replay: the same log with no read models folds to the same views.
  auto replay = temp_dir();
  std::filesystem::copy(dir, replay, std::filesystem::copy_options::recursive |
                                         std::filesystem::copy_options::overwrite_existing);
  std::filesystem::remove_all(replay + "/views");
  {
    server_process s(replay);
    BOOST_TEST(all_pages(s.port(), key) == pages);
    BOOST_TEST(s.terminate() == 0);
  }
  remove_dir(replay);

  // `chronicle rebuild` folds the same views again in place; while a server
  // holds the data directory it is refused and leaves the views alone.
  {
    server_process s(dir);
    auto busy = run_chronicle_captured({"rebuild", "--data-dir", dir});
    BOOST_TEST(busy.exit_code == 1);
    BOOST_TEST(!busy.err.empty());
    BOOST_TEST(!std::filesystem::exists(dir + "/views.before-rebuild"));
    BOOST_TEST(all_pages(s.port(), key) == pages);
    BOOST_TEST(s.terminate() == 0);
  }
  auto rebuilt = run_chronicle_captured({"rebuild", "--data-dir", dir});
  BOOST_TEST_REQUIRE(rebuilt.exit_code == 0, rebuilt.err);
  BOOST_TEST(rebuilt.out.find("rebuilt the read models from ") != std::string::npos, rebuilt.out);
  BOOST_TEST(!std::filesystem::exists(dir + "/views.before-rebuild"));
  {
    server_process s(dir);
    BOOST_TEST(all_pages(s.port(), key) == pages);
    BOOST_TEST(s.terminate() == 0);
  }
  auto nothing = run_chronicle_captured({"rebuild", "--data-dir", dir + "/no-such"});
  BOOST_TEST(nothing.exit_code == 1);
  BOOST_TEST(nothing.err.find("no Chronicle data") != std::string::npos, nothing.err);
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
