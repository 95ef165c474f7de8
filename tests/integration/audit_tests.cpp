// The audit trail: entries from many callers batched into few appends, each
// written exactly once and acknowledged only once durable; failures and stop
// reported as unavailable; and the audit read model built from audit records
// and customer events, listed newest first with a stable cursor.
#include <boost/test/unit_test.hpp>

#include <condition_variable>
#include <latch>
#include <set>
#include <thread>

#include "api/http/audited.hpp"
#include "commands/audit.hpp"
#include "commands/thread_pool.hpp"
#include "domain/ids.hpp"
#include "projections/audit.hpp"
#include "schemas/audit_codec.hpp"
#include "schemas/envelope_codec.hpp"
#include "schemas/json_writer.hpp"
#include "stack.hpp"

using namespace chronicle;
using namespace chronicle::testing;
namespace cc = chronicle::commands::customer_commands;
namespace aq = chronicle::projections::audit_queries;

namespace {

constexpr auto no_hang = std::chrono::seconds(30);

// Distinct per n, with bytes varied enough to land on every partition.
std::string subject_id(int n) {
  std::array<std::uint8_t, 10> r{};
  auto bits = static_cast<std::uint64_t>(n + 1) * 0x9e3779b97f4a7c15ull;
  for (std::size_t i = 0; i < 8; ++i) r[i] = static_cast<std::uint8_t>(bits >> (8 * i));
  r[9] = static_cast<std::uint8_t>(n);
  r[8] = static_cast<std::uint8_t>(n >> 8);
  return make_ulid(1'780'000'000'000 + static_cast<std::uint64_t>(n), r);
}

commands::audit_entry entry(std::string subject, std::string route, std::string tenant = "acme") {
  return {std::move(tenant), std::move(subject), "key1", "staff", "read", std::move(route)};
}

// Waits for the acknowledgement of one record() call.
status record_sync(commands::audit_trail& trail, std::vector<commands::audit_entry> entries) {
  auto p = std::make_shared<std::promise<status>>();
  auto f = p->get_future();
  trail.record(std::move(entries), [p](status s) { p->set_value(std::move(s)); });
  BOOST_REQUIRE(f.wait_for(no_hang) == std::future_status::ready);
  return f.get();
}

// Every envelope of `topic`, in partition and offset order.
std::vector<std::pair<log_record, event_envelope>> read_topic(log_reader& log, const std::string& topic);

// Audit entries in the compliance topic (a record carries several).
std::size_t audit_entries(log_reader& log);

std::vector<std::pair<log_record, event_envelope>> read_topic(log_reader& log, const std::string& topic) {
  std::uint64_t total = 0;
  auto ends = log.end_positions().value();
  for (auto& [tp, end] : ends)
    if (tp.topic == topic) total += end;
  auto cursor = std::move(log.open_cursor({topic}, {}).value());
  std::vector<std::pair<log_record, event_envelope>> out;
  while (out.size() < total) {
    auto recs = cursor->poll(4096, std::chrono::milliseconds(100));
    BOOST_REQUIRE(recs.ok());
    if (recs->empty()) break;
    for (auto& r : *recs) {
      auto env = schemas::decode_envelope(r.payload);
      BOOST_REQUIRE(env.ok());
      out.emplace_back(r, std::move(*env));
    }
  }
  return out;
}

std::size_t audit_entries(log_reader& log) {
  std::size_t n = 0;
  for (auto& [r, e] : read_topic(log, "compliance")) n += schemas::audit_codec::decode_recorded(e).value().size();
  return n;
}

// Forwards to a memory_log, counting the appends and their sizes.
// Counts appends; with a sync delay, completes them on its own thread after
// that delay, like a log waiting for its disk.
struct counting_log final : commands::event_log {
  infra::memory_log inner{4};
  std::atomic<int> appends{0};
  std::atomic<std::size_t> records{0};
  std::atomic<std::size_t> largest{0};
  std::chrono::milliseconds sync_delay{0};
  commands::thread_pool syncer{1, "test-syncer"};
  ~counting_log() override { syncer.stop(); }
  std::uint32_t partitions() const override { return inner.partitions(); }
  result<positions> end_positions() override { return inner.end_positions(); }
  result<std::unique_ptr<log_cursor>> open_cursor(const std::vector<std::string>& t, const positions& p) override {
    return inner.open_cursor(t, p);
  }
  void append(commands::log_append batch, commands::append_callback done) override {
    ++appends;
    auto n = batch.records.size();
    records += n;
    for (auto seen = largest.load(); n > seen && !largest.compare_exchange_weak(seen, n);) {
    }
    if (sync_delay.count() == 0) return inner.append(std::move(batch), std::move(done));
    syncer.post([this, batch = std::move(batch), done = std::move(done)]() mutable {
      std::this_thread::sleep_for(sync_delay);
      inner.append(std::move(batch), std::move(done));
    });
  }
  void close() override { inner.close(); }
};

// Counts acknowledgements of calls made without waiting for each.
struct acks {
  std::mutex m;
  std::condition_variable cv;
  int ok = 0, failed = 0;
  std::function<void(status)> callback() {
    return [this](status s) {
      {
        std::lock_guard lock(m);
        ++(s ? ok : failed);
      }
      cv.notify_all();
    };
  }
  bool wait_for(int calls) {
    std::unique_lock lock(m);
    return cv.wait_for(lock, no_hang, [&] { return ok + failed >= calls; });
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(audit_trail)

BOOST_AUTO_TEST_CASE(entries_of_many_concurrent_callers_are_all_acknowledged_and_written_exactly_once) {
  infra::memory_log log{4};
  step_clock clock;
  infra::system_entropy entropy;
  commands::audit_trail trail(log, clock, entropy, {256, std::chrono::microseconds(2000)});
  constexpr int threads = 8, per_thread = 500;
  acks a;
  std::atomic<int> calls{0};
  std::latch start(threads);
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; ++t)
    ts.emplace_back([&, t] {
      start.arrive_and_wait();
      for (int i = 0; i < per_thread;) {
        std::vector<commands::audit_entry> batch;
        for (int k = 0; k < 1 + (i + t) % 3 && i < per_thread; ++k, ++i)
          batch.push_back(entry(subject_id(i % 37), "r." + std::to_string(t) + "." + std::to_string(i)));
        ++calls;
        trail.record(std::move(batch), a.callback());
      }
    });
  for (auto& t : ts) t.join();
  BOOST_REQUIRE(a.wait_for(calls.load()));
  BOOST_TEST(a.ok == calls.load());
  BOOST_TEST(a.failed == 0);

  // Records carry the entries of one flush for one tenant, whatever their subjects.
  auto written = read_topic(log, "compliance");
  std::size_t entries = 0;
  std::set<std::string> routes, ids;
  for (auto& [rec, env] : written) {
    auto data = schemas::audit_codec::decode_recorded(env);
    BOOST_REQUIRE(data.ok());
    BOOST_TEST(env.type == "audit.recorded");
    BOOST_TEST(env.schema_version == 1);
    BOOST_TEST(env.stream_version == 0u);
    BOOST_TEST(env.tenant == "acme");
    BOOST_TEST(env.stream == "audit-acme-p" + std::to_string(rec.tp.partition));
    BOOST_TEST(rec.key == env.stream);
    BOOST_TEST(env.actor == "audit_trail");
    BOOST_TEST(env.command_id == env.id);
    BOOST_TEST(env.pii == "{}");
    for (auto& e : *data) {
      ++entries;
      routes.insert(e.route);
      ids.insert(e.id);
      BOOST_TEST(e.actor == "key1");
      BOOST_TEST(e.role == "staff");
      BOOST_TEST(e.action == "read");
      BOOST_TEST(e.at > 0);
    }
  }
  BOOST_TEST(entries == std::size_t{threads * per_thread});
  BOOST_TEST(routes.size() == std::size_t{threads * per_thread});
  BOOST_TEST(ids.size() == std::size_t{threads * per_thread});
}

BOOST_AUTO_TEST_CASE(a_failing_log_fails_the_call_and_nothing_is_acknowledged_until_it_recovers) {
  infra::memory_log log{4};
  step_clock clock;
  infra::system_entropy entropy;
  commands::audit_trail trail(log, clock, entropy);
  log.fail_appends = true;
  auto failed = record_sync(trail, {entry(subject_id(1), "customers.get"), entry(subject_id(2), "customers.get"),
                                    entry(subject_id(3), "customers.get")});
  BOOST_REQUIRE(!failed.ok());
  BOOST_TEST((failed.err().kind == errc::unavailable));
  BOOST_TEST(read_topic(log, "compliance").empty());

  log.fail_appends = false;
  auto ok = record_sync(trail, {entry(subject_id(1), "customers.get"), entry(subject_id(2), "customers.list")});
  BOOST_TEST(ok.ok());
  BOOST_TEST(audit_entries(log) == 2u);
}

BOOST_AUTO_TEST_CASE(entries_recorded_while_an_append_is_in_flight_share_the_next_one) {
  counting_log log;
  log.sync_delay = std::chrono::milliseconds(2);
  step_clock clock;
  infra::system_entropy entropy;
  commands::audit_trail trail(log, clock, entropy, {1024, std::chrono::microseconds(5000)});
  constexpr int threads = 8, per_thread = 25;
  acks a;
  std::latch start(threads);
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; ++t)
    ts.emplace_back([&, t] {
      start.arrive_and_wait();
      for (int i = 0; i < per_thread; ++i)
        trail.record({entry(subject_id(t * per_thread + i), "customers.get")}, a.callback());
    });
  for (auto& t : ts) t.join();
  BOOST_REQUIRE(a.wait_for(threads * per_thread));
  BOOST_TEST(a.ok == threads * per_thread);
  BOOST_TEST(audit_entries(log.inner) == std::size_t{threads * per_thread});
  // One append of one record per tenant per flush, whatever the subjects'
  // partitions; entries gather while one is in flight.
  BOOST_TEST(log.appends.load() < 100, "appends: " << log.appends.load());
  BOOST_TEST(log.records.load() == std::size_t(log.appends.load()));
  // A record is not split by the partitions its subjects hash to.
  std::size_t mixed = 0;
  for (auto& [rec, env] : read_topic(log.inner, "compliance")) {
    auto data = schemas::audit_codec::decode_recorded(env);
    BOOST_REQUIRE(data.ok());
    std::set<std::uint32_t> parts;
    for (auto& e : *data) parts.insert(partition_of("acme", e.subject, 4));
    if (parts.size() > 1) ++mixed;
  }
  BOOST_TEST(mixed > 0u);
}

BOOST_AUTO_TEST_CASE(stop_flushes_what_is_queued_and_later_records_are_refused) {
  counting_log log;
  step_clock clock;
  infra::system_entropy entropy;
  // A delay no test waits for: only stop() can flush these entries.
  commands::audit_trail trail(log, clock, entropy, {1024, std::chrono::microseconds(600'000'000)});
  acks a;
  for (int i = 0; i < 10; ++i) trail.record({entry(subject_id(i), "customers.get")}, a.callback());
  trail.stop();
  {
    std::lock_guard lock(a.m);
    BOOST_TEST(a.ok == 10);  // acknowledged before stop() returned
  }
  BOOST_TEST(audit_entries(log) == 10u);
  auto refused = record_sync(trail, {entry(subject_id(1), "customers.get")});
  BOOST_REQUIRE(!refused.ok());
  BOOST_TEST((refused.err().kind == errc::unavailable));
  BOOST_TEST(refused.err().code == "audit_unavailable");
  trail.stop();  // a second stop is harmless
  BOOST_TEST(audit_entries(log) == 10u);
}

BOOST_AUTO_TEST_CASE(an_empty_list_completes_at_once_and_malformed_entries_are_rejected) {
  infra::memory_log log{4};
  step_clock clock;
  infra::system_entropy entropy;
  commands::audit_trail trail(log, clock, entropy);
  bool done = false;
  trail.record({}, [&](status s) { done = s.ok(); });
  BOOST_TEST(done);
  auto bad_subject = record_sync(trail, {entry("not-a-customer-id", "customers.get")});
  BOOST_REQUIRE(!bad_subject.ok());
  BOOST_TEST((bad_subject.err().kind == errc::invalid_argument));
  auto bad_tenant = record_sync(trail, {entry(subject_id(1), "customers.get", "Acme/x")});
  BOOST_TEST(!bad_tenant.ok());
  BOOST_TEST(read_topic(log, "compliance").empty());
}

// Holds every append until release(): the test decides when entries become
// durable.
struct held_log final : commands::event_log {
  infra::memory_log inner{4};
  std::mutex m;
  std::vector<std::pair<commands::log_append, commands::append_callback>> held;  // guarded by m
  std::uint32_t partitions() const override { return inner.partitions(); }
  result<positions> end_positions() override { return inner.end_positions(); }
  result<std::unique_ptr<log_cursor>> open_cursor(const std::vector<std::string>& t, const positions& p) override {
    return inner.open_cursor(t, p);
  }
  void append(commands::log_append batch, commands::append_callback done) override {
    std::lock_guard lock(m);
    held.emplace_back(std::move(batch), std::move(done));
  }
  void close() override { inner.close(); }
  std::size_t waiting() {
    std::lock_guard lock(m);
    return held.size();
  }
  void release() {
    decltype(held) now;
    {
      std::lock_guard lock(m);
      now.swap(held);
    }
    for (auto& [batch, done] : now) inner.append(std::move(batch), std::move(done));
  }
};

// A list page records its entries before it reads the rows
// (api/http/audited.hpp): the answer must still wait for them.
BOOST_AUTO_TEST_CASE(an_early_audited_answer_leaves_only_once_its_entries_are_durable_in_either_order) {
  held_log log;
  step_clock clock;
  infra::system_entropy entropy;
  commands::audit_trail trail(log, clock, entropy);
  std::vector<api::http_response> sent;  // the test thread and the log's callbacks run one at a time here
  auto send = [&](api::http_response r) { sent.push_back(std::move(r)); };

  // The answer first: it waits for the append.
  auto answer = api::audited_early(trail, {entry(subject_id(1), "customers.list"), entry(subject_id(2), "customers.list")}, send);
  for (int i = 0; i < 1000 && log.waiting() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  BOOST_REQUIRE(log.waiting() == 1u);
  answer(api::json_response(200, R"({"items":[]})"));
  BOOST_TEST(sent.empty(), "answered before the entries were durable");
  log.release();
  BOOST_REQUIRE(sent.size() == 1u);
  BOOST_TEST(sent[0].status == 200);
  BOOST_TEST(audit_entries(log.inner) == 2u);

  // The append first: the answer leaves as it is given.
  auto second = api::audited_early(trail, {entry(subject_id(3), "customers.list")}, send);
  for (int i = 0; i < 1000 && log.waiting() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  log.release();
  BOOST_TEST(sent.size() == 1u);
  second(api::json_response(200, R"({"items":[]})"));
  BOOST_REQUIRE(sent.size() == 2u);
  BOOST_TEST(sent[1].status == 200);
  BOOST_TEST(audit_entries(log.inner) == 3u);

  // Entries that cannot be written: the rows never leave, a 503 does.
  trail.stop();
  auto third = api::audited_early(trail, {entry(subject_id(4), "customers.list")}, send);
  third(api::json_response(200, R"({"items":[{"first_name":"Secret"}]})"));
  BOOST_REQUIRE(sent.size() == 3u);
  BOOST_TEST(sent[2].status == 503);
  BOOST_TEST(sent[2].body.find("audit_unavailable") != std::string::npos, sent[2].body);
  BOOST_TEST(sent[2].body.find("Secret") == std::string::npos, sent[2].body);
  BOOST_TEST(audit_entries(log.inner) == 3u);
}

BOOST_AUTO_TEST_SUITE_END()

namespace {

struct audit_stack : memory_side {
  commands::audit_trail trail{log, clock, entropy};
  infra::memory_kv kv;
  std::unique_ptr<projections::runner> runner;

  audit_stack() {
    std::vector<std::unique_ptr<projections::projection>> v;
    v.push_back(projections::make_audit_projection());
    runner = std::make_unique<projections::runner>(log, kv, vault, std::move(v));
    BOOST_REQUIRE(runner->start().ok());
  }
  ~audit_stack() {
    runner->stop();
    trail.stop();
    ex.stop();
  }
  // The new customer's id.
  std::string add(std::string name) {
    return memory_side::add(std::move(name)).stream.substr(std::string("customer-acme-").size());
  }
  void caught_up() { BOOST_REQUIRE(runner->drain(no_hang)); }
};

// The AuditEntry the read model should hold for `e`.
std::string expected(const event_envelope& e, std::string_view subject, std::string_view actor,
                     std::optional<std::string_view> role, std::string_view action, std::string_view route) {
  json::writer w;
  w.begin_object().key("id").value(e.id).key("subject").value(subject).key("actor").value(actor).key("role");
  if (role) w.value(*role);
  else w.null();
  w.key("action").value(action).key("route").value(route).key("at").value(json::format_timestamp(e.occurred_at));
  return w.end_object().take();
}

// The record of `type` whose data holds every one of `needles`.
const event_envelope& find(const std::vector<std::pair<log_record, event_envelope>>& records, std::string_view type,
                           std::initializer_list<std::string> needles) {
  for (auto& [r, e] : records) {
    bool all = e.type == type;
    for (auto& n : needles) all = all && e.data.find(n) != std::string::npos;
    if (all) return e;
  }
  BOOST_FAIL("no " << type << " record with the data sought");
  throw std::logic_error("unreachable");
}

// The AuditEntry the read model should hold for an entry of an audit.recorded record.
std::string expected(const schemas::audit_codec::recorded& r) {
  json::writer w;
  w.begin_object().key("id").value(r.id).key("subject").value(r.subject).key("actor").value(r.actor).key("role");
  if (r.role.empty()) w.null();
  else w.value(r.role);
  w.key("action").value(r.action).key("route").value(r.route).key("at").value(json::format_timestamp(r.at));
  return w.end_object().take();
}

// The entry for `subject` through `route` among the audit records.
schemas::audit_codec::recorded find_entry(const std::vector<std::pair<log_record, event_envelope>>& records,
                                          std::string_view subject, std::string_view route) {
  for (auto& [r, e] : records) {
    if (e.type != schemas::audit_codec::recorded_type) continue;
    auto entries = schemas::audit_codec::decode_recorded(e).value();
    for (auto& entry : entries)
      if (entry.subject == subject && entry.route == route) return entry;
  }
  BOOST_FAIL("no audit entry for " << subject << " through " << route);
  throw std::logic_error("unreachable");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(audit_read_model)

BOOST_AUTO_TEST_CASE(lists_a_subjects_reads_and_changes_newest_first) {
  audit_stack s;
  auto ada = s.add("Ada");
  auto bob = s.add("Bob");
  customers::update_customer u;
  u.id = ada;
  u.company = "Greens";
  BOOST_REQUIRE(run(s.ex, cc::update_customer(meta(), u, std::nullopt)).ok());
  BOOST_REQUIRE(record_sync(s.trail, {{"acme", ada, "key1", "staff", "read", "customers.get"}}).ok());
  BOOST_REQUIRE(record_sync(s.trail, {{"acme", ada, "key2", "admin", "list", "customers.list"},
                                      {"acme", bob, "key2", "admin", "list", "customers.list"}})
                    .ok());
  auto without_role = meta();
  without_role.actor_role.clear();
  BOOST_REQUIRE(run(s.ex, cc::erase_customer(without_role, customers::erase_customer{bob})).ok());
  s.caught_up();

  auto changes = read_topic(s.log, "customers");
  auto audits = read_topic(s.log, "compliance");
  auto page = aq::list(s.kv, "acme", ada, "", 50);
  BOOST_REQUIRE(page.ok());
  std::vector<std::string> want = {
      expected(find_entry(audits, ada, "customers.list")),
      expected(find_entry(audits, ada, "customers.get")),
      expected(find(changes, "customer.updated", {ada}), ada, "test", meta().actor_role, "update", "customer.updated"),
      expected(find(changes, "customer.registered", {ada}), ada, "test", meta().actor_role, "register",
               "customer.registered"),
  };
  BOOST_TEST(page->items == want, boost::test_tools::per_element());
  BOOST_TEST(page->next_cursor.empty());

  auto bobs = aq::list(s.kv, "acme", bob, "", 50).value();
  BOOST_REQUIRE_EQUAL(bobs.items.size(), 3u);
  BOOST_TEST(bobs.items[0] ==
             expected(find(changes, "subject.erased", {bob}), bob, "test", std::nullopt, "erase", "subject.erased"));
  // The role is null when the event does not carry one. Nothing personal
  // reaches the trail, so erasure leaves it intact.
  for (auto& item : bobs.items) BOOST_TEST(item.find("Bob") == std::string::npos);
}

// Entries were stored as rendered JSON before they were stored compact: a
// trail holding both lists both, in time order, and a value of neither
// form is an error, never a made-up entry.
BOOST_AUTO_TEST_CASE(entries_stored_as_json_before_the_compact_form_are_listed_as_they_were) {
  audit_stack s;
  auto ada = s.add("Ada");
  s.caught_up();
  auto before = aq::list(s.kv, "acme", ada, "", 50).value();
  BOOST_REQUIRE_EQUAL(before.items.size(), 1u);  // register, stored compact
  const std::string old_json =
      R"({"id":"00000000-0000-7000-8000-000000000001","subject":")" + ada +
      R"(","actor":"key0","role":"staff","action":"read","route":"customers.get","at":"2001-09-09T01:46:40.000000Z"})";
  auto key_of = [&](std::string_view suffix) { return "audit/acme/" + ada + "/" + std::string(suffix); };
  // 1,000,000,000,000,000 µs: long before the registration.
  BOOST_REQUIRE(s.kv.write({{key_of("00038d7ea4c68000" "00000000-0000-7000-8000-000000000001"), old_json}}).ok());
  auto mixed = aq::list(s.kv, "acme", ada, "", 50).value();
  BOOST_REQUIRE_EQUAL(mixed.items.size(), 2u);
  BOOST_TEST(mixed.items[0] == before.items[0]);
  BOOST_TEST(mixed.items[1] == old_json);

  BOOST_REQUIRE(s.kv.write({{key_of("00038d7ea4c68001" "00000000-0000-7000-8000-000000000002"), std::string("\x01\x00")}}).ok());
  auto broken = aq::list(s.kv, "acme", ada, "", 50);
  BOOST_REQUIRE(!broken.ok());
  BOOST_TEST(broken.err().code == "corrupt_audit_entry");
}

BOOST_AUTO_TEST_CASE(pages_with_a_stable_cursor_and_stays_within_tenant_and_subject) {
  audit_stack s;
  auto ada = s.add("Ada");
  for (int i = 0; i < 6; ++i)
    BOOST_REQUIRE(record_sync(s.trail, {entry(ada, "r" + std::to_string(i))}).ok());
  BOOST_REQUIRE(record_sync(s.trail, {entry(ada, "elsewhere", "other")}).ok());
  BOOST_REQUIRE(record_sync(s.trail, {entry(subject_id(9), "someone.else")}).ok());
  s.caught_up();
  auto all = aq::list(s.kv, "acme", ada, "", 200).value();
  BOOST_REQUIRE_EQUAL(all.items.size(), 7u);  // six reads and the registration

  auto p1 = aq::list(s.kv, "acme", ada, "", 3).value();
  BOOST_REQUIRE_EQUAL(p1.items.size(), 3u);
  BOOST_REQUIRE(!p1.next_cursor.empty());
  // Entries arriving between pages do not shift the next page.
  BOOST_REQUIRE(record_sync(s.trail, {entry(ada, "late")}).ok());
  s.caught_up();
  auto p2 = aq::list(s.kv, "acme", ada, p1.next_cursor, 3).value();
  auto p3 = aq::list(s.kv, "acme", ada, p2.next_cursor, 3).value();
  BOOST_TEST(p3.items.size() == 1u);
  BOOST_TEST(p3.next_cursor.empty());
  std::vector<std::string> paged = p1.items;
  paged.insert(paged.end(), p2.items.begin(), p2.items.end());
  paged.insert(paged.end(), p3.items.begin(), p3.items.end());
  BOOST_TEST(paged == all.items, boost::test_tools::per_element());
  BOOST_TEST(aq::list(s.kv, "acme", ada, p1.next_cursor, 3).value().items == p2.items,
             boost::test_tools::per_element());

  // Keys are tenant-scoped: another tenant sees only its own entry.
  auto other = aq::list(s.kv, "other", ada, "", 50).value();
  BOOST_REQUIRE_EQUAL(other.items.size(), 1u);
  BOOST_TEST(other.items[0].find("\"route\":\"elsewhere\"") != std::string::npos);
  BOOST_TEST(aq::list(s.kv, "zeta", ada, "", 50).value().items.empty());
  BOOST_TEST(aq::list(s.kv, "acme", subject_id(10), "", 50).value().items.empty());
  auto acme = aq::list(s.kv, "acme", ada, "", 50).value();
  for (auto& item : acme.items) BOOST_TEST(item.find("elsewhere") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(rejects_a_cursor_it_did_not_issue) {
  audit_stack s;
  auto ada = s.add("Ada");
  s.caught_up();
  auto good = aq::list(s.kv, "acme", ada, "", 1);
  BOOST_REQUIRE(good.ok());
  for (std::string forged : {std::string("a1.garbage"), std::string("c1.01JD3Q8Y6W4N9Z2K5R7T0V1X3M"),
                             std::string("a1.") + std::string(52, '0'), std::string("a1.../../customers/v/acme/x"),
                             std::string("a1.") + "00000000000000000" + "018bcfe5-687b-7000-8000-00000000000",
                             std::string("A1.") + "0000000000000000" + "018bcfe5-687b-7000-8000-000000000000",
                             std::string("a1.") + "000000000000000G" + "018bcfe5-687b-7000-8000-000000000000",
                             std::string("a1.") + "0000000000000000" + "018BCFE5-687B-7000-8000-000000000000"}) {
    BOOST_TEST_CONTEXT(forged) {
      auto r = aq::list(s.kv, "acme", ada, forged, 10);
      BOOST_REQUIRE(!r.ok());
      BOOST_TEST((r.err().kind == errc::invalid_argument));
      BOOST_TEST(r.err().code == "invalid_cursor");
      BOOST_REQUIRE_EQUAL(r.err().fields.size(), 1u);
      BOOST_TEST(r.err().fields[0].field == "cursor");
    }
  }
  // A cursor of the right shape is accepted, whichever page it names.
  BOOST_TEST(aq::list(s.kv, "acme", ada, "a1.0000000000000000018bcfe5-687b-7000-8000-000000000000", 10).ok());
}

BOOST_AUTO_TEST_SUITE_END()
