#pragma once
// The `order_reports` read model: order figures per day and per ISO week,
// kept current as order events arrive (GET /v1/reports/orders reads a range
// of buckets with one scan; nothing scans orders).
//
// Every figure of an order counts in the bucket of the day (and week) it was
// PLACED, a cohort: "of the orders placed on Monday, 3 are delivered, one was
// returned, revenue so far 180.00". Later events of the order (a status
// change, a refund, a delivery) update that bucket.
//
//   order_reports/o/<tenant>/<order id>  → what the order adds, and where
//   order_reports/d/<tenant>/<YYYY-MM-DD> → the day's bucket
//   order_reports/w/<tenant>/<YYYY-Www>   → the ISO week's bucket
//
// A bucket holds: orders placed; counts by current status; revenue per
// currency (totals of orders not cancelled, minus refunds, in minor units);
// delivered orders with the sum of their placed→delivered durations and a
// histogram of them; orders with at least one return request.
//
// Durations histogram: bucket 0 holds durations under 60 s; bucket i ≥ 1
// holds [60·2^((i-1)/8), 60·2^(i/8)) seconds, up to bucket 160 (≈ 2 years;
// longer ones count there). Eight buckets per doubling: the p90 reported (the
// geometric middle of its bucket) is within ±5% (bucket bounds are whole seconds) of the exact value; the
// average is exact (to the second).
#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "projections/projection.hpp"

namespace chronicle::projections {

std::unique_ptr<projection> make_order_reports_projection();

inline constexpr std::size_t report_status_count = 7;  // orders::statuses
inline constexpr std::size_t duration_buckets = 161;

struct order_bucket {
  std::int64_t placed = 0, delivered = 0, with_return = 0;
  std::array<std::int64_t, report_status_count> by_status{};  // in orders::statuses order
  std::map<std::string, std::int64_t> revenue;                 // currency → minor units
  std::int64_t delivery_seconds = 0;                           // sum over delivered orders
  std::map<std::size_t, std::int64_t> durations;               // histogram bucket → count

  void merge(const order_bucket& o);
  // null (nullopt) when nothing was delivered.
  std::optional<std::int64_t> average_delivery_seconds() const;
  std::optional<std::int64_t> p90_delivery_seconds() const;
};

// The histogram bucket of a duration, and the value reported for a bucket.
std::size_t duration_bucket(std::int64_t seconds);
std::int64_t duration_bucket_middle(std::size_t bucket);

namespace order_report_queries {

inline constexpr std::int64_t max_days = 366;   // granularity=day
inline constexpr std::int64_t max_weeks = 106;  // granularity=week (about two years)

enum class granularity { day, week };

struct period {
  std::string label;  // "2026-03-02" or "2026-W10"
  std::string start;  // first day, "YYYY-MM-DD"
  order_bucket bucket;
};
struct report {
  std::vector<period> periods;  // every period of the range, empty ones too
  order_bucket totals;
};

// REQUIRES: from <= to (days since the epoch), within the max range.
result<report> read(kv_store& kv, std::string_view tenant, std::int64_t from_day, std::int64_t to_day, granularity g);

}  // namespace order_report_queries

// Calendar helpers (UTC, proleptic Gregorian).
std::int64_t days_from_date(int y, unsigned m, unsigned d);
std::string date_of_day(std::int64_t day);                       // "YYYY-MM-DD"
std::string iso_week_of_day(std::int64_t day);                   // "YYYY-Www"
std::int64_t iso_week_monday(std::int64_t day);                  // the Monday of day's ISO week
// "YYYY-MM-DD" → days since the epoch; false when it is not a valid date.
bool parse_day(std::string_view s, std::int64_t& day);

}  // namespace chronicle::projections
