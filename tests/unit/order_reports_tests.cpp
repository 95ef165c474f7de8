// The order read models of the extras: order reports per day and ISO week
// (placed, revenue, counts by status, time to delivery, return rate) and the
// customer order figures (profile and list index), each after sequences of
// order events encoded by the orders codec.
#include <boost/test/unit_test.hpp>

#include <cstdlib>

#include "domain/ids.hpp"
#include "domain/order.hpp"
#include "projections/customer_index.hpp"
#include "projections/customer_orders.hpp"
#include "projections/customers.hpp"
#include "schemas/customer_codec.hpp"
#include "projections/order_reports.hpp"
#include "schemas/openapi.hpp"
#include "schemas/order_codec.hpp"
#include "unit/support/mini_schema.hpp"
#include "unit/support/map_kv.hpp"

namespace {

namespace o = chronicle::orders;
namespace pr = chronicle::projections;
namespace rq = chronicle::projections::order_report_queries;
using chronicle::test::map_kv;
using chronicle::test::projection_feed;

constexpr std::int64_t sec = 1'000'000;
constexpr std::int64_t hour = 3600 * sec;
constexpr std::int64_t day = 24 * hour;
// 2026-03-02 00:00:00 UTC, a Monday (ISO week 2026-W10).
const std::int64_t monday_day = pr::days_from_date(2026, 3, 2);
const std::int64_t monday = monday_day * day;

std::string ulid(int n) { return chronicle::make_ulid(1'700'000'000'000 + n, {7, 7, 7, 7, 7, 7, 7, 7, 7, 7}); }
const std::string cust = ulid(1000), cust2 = ulid(1001), pid = ulid(2000);

o::line pea(std::int64_t q) { return {pid, "PEA-1", "Pea shoots", "tray", q, {450, "USD"}, {450 * q, "USD"}}; }
o::order_placed placed(const std::string& id, const std::string& customer, std::int64_t total) {
  o::address a;
  a.street = "1 Farm Lane";
  a.city = "Springfield";
  a.postal_code = "12345";
  a.country = "US";
  return o::order_placed{id, customer, {pea(2)}, a, "2026-03-05", "", total, total, "USD", ""};
}

struct feed_orders {
  map_kv kv;
  std::unique_ptr<chronicle::projections::projection> proj;
  projection_feed feed;
  explicit feed_orders(std::unique_ptr<chronicle::projections::projection> p) : proj(std::move(p)), feed{*proj, kv} {}
  void at(std::int64_t when, const o::event& e) {
    auto id = std::visit(
        [](auto& x) -> std::string {
          if constexpr (requires { x.order_id; }) return x.order_id;
          else return x.id;
        },
        e);
    auto s = feed.apply(chronicle::schemas::order_codec::encode_event(e), o::category, id, when);
    BOOST_REQUIRE_MESSAGE(s.ok(), (s.ok() ? "" : s.err().message));
  }
  void deliver(const std::string& id, std::int64_t placed_at, std::int64_t delivered_at) {
    at(placed_at + 1 * hour / 60, o::order_advanced{id, "confirmed", 0});
    at(placed_at + 2 * hour / 60, o::order_advanced{id, "processing", 0});
    at(placed_at + 3 * hour / 60, o::order_advanced{id, "ready", 0});
    at(placed_at + 4 * hour / 60, o::order_advanced{id, "out_for_delivery", 0});
    at(delivered_at, o::order_advanced{id, "delivered", delivered_at});
  }
};

std::int64_t status_count(const pr::order_bucket& b, std::string_view status) {
  for (std::size_t i = 0; i < pr::report_status_count; ++i)
    if (o::statuses[i] == status) return b.by_status[i];
  return -1;
}

bool within(std::int64_t got, std::int64_t exact, double tolerance) {
  return std::abs(static_cast<double>(got - exact)) <= tolerance * static_cast<double>(exact);
}

// The sequence most cases read: on Monday A (900, delivered after 2 days,
// returned in part, 450 refunded) and B (450, cancelled); on Tuesday C
// (1000, changed to 1350 before it was delivered an hour later); the next
// Monday D (200, pending).
void week_of_orders(feed_orders& f) {
  const auto a = ulid(1), b = ulid(2), c = ulid(3), d = ulid(4);
  f.at(monday + 10 * hour, placed(a, cust, 900));
  f.at(monday + 12 * hour, placed(b, cust2, 450));
  f.at(monday + 13 * hour, o::order_cancelled{b, "changed mind", "pending"});
  f.deliver(a, monday + 10 * hour, monday + 2 * day + 10 * hour);
  f.at(monday + 3 * day, o::return_requested{a, ulid(10), {{pid, 1}}, "wilted"});
  f.at(monday + 3 * day + hour, o::return_requested{a, ulid(11), {{pid, 1}}, "more wilted"});
  f.at(monday + 4 * day, o::refund_issued{a, ulid(12), ulid(10), {450, "USD"}, "original_payment", "wilted"});
  f.at(monday + day + 9 * hour, placed(c, cust, 1000));
  f.at(monday + day + 9 * hour + 5 * sec, o::items_changed{c, {pea(3)}, 1350, 1350});
  f.deliver(c, monday + day + 9 * hour, monday + day + 10 * hour);
  f.at(monday + 7 * day + hour, placed(d, cust, 200));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(order_reports_projection)

BOOST_AUTO_TEST_CASE(days_hold_placed_revenue_statuses_delivery_times_and_returns_of_their_orders) {
  feed_orders f(pr::make_order_reports_projection());
  week_of_orders(f);
  auto r = rq::read(f.kv, "acme_farm", monday_day, monday_day + 1, rq::granularity::day);
  BOOST_REQUIRE(r.ok());
  BOOST_REQUIRE_EQUAL(r->periods.size(), 2u);
  auto& mon = r->periods[0];
  BOOST_TEST(mon.label == "2026-03-02");
  BOOST_TEST(mon.bucket.placed == 2);
  BOOST_TEST(status_count(mon.bucket, "delivered") == 1);
  BOOST_TEST(status_count(mon.bucket, "cancelled") == 1);
  BOOST_TEST(status_count(mon.bucket, "pending") == 0);
  BOOST_TEST(mon.bucket.revenue.at("USD") == 450);  // 900 - 450 refunded; B cancelled
  BOOST_TEST(mon.bucket.delivered == 1);
  BOOST_TEST(mon.bucket.with_return == 1);  // two requests, one order
  BOOST_TEST(mon.bucket.average_delivery_seconds().value() == 2 * 86400);
  BOOST_TEST(within(mon.bucket.p90_delivery_seconds().value(), 2 * 86400, 0.05));
  auto& tue = r->periods[1];
  BOOST_TEST(tue.label == "2026-03-03");
  BOOST_TEST(tue.bucket.placed == 1);
  BOOST_TEST(tue.bucket.revenue.at("USD") == 1350);
  BOOST_TEST(tue.bucket.average_delivery_seconds().value() == 3600);
  BOOST_TEST(tue.bucket.with_return == 0);
  // The range's totals merge the days, histograms included.
  BOOST_TEST(r->totals.placed == 3);
  BOOST_TEST(r->totals.revenue.at("USD") == 1800);
  BOOST_TEST(r->totals.delivered == 2);
  BOOST_TEST(r->totals.average_delivery_seconds().value() == (2 * 86400 + 3600) / 2);
  BOOST_TEST(within(r->totals.p90_delivery_seconds().value(), 2 * 86400, 0.05));
}

BOOST_AUTO_TEST_CASE(weeks_are_iso_weeks_and_every_period_of_the_range_is_listed) {
  feed_orders f(pr::make_order_reports_projection());
  week_of_orders(f);
  auto w = rq::read(f.kv, "acme_farm", monday_day + 2, monday_day + 8, rq::granularity::week);
  BOOST_REQUIRE(w.ok());
  BOOST_REQUIRE_EQUAL(w->periods.size(), 2u);
  BOOST_TEST(w->periods[0].label == "2026-W10");
  BOOST_TEST(w->periods[0].start == "2026-03-02");
  BOOST_TEST(w->periods[0].bucket.placed == 3);
  BOOST_TEST(w->periods[1].label == "2026-W11");
  BOOST_TEST(w->periods[1].bucket.placed == 1);
  BOOST_TEST(status_count(w->periods[1].bucket, "pending") == 1);
  auto empty = rq::read(f.kv, "acme_farm", monday_day - 3, monday_day - 1, rq::granularity::day);
  BOOST_REQUIRE(empty.ok());
  BOOST_TEST(empty->periods.size() == 3u);
  BOOST_TEST(empty->totals.placed == 0);
  BOOST_TEST(!empty->totals.average_delivery_seconds().has_value());
  auto other = rq::read(f.kv, "other_farm", monday_day, monday_day + 7, rq::granularity::day);
  BOOST_REQUIRE(other.ok());
  BOOST_TEST(other->totals.placed == 0);
}

BOOST_AUTO_TEST_CASE(a_redelivered_event_changes_nothing) {
  feed_orders f(pr::make_order_reports_projection());
  f.at(monday + hour, placed(ulid(1), cust, 900));
  BOOST_REQUIRE(f.feed.apply_again().ok());
  f.at(monday + 2 * hour, o::refund_issued{ulid(1), ulid(5), "", {100, "USD"}, "store_credit", "late"});
  BOOST_REQUIRE(f.feed.apply_again().ok());
  auto r = rq::read(f.kv, "acme_farm", monday_day, monday_day, rq::granularity::day);
  BOOST_REQUIRE(r.ok());
  BOOST_TEST(r->totals.placed == 1);
  BOOST_TEST(r->totals.revenue.at("USD") == 800);
}

BOOST_AUTO_TEST_CASE(the_duration_histogram_is_log_spaced_within_its_documented_resolution) {
  BOOST_TEST(pr::duration_bucket(0) == 0u);
  BOOST_TEST(pr::duration_bucket(59) == 0u);
  BOOST_TEST(pr::duration_bucket(60) == 1u);
  BOOST_TEST(pr::duration_bucket(400'000'000) == pr::duration_buckets - 1);  // capped
  for (std::int64_t s = 60; s < 60'000'000; s = s * 21 / 20 + 1)
    BOOST_TEST(within(pr::duration_bucket_middle(pr::duration_bucket(s)), s, 0.05), s);
  pr::order_bucket b;
  for (int i = 1; i <= 100; ++i) {  // 1..100 hours: p90 is 90 hours
    b.durations[pr::duration_bucket(i * 3600)] += 1;
    b.delivered += 1;
    b.delivery_seconds += i * 3600;
  }
  BOOST_TEST(within(b.p90_delivery_seconds().value(), 90 * 3600, 0.05));
  BOOST_TEST(b.average_delivery_seconds().value() == 181800);  // 50.5 hours
}

BOOST_AUTO_TEST_CASE(calendar_days_and_iso_weeks) {
  std::int64_t d = 0;
  BOOST_TEST(pr::parse_day("2026-03-02", d));
  BOOST_TEST(d == monday_day);
  BOOST_TEST(pr::date_of_day(d) == "2026-03-02");
  BOOST_TEST(!pr::parse_day("2026-02-29", d));
  BOOST_TEST(!pr::parse_day("2026-3-2", d));
  BOOST_TEST(pr::parse_day("2024-02-29", d));
  BOOST_TEST(pr::iso_week_of_day(pr::days_from_date(2026, 1, 1)) == "2026-W01");
  BOOST_TEST(pr::iso_week_of_day(pr::days_from_date(2027, 1, 1)) == "2026-W53");
  BOOST_TEST(pr::iso_week_of_day(pr::days_from_date(2024, 12, 30)) == "2025-W01");
  BOOST_TEST(pr::date_of_day(pr::iso_week_monday(pr::days_from_date(2026, 3, 8))) == "2026-03-02");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(customer_orders_projection)

BOOST_AUTO_TEST_CASE(figures_count_orders_not_cancelled_and_spend_net_of_refunds) {
  feed_orders f(pr::make_customer_orders_projection());
  week_of_orders(f);
  auto got = pr::customer_order_queries::get(f.kv, "acme_farm", cust);
  BOOST_REQUIRE(got.ok());
  BOOST_REQUIRE(got->has_value());
  auto& x = **got;
  BOOST_TEST(x.total_orders == 3);  // A, C, D
  BOOST_TEST(x.total_spent.amount == 900 - 450 + 1350 + 200);
  BOOST_TEST(x.total_spent.currency == "USD");
  BOOST_TEST(x.average_order_value() == 667);  // 2000 / 3, rounded
  BOOST_TEST(x.first_order_at == monday + 10 * hour);
  BOOST_TEST(x.last_order_at == monday + 7 * day + hour);
  auto other = pr::customer_order_queries::get(f.kv, "acme_farm", cust2);
  BOOST_REQUIRE(other.ok());
  BOOST_REQUIRE(other->has_value());
  BOOST_TEST((*other)->total_orders == 0);  // its only order was cancelled
  BOOST_TEST((*other)->total_spent.amount == 0);
  BOOST_TEST((*other)->last_order_at == monday + 12 * hour);  // but it did place one
  auto json = pr::customer_order_queries::render(x);
  BOOST_TEST(json.find(R"("total_spent":{"amount":2000,"currency":"USD"})") != std::string::npos, json);
  BOOST_TEST(json.find(R"("average_order_value":{"amount":667,"currency":"USD"})") != std::string::npos, json);
  static const chronicle::test::mini_schema doc{chronicle::schemas::openapi_document()};
  auto errs = doc.validate(json, "#/components/schemas/CustomerOrderFigures");
  BOOST_TEST(errs.empty(), json << (errs.empty() ? "" : ": " + errs.front()));
  BOOST_TEST(doc.validate(pr::customer_order_queries::render({}), "#/components/schemas/CustomerOrderFigures").empty());
  auto none = pr::customer_order_queries::render({});
  BOOST_TEST(none == R"({"total_orders":0,"total_spent":null,"average_order_value":null,"first_order_at":null,"last_order_at":null})");
}

BOOST_AUTO_TEST_CASE(figures_reach_the_customer_index_for_sorts_and_filters) {
  auto index = std::make_shared<pr::customer_index>();
  for (auto& id : {cust, cust2}) {
    pr::indexed_customer c;
    c.id = id;
    c.created_at = 1;
    c.last_name = id == cust ? "Lovelace" : "Babbage";
    BOOST_REQUIRE(index->upsert("acme_farm", c).ok());
  }
  feed_orders f(pr::make_customer_orders_projection(index));
  week_of_orders(f);
  auto q = pr::parse_customer_query({{"sort", "-lifetime_value"}});
  BOOST_REQUIRE(q.ok());
  auto hits = index->query("acme_farm", *q);
  BOOST_REQUIRE(hits.ok());
  BOOST_TEST((hits->ids == std::vector<std::string>{cust, cust2}));
  auto many = pr::parse_customer_query({{"total_orders[gte]", "2"}});
  BOOST_REQUIRE(many.ok());
  auto h2 = index->query("acme_farm", *many);
  BOOST_REQUIRE(h2.ok());
  BOOST_TEST((h2->ids == std::vector<std::string>{cust}));
  auto recent = pr::parse_customer_query({{"last_order_at[gte]", "2026-03-09"}});
  BOOST_REQUIRE(recent.ok());
  auto h3 = index->query("acme_farm", *recent);
  BOOST_REQUIRE(h3.ok());
  BOOST_TEST((h3->ids == std::vector<std::string>{cust}));
  auto rich = pr::parse_customer_query({{"lifetime_value[gte]", "2001"}});
  BOOST_REQUIRE(rich.ok());
  BOOST_TEST(index->query("acme_farm", *rich)->ids.empty());
}

BOOST_AUTO_TEST_CASE(loading_the_index_at_start_joins_each_customer_with_its_figures) {
  map_kv kv;
  // Customers of two tenants, only some with figures, figures of a customer
  // the view does not hold: the merge join must pair them by key.
  std::vector<std::pair<std::string, std::string>> people = {
      {"acme_farm", ulid(3001)}, {"acme_farm", ulid(3002)}, {"acme_farm", ulid(3003)}, {"zeta_farm", ulid(3004)}};
  for (auto& [tenant, id] : people) {
    chronicle::customers::customer c;
    c.exists = true;
    c.id = id;
    c.first_name = "P" + id.substr(20);
    c.created_at = 1;
    kv.m["customers/v/" + tenant + "/" + id] = "1|" + chronicle::schemas::customer_codec::encode_state(c);
  }
  auto figures = [&](const std::string& tenant, const std::string& id, std::int64_t n, std::int64_t spent) {
    kv.m[pr::customer_order_queries::figures_key(tenant, id)] =
        std::to_string(n) + "|USD|" + std::to_string(spent) + "|5|" + std::to_string(10 + n);
  };
  figures("acme_farm", ulid(3000), 9, 9000);  // no such customer
  figures("acme_farm", ulid(3002), 2, 700);
  figures("acme_farm", ulid(3003), 1, 100);
  figures("zeta_farm", ulid(3004), 4, 50);
  pr::customer_index index;
  auto loaded = pr::customer_queries::load_index(kv, index);
  BOOST_REQUIRE(loaded.ok());
  BOOST_TEST(*loaded == 4u);
  auto q = pr::parse_customer_query({{"sort", "-lifetime_value"}});
  BOOST_REQUIRE(q.ok());
  auto hits = index.query("acme_farm", *q);
  BOOST_REQUIRE(hits.ok());
  BOOST_TEST((hits->ids == std::vector<std::string>{ulid(3002), ulid(3003), ulid(3001)}));
  auto z = pr::parse_customer_query({{"total_orders[gte]", "4"}});
  BOOST_REQUIRE(z.ok());
  BOOST_TEST((index.query("zeta_farm", *z)->ids == std::vector<std::string>{ulid(3004)}));
  BOOST_TEST(index.query("acme_farm", *z)->ids.empty());
}

BOOST_AUTO_TEST_SUITE_END()
