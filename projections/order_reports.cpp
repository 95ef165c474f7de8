#include "projections/order_reports.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <utility>

#include "domain/order.hpp"
#include "schemas/order_codec.hpp"

namespace chronicle::projections {

// ---- calendar -------------------------------------------------------------------

std::int64_t days_from_date(int y0, unsigned m, unsigned d) {
  std::int64_t y = y0 - (m <= 2);
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

namespace {

void civil(std::int64_t z, int& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int>(yoe + era * 400 + (m <= 2));
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

std::string date_of_day(std::int64_t day) {
  int y;
  unsigned m, d;
  civil(day, y, m, d);
  char b[16];
  std::snprintf(b, sizeof b, "%04d-%02u-%02u", y, m, d);
  return b;
}

std::int64_t iso_week_monday(std::int64_t day) {
  // 1970-01-01 was a Thursday: weekday 0 = Monday.
  auto wd = ((day + 3) % 7 + 7) % 7;
  return day - wd;
}

std::string iso_week_of_day(std::int64_t day) {
  auto thursday = iso_week_monday(day) + 3;  // the ISO year is the Thursday's year
  int y;
  unsigned m, d;
  civil(thursday, y, m, d);
  auto week = (thursday - days_from_date(y, 1, 1)) / 7 + 1;
  char b[16];
  std::snprintf(b, sizeof b, "%04d-W%02d", y, static_cast<int>(week));
  return b;
}

bool parse_day(std::string_view s, std::int64_t& day) {
  int y = 0, m = 0, d = 0;
  auto digits = [&](std::size_t pos, std::size_t len, int& v) {
    auto r = std::from_chars(s.data() + pos, s.data() + pos + len, v);
    return r.ec == std::errc{} && r.ptr == s.data() + pos + len;
  };
  if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !digits(0, 4, y) || !digits(5, 2, m) || !digits(8, 2, d))
    return false;
  static constexpr int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1]) return false;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (m == 2 && d == 29 && !leap) return false;
  day = days_from_date(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
  return true;
}

// ---- durations ------------------------------------------------------------------

namespace {

// bounds[i] = lower bound of bucket i in seconds (bucket 0 starts at 0).
const std::array<std::int64_t, duration_buckets + 1>& bounds() {
  static const auto b = [] {
    std::array<std::int64_t, duration_buckets + 1> v{};
    v[0] = 0;
    for (std::size_t i = 1; i <= duration_buckets; ++i)
      v[i] = static_cast<std::int64_t>(std::llround(60.0 * std::exp2(static_cast<double>(i - 1) / 8.0)));
    return v;
  }();
  return b;
}

}  // namespace

std::size_t duration_bucket(std::int64_t seconds) {
  auto& b = bounds();
  if (seconds < b[1]) return 0;
  auto it = std::upper_bound(b.begin() + 1, b.begin() + duration_buckets, seconds);
  return static_cast<std::size_t>(it - b.begin()) - 1;
}

std::int64_t duration_bucket_middle(std::size_t i) {
  auto& b = bounds();
  if (i == 0) return 30;
  return static_cast<std::int64_t>(std::llround(std::sqrt(static_cast<double>(b[i]) * static_cast<double>(b[i + 1]))));
}

void order_bucket::merge(const order_bucket& o) {
  placed += o.placed;
  delivered += o.delivered;
  with_return += o.with_return;
  for (std::size_t i = 0; i < by_status.size(); ++i) by_status[i] += o.by_status[i];
  for (auto& [c, a] : o.revenue) revenue[c] += a;
  delivery_seconds += o.delivery_seconds;
  for (auto& [k, n] : o.durations) durations[k] += n;
}

std::optional<std::int64_t> order_bucket::average_delivery_seconds() const {
  if (delivered <= 0) return std::nullopt;
  return (delivery_seconds + delivered / 2) / delivered;
}

std::optional<std::int64_t> order_bucket::p90_delivery_seconds() const {
  std::int64_t n = 0;
  for (auto& [k, c] : durations) n += c;
  if (n <= 0) return std::nullopt;
  auto rank = (9 * n + 9) / 10;  // ceil(0.9 n)
  std::int64_t seen = 0;
  for (auto& [k, c] : durations) {
    seen += c;
    if (seen >= rank) return duration_bucket_middle(k);
  }
  return duration_bucket_middle(durations.rbegin()->first);
}

// ---- storage --------------------------------------------------------------------

namespace {

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  if (s.empty()) return out;
  for (;;) {
    auto p = s.find(sep);
    out.push_back(s.substr(0, p));
    if (p == std::string_view::npos) return out;
    s.remove_prefix(p + 1);
  }
}
template <class Int>
bool num(std::string_view s, Int& v) {
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  return r.ec == std::errc{} && r.ptr == s.data() + s.size();
}

// "placed|delivered|with_return|delivery_seconds|s0,..,s6|CUR:amt,..|bucket:n,.."
std::string encode(const order_bucket& b) {
  std::string out = std::to_string(b.placed) + "|" + std::to_string(b.delivered) + "|" + std::to_string(b.with_return) +
                    "|" + std::to_string(b.delivery_seconds) + "|";
  for (std::size_t i = 0; i < b.by_status.size(); ++i) out += (i ? "," : "") + std::to_string(b.by_status[i]);
  out += '|';
  bool first = true;
  for (auto& [c, a] : b.revenue) out += (std::exchange(first, false) ? "" : ",") + c + ":" + std::to_string(a);
  out += '|';
  first = true;
  for (auto& [k, n] : b.durations)
    out += (std::exchange(first, false) ? "" : ",") + std::to_string(k) + ":" + std::to_string(n);
  return out;
}

std::optional<order_bucket> decode_bucket(std::string_view v) {
  auto f = split(v, '|');
  order_bucket b;
  if (f.size() != 7 || !num(f[0], b.placed) || !num(f[1], b.delivered) || !num(f[2], b.with_return) ||
      !num(f[3], b.delivery_seconds))
    return std::nullopt;
  auto st = split(f[4], ',');
  if (st.size() != b.by_status.size()) return std::nullopt;
  for (std::size_t i = 0; i < st.size(); ++i)
    if (!num(st[i], b.by_status[i])) return std::nullopt;
  for (auto kv : split(f[5], ',')) {
    auto c = kv.find(':');
    std::int64_t a;
    if (c == std::string_view::npos || !num(kv.substr(c + 1), a)) return std::nullopt;
    b.revenue[std::string(kv.substr(0, c))] = a;
  }
  for (auto kv : split(f[6], ',')) {
    auto c = kv.find(':');
    std::size_t k;
    std::int64_t n;
    if (c == std::string_view::npos || !num(kv.substr(0, c), k) || !num(kv.substr(c + 1), n) || k >= duration_buckets)
      return std::nullopt;
    b.durations[k] = n;
  }
  return b;
}

// What one order adds to its buckets.
struct order_rec {
  std::uint64_t version = 0;
  std::int64_t day = 0, placed_at = 0, total = 0, refunded = 0;
  std::size_t status = 0;
  std::string currency;
  bool with_return = false;
};

std::string encode(const order_rec& r) {
  return std::to_string(r.version) + "|" + std::to_string(r.day) + "|" + std::to_string(r.placed_at) + "|" +
         std::to_string(r.total) + "|" + std::to_string(r.refunded) + "|" + std::to_string(r.status) + "|" + r.currency +
         "|" + (r.with_return ? "1" : "0");
}
std::optional<order_rec> decode_rec(std::string_view v) {
  auto f = split(v, '|');
  order_rec r;
  if (f.size() != 8 || !num(f[0], r.version) || !num(f[1], r.day) || !num(f[2], r.placed_at) || !num(f[3], r.total) ||
      !num(f[4], r.refunded) || !num(f[5], r.status) || r.status >= report_status_count)
    return std::nullopt;
  r.currency = std::string(f[6]);
  r.with_return = f[7] == "1";
  return r;
}

std::size_t status_index(std::string_view s) {
  for (std::size_t i = 0; i < report_status_count; ++i)
    if (orders::statuses[i] == s) return i;
  return 0;
}
constexpr std::size_t cancelled_index = 6;
constexpr std::size_t delivered_index = 5;

std::string rec_key(std::string_view tenant, std::string_view id) {
  return "order_reports/o/" + std::string(tenant) + "/" + std::string(id);
}
std::string day_prefix(std::string_view tenant) { return "order_reports/d/" + std::string(tenant) + "/"; }
std::string week_prefix(std::string_view tenant) { return "order_reports/w/" + std::string(tenant) + "/"; }

error corrupt(std::string what) { return error::make(errc::internal, "corrupt_view", "order_reports: " + what); }

class order_reports_projection final : public projection {
 public:
  std::string name() const override { return "order_reports"; }
  std::vector<std::string> topics() const override { return {std::string(orders::topic)}; }

  status apply(const event_envelope& e, view_batch& batch) override {
    static constexpr std::string_view handled[] = {
        "order.placed",    "order.confirmed", "order.processing",  "order.ready",      "order.dispatched",
        "order.delivered", "order.cancelled", "order.items_changed", "return.requested", "refund.issued"};
    if (std::find(std::begin(handled), std::end(handled), e.type) == std::end(handled)) return {};
    auto ev = schemas::order_codec::decode_event(e);
    if (!ev) return std::move(ev).err();
    auto order_id = std::visit(
        [](auto& x) -> std::string {
          if constexpr (requires { x.order_id; }) return x.order_id;
          else return x.id;
        },
        *ev);
    auto okey = rec_key(e.tenant, order_id);
    auto cur = batch.get(okey);
    if (!cur) return std::move(cur).err();
    order_rec rec;
    bool placed = std::holds_alternative<orders::order_placed>(*ev);
    if (*cur) {
      auto d = decode_rec(**cur);
      if (!d) return corrupt("order entry is malformed");
      rec = std::move(*d);
      if (rec.version >= e.stream_version) return {};
    } else if (!placed) {
      return {};
    }
    if (placed) {
      auto& p = std::get<orders::order_placed>(*ev);
      rec.day = floor_div(e.occurred_at, 86'400'000'000);
      rec.placed_at = e.occurred_at;
      rec.total = p.total;
      rec.currency = p.currency;
      rec.status = 0;
    }
    // The two buckets of the placement day and week change the same way.
    std::array<std::string, 2> keys{day_prefix(e.tenant) + date_of_day(rec.day),
                                    week_prefix(e.tenant) + iso_week_of_day(rec.day)};
    std::array<order_bucket, 2> buckets;
    for (std::size_t i = 0; i < 2; ++i) {
      auto v = batch.get(keys[i]);
      if (!v) return std::move(v).err();
      if (*v) {
        auto d = decode_bucket(**v);
        if (!d) return corrupt("bucket is malformed");
        buckets[i] = std::move(*d);
      }
    }
    auto each = [&](auto f) {
      for (auto& b : buckets) f(b);
    };
    auto move_status = [&](std::size_t to) {
      each([&](order_bucket& b) {
        b.by_status[rec.status] -= 1;
        b.by_status[to] += 1;
      });
      rec.status = to;
    };
    if (placed) {
      each([&](order_bucket& b) {
        b.placed += 1;
        b.by_status[0] += 1;
        b.revenue[rec.currency] += rec.total;
      });
    } else if (auto* a = std::get_if<orders::order_advanced>(&*ev)) {
      auto to = status_index(a->status);
      if (to != rec.status) {
        move_status(to);
        if (to == delivered_index) {
          auto seconds = std::max<std::int64_t>(0, (e.occurred_at - rec.placed_at) / 1'000'000);
          auto bucket = duration_bucket(seconds);
          each([&](order_bucket& b) {
            b.delivered += 1;
            b.delivery_seconds += seconds;
            b.durations[bucket] += 1;
          });
        }
      }
    } else if (std::holds_alternative<orders::order_cancelled>(*ev)) {
      if (rec.status != cancelled_index) {
        each([&](order_bucket& b) { b.revenue[rec.currency] -= rec.total - rec.refunded; });
        move_status(cancelled_index);
      }
    } else if (auto* i = std::get_if<orders::items_changed>(&*ev)) {
      if (rec.status != cancelled_index) each([&](order_bucket& b) { b.revenue[rec.currency] += i->total - rec.total; });
      rec.total = i->total;
    } else if (std::holds_alternative<orders::return_requested>(*ev)) {
      if (!rec.with_return) {
        rec.with_return = true;
        each([&](order_bucket& b) { b.with_return += 1; });
      }
    } else if (auto* r = std::get_if<orders::refund_issued>(&*ev)) {
      rec.refunded += r->amount.amount;
      each([&](order_bucket& b) { b.revenue[rec.currency] -= r->amount.amount; });
    }
    rec.version = e.stream_version;
    batch.put(std::move(okey), encode(rec));
    for (std::size_t i = 0; i < 2; ++i) batch.put(std::move(keys[i]), encode(buckets[i]));
    return {};
  }
};

}  // namespace

std::unique_ptr<projection> make_order_reports_projection() { return std::make_unique<order_reports_projection>(); }

namespace order_report_queries {

result<report> read(kv_store& kv, std::string_view tenant, std::int64_t from_day, std::int64_t to_day, granularity g) {
  report out;
  std::vector<std::int64_t> starts;
  if (g == granularity::day) {
    for (auto d = from_day; d <= to_day; ++d) starts.push_back(d);
  } else {
    for (auto d = iso_week_monday(from_day); d <= to_day; d += 7) starts.push_back(d);
  }
  auto prefix = g == granularity::day ? day_prefix(tenant) : week_prefix(tenant);
  auto label = [&](std::int64_t d) { return g == granularity::day ? date_of_day(d) : iso_week_of_day(d); };
  for (auto d : starts) out.periods.push_back({label(d), date_of_day(d), {}});
  if (starts.empty()) return out;
  // One scan from just before the first period to the last one.
  auto after = prefix + label(starts.front() - (g == granularity::day ? 1 : 7));
  auto last = prefix + out.periods.back().label;
  auto rows = kv.scan(prefix, after, starts.size());
  if (!rows) return std::move(rows).err();
  std::size_t p = 0;
  for (auto& [k, v] : *rows) {
    if (k > last) break;
    auto lbl = std::string_view(k).substr(prefix.size());
    while (p < out.periods.size() && out.periods[p].label < lbl) ++p;
    if (p == out.periods.size()) break;
    if (out.periods[p].label != lbl) continue;
    auto b = decode_bucket(v);
    if (!b) return corrupt("bucket is malformed");
    out.periods[p].bucket = std::move(*b);
    out.totals.merge(out.periods[p].bucket);
  }
  return out;
}

}  // namespace order_report_queries
}  // namespace chronicle::projections
