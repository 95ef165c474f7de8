// Domain scenarios of the product aggregate: the catalog entry (create,
// update, activate/deactivate, seasons) and its stock (receive, adjust,
// reserve, release, commit, restock), accepted and rejected.
#include <boost/test/unit_test.hpp>

#include "domain/product.hpp"

using namespace chronicle;
using namespace chronicle::products;

namespace {

const std::string pid = "01JPPPPPPPPPPPPPPPPPPPPPPP";
const std::string order1 = "01JAAAAAAAAAAAAAAAAAAAAAAA";
const std::string order2 = "01JBBBBBBBBBBBBBBBBBBBBBBB";
const std::string return1 = "01JRRRRRRRRRRRRRRRRRRRRRRR";
constexpr std::int64_t now = 1'780'000'000'000'000;

std::vector<std::string> fields_of(const error& e) {
  std::vector<std::string> out;
  for (auto& f : e.fields) out.push_back(f.field + ":" + f.code);
  return out;
}
template <class T>
std::vector<std::string> rejection(const result<T>& r) {
  BOOST_REQUIRE(!r.ok());
  return fields_of(r.err());
}

create_product pea_shoots() {
  create_product c;
  c.id = pid;
  c.sku = " mg-pea-100 ";
  c.name = " Pea shoots ";
  c.unit = "100 g tray";
  c.price = {450, "USD"};
  return c;
}

// Applies every event of an accepted decision.
template <class Cmd>
product apply(product s, const Cmd& cmd) {
  auto r = decide(s, cmd);
  BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.err().message));
  for (auto& e : *r) s = evolve(std::move(s), e, now);
  return s;
}

product created() { return apply(product{}, pea_shoots()); }
product with_stock(std::int64_t n) { return apply(created(), receive_stock{pid, n, std::nullopt}); }

}  // namespace

BOOST_AUTO_TEST_SUITE(product_scenarios)

BOOST_AUTO_TEST_CASE(creating_a_product_normalises_the_sku_and_trims_the_name) {
  auto r = decide(product{}, pea_shoots());
  BOOST_REQUIRE(r.ok());
  BOOST_REQUIRE_EQUAL(r->size(), 1u);
  auto& e = std::get<product_created>(r->front());
  BOOST_TEST(e.sku == "MG-PEA-100");
  BOOST_TEST(e.name == "Pea shoots");
  BOOST_TEST(e.active);
  auto s = created();
  BOOST_TEST(s.exists);
  BOOST_TEST(s.on_hand == 0);
  BOOST_TEST(s.available() == 0);
  BOOST_TEST(s.price.amount == 450);
}

BOOST_AUTO_TEST_CASE(creating_a_product_rejects_each_bad_field) {
  create_product c;
  c.id = pid;
  c.sku = "pea shoots!";
  c.name = "  ";
  c.unit = "";
  c.price = {-1, "usd"};
  c.unavailable = {{"13-01", "02-30"}};
  BOOST_TEST(rejection(decide(product{}, c)) ==
                 (std::vector<std::string>{"sku:invalid_format", "name:required", "unit:required",
                                           "price.amount:negative", "price.currency:invalid_currency",
                                           "unavailable[0].from:invalid_format", "unavailable[0].to:invalid_format"}),
             boost::test_tools::per_element());
  c = pea_shoots();
  c.sku = "";
  c.price.currency = "XYZ";
  BOOST_TEST(rejection(decide(product{}, c)) ==
                 (std::vector<std::string>{"sku:required", "price.currency:invalid_currency"}),
             boost::test_tools::per_element());
  c = pea_shoots();
  c.sku = std::string(65, 'A');
  BOOST_TEST(rejection(decide(product{}, c)) == (std::vector<std::string>{"sku:too_long"}),
             boost::test_tools::per_element());
  // A free product and a leap day are fine.
  c = pea_shoots();
  c.price.amount = 0;
  c.unavailable = {{"02-29", "03-01"}};
  BOOST_TEST(decide(product{}, c).ok());
}

BOOST_AUTO_TEST_CASE(creating_an_existing_product_is_a_conflict) {
  auto r = decide(created(), pea_shoots());
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.err().kind == errc::already_exists);
}

BOOST_AUTO_TEST_CASE(updating_emits_only_what_changed_and_nothing_for_no_change) {
  auto s = created();
  update_product u{pid};
  u.name = "Pea shoots";  // same after trimming
  u.price = money{450, "USD"};
  auto none = decide(s, u);
  BOOST_REQUIRE(none.ok());
  BOOST_TEST(none->empty());
  u.price = money{500, "USD"};
  u.unavailable = std::vector<window>{{"12-01", "02-28"}};
  auto r = decide(s, u);
  BOOST_REQUIRE(r.ok());
  BOOST_REQUIRE_EQUAL(r->size(), 1u);
  auto& e = std::get<product_updated>(r->front());
  BOOST_TEST(!e.name);
  BOOST_TEST(e.price->amount == 500);
  BOOST_TEST(e.unavailable->size() == 1u);
  s = apply(s, u);
  BOOST_TEST(s.price.amount == 500);
  BOOST_TEST(s.unavailable.size() == 1u);
}

BOOST_AUTO_TEST_CASE(updating_rejects_bad_fields_and_unknown_products) {
  update_product u{pid};
  u.unit = " ";
  u.price = money{5, "EURO"};
  BOOST_TEST(rejection(decide(created(), u)) ==
                 (std::vector<std::string>{"unit:required", "price.currency:invalid_currency"}),
             boost::test_tools::per_element());
  auto r = decide(product{}, update_product{pid});
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.err().kind == errc::not_found);
  BOOST_TEST(r.err().code == "product_not_found");
}

BOOST_AUTO_TEST_CASE(deactivating_and_activating) {
  update_product off{pid};
  off.active = false;
  auto s = apply(with_stock(5), off);
  BOOST_TEST(!s.active);
  auto again = decide(s, off);
  BOOST_REQUIRE(again.ok());
  BOOST_TEST(again->empty());
  auto r = decide(s, reserve_stock{pid, order1, 1, "2026-06-01"});
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.err().code == "product_inactive");
  BOOST_TEST(fields_of(r.err()) == (std::vector<std::string>{"product_id:product_inactive"}),
             boost::test_tools::per_element());
  update_product on{pid};
  on.active = true;
  s = apply(s, on);
  BOOST_TEST(decide(s, reserve_stock{pid, order1, 1, "2026-06-01"}).ok());
}

BOOST_AUTO_TEST_CASE(receiving_adds_to_on_hand_and_rejects_non_positive_quantities) {
  auto s = with_stock(10);
  BOOST_TEST(s.on_hand == 10);
  BOOST_TEST(rejection(decide(s, receive_stock{pid, 0, std::nullopt})) ==
                 (std::vector<std::string>{"quantity:not_positive"}),
             boost::test_tools::per_element());
  BOOST_TEST(rejection(decide(s, receive_stock{pid, -4, std::nullopt})) ==
                 (std::vector<std::string>{"quantity:not_positive"}),
             boost::test_tools::per_element());
  BOOST_TEST(rejection(decide(s, receive_stock{pid, max_quantity, std::nullopt})) ==
                 (std::vector<std::string>{"quantity:too_large"}),
             boost::test_tools::per_element());
  BOOST_TEST(decide(product{}, receive_stock{pid, 1, std::nullopt}).err().kind == errc::not_found);
}

BOOST_AUTO_TEST_CASE(adjusting_needs_a_reason_and_never_goes_below_zero) {
  auto s = with_stock(10);
  BOOST_TEST(rejection(decide(s, adjust_stock{pid, -2, " "})) == (std::vector<std::string>{"reason:required"}),
             boost::test_tools::per_element());
  BOOST_TEST(rejection(decide(s, adjust_stock{pid, 0, "count"})) == (std::vector<std::string>{"quantity:zero"}),
             boost::test_tools::per_element());
  s = apply(s, reserve_stock{pid, order1, 4, "2026-06-01"});
  // 10 on hand, 4 reserved: at most 6 can go.
  auto r = decide(s, adjust_stock{pid, -7, "spoiled"});
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.err().kind == errc::failed_precondition);
  BOOST_TEST(r.err().code == "stock_below_zero");
  BOOST_TEST(*r.err().available == 6);
  BOOST_TEST(r.err().message.find("MG-PEA-100") != std::string::npos);
  s = apply(s, adjust_stock{pid, -6, "spoiled"});
  BOOST_TEST(s.on_hand == 4);
  BOOST_TEST(s.available() == 0);
  s = apply(s, adjust_stock{pid, 3, "found a crate"});
  BOOST_TEST(s.on_hand == 7);
}

BOOST_AUTO_TEST_CASE(reserving_sets_the_orders_reservation) {
  auto s = with_stock(10);
  auto r = decide(s, reserve_stock{pid, order1, 3, "2026-06-01"});
  BOOST_REQUIRE(r.ok());
  auto& e = std::get<stock_reserved>(r->front());
  BOOST_TEST(e.quantity == 3);
  BOOST_TEST(e.unit_price.amount == 450);
  s = apply(s, reserve_stock{pid, order1, 3, "2026-06-01"});
  BOOST_TEST(s.reserved() == 3);
  BOOST_TEST(s.available() == 7);
  // Same quantity again: nothing happens (a retried order placement).
  auto same = decide(s, reserve_stock{pid, order1, 3, "2026-06-01"});
  BOOST_REQUIRE(same.ok());
  BOOST_TEST(same->empty());
  // More: only the difference must be available.
  s = apply(s, reserve_stock{pid, order1, 10, "2026-06-01"});
  BOOST_TEST(s.available() == 0);
  // Less frees the difference.
  s = apply(s, reserve_stock{pid, order1, 2, "2026-06-01"});
  BOOST_TEST(s.available() == 8);
  // Zero releases.
  s = apply(s, reserve_stock{pid, order1, 0, "2026-06-01"});
  BOOST_TEST(s.reservations.empty());
  BOOST_TEST(s.available() == 10);
}

BOOST_AUTO_TEST_CASE(the_last_unit_goes_to_one_order_only) {
  auto s = with_stock(1);
  s = apply(s, reserve_stock{pid, order1, 1, "2026-06-01"});
  auto r = decide(s, reserve_stock{pid, order2, 1, "2026-06-01"});
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.err().code == "insufficient_stock");
  BOOST_TEST(r.err().kind == errc::failed_precondition);
  BOOST_TEST(*r.err().available == 0);
  BOOST_TEST(r.err().message.find("MG-PEA-100") != std::string::npos);
  BOOST_TEST(r.err().message.find("0 available") != std::string::npos);
  BOOST_TEST(fields_of(r.err()) == (std::vector<std::string>{"product_id:insufficient_stock"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(reserving_rejects_bad_input_and_unknown_products) {
  auto s = with_stock(5);
  BOOST_TEST(rejection(decide(s, reserve_stock{pid, "", -1, "2026-13-01"})) ==
                 (std::vector<std::string>{"order_id:required", "quantity:negative", "on_date:invalid_format"}),
             boost::test_tools::per_element());
  auto r = decide(product{}, reserve_stock{pid, order1, 1, "2026-06-01"});
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.err().kind == errc::not_found);
  BOOST_TEST(r.err().message.find(pid) != std::string::npos);
  BOOST_TEST(fields_of(r.err()) == (std::vector<std::string>{"product_id:not_found"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(seasons_wrap_over_the_year_end) {
  update_product u{pid};
  u.unavailable = std::vector<window>{{"12-01", "02-28"}, {"07-10", "07-20"}};
  auto s = apply(with_stock(5), u);
  for (auto date : {"2026-12-01", "2026-12-31", "2027-01-15", "2027-02-28", "2026-07-15"}) {
    auto r = decide(s, reserve_stock{pid, order1, 1, date});
    BOOST_REQUIRE_MESSAGE(!r.ok(), date);
    BOOST_TEST(r.err().code == "out_of_season");
  }
  auto r = decide(s, reserve_stock{pid, order1, 1, "2027-01-15"});
  BOOST_TEST(r.err().message.find("12-01 to 02-28") != std::string::npos);
  for (auto date : {"2026-11-30", "2027-03-01", "2026-07-09", "2026-07-21"})
    BOOST_TEST(decide(s, reserve_stock{pid, order1, 1, date}).ok(), date);
  // A reservation held before the season closed may shrink, not grow.
  s = apply(with_stock(5), reserve_stock{pid, order1, 3, "2026-06-01"});
  s = apply(s, u);
  BOOST_TEST(decide(s, reserve_stock{pid, order1, 2, "2026-12-24"}).ok());
  BOOST_TEST(!decide(s, reserve_stock{pid, order1, 4, "2026-12-24"}).ok());
  BOOST_TEST(unavailable_on({{"03-01", "03-01"}}, "03-01") != nullptr);
}

BOOST_AUTO_TEST_CASE(releasing_frees_the_reservation_once) {
  auto s = apply(with_stock(5), reserve_stock{pid, order1, 2, "2026-06-01"});
  auto r = decide(s, release_stock{pid, order1});
  BOOST_REQUIRE(r.ok());
  BOOST_TEST(std::get<stock_released>(r->front()).quantity == 2);
  s = apply(s, release_stock{pid, order1});
  BOOST_TEST(s.available() == 5);
  auto again = decide(s, release_stock{pid, order1});
  BOOST_REQUIRE(again.ok());
  BOOST_TEST(again->empty());
  BOOST_TEST(decide(product{}, release_stock{pid, order1}).err().kind == errc::not_found);
}

BOOST_AUTO_TEST_CASE(committing_takes_the_goods_out) {
  auto s = apply(with_stock(5), reserve_stock{pid, order1, 2, "2026-06-01"});
  s = apply(s, reserve_stock{pid, order2, 1, "2026-06-01"});
  s = apply(s, commit_stock{pid, order1});
  BOOST_TEST(s.on_hand == 3);
  BOOST_TEST(s.reserved() == 1);
  BOOST_TEST(s.available() == 2);
  auto again = decide(s, commit_stock{pid, order1});
  BOOST_REQUIRE(again.ok());
  BOOST_TEST(again->empty());
}

BOOST_AUTO_TEST_CASE(restocking_puts_returned_goods_back_once_per_return) {
  auto s = apply(with_stock(5), reserve_stock{pid, order1, 2, "2026-06-01"});
  s = apply(s, commit_stock{pid, order1});
  s = apply(s, restock{pid, order1, return1, 2});
  BOOST_TEST(s.on_hand == 5);
  auto again = decide(s, restock{pid, order1, return1, 2});
  BOOST_REQUIRE(again.ok());
  BOOST_TEST(again->empty());
  BOOST_TEST(rejection(decide(s, restock{pid, order1, "", 0})) ==
                 (std::vector<std::string>{"return_id:required", "quantity:not_positive"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(helpers) {
  BOOST_TEST(sku_key("  mg-Pea.1 ") == "MG-PEA.1");
  BOOST_TEST(is_currency("USD"));
  BOOST_TEST(is_currency("EUR"));
  BOOST_TEST(!is_currency("usd"));
  BOOST_TEST(!is_currency("ABC"));
  BOOST_TEST(is_month_day("02-29"));
  BOOST_TEST(!is_month_day("02-30"));
  BOOST_TEST(!is_month_day("2-3"));
}

BOOST_AUTO_TEST_CASE(the_reservation_ledger_keeps_orders_sorted_and_its_total_exact) {
  reservation_ledger l;
  BOOST_TEST(l.empty());
  l.set("01K3", 5);
  l.set("01K1", 2);
  l.set("01K2", 7);
  BOOST_TEST(l.records() == "01K1=2;01K2=7;01K3=5;");
  BOOST_TEST(l.total() == 14);
  BOOST_TEST(l.get("01K2") == 7);
  BOOST_TEST(l.get("01K0") == 0);
  BOOST_TEST(l.get("01K") == 0);  // a prefix of an id is another order
  l.set("01K2", 1);               // a new quantity replaces the old one
  BOOST_TEST(l.records() == "01K1=2;01K2=1;01K3=5;");
  BOOST_TEST(l.total() == 8);
  l.erase("01K1");
  l.set("01K3", 0);
  BOOST_TEST(l.records() == "01K2=1;");
  BOOST_TEST(l.total() == 1);
  BOOST_TEST(!l.contains("01K1"));
  BOOST_TEST(l.contains("01K2"));

  // Restored from its records, it is the same ledger; malformed records are refused.
  reservation_ledger back;
  BOOST_TEST(back.assign("01K1=2;01K2=7;"));
  BOOST_TEST(back.total() == 9);
  for (auto bad : {"01K1=2", "01K2=7;01K1=2;", "01K1=0;", "=3;", "01K1=x;", "01K1=2;01K1=3;"}) {
    reservation_ledger r;
    BOOST_TEST(!r.assign(bad), bad);
    BOOST_TEST(r.empty());
    BOOST_TEST(r.total() == 0);
  }
  // Many orders: the total stays the sum of what each holds.
  reservation_ledger many;
  std::int64_t sum = 0;
  for (int i = 0; i < 3000; ++i) {
    many.set("order-" + std::to_string((i * 7919) % 3000), i % 5 + 1);
  }
  for (int i = 0; i < 3000; ++i) sum += many.get("order-" + std::to_string(i));
  BOOST_TEST(many.total() == sum);
  reservation_ledger copy;
  BOOST_TEST(copy.assign(many.records()));
  BOOST_TEST(copy.total() == sum);
}

BOOST_AUTO_TEST_CASE(an_order_id_the_ledger_cannot_hold_is_refused) {
  auto p = with_stock(10);
  auto r = decide(p, reserve_stock{pid, "a=b", 1, "2026-06-01"});
  BOOST_TEST_REQUIRE(!r.ok());
  BOOST_TEST(r.err().fields.at(0).field == "order_id");
}

BOOST_AUTO_TEST_SUITE_END()
