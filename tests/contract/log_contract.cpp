// The event log port's contract (commands/ports/event_log.hpp and
// domain/log.hpp), written once and run against every adapter: the in-memory
// fake, the embedded RocksDB log and the Kafka log on librdkafka's in-process
// mock cluster. Timing is only ever bounded from above, to prove "no hang".
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <tuple>

#include <boost/test/unit_test.hpp>

#include "contract/support.hpp"
#include "infra/log/embedded_log.hpp"
#include "infra/log/kafka_log.hpp"
#include "infra/memory/memory_log.hpp"
#include "support/mock_cluster_knock.hpp"

namespace chronicle::contract {
namespace {

using namespace std::chrono_literals;

constexpr std::uint32_t test_partitions = 4;
constexpr auto no_hang = 10s;
const std::string kafka_prefix = "chronicle.";

// ---- adapters ---------------------------------------------------------------

struct memory_adapter {
  std::unique_ptr<infra::memory_log> log_ = std::make_unique<infra::memory_log>(test_partitions);
  commands::event_log& log() { return *log_; }
};

struct embedded_adapter {
  temp_dir dir;
  std::unique_ptr<infra::embedded_log> log_;

  embedded_adapter() { log_ = open(test_partitions); }
  std::unique_ptr<infra::embedded_log> open(std::uint32_t partitions) {
    auto l = infra::embedded_log::open({dir.sub("log"), partitions, true});
    BOOST_REQUIRE_MESSAGE(l.ok(), (l.ok() ? "" : l.err().message));
    return std::move(l).value();
  }
  commands::event_log& log() { return *log_; }
};

using chronicle::testing::served_promptly;

// librdkafka's mock cluster in this process: real protocol, loopback ports.
class mock_cluster {
 public:
  explicit mock_cluster(int brokers = 3) {
    auto* conf = rd_kafka_conf_new();
    char errstr[256];
    rd_kafka_conf_set(conf, "log_level", "2", errstr, sizeof errstr);
    rk_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    BOOST_REQUIRE_MESSAGE(rk_, errstr);
    mc_ = rd_kafka_mock_cluster_new(rk_, brokers);
    BOOST_REQUIRE(mc_);
    bootstrap_ = rd_kafka_mock_cluster_bootstraps(mc_);
    auto first = bootstrap_.substr(0, bootstrap_.find(','));
    port_ = static_cast<std::uint16_t>(std::stoi(first.substr(first.rfind(':') + 1)));
  }
  ~mock_cluster() {
    served_promptly(port_, [&] { rd_kafka_mock_cluster_destroy(mc_); });
    rd_kafka_destroy(rk_);
  }
  mock_cluster(const mock_cluster&) = delete;
  mock_cluster& operator=(const mock_cluster&) = delete;

  // The mock does not implement CreateTopics, and a lookup by name would
  // auto-create a topic with 4 partitions: create them up front.
  void create_topics(int partitions) {
    for (auto t : all_topics) {
      auto name = kafka_prefix + std::string(t);
      auto err = served_promptly(port_, [&] { return rd_kafka_mock_topic_create(mc_, name.c_str(), partitions, 3); });
      BOOST_REQUIRE(err == RD_KAFKA_RESP_ERR_NO_ERROR);
    }
  }
  void set_all_brokers_down() {
    served_promptly(port_, [&] { return rd_kafka_mock_broker_set_down(mc_, -1); });
  }
  const std::string& bootstrap() const { return bootstrap_; }

 private:
  rd_kafka_t* rk_ = nullptr;
  rd_kafka_mock_cluster_t* mc_ = nullptr;
  std::string bootstrap_;
  std::uint16_t port_ = 0;
};

infra::kafka_log_options kafka_options(const mock_cluster& c) {
  infra::kafka_log_options o;
  o.bootstrap = c.bootstrap();
  o.topic_prefix = kafka_prefix;
  o.partitions = test_partitions;
  // The mock does not wake a waiting fetch on new data (KAFKA_TESTING.md).
  o.extra = {{"fetch.wait.max.ms", "10"}, {"log_level", "2"}};
  return o;
}

struct kafka_adapter {
  mock_cluster cluster;  // declared first: outlives the log
  std::unique_ptr<infra::kafka_log> log_;

  kafka_adapter() {
    cluster.create_topics(test_partitions);
    auto l = infra::kafka_log::open(kafka_options(cluster));
    BOOST_REQUIRE_MESSAGE(l.ok(), (l.ok() ? "" : l.err().message));
    log_ = std::move(l).value();
  }
  commands::event_log& log() { return *log_; }
};

using all_adapters = std::tuple<memory_adapter, embedded_adapter, kafka_adapter>;

// ---- helpers ----------------------------------------------------------------

commands::log_append make_batch(const std::string& topic, std::uint32_t partition,
                                std::vector<std::pair<std::string, std::string>> records) {
  commands::log_append a;
  a.tp = {topic, partition};
  for (auto& [k, v] : records) a.records.push_back({k, v});
  return a;
}

result<std::vector<std::uint64_t>> append_and_wait(commands::event_log& log, commands::log_append batch) {
  auto p = std::make_shared<std::promise<result<std::vector<std::uint64_t>>>>();
  auto f = p->get_future();
  log.append(std::move(batch), [p](result<std::vector<std::uint64_t>> r) { p->set_value(std::move(r)); });
  BOOST_REQUIRE_MESSAGE(f.wait_for(no_hang) == std::future_status::ready, "append was never acknowledged");
  return f.get();
}

std::vector<std::uint64_t> append_ok(commands::event_log& log, commands::log_append batch) {
  auto r = append_and_wait(log, std::move(batch));
  BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.err().message));
  return std::move(r).value();
}

std::unique_ptr<log_cursor> cursor(log_reader& log, const std::vector<std::string>& topics,
                                   const positions& from = {}) {
  auto c = log.open_cursor(topics, from);
  BOOST_REQUIRE_MESSAGE(c.ok(), (c.ok() ? "" : c.err().message));
  return std::move(c).value();
}

// Polls until `n` records arrived or the no-hang bound ran out.
std::vector<log_record> read_n(log_cursor& c, std::size_t n, std::size_t max_per_poll = 64) {
  std::vector<log_record> out;
  auto deadline = std::chrono::steady_clock::now() + no_hang;
  while (out.size() < n && std::chrono::steady_clock::now() < deadline) {
    auto r = c.poll(max_per_poll, 200ms);
    BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.err().message));
    BOOST_REQUIRE_LE(r->size(), max_per_poll);
    for (auto& rec : *r) out.push_back(std::move(rec));
  }
  return out;
}

// Nothing more arrives within a short grace period.
void expect_no_more(log_cursor& c) {
  auto deadline = std::chrono::steady_clock::now() + 300ms;
  while (std::chrono::steady_clock::now() < deadline) {
    auto r = c.poll(16, 100ms);
    BOOST_REQUIRE(r.ok());
    BOOST_CHECK_MESSAGE(r->empty(), "unexpected record " << (r->empty() ? "" : r->front().key));
  }
}

}  // namespace

// ---- the contract, once per adapter -----------------------------------------

BOOST_AUTO_TEST_SUITE(log_contract)

BOOST_AUTO_TEST_CASE_TEMPLATE(appends_are_acknowledged_with_contiguous_offsets, A, all_adapters) {
  A a;
  auto first = append_ok(a.log(), make_batch("customers", 1, {{"customer-acme-1", "a"}}));
  auto second = append_ok(a.log(), make_batch("customers", 1, {{"customer-acme-1", "b"}, {"customer-acme-2", "c"},
                                                               {"customer-acme-1", "d"}}));
  auto third = append_ok(a.log(), make_batch("customers", 1, {{"customer-acme-3", "e"}, {"customer-acme-3", "f"}}));
  auto other = append_ok(a.log(), make_batch("customers", 2, {{"customer-acme-4", "g"}}));

  BOOST_TEST(first == (std::vector<std::uint64_t>{0}), boost::test_tools::per_element());
  BOOST_TEST(second == (std::vector<std::uint64_t>{1, 2, 3}), boost::test_tools::per_element());
  BOOST_TEST(third == (std::vector<std::uint64_t>{4, 5}), boost::test_tools::per_element());
  BOOST_TEST(other == (std::vector<std::uint64_t>{0}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE_TEMPLATE(a_cursor_returns_records_in_order_with_keys_and_payloads_intact, A, all_adapters) {
  A a;
  // Bytes a text-minded codec would mangle: NUL, 0xff, multi-byte UTF-8.
  const auto binary = bytes("\x00\x01\xff{\"k\":\"\xc3\xa9\"}");
  std::vector<std::pair<std::string, std::string>> written = {
      {"customer-acme-01J", R"({"type":"customer.registered"})"},
      {"customer-acme-\xc3\xa9", binary},
      {"customer-acme-01J", ""},
      {"customer-acme-01J", std::string(4000, 'x')},
  };
  append_ok(a.log(), make_batch("customers", 3, {written[0], written[1]}));
  append_ok(a.log(), make_batch("customers", 3, {written[2], written[3]}));

  auto c = cursor(a.log(), {"customers"});
  auto got = read_n(*c, written.size());
  BOOST_REQUIRE_EQUAL(got.size(), written.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    BOOST_TEST_CONTEXT("record " << i) {
      BOOST_TEST(got[i].tp.topic == "customers");  // never the deployment's prefixed name
      BOOST_TEST(got[i].tp.partition == 3u);
      BOOST_TEST(got[i].offset == i);
      BOOST_TEST(got[i].key == written[i].first);
      BOOST_TEST(got[i].payload == written[i].second);
    }
  }
  expect_no_more(*c);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(a_cursor_starting_at_a_position_skips_earlier_records, A, all_adapters) {
  A a;
  for (int i = 0; i < 5; ++i) append_ok(a.log(), make_batch("orders", 0, {{"order-acme-" + std::to_string(i), "p0"}}));
  for (int i = 0; i < 3; ++i) append_ok(a.log(), make_batch("orders", 1, {{"order-acme-" + std::to_string(i), "p1"}}));

  auto c = cursor(a.log(), {"orders"}, {{{"orders", 0}, 3}, {{"orders", 1}, 1}});
  auto got = read_n(*c, 4);
  BOOST_REQUIRE_EQUAL(got.size(), 4u);
  std::set<std::pair<std::uint32_t, std::uint64_t>> seen;
  for (auto& r : got) seen.insert({r.tp.partition, r.offset});
  BOOST_TEST((seen == std::set<std::pair<std::uint32_t, std::uint64_t>>{{0, 3}, {0, 4}, {1, 1}, {1, 2}}));
  expect_no_more(*c);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(records_of_every_partition_of_the_cursor_topics_are_delivered, A, all_adapters) {
  A a;
  std::map<topic_partition, std::vector<std::string>> written;
  for (std::string topic : {"customers", "orders"})
    for (std::uint32_t p = 0; p < test_partitions; ++p)
      for (int i = 0; i < 3; ++i) {
        auto key = topic + "-" + std::to_string(p) + "-" + std::to_string(i);
        append_ok(a.log(), make_batch(topic, p, {{key, "v"}}));
        written[{topic, p}].push_back(key);
      }
  append_ok(a.log(), make_batch("loyalty", 0, {{"loyalty-acme-1", "not asked for"}}));

  auto c = cursor(a.log(), {"customers", "orders"});
  auto got = read_n(*c, 2 * test_partitions * 3, 5);
  BOOST_REQUIRE_EQUAL(got.size(), 2u * test_partitions * 3);
  std::map<topic_partition, std::vector<std::string>> read;
  for (auto& r : got) {
    auto& keys = read[r.tp];
    BOOST_TEST(r.offset == keys.size());  // per partition: in offset order, no gaps
    keys.push_back(r.key);
  }
  BOOST_TEST((read == written));
  expect_no_more(*c);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(poll_waits_for_a_record_appended_by_another_thread, A, all_adapters) {
  A a;
  auto end = a.log().end_positions();
  BOOST_REQUIRE(end.ok());
  auto c = cursor(a.log(), {"deliveries"}, *end);
  std::thread writer([&] {
    std::this_thread::sleep_for(100ms);
    append_ok(a.log(), make_batch("deliveries", 2, {{"delivery-acme-1", "late"}}));
  });
  std::vector<log_record> got;
  auto deadline = std::chrono::steady_clock::now() + no_hang;
  while (got.empty() && std::chrono::steady_clock::now() < deadline) {
    auto r = c->poll(10, 5s);
    BOOST_REQUIRE(r.ok());
    got = std::move(*r);
  }
  writer.join();
  BOOST_REQUIRE_EQUAL(got.size(), 1u);
  BOOST_TEST(got[0].key == "delivery-acme-1");
  BOOST_TEST(got[0].payload == "late");
  BOOST_TEST((got[0].tp == topic_partition{"deliveries", 2}));
}

BOOST_AUTO_TEST_CASE_TEMPLATE(wake_releases_a_blocked_poll_promptly, A, all_adapters) {
  A a;
  auto c = cursor(a.log(), {"feedback"});
  auto polled = std::async(std::launch::async, [&] { return c->poll(10, 60s); });
  std::this_thread::sleep_for(100ms);
  c->wake();
  // The poll asked to wait a minute; returning within the no-hang bound proves the wake.
  BOOST_REQUIRE_MESSAGE(polled.wait_for(no_hang) == std::future_status::ready, "wake() did not release poll()");
  auto r = polled.get();
  BOOST_REQUIRE(r.ok());
  BOOST_TEST(r->empty());
}

BOOST_AUTO_TEST_CASE_TEMPLATE(end_positions_reflect_appends_and_are_zero_for_empty_partitions, A, all_adapters) {
  A a;
  auto before = a.log().end_positions();
  BOOST_REQUIRE(before.ok());
  BOOST_TEST(before->size() == std::size(all_topics) * test_partitions);
  for (auto t : all_topics)
    for (std::uint32_t p = 0; p < test_partitions; ++p) {
      auto it = before->find({std::string(t), p});
      BOOST_REQUIRE(it != before->end());
      BOOST_TEST(it->second == 0u);
    }

  append_ok(a.log(), make_batch("customers", 1, {{"k", "1"}, {"k", "2"}, {"k", "3"}}));
  append_ok(a.log(), make_batch("tenants", 3, {{"k", "1"}}));
  append_ok(a.log(), make_batch("tenants", 3, {{"k", "2"}}));

  auto after = a.log().end_positions();
  BOOST_REQUIRE(after.ok());
  BOOST_TEST(after->size() == std::size(all_topics) * test_partitions);
  for (auto& [tp, end] : *after) {
    std::uint64_t expected = tp == topic_partition{"customers", 1} ? 3 : tp == topic_partition{"tenants", 3} ? 2 : 0;
    BOOST_TEST_CONTEXT(tp.topic << "/" << tp.partition) { BOOST_TEST(end == expected); }
  }
}

BOOST_AUTO_TEST_CASE_TEMPLATE(concurrent_appends_are_each_acknowledged_once_and_read_back_once, A, all_adapters) {
  A a;
  constexpr int threads = 8, per_thread = 200, appends = threads * per_thread;
  const std::vector<std::string> topics = {"customers", "orders"};
  auto tp_of = [&](int id) {
    int t = id / per_thread;
    return topic_partition{topics[t % 2], static_cast<std::uint32_t>(t % test_partitions)};
  };
  auto size_of = [](int id) { return id % 5 == 0 ? 3 : 1; };  // some appends carry several records
  std::vector<std::atomic<int>> calls(appends);
  std::vector<std::vector<std::uint64_t>> offsets(appends);
  std::atomic<int> failures{0}, completed{0};
  std::mutex m;
  std::condition_variable cv;

  std::vector<std::thread> appenders;
  for (int t = 0; t < threads; ++t)
    appenders.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i) {
        auto id = t * per_thread + i;
        std::vector<std::pair<std::string, std::string>> records;
        for (int j = 0; j < size_of(id); ++j)
          records.push_back({"w" + std::to_string(id), std::to_string(id) + ":" + std::to_string(j)});
        // Several writers share each partition, so appends interleave there.
        auto tp = tp_of(id);
        a.log().append(make_batch(tp.topic, tp.partition, std::move(records)),
                       [&, id](result<std::vector<std::uint64_t>> r) {
                         if (calls[id].fetch_add(1) == 0) {
                           if (r.ok()) offsets[id] = std::move(*r);
                           else failures.fetch_add(1);
                         }
                         if (completed.fetch_add(1) + 1 == appends) {
                           std::lock_guard lock(m);
                           cv.notify_all();
                         }
                       });
      }
    });
  for (auto& th : appenders) th.join();
  {
    std::unique_lock lock(m);
    BOOST_REQUIRE_MESSAGE(cv.wait_for(lock, 3 * no_hang, [&] { return completed.load() >= appends; }),
                          "only " << completed.load() << " appends were acknowledged");
  }
  BOOST_REQUIRE_EQUAL(failures.load(), 0);

  // Offsets: one per record, contiguous within an append, dense per partition.
  std::map<topic_partition, std::set<std::uint64_t>> per_tp;
  std::size_t records = 0;
  for (int id = 0; id < appends; ++id) {
    auto& offs = offsets[id];
    BOOST_REQUIRE_EQUAL(offs.size(), static_cast<std::size_t>(size_of(id)));
    for (std::size_t j = 1; j < offs.size(); ++j) BOOST_TEST(offs[j] == offs[j - 1] + 1);
    per_tp[tp_of(id)].insert(offs.begin(), offs.end());
    records += offs.size();
  }
  std::size_t distinct = 0;
  for (auto& [tp, offs] : per_tp) {
    BOOST_TEST_CONTEXT(tp.topic << "/" << tp.partition) { BOOST_TEST(*offs.rbegin() == offs.size() - 1); }
    distinct += offs.size();
  }
  BOOST_TEST(distinct == records);

  auto c = cursor(a.log(), topics);
  auto got = read_n(*c, records, 256);
  BOOST_REQUIRE_EQUAL(got.size(), records);
  std::set<std::string> seen;
  for (auto& r : got) {
    auto colon = r.payload.find(':');
    auto id = std::stoi(r.payload.substr(0, colon));
    auto j = std::stoul(r.payload.substr(colon + 1));
    BOOST_REQUIRE(id >= 0 && id < appends && j < offsets[id].size());
    BOOST_TEST(seen.insert(r.payload).second, "read twice: " << r.payload);
    BOOST_TEST(r.key == "w" + std::to_string(id));
    BOOST_TEST((r.tp == tp_of(id)));
    BOOST_TEST(r.offset == offsets[id][j]);  // read back where the acknowledgement said
  }
  expect_no_more(*c);

  // After close() no callback may come late: each append completed exactly once.
  a.log().close();
  BOOST_TEST(std::all_of(calls.begin(), calls.end(), [](auto& n) { return n.load() == 1; }));
}

BOOST_AUTO_TEST_CASE_TEMPLATE(append_after_close_fails_with_unavailable, A, all_adapters) {
  A a;
  append_ok(a.log(), make_batch("campaigns", 0, {{"campaign-acme-1", "before"}}));
  a.log().close();
  auto r = append_and_wait(a.log(), make_batch("campaigns", 0, {{"campaign-acme-1", "after"}}));
  BOOST_CHECK(!r.ok() && r.err().kind == errc::unavailable);
  a.log().close();  // closing twice is harmless
}

BOOST_AUTO_TEST_SUITE_END()

// ---- the embedded log only ----------------------------------------------------

BOOST_AUTO_TEST_SUITE(embedded_log_contract)

BOOST_AUTO_TEST_CASE(reopening_the_directory_keeps_records_and_end_positions) {
  embedded_adapter a;
  append_ok(a.log(), make_batch("customers", 2, {{"customer-acme-1", "one"}, {"customer-acme-1", "two"}}));
  append_ok(a.log(), make_batch("compliance", 0, {{"subject-acme-1", "erased"}}));
  auto before = a.log().end_positions();
  BOOST_REQUIRE(before.ok());
  a.log_->close();
  a.log_.reset();

  a.log_ = a.open(test_partitions);
  auto after = a.log().end_positions();
  BOOST_REQUIRE(after.ok());
  BOOST_TEST((*after == *before));
  auto c = cursor(a.log(), {"customers", "compliance"});
  auto got = read_n(*c, 3);
  BOOST_REQUIRE_EQUAL(got.size(), 3u);
  std::set<std::string> payloads;
  for (auto& r : got) payloads.insert(r.payload);
  BOOST_TEST((payloads == std::set<std::string>{"one", "two", "erased"}));
  // Offsets continue where they stopped.
  auto next = append_ok(a.log(), make_batch("customers", 2, {{"customer-acme-1", "three"}}));
  BOOST_TEST(next == (std::vector<std::uint64_t>{2}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(reopening_with_a_different_partition_count_fails) {
  embedded_adapter a;
  a.log_->close();
  a.log_.reset();
  auto other = infra::embedded_log::open({a.dir.sub("log"), test_partitions * 2, true});
  BOOST_REQUIRE(!other.ok());
  BOOST_TEST((other.err().kind == errc::failed_precondition));
}

BOOST_AUTO_TEST_SUITE_END()

// ---- the Kafka log only ---------------------------------------------------------

BOOST_AUTO_TEST_SUITE(kafka_log_contract)

BOOST_AUTO_TEST_CASE(append_while_every_broker_is_down_fails_with_unavailable_instead_of_hanging) {
  mock_cluster cluster;
  cluster.create_topics(test_partitions);
  auto o = kafka_options(cluster);
  o.delivery_timeout = 1500ms;
  auto log = infra::kafka_log::open(o);
  BOOST_REQUIRE_MESSAGE(log.ok(), (log.ok() ? "" : log.err().message));
  append_ok(**log, make_batch("orders", 0, {{"order-acme-1", "while up"}}));

  cluster.set_all_brokers_down();
  auto r = append_and_wait(**log, make_batch("orders", 0, {{"order-acme-1", "while down"}, {"order-acme-1", "too"}}));
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST((r.err().kind == errc::unavailable));
  BOOST_TEST(r.err().code == "log_unavailable");

  auto closed = std::async(std::launch::async, [&] { (*log)->close(); });
  BOOST_TEST((closed.wait_for(no_hang) == std::future_status::ready));
}

BOOST_AUTO_TEST_CASE(another_nodes_appends_show_in_end_positions_and_cursors) {
  // Two logs on one cluster, as two Chronicle processes would be: end
  // positions come from the brokers, not from what this process wrote.
  kafka_adapter writer;
  auto o = kafka_options(writer.cluster);
  auto reader = infra::kafka_log::open(o);
  BOOST_REQUIRE_MESSAGE(reader.ok(), (reader.ok() ? "" : reader.err().message));
  auto c = cursor(**reader, {"subscriptions"});

  append_ok(writer.log(), make_batch("subscriptions", 3, {{"subscription-acme-1", "a"}, {"subscription-acme-1", "b"}}));
  auto end = (*reader)->end_positions();
  BOOST_REQUIRE(end.ok());
  BOOST_TEST(((*end)[{"subscriptions", 3}] == 2u));
  BOOST_TEST(((*end)[{"subscriptions", 2}] == 0u));
  auto got = read_n(*c, 2);
  BOOST_REQUIRE_EQUAL(got.size(), 2u);
  BOOST_TEST(got[0].payload == "a");
  BOOST_TEST(got[1].payload == "b");
}

BOOST_AUTO_TEST_CASE(open_rejects_topics_with_a_different_partition_count) {
  mock_cluster cluster;
  cluster.create_topics(test_partitions);
  auto o = kafka_options(cluster);
  o.partitions = test_partitions * 2;
  auto log = infra::kafka_log::open(o);
  BOOST_REQUIRE(!log.ok());
  BOOST_TEST((log.err().kind == errc::failed_precondition));
  BOOST_TEST(log.err().message.find("chronicle.customers") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(open_without_topics_tells_the_operator_to_create_them) {
  // The mock cannot create topics through the Admin API, like a cluster
  // whose ACLs forbid it.
  mock_cluster cluster;
  auto o = kafka_options(cluster);
  o.delivery_timeout = 1500ms;  // also bounds the wait for CreateTopics
  auto log = infra::kafka_log::open(o);
  BOOST_REQUIRE(!log.ok());
  BOOST_TEST((log.err().kind == errc::failed_precondition));
  BOOST_TEST(log.err().code == "kafka_topics_missing");
  BOOST_TEST(log.err().message.find("Create them") != std::string::npos);
  BOOST_TEST_MESSAGE(log.err().message);
}

BOOST_AUTO_TEST_CASE(open_fails_with_unavailable_when_no_broker_answers) {
  mock_cluster cluster;
  cluster.create_topics(test_partitions);
  cluster.set_all_brokers_down();
  auto o = kafka_options(cluster);
  o.delivery_timeout = 1500ms;
  auto opened = std::async(std::launch::async, [&] { return infra::kafka_log::open(o); });
  BOOST_REQUIRE((opened.wait_for(no_hang) == std::future_status::ready));
  auto log = opened.get();
  BOOST_REQUIRE(!log.ok());
  BOOST_TEST((log.err().kind == errc::unavailable));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace chronicle::contract
