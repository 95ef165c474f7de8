// The command side against in-memory and RocksDB adapters: versions,
// If-Match, idempotency, serialisation per stream, failures and catch-up.
#include <boost/test/unit_test.hpp>

#include <set>
#include <thread>

#include "schemas/customer_codec.hpp"
#include "schemas/envelope_codec.hpp"
#include "stack.hpp"

using namespace chronicle;
using namespace chronicle::testing;
namespace cc = chronicle::commands::customer_commands;

namespace {

std::vector<event_envelope> all_events(commands::event_log& log) {
  auto cursor = log.open_cursor({"customers"}, {});
  std::vector<event_envelope> out;
  for (;;) {
    auto recs = (*cursor)->poll(1000, std::chrono::milliseconds(50));
    BOOST_REQUIRE(recs.ok());
    if (recs->empty()) break;
    for (auto& r : *recs) out.push_back(schemas::decode_envelope(r.payload).value());
  }
  return out;
}

customers::update_customer rename(const std::string& id, std::string name) {
  customers::update_customer u;
  u.id = id;
  u.first_name = std::move(name);
  return u;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(command_side)

// Two things created in the same millisecond list in the order they were
// created (lists page in id order).
BOOST_AUTO_TEST_CASE(new_ids_increase_in_the_order_they_are_made_within_a_millisecond_too) {
  struct frozen_clock final : commands::clock {
    std::atomic<std::int64_t> t{1'780'000'000'000'000};
    std::int64_t now_us() override { return t.load(); }
  } clock;
  infra::memory_log log{4};
  infra::memory_state_store state;
  infra::memory_vault vault;
  infra::system_entropy entropy;
  commands::executor ex{log, state, vault, clock, entropy, {commands::tag_commands::kind()}};
  std::vector<std::string> ids;
  for (int i = 0; i < 2000; ++i) {
    if (i == 1000) clock.t -= 5000;  // the clock steps back: still increasing
    if (i == 1500) clock.t += 60'000'000;
    ids.push_back(ex.new_id());
  }
  for (std::size_t i = 1; i < ids.size(); ++i) BOOST_TEST_REQUIRE(ids[i - 1] < ids[i], "at " << i);
  BOOST_TEST(ids[1499].substr(0, 10) == ids[0].substr(0, 10));  // the same millisecond throughout
  BOOST_TEST(ids[1500].substr(0, 10) > ids[0].substr(0, 10));   // then the clock's
}

BOOST_AUTO_TEST_CASE(registering_answers_version_1_with_a_position_token) {
  memory_side s;
  auto c = new_customer(s.ex, "Ada", "ada@farm.example");
  auto r = run(s.ex, cc::register_customer(meta(), c));
  BOOST_REQUIRE(r.ok());
  BOOST_TEST(r->version == 1u);
  BOOST_TEST(r->created);
  BOOST_TEST(!r->replayed);
  auto token = decode_token(r->token);
  BOOST_REQUIRE(token.has_value());
  BOOST_TEST(token->size() == 1u);
  BOOST_TEST(token->begin()->first.topic == "customers");
  auto events = all_events(s.log);
  BOOST_REQUIRE_EQUAL(events.size(), 1u);
  BOOST_TEST(events[0].type == "customer.registered");
  BOOST_TEST(events[0].stream == "customer-acme-" + c.id);
  BOOST_TEST(events[0].stream_version == 1u);
  BOOST_TEST(events[0].tenant == "acme");
  BOOST_TEST(events[0].actor == "test");
  // Personal fields are sealed for the customer; nothing personal in `data`.
  BOOST_TEST(events[0].pii.find("ada@farm.example") == std::string::npos);
  BOOST_TEST(events[0].data.find("ada@farm.example") == std::string::npos);
  BOOST_TEST(s.vault.open("acme", events[0].pii).value().value().find("ada@farm.example") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_stale_if_match_is_a_version_conflict_and_appends_nothing) {
  memory_side s;
  auto c = new_customer(s.ex, "Ada");
  BOOST_REQUIRE(run(s.ex, cc::register_customer(meta(), c)).ok());
  auto ok = run(s.ex, cc::update_customer(meta(), rename(c.id, "Ada B"), 1));
  BOOST_REQUIRE(ok.ok());
  BOOST_TEST(ok->version == 2u);
  auto stale = run(s.ex, cc::update_customer(meta(), rename(c.id, "Ada C"), 1));
  BOOST_REQUIRE(!stale.ok());
  BOOST_TEST(stale.err().kind == errc::version_conflict);
  BOOST_TEST(all_events(s.log).size() == 2u);
}

BOOST_AUTO_TEST_CASE(the_same_idempotency_key_and_body_replays_without_a_second_event) {
  memory_side s;
  auto c = new_customer(s.ex, "Ada");
  auto first = run(s.ex, cc::register_customer(meta("key-1", "hash-a"), c));
  BOOST_REQUIRE(first.ok());
  auto again = new_customer(s.ex, "Ada");  // a retry gets a new id from the API layer
  auto second = run(s.ex, cc::register_customer(meta("key-1", "hash-a"), again));
  BOOST_REQUIRE(second.ok());
  BOOST_TEST(second->replayed);
  BOOST_TEST(second->stream == first->stream);
  BOOST_TEST(second->version == first->version);
  BOOST_TEST(second->token == first->token);
  BOOST_TEST(second->created);
  BOOST_TEST(all_events(s.log).size() == 1u);
}

BOOST_AUTO_TEST_CASE(the_same_idempotency_key_with_another_body_is_rejected) {
  memory_side s;
  BOOST_REQUIRE(run(s.ex, cc::register_customer(meta("key-1", "hash-a"), new_customer(s.ex, "Ada"))).ok());
  auto r = run(s.ex, cc::register_customer(meta("key-1", "hash-b"), new_customer(s.ex, "Bob")));
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.err().kind == errc::idempotency_mismatch);
  BOOST_TEST(all_events(s.log).size() == 1u);
}

BOOST_AUTO_TEST_CASE(concurrent_retries_with_one_key_append_once) {
  memory_side s;
  std::vector<std::promise<result<commands::command_outcome>>> ps(16);
  for (auto& p : ps)
    s.ex.submit(cc::register_customer(meta("same", "h"), new_customer(s.ex, "Ada")),
                 [&p](result<commands::command_outcome> r) { p.set_value(std::move(r)); });
  std::set<std::string> streams;
  for (auto& p : ps) {
    auto r = p.get_future().get();
    BOOST_REQUIRE(r.ok());
    streams.insert(r->stream);
  }
  BOOST_TEST(streams.size() == 1u);
  BOOST_TEST(all_events(s.log).size() == 1u);
}

BOOST_AUTO_TEST_CASE(concurrent_updates_of_one_stream_get_consecutive_versions) {
  memory_side s;
  auto c = new_customer(s.ex, "Ada");
  BOOST_REQUIRE(run(s.ex, cc::register_customer(meta(), c)).ok());
  constexpr int n = 200;
  std::vector<std::promise<result<commands::command_outcome>>> ps(n);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = t; i < n; i += 4)
        s.ex.submit(cc::update_customer(meta(), rename(c.id, "name " + std::to_string(i)), std::nullopt),
                     [&ps, i](result<commands::command_outcome> r) { ps[i].set_value(std::move(r)); });
    });
  for (auto& t : threads) t.join();
  std::set<std::uint64_t> versions;
  for (auto& p : ps) {
    auto r = p.get_future().get();
    BOOST_REQUIRE(r.ok());
    versions.insert(r->version);
  }
  BOOST_TEST(versions.size() == static_cast<std::size_t>(n));
  BOOST_TEST(*versions.begin() == 2u);
  BOOST_TEST(*versions.rbegin() == static_cast<std::uint64_t>(n + 1));
  auto events = all_events(s.log);
  BOOST_REQUIRE_EQUAL(events.size(), static_cast<std::size_t>(n + 1));
  for (std::size_t i = 0; i < events.size(); ++i) BOOST_TEST(events[i].stream_version == i + 1);
}

BOOST_AUTO_TEST_CASE(a_failing_log_answers_unavailable_and_acknowledges_nothing) {
  memory_side s;
  auto c = new_customer(s.ex, "Ada");
  BOOST_REQUIRE(run(s.ex, cc::register_customer(meta(), c)).ok());
  s.log.fail_appends = true;
  auto r = run(s.ex, cc::update_customer(meta("k", "h"), rename(c.id, "B"), 1));
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.err().kind == errc::unavailable);
  s.log.fail_appends = false;
  // The retry with the same key is decided afresh (nothing was stored) and succeeds at version 2.
  auto again = run(s.ex, cc::update_customer(meta("k", "h"), rename(c.id, "B"), 1));
  BOOST_REQUIRE(again.ok());
  BOOST_TEST(again->version == 2u);
  BOOST_TEST(!again->replayed);
  BOOST_TEST(all_events(s.log).size() == 2u);
}

BOOST_AUTO_TEST_CASE(a_new_writer_catches_up_versions_and_idempotency_from_the_log) {
  memory_side s;
  auto c = new_customer(s.ex, "Ada");
  BOOST_REQUIRE(run(s.ex, cc::register_customer(meta("reg", "h1"), c)).ok());
  BOOST_REQUIRE(run(s.ex, cc::update_customer(meta(), rename(c.id, "B"), 1)).ok());
  s.ex.stop();
  // A writer with an empty state store (its cache was lost) on the same log.
  infra::memory_state_store fresh;
  commands::executor ex2(s.log, fresh, s.vault, s.clock, s.entropy, {cc::kind(s.vault)});
  BOOST_REQUIRE(ex2.start().ok());
  auto stale = run(ex2, cc::update_customer(meta(), rename(c.id, "C"), 1));
  BOOST_REQUIRE(!stale.ok());
  BOOST_TEST(stale.err().kind == errc::version_conflict);
  auto ok = run(ex2, cc::update_customer(meta(), rename(c.id, "C"), 2));
  BOOST_REQUIRE(ok.ok());
  BOOST_TEST(ok->version == 3u);
  auto replay = run(ex2, cc::register_customer(meta("reg", "h1"), new_customer(ex2, "Ada")));
  BOOST_REQUIRE(replay.ok());
  BOOST_TEST(replay->replayed);
  BOOST_TEST(replay->stream == "customer-acme-" + c.id);
  BOOST_TEST(replay->version == 1u);
  auto mismatch = run(ex2, cc::register_customer(meta("reg", "other"), new_customer(ex2, "Ada")));
  BOOST_TEST(mismatch.err().kind == errc::idempotency_mismatch);
}

BOOST_AUTO_TEST_CASE(embedded_log_and_rocksdb_state_survive_a_reopen) {
  temp_dir dir;
  step_clock clock;
  infra::system_entropy entropy;
  infra::memory_vault vault;
  std::string id;
  {
    auto log = infra::embedded_log::open({dir.sub("log"), 4, true}).value();
    auto db = infra::rocks_db::open(dir.sub("state")).value();
    infra::rocks_state_store state(db);
    commands::executor ex(*log, state, vault, clock, entropy, {cc::kind(vault)});
    BOOST_REQUIRE(ex.start().ok());
    auto c = new_customer(ex, "Ada");
    id = c.id;
    BOOST_REQUIRE(run(ex, cc::register_customer(meta("k1", "h"), c)).ok());
    BOOST_REQUIRE(run(ex, cc::update_customer(meta(), rename(id, "B"), 1)).ok());
    ex.stop();
    log->close();
  }
  auto log = infra::embedded_log::open({dir.sub("log"), 4, true}).value();
  auto db = infra::rocks_db::open(dir.sub("state")).value();
  infra::rocks_state_store state(db);
  commands::executor ex(*log, state, vault, clock, entropy, {cc::kind(vault)});
  BOOST_REQUIRE(ex.start().ok());
  auto r = run(ex, cc::update_customer(meta(), rename(id, "C"), 2));
  BOOST_REQUIRE(r.ok());
  BOOST_TEST(r->version == 3u);
  auto replay = run(ex, cc::register_customer(meta("k1", "h"), new_customer(ex, "Ada")));
  BOOST_REQUIRE(replay.ok());
  BOOST_TEST(replay->replayed);
  BOOST_TEST(all_events(*log).size() == 3u);
}

BOOST_AUTO_TEST_CASE(every_email_and_phone_of_a_customer_is_claimed_and_released) {
  memory_side s;
  auto ada = new_customer(s.ex, "Ada", std::string("ada@farm.example"));
  ada.emails.push_back({"Orders@Farm.example", "", false});
  ada.phones = {{"+14155550100", "", false}, {"+14155550101", "", false}};
  BOOST_REQUIRE(run(s.ex, cc::register_customer(meta(), ada)).ok());
  // Any of Ada's values, in any case, is taken; the holder is named.
  auto bob = new_customer(s.ex, "Bob", std::string("ORDERS@farm.example"));
  auto dup = run(s.ex, cc::register_customer(meta(), bob));
  BOOST_REQUIRE(!dup.ok());
  BOOST_TEST(dup.err().code == "duplicate_email");
  BOOST_TEST(dup.err().existing_id == ada.id);
  bob.emails.clear();
  bob.phones = {{"+14155550101", "", false}};
  auto dup_phone = run(s.ex, cc::register_customer(meta(), bob));
  BOOST_REQUIRE(!dup_phone.ok());
  BOOST_TEST(dup_phone.err().code == "duplicate_phone");
  // Ada drops the second email and phone: they are free again.
  customers::update_customer u;
  u.id = ada.id;
  u.emails = std::vector<customers::email_input>{{"ada@farm.example", "", true}};
  u.phones = std::vector<customers::phone_input>{{"+14155550100", "", true}};
  BOOST_REQUIRE(run(s.ex, cc::update_customer(meta(), u, std::nullopt)).ok());
  bob.emails = {{"orders@farm.example", "", true}};
  BOOST_TEST(run(s.ex, cc::register_customer(meta(), bob)).ok());
}

BOOST_AUTO_TEST_SUITE_END()
