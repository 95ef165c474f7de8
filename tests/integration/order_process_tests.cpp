// The order process across the order and product streams on the real
// executor: placement reserves and captures prices, any refusal releases what
// was reserved, item changes re-reserve, cancel releases, dispatch commits,
// a received return restocks, and concurrent orders for the last units never
// oversell.
#include <boost/test/unit_test.hpp>

#include <future>

#include "commands/order_process.hpp"
#include "domain/ids.hpp"
#include "schemas/catalog_codec.hpp"
#include "stack.hpp"

using namespace chronicle;
using namespace chronicle::testing;
namespace cat = chronicle::commands::catalog_commands;
namespace op = chronicle::commands::order_process;
namespace oc = chronicle::commands::order_commands;

namespace {

std::string id_of(const commands::command_outcome& o) { return o.stream.substr(o.stream.rfind('-') + 1); }

commands::command_outcome ok(commands::executor& ex, commands::command_request req) {
  auto r = run(ex, std::move(req));
  BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.err().code + ": " + r.err().message));
  return *r;
}

template <class F>
result<commands::command_outcome> wait(F start) {
  std::promise<result<commands::command_outcome>> p;
  auto f = p.get_future();
  start([&p](result<commands::command_outcome> r) { p.set_value(std::move(r)); });
  return f.get();
}

struct farm {
  memory_side w;

  std::string product(std::string sku, std::int64_t cents, std::int64_t stock) {
    products::create_product c;
    c.id = w.ex.new_id();
    c.sku = std::move(sku);
    c.name = "Pea shoots";
    c.unit = "tray";
    c.price = {cents, "USD"};
    ok(w.ex, cat::create(meta(), c));
    if (stock > 0) ok(w.ex, cat::receive(meta(), {c.id, stock, std::nullopt}));
    return c.id;
  }
  // {on_hand, reserved} of a product, read through a command that changes nothing.
  std::pair<std::int64_t, std::int64_t> stock(const std::string& product) {
    auto o = ok(w.ex, cat::release(meta(), product, "01JNOORDERXXXXXXXXXXXXXXXX"));
    auto p = schemas::catalog_codec::decode_state(o.state).value();
    return {p.on_hand, p.reserved()};
  }
  std::string customer_with_address() {
    auto c = new_customer(w.ex, "Ada");
    customers::address a;
    a.id = w.ex.new_id();
    a.label = "Home";
    a.street = "1 Farm Lane";
    a.city = "Springfield";
    a.postal_code = "12345";
    a.country = "US";
    c.addresses.push_back(a);
    ok(w.ex, commands::customer_commands::register_customer(meta(), c));
    return c.id;
  }
  result<commands::command_outcome> place(const std::string& customer, std::vector<op::item> items) {
    op::place_input in;
    in.customer_id = customer;
    in.items = std::move(items);
    return wait([&](auto cb) { op::place(w.ex, meta(), in, cb); });
  }
  orders::order order_of(const commands::command_outcome& o) { return oc::state_of(o.state).value(); }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(order_process)

BOOST_AUTO_TEST_CASE(placing_reserves_captures_prices_and_the_default_address_and_cancel_releases) {
  farm f;
  auto pea = f.product("PEA-1", 450, 10), rad = f.product("RAD-1", 300, 5);
  auto ada = f.customer_with_address();
  auto placed = f.place(ada, {{rad, 2}, {pea, 3}});
  BOOST_REQUIRE_MESSAGE(placed.ok(), (placed.ok() ? "" : placed.err().message));
  auto o = f.order_of(*placed);
  BOOST_TEST(o.status == "pending");
  BOOST_REQUIRE_EQUAL(o.lines.size(), 2u);
  BOOST_TEST(o.lines[0].product_id == rad);  // request order kept
  BOOST_TEST(o.lines[0].sku == "RAD-1");
  BOOST_TEST(o.lines[1].unit_price.amount == 450);
  BOOST_TEST(o.total == 2 * 300 + 3 * 450);
  BOOST_TEST((f.stock(pea) == std::pair<std::int64_t, std::int64_t>{10, 3}));
  BOOST_TEST((f.stock(rad) == std::pair<std::int64_t, std::int64_t>{5, 2}));

  auto cancelled = wait([&](auto cb) { op::transition(f.w.ex, meta(), {o.id, "cancel", "changed mind"}, std::nullopt, cb); });
  BOOST_REQUIRE(cancelled.ok());
  BOOST_TEST(f.order_of(*cancelled).status == "cancelled");
  BOOST_TEST((f.stock(pea) == std::pair<std::int64_t, std::int64_t>{10, 0}));
  BOOST_TEST((f.stock(rad) == std::pair<std::int64_t, std::int64_t>{5, 0}));
}

BOOST_AUTO_TEST_CASE(a_shortage_releases_what_was_reserved_and_names_the_product_and_what_is_available) {
  farm f;
  auto pea = f.product("PEA-1", 450, 10), rad = f.product("RAD-1", 300, 1);
  auto ada = f.customer_with_address();
  // Whichever product is reserved first, nothing stays reserved.
  auto r = f.place(ada, {{rad, 2}, {pea, 3}});
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.err().code == "insufficient_stock");
  BOOST_TEST(r.err().available.value_or(-1) == 1);
  BOOST_REQUIRE(!r.err().fields.empty());
  BOOST_TEST(r.err().fields[0].field == "items[0].product_id");
  BOOST_TEST(r.err().message.find("RAD-1") != std::string::npos, r.err().message);
  BOOST_TEST((f.stock(pea) == std::pair<std::int64_t, std::int64_t>{10, 0}));
  BOOST_TEST((f.stock(rad) == std::pair<std::int64_t, std::int64_t>{1, 0}));
  auto unknown = f.place(ada, {{pea, 1}, {f.w.ex.new_id(), 1}});
  BOOST_REQUIRE(!unknown.ok());
  BOOST_TEST(unknown.err().fields[0].field == "items[1].product_id");
  BOOST_TEST(unknown.err().kind == errc::invalid_argument);
  BOOST_TEST((f.stock(pea) == std::pair<std::int64_t, std::int64_t>{10, 0}));
}

BOOST_AUTO_TEST_CASE(placement_checks_the_customer_and_the_body_before_touching_stock) {
  farm f;
  auto pea = f.product("PEA-1", 450, 10);
  auto nobody = f.place(f.w.ex.new_id(), {{pea, 1}});
  BOOST_REQUIRE(!nobody.ok());
  BOOST_TEST(nobody.err().code == "customer_not_found");
  auto bare = id_of(f.w.add("Bob"));
  auto no_address = f.place(bare, {{pea, 1}});
  BOOST_REQUIRE(!no_address.ok());
  BOOST_TEST(no_address.err().fields[0].field == "delivery_address");
  auto ada = f.customer_with_address();
  auto bad = f.place(ada, {{pea, 0}, {pea, 2}});
  BOOST_REQUIRE(!bad.ok());
  BOOST_TEST(bad.err().fields.size() == 2u);
  BOOST_TEST((f.stock(pea) == std::pair<std::int64_t, std::int64_t>{10, 0}));
}

BOOST_AUTO_TEST_CASE(changing_items_re_reserves_and_a_refused_change_leaves_the_stock_as_it_was) {
  farm f;
  auto pea = f.product("PEA-1", 450, 10), rad = f.product("RAD-1", 300, 5), kale = f.product("KALE", 200, 2);
  auto ada = f.customer_with_address();
  auto o = f.order_of(f.place(ada, {{pea, 3}, {rad, 1}}).value());
  auto changed = wait([&](auto cb) { op::change_items(f.w.ex, meta(), o.id, {{pea, 5}, {kale, 2}}, std::nullopt, cb); });
  BOOST_REQUIRE_MESSAGE(changed.ok(), (changed.ok() ? "" : changed.err().message));
  BOOST_TEST(f.order_of(*changed).total == 5 * 450 + 2 * 200);
  BOOST_TEST((f.stock(pea) == std::pair<std::int64_t, std::int64_t>{10, 5}));
  BOOST_TEST((f.stock(rad) == std::pair<std::int64_t, std::int64_t>{5, 0}));
  BOOST_TEST((f.stock(kale) == std::pair<std::int64_t, std::int64_t>{2, 2}));
  auto refused = wait([&](auto cb) { op::change_items(f.w.ex, meta(), o.id, {{pea, 1}, {rad, 9}}, std::nullopt, cb); });
  BOOST_REQUIRE(!refused.ok());
  BOOST_TEST(refused.err().code == "insufficient_stock");
  BOOST_TEST(refused.err().fields[0].field == "items[1].product_id");
  BOOST_TEST((f.stock(pea) == std::pair<std::int64_t, std::int64_t>{10, 5}));
  BOOST_TEST((f.stock(rad) == std::pair<std::int64_t, std::int64_t>{5, 0}));
  BOOST_TEST((f.stock(kale) == std::pair<std::int64_t, std::int64_t>{2, 2}));
  for (auto v : {"confirm", "process"}) ok(f.w.ex, oc::transition(meta(), {o.id, v, ""}));
  auto late = wait([&](auto cb) { op::change_items(f.w.ex, meta(), o.id, {{pea, 1}}, std::nullopt, cb); });
  BOOST_REQUIRE(!late.ok());
  BOOST_TEST(late.err().code == "invalid_transition");
  BOOST_TEST((f.stock(pea) == std::pair<std::int64_t, std::int64_t>{10, 5}));
}

BOOST_AUTO_TEST_CASE(dispatch_commits_the_stock_and_a_received_return_restocks_when_asked) {
  farm f;
  auto pea = f.product("PEA-1", 450, 10);
  auto ada = f.customer_with_address();
  auto o = f.order_of(f.place(ada, {{pea, 4}}).value());
  for (auto v : {"confirm", "process", "ready", "dispatch", "deliver"}) {
    auto r = wait([&](auto cb) { op::transition(f.w.ex, meta(), {o.id, v, ""}, std::nullopt, cb); });
    BOOST_REQUIRE_MESSAGE(r.ok(), v);
  }
  BOOST_TEST((f.stock(pea) == std::pair<std::int64_t, std::int64_t>{6, 0}));
  auto kept = f.w.ex.new_id(), back = f.w.ex.new_id();
  ok(f.w.ex, oc::request_return(meta(), {o.id, kept, {{pea, 1}}, "bruised"}));
  ok(f.w.ex, oc::request_return(meta(), {o.id, back, {{pea, 2}}, "wilted"}));
  for (auto& id : {kept, back}) ok(f.w.ex, oc::approve_return(meta(), {o.id, id}));
  BOOST_REQUIRE(wait([&](auto cb) { op::receive_return(f.w.ex, meta(), {o.id, kept, false}, cb); }).ok());
  BOOST_TEST((f.stock(pea) == std::pair<std::int64_t, std::int64_t>{6, 0}));
  BOOST_REQUIRE(wait([&](auto cb) { op::receive_return(f.w.ex, meta(), {o.id, back, true}, cb); }).ok());
  BOOST_TEST((f.stock(pea) == std::pair<std::int64_t, std::int64_t>{8, 0}));
}

BOOST_AUTO_TEST_CASE(concurrent_orders_for_the_last_units_never_oversell) {
  farm f;
  auto pea = f.product("PEA-1", 450, 5);
  auto ada = f.customer_with_address();
  constexpr int n = 24;
  std::vector<std::promise<result<commands::command_outcome>>> ps(n);
  for (int i = 0; i < n; ++i) {
    op::place_input in;
    in.customer_id = ada;
    in.items = {{pea, 1}};
    op::place(f.w.ex, meta(), in, [&ps, i](result<commands::command_outcome> r) { ps[i].set_value(std::move(r)); });
  }
  int won = 0, short_of = 0;
  for (auto& p : ps) {
    auto r = p.get_future().get();
    if (r.ok()) ++won;
    else if (r.err().code == "insufficient_stock" && r.err().fields[0].field == "items[0].product_id") ++short_of;
  }
  BOOST_TEST(won == 5);
  BOOST_TEST(short_of == n - 5);
  BOOST_TEST((f.stock(pea) == std::pair<std::int64_t, std::int64_t>{5, 5}));
}

BOOST_AUTO_TEST_SUITE_END()
