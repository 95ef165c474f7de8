// The catalog's command side on the real adapters (embedded log, RocksDB
// state in a temp dir): SKU uniqueness through claims, the reservation API
// the order process uses, and the race for the last unit.
#include <atomic>
#include <thread>

#include "commands/catalog_commands.hpp"
#include "projections/products.hpp"
#include "schemas/catalog_codec.hpp"
#include "stack.hpp"

using namespace chronicle;
using namespace chronicle::testing;
namespace cat = chronicle::commands::catalog_commands;

namespace {

products::product schemas_state(std::string_view s) {
  auto p = schemas::catalog_codec::decode_state(s);
  BOOST_REQUIRE(p.ok());
  return *p;
}

struct catalog_side {
  temp_dir dir;
  std::unique_ptr<infra::embedded_log> log = infra::embedded_log::open({dir.sub("log"), 4, true}).value();
  std::shared_ptr<infra::rocks_db> db = infra::rocks_db::open(dir.sub("state")).value();
  infra::rocks_state_store state{db};
  infra::memory_vault vault;
  step_clock clock;
  infra::system_entropy entropy;
  commands::executor ex{*log, state, vault, clock, entropy, {cat::kind()}};
  catalog_side() { BOOST_REQUIRE(ex.start().ok()); }
  ~catalog_side() {
    ex.stop();
    log->close();
  }

  std::string add(std::string sku, std::int64_t stock) {
    products::create_product c;
    c.id = ex.new_id();
    c.sku = std::move(sku);
    c.name = "Sunflower shoots";
    c.unit = "tray";
    c.price = {600, "USD"};
    auto r = run(ex, cat::create(meta(), c));
    BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? std::string() : r.err().message));
    if (stock > 0) BOOST_REQUIRE(run(ex, cat::receive(meta(), {c.id, stock, std::nullopt})).ok());
    return c.id;
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(catalog_commands)

BOOST_AUTO_TEST_CASE(a_sku_is_unique_per_tenant_whatever_its_case) {
  catalog_side s;
  auto first = s.add("mg-sun-1", 0);
  products::create_product c;
  c.id = s.ex.new_id();
  c.sku = " MG-SUN-1";
  c.name = "Other";
  c.unit = "tray";
  c.price = {1, "USD"};
  auto dup = run(s.ex, cat::create(meta(), c));
  BOOST_REQUIRE(!dup.ok());
  BOOST_TEST(dup.err().kind == errc::already_exists);
  BOOST_TEST(dup.err().code == "duplicate_sku");
  BOOST_TEST(dup.err().existing_id == first);
  // Another tenant may use the same SKU.
  auto other = meta();
  other.tenant = "globex";
  BOOST_TEST(run(s.ex, cat::create(other, c)).ok());
}

BOOST_AUTO_TEST_CASE(reserve_release_commit_restock_through_the_executor) {
  catalog_side s;
  auto id = s.add("MG-SUN-2", 5);
  auto r = run(s.ex, cat::reserve(meta(), id, "order-1", 3, ""));
  BOOST_REQUIRE(r.ok());
  auto info = cat::product_summary(r->state);
  BOOST_REQUIRE(info);
  BOOST_TEST(info->sku == "MG-SUN-2");
  BOOST_TEST(info->price.amount == 600);
  BOOST_TEST(info->price.currency == "USD");
  BOOST_TEST(cat::price_of(r->state)->amount == 600);
  auto again = run(s.ex, cat::reserve(meta(), id, "order-1", 3, ""));
  BOOST_REQUIRE(again.ok());
  BOOST_TEST(again->token.empty());  // nothing appended
  auto short_ = run(s.ex, cat::reserve(meta(), id, "order-2", 3, "2026-06-01"));
  BOOST_REQUIRE(!short_.ok());
  BOOST_TEST(short_.err().code == "insufficient_stock");
  BOOST_TEST(*short_.err().available == 2);
  BOOST_REQUIRE(run(s.ex, cat::commit(meta(), id, "order-1")).ok());
  auto back = run(s.ex, cat::restock(meta(), id, "order-1", "return-1", 1));
  BOOST_REQUIRE(back.ok());
  auto p = schemas_state(back->state);
  BOOST_TEST(p.on_hand == 3);
  BOOST_TEST(p.reserved() == 0);
  BOOST_REQUIRE(run(s.ex, cat::reserve(meta(), id, "order-3", 3, "")).ok());
  auto rel = run(s.ex, cat::release(meta(), id, "order-3"));
  BOOST_REQUIRE(rel.ok());
  BOOST_TEST(schemas_state(rel->state).available() == 3);
  auto unknown = run(s.ex, cat::reserve(meta(), s.ex.new_id(), "order-4", 1, ""));
  BOOST_REQUIRE(!unknown.ok());
  BOOST_TEST(unknown.err().kind == errc::not_found);
  BOOST_TEST(unknown.err().fields.at(0).field == "product_id");
}

BOOST_AUTO_TEST_CASE(two_concurrent_reserves_for_the_last_unit_exactly_one_wins) {
  catalog_side s;
  for (int round = 0; round < 10; ++round) {
    auto id = s.add("LAST-" + std::to_string(round), 1);
    constexpr int racers = 2;
    std::atomic<int> won{0}, short_{0}, other{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < racers; ++i)
      threads.emplace_back([&, i] {
        auto r = run(s.ex, cat::reserve(meta(), id, "order-" + std::to_string(round) + "-" + std::to_string(i), 1, ""));
        if (r.ok()) ++won;
        else if (r.err().code == "insufficient_stock" && r.err().available == 0) ++short_;
        else ++other;
      });
    for (auto& t : threads) t.join();
    BOOST_TEST(won.load() == 1);
    BOOST_TEST(short_.load() == racers - 1);
    BOOST_TEST(other.load() == 0);
  }
}

BOOST_AUTO_TEST_CASE(many_concurrent_orders_never_oversell) {
  catalog_side s;
  auto id = s.add("MANY", 7);
  std::atomic<int> won{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 16; ++i)
    threads.emplace_back([&, i] {
      if (run(s.ex, cat::reserve(meta(), id, "o" + std::to_string(i), 1, "")).ok()) ++won;
    });
  for (auto& t : threads) t.join();
  BOOST_TEST(won.load() == 7);
  auto r = run(s.ex, cat::receive(meta(), {id, 1, std::nullopt}));
  BOOST_REQUIRE(r.ok());
  auto p = schemas_state(r->state);
  BOOST_TEST(p.on_hand == 8);
  BOOST_TEST(p.reserved() == 7);
  BOOST_TEST(p.available() == 1);
}

BOOST_AUTO_TEST_SUITE_END()

namespace {

namespace pq = chronicle::projections::product_queries;

void wait_for(projections::runner& r, const std::string& token) {
  std::promise<void> p;
  auto f = p.get_future();
  r.when_reached(decode_token(token).value(), [&p] { p.set_value(); });
  BOOST_REQUIRE(f.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
}

std::vector<std::unique_ptr<projections::projection>> products_only() {
  std::vector<std::unique_ptr<projections::projection>> v;
  v.push_back(projections::make_products_projection());
  return v;
}

std::vector<std::string> skus(const projections::product_page& p) {
  std::vector<std::string> out;
  for (auto& r : p.items) out.push_back(r.product.sku);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(products_view)

BOOST_AUTO_TEST_CASE(the_view_shows_stock_lists_by_sku_and_name_filters_and_replays_identically) {
  catalog_side s;
  infra::rocks_kv live(s.db);
  projections::runner r(*s.log, live, s.vault, products_only());
  BOOST_REQUIRE(r.start().ok());
  // Names in the opposite order of SKUs.
  std::vector<std::string> ids;
  for (char c : std::string("abcde")) {
    products::create_product p;
    p.id = s.ex.new_id();
    p.sku = std::string("sku-") + c;
    p.name = std::string(1, static_cast<char>('z' - (c - 'a'))) + " shoots";
    p.unit = "tray";
    p.price = {100, "USD"};
    BOOST_REQUIRE(run(s.ex, cat::create(meta(), p)).ok());
    ids.push_back(p.id);
  }
  BOOST_REQUIRE(run(s.ex, cat::receive(meta(), {ids[0], 10, std::string("harvest")})).ok());
  BOOST_REQUIRE(run(s.ex, cat::reserve(meta(), ids[0], "order-1", 4, "")).ok());
  BOOST_REQUIRE(run(s.ex, cat::adjust(meta(), {ids[0], -1, "wilted"})).ok());
  products::update_product off;
  off.id = ids[1];
  off.active = false;
  BOOST_REQUIRE(run(s.ex, cat::update(meta(), off, std::nullopt)).ok());
  auto last = run(s.ex, cat::reserve(meta(), ids[0], "order-2", 2, ""));
  BOOST_REQUIRE(last.ok());
  wait_for(r, last->token);

  auto a = pq::get(live, "acme", ids[0]).value();
  BOOST_REQUIRE(a);
  BOOST_TEST(a->product.on_hand == 9);
  BOOST_TEST(a->product.reserved() == 6);
  BOOST_TEST(a->product.available() == 3);
  BOOST_TEST(a->version == 5u);
  auto by = pq::by_sku(live, "acme", " SKU-A ").value();
  BOOST_REQUIRE(by);
  BOOST_TEST(by->product.id == ids[0]);
  BOOST_TEST(!pq::by_sku(live, "globex", "sku-a").value());

  auto p1 = pq::list(live, "acme", projections::product_order::sku, std::nullopt, "", 2).value();
  BOOST_TEST(skus(p1) == (std::vector<std::string>{"SKU-A", "SKU-B"}), boost::test_tools::per_element());
  BOOST_REQUIRE(!p1.next_cursor.empty());
  auto p2 = pq::list(live, "acme", projections::product_order::sku, std::nullopt, p1.next_cursor, 2).value();
  BOOST_TEST(skus(p2) == (std::vector<std::string>{"SKU-C", "SKU-D"}), boost::test_tools::per_element());
  auto p3 = pq::list(live, "acme", projections::product_order::sku, std::nullopt, p2.next_cursor, 2).value();
  BOOST_TEST(skus(p3) == (std::vector<std::string>{"SKU-E"}), boost::test_tools::per_element());
  BOOST_TEST(p3.next_cursor.empty());
  // A cursor of another order or filter is refused.
  auto wrong = pq::list(live, "acme", projections::product_order::name, std::nullopt, p1.next_cursor, 2);
  BOOST_REQUIRE(!wrong.ok());
  BOOST_TEST(wrong.err().code == "invalid_cursor");

  auto by_name = pq::list(live, "acme", projections::product_order::name, true, "", 10).value();
  BOOST_TEST(skus(by_name) == (std::vector<std::string>{"SKU-E", "SKU-D", "SKU-C", "SKU-A"}),
             boost::test_tools::per_element());
  auto inactive = pq::list(live, "acme", projections::product_order::sku, false, "", 10).value();
  BOOST_TEST(skus(inactive) == (std::vector<std::string>{"SKU-B"}), boost::test_tools::per_element());
  r.stop();

  // A replay from zero into an empty store gives the same bytes.
  infra::memory_kv rebuilt;
  projections::runner r2(*s.log, rebuilt, s.vault, products_only());
  BOOST_REQUIRE(r2.start().ok());
  wait_for(r2, last->token);
  r2.stop();
  auto x = live.scan("products/", "", 1000, false).value();
  auto y = rebuilt.scan("products/", "", 1000, false).value();
  BOOST_TEST(x.size() == 5u * 5u);
  BOOST_TEST((x == y));
}

BOOST_AUTO_TEST_SUITE_END()
