// The projection runner and the customers read model: one write per batch
// with its checkpoint, resuming without re-applying, replays that match,
// paging, and waiting for a position token.
#include <boost/test/unit_test.hpp>

#include <future>

#include "stack.hpp"

using namespace chronicle;
using namespace chronicle::testing;
namespace cc = chronicle::commands::customer_commands;
namespace cq = chronicle::projections::customer_queries;

namespace {

// Records every write so tests can inspect batches.
struct recording_kv final : projections::kv_store {
  infra::memory_kv inner;
  std::mutex m;
  std::vector<std::vector<projections::kv_write>> writes;
  result<std::optional<std::string>> get(std::string_view k) override { return inner.get(k); }
  status write(const std::vector<projections::kv_write>& b) override {
    {
      std::lock_guard lock(m);
      writes.push_back(b);
    }
    return inner.write(b);
  }
  result<projections::kv_pairs> scan(std::string_view p, std::string_view a, std::size_t l, bool r) override {
    return inner.scan(p, a, l, r);
  }
  status compact() override { return {}; }
};

// Counts how often each event id is applied, across runners.
struct counting_projection final : projections::projection {
  std::map<std::string, int>& applied;
  explicit counting_projection(std::map<std::string, int>& a) : applied(a) {}
  std::string name() const override { return "counting"; }
  std::vector<std::string> topics() const override { return {"customers"}; }
  status apply(const event_envelope& e, projections::view_batch& b) override {
    ++applied[e.id];
    b.put("counting/" + e.id, e.type);
    return {};
  }
};

using writer = memory_side;

void wait_for(projections::runner& r, const std::string& token) {
  std::promise<void> p;
  auto f = p.get_future();
  r.when_reached(decode_token(token).value(), [&p] { p.set_value(); });
  BOOST_REQUIRE(f.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
}

std::vector<std::unique_ptr<projections::projection>> customers_only() {
  std::vector<std::unique_ptr<projections::projection>> v;
  v.push_back(projections::make_customers_projection());
  return v;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(projections_runner)

BOOST_AUTO_TEST_CASE(views_show_registered_and_updated_customers_once_the_token_is_reached) {
  writer w;
  infra::memory_kv kv;
  projections::runner r(w.log, kv, w.vault, customers_only());
  BOOST_REQUIRE(r.start().ok());
  auto o = w.add("Ada");
  customers::update_customer u;
  u.id = o.stream.substr(std::string("customer-acme-").size());
  u.company = "Greens";
  auto up = run(w.ex, cc::update_customer(meta(), u, 1));
  BOOST_REQUIRE(up.ok());
  wait_for(r, up->token);
  auto v = cq::get(kv, "acme", u.id);
  BOOST_REQUIRE(v.ok() && v->has_value());
  BOOST_TEST(v->value().customer.company == "Greens");
  BOOST_TEST(v->value().version == 2u);
  BOOST_TEST(!cq::get(kv, "other_tenant", u.id).value().has_value());
  r.stop();
}

BOOST_AUTO_TEST_CASE(every_write_carries_view_updates_together_with_the_checkpoint) {
  writer w;
  recording_kv kv;
  projections::runner r(w.log, kv, w.vault, customers_only());
  BOOST_REQUIRE(r.start().ok());
  std::string token;
  for (int i = 0; i < 50; ++i) token = w.add("C" + std::to_string(i)).token;
  wait_for(r, token);
  r.stop();
  std::lock_guard lock(kv.m);
  BOOST_REQUIRE(!kv.writes.empty());
  for (auto& batch : kv.writes) {
    bool has_view = false, has_ckpt = false;
    for (auto& w : batch) {
      has_view |= w.key.rfind("customers/v/", 0) == 0;
      has_ckpt |= w.key.rfind("_ckpt/customers/", 0) == 0;
    }
    BOOST_TEST(has_view);
    BOOST_TEST(has_ckpt);
  }
}

BOOST_AUTO_TEST_CASE(a_restarted_runner_resumes_without_applying_any_event_twice) {
  writer w;
  infra::memory_kv kv;
  std::map<std::string, int> applied;
  auto make = [&] {
    std::vector<std::unique_ptr<projections::projection>> v;
    v.push_back(std::make_unique<counting_projection>(applied));
    return v;
  };
  std::string token;
  {
    projections::runner r(w.log, kv, w.vault, make());
    BOOST_REQUIRE(r.start().ok());
    for (int i = 0; i < 30; ++i) token = w.add("A" + std::to_string(i)).token;
    wait_for(r, token);
    r.stop();
  }
  for (int i = 0; i < 20; ++i) token = w.add("B" + std::to_string(i)).token;
  projections::runner r2(w.log, kv, w.vault, make());
  BOOST_REQUIRE(r2.start().ok());
  wait_for(r2, token);
  r2.stop();
  BOOST_TEST(applied.size() == 50u);
  for (auto& [id, n] : applied) BOOST_TEST(n == 1, id);
}

BOOST_AUTO_TEST_CASE(a_replay_from_zero_yields_identical_views) {
  writer w;
  infra::memory_kv live;
  projections::runner r(w.log, live, w.vault, customers_only());
  BOOST_REQUIRE(r.start().ok());
  std::string token;
  std::vector<std::string> ids;
  for (int i = 0; i < 40; ++i) {
    auto o = w.add("C" + std::to_string(i));
    ids.push_back(o.stream.substr(std::string("customer-acme-").size()));
    token = o.token;
  }
  for (int i = 0; i < 40; i += 3) {
    customers::update_customer u;
    u.id = ids[i];
    u.phones = std::vector<customers::phone_input>{{"+1415555" + std::to_string(1000 + i), "", true}};
    auto up = run(w.ex, cc::update_customer(meta(), u, std::nullopt));
    BOOST_REQUIRE(up.ok());
    token = up->token;
  }
  wait_for(r, token);
  r.stop();
  infra::memory_kv rebuilt;
  projections::runner r2(w.log, rebuilt, w.vault, customers_only());
  BOOST_REQUIRE(r2.start().ok());
  wait_for(r2, token);
  r2.stop();
  auto a = live.scan("customers/", "", 1000, false).value();
  auto b = rebuilt.scan("customers/", "", 1000, false).value();
  BOOST_TEST(a.size() == 40u);
  BOOST_TEST((a == b));
}

BOOST_AUTO_TEST_CASE(the_customers_view_folds_the_whole_profile_and_a_replay_gives_identical_bytes) {
  writer w;
  infra::memory_kv live;
  projections::runner r(w.log, live, w.vault, customers_only());
  BOOST_REQUIRE(r.start().ok());
  auto c = new_customer(w.ex, "Ada", std::string("ada@greenfork.example"));
  c.last_name = "Lovelace";
  c.company = "Green Fork Bistro";
  c.type = "restaurant";
  c.phones = {{"(415) 555-0199", "kitchen", false}};
  customers::address a;
  a.id = w.ex.new_id();
  a.label = "Restaurant back door";
  a.street = "1 Market St";
  a.city = "San Francisco";
  a.postal_code = "94105";
  a.country = "US";
  c.addresses = {a};
  const std::string tag = w.ex.new_id();
  c.tag_ids = {tag};
  auto id = c.id;
  auto steps = std::vector<commands::command_request>{};
  steps.push_back(cc::register_customer(meta(), c));
  customers::update_customer u;
  u.id = id;
  u.status = "active";
  u.prefs = customers::preferences_patch{};
  u.prefs->delivery_days = std::vector<std::string>{"tue", "fri"};
  u.emails = std::vector<customers::email_input>{{"ada@greenfork.example", "", false}, {"orders@greenfork.example", "", true}};
  steps.push_back(cc::update_customer(meta(), u, std::nullopt));
  auto second = a;
  second.id = w.ex.new_id();
  second.label = "Home";
  second.is_default = true;
  steps.push_back(cc::add_address(meta(), customers::add_address{id, second}, std::nullopt));
  steps.push_back(cc::remove_address(meta(), customers::remove_address{id, second.id}, std::nullopt));
  steps.push_back(cc::tag_customer(meta(), customers::tag_customer{id, {w.ex.new_id()}}, std::nullopt));
  steps.push_back(cc::untag_customer(meta(), customers::untag_customer{id, {tag}}, std::nullopt));
  steps.push_back(cc::deactivate_customer(meta(), customers::deactivate_customer{id}, std::nullopt));
  steps.push_back(cc::set_status(meta(), id, "inactive"));  // refused: deactivated
  steps.push_back(cc::reactivate_customer(meta(), customers::reactivate_customer{id}, std::nullopt));
  steps.push_back(cc::set_status(meta(), id, "churned"));
  std::string token;
  int refused = 0;
  for (auto& step : steps) {
    auto o = run(w.ex, std::move(step));
    if (!o) {
      BOOST_TEST(o.err().code == "customer_inactive");
      ++refused;
      continue;
    }
    if (!o->token.empty()) token = o->token;
  }
  BOOST_TEST(refused == 1);
  wait_for(r, token);
  r.stop();
  auto v = cq::get(live, "acme", id).value();
  BOOST_REQUIRE(v.has_value());
  auto& got = v->customer;
  // registered, updated + preferences, address added, removed + default moved,
  // tagged, untagged, deactivated, reactivated, status.
  BOOST_TEST(v->version == 11u);
  BOOST_TEST(got.display_name() == "Ada Lovelace");
  BOOST_TEST(got.status == "churned");
  BOOST_TEST(got.active);
  BOOST_TEST(got.primary_email()->address == "orders@greenfork.example");
  BOOST_TEST(got.primary_phone()->number == "+14155550199");
  BOOST_REQUIRE(got.addresses.size() == 1u);
  BOOST_TEST(got.addresses[0].id == a.id);
  BOOST_TEST(got.addresses[0].is_default);
  BOOST_TEST(got.prefs.delivery_days == (std::vector<std::string>{"tue", "fri"}));
  BOOST_TEST(got.tags.size() == 1u);
  BOOST_TEST(got.tags[0] != tag);

  infra::memory_kv rebuilt;
  projections::runner r2(w.log, rebuilt, w.vault, customers_only());
  BOOST_REQUIRE(r2.start().ok());
  wait_for(r2, token);
  r2.stop();
  auto before = live.scan("customers/", "", 1000, false).value();
  auto after = rebuilt.scan("customers/", "", 1000, false).value();
  BOOST_TEST(before.size() == 1u);
  BOOST_TEST((before == after));
}

BOOST_AUTO_TEST_CASE(lists_page_newest_first_with_a_stable_cursor) {
  writer w;
  infra::memory_kv kv;
  projections::runner r(w.log, kv, w.vault, customers_only());
  BOOST_REQUIRE(r.start().ok());
  std::string token;
  for (int i = 0; i < 7; ++i) token = w.add("C" + std::to_string(i)).token;
  wait_for(r, token);
  auto p1 = cq::list(kv, "acme", "", 3).value();
  BOOST_REQUIRE_EQUAL(p1.items.size(), 3u);
  BOOST_TEST(p1.items[0].customer.first_name == "C6");
  BOOST_REQUIRE(!p1.next_cursor.empty());
  // New customers arriving between pages do not shift the next page.
  token = w.add("late").token;
  wait_for(r, token);
  auto p2 = cq::list(kv, "acme", p1.next_cursor, 3).value();
  BOOST_TEST(p2.items[0].customer.first_name == "C3");
  auto p3 = cq::list(kv, "acme", p2.next_cursor, 3).value();
  BOOST_TEST(p3.items.size() == 1u);
  BOOST_TEST(p3.next_cursor.empty());
  BOOST_TEST(!cq::list(kv, "acme", "c1.garbage", 3).ok());
  r.stop();
}

BOOST_AUTO_TEST_CASE(when_reached_fires_at_once_for_a_past_position) {
  writer w;
  infra::memory_kv kv;
  projections::runner r(w.log, kv, w.vault, customers_only());
  BOOST_REQUIRE(r.start().ok());
  auto token = w.add("Ada").token;
  wait_for(r, token);
  bool fired = false;
  r.when_reached(decode_token(token).value(), [&] { fired = true; });
  BOOST_TEST(fired);
  // A position far ahead never fires and can be cancelled.
  bool never = false;
  auto id = r.when_reached({{{"customers", 0}, 1'000'000}}, [&] { never = true; });
  r.cancel(id);
  BOOST_TEST(!never);
  BOOST_TEST(r.current().caught_up);
  r.stop();
}

BOOST_AUTO_TEST_SUITE_END()
