// Report routes: GET /v1/reports/orders reads a range of the order_reports
// buckets (projections/order_reports.hpp) with one scan; nothing is counted
// at request time. Figures only, no personal data: not audited.
#include <cmath>

#include "api/http/handlers.hpp"
#include "domain/order.hpp"
#include "projections/order_reports.hpp"
#include "schemas/json_writer.hpp"

namespace chronicle::api::handlers {
namespace rq = projections::order_report_queries;

namespace {

void write_bucket(json::writer& w, const projections::order_bucket& b) {
  w.key("orders_placed").value(b.placed).key("revenue").begin_array();
  for (auto& [currency, amount] : b.revenue)
    w.begin_object().key("amount").value(amount).key("currency").value(currency).end_object();
  w.end_array().key("orders_by_status").begin_object();
  for (std::size_t i = 0; i < projections::report_status_count; ++i) w.key(orders::statuses[i]).value(b.by_status[i]);
  w.end_object().key("delivered").value(b.delivered);
  auto opt = [&](std::string_view k, std::optional<std::int64_t> v) {
    w.key(k);
    if (v) w.value(*v);
    else w.null();
  };
  opt("average_time_to_delivery_seconds", b.average_delivery_seconds());
  opt("p90_time_to_delivery_seconds", b.p90_delivery_seconds());
  w.key("orders_with_returns").value(b.with_return).key("return_rate");
  if (b.delivered <= 0) w.null();
  else w.value(std::round(10000.0 * static_cast<double>(b.with_return) / static_cast<double>(b.delivered)) / 10000.0);
}

}  // namespace

void order_report(app_services& s, const request_scope& r, reply done) {
  std::vector<field_error> errors;
  const std::string* from = nullptr;
  const std::string* to = nullptr;
  std::string gran = "day";
  for (auto& [k, v] : r.req.query) {
    if (k == "from") from = &v;
    else if (k == "to") to = &v;
    else if (k == "granularity") gran = v;
    else if (k != "consistent_with") errors.push_back({k, "unknown_parameter", "this query parameter is not supported"});
  }
  std::int64_t from_day = 0, to_day = 0;
  if (!from) errors.push_back({"from", "required", "from is required: the first day, YYYY-MM-DD"});
  else if (!projections::parse_day(*from, from_day))
    errors.push_back({"from", "invalid_format", "from must be a date, YYYY-MM-DD"});
  if (!to) errors.push_back({"to", "required", "to is required: the last day (included), YYYY-MM-DD"});
  else if (!projections::parse_day(*to, to_day))
    errors.push_back({"to", "invalid_format", "to must be a date, YYYY-MM-DD"});
  if (gran != "day" && gran != "week")
    errors.push_back({"granularity", "invalid_value", "granularity is day or week"});
  if (errors.empty()) {
    if (to_day < from_day) {
      errors.push_back({"to", "out_of_range", "to is before from"});
    } else if (gran == "day" && to_day - from_day + 1 > rq::max_days) {
      errors.push_back({"to", "out_of_range", "at most 366 days per request with granularity=day"});
    } else if (gran == "week" &&
               (projections::iso_week_monday(to_day) - projections::iso_week_monday(from_day)) / 7 + 1 > rq::max_weeks) {
      errors.push_back({"to", "out_of_range", "at most 106 weeks per request with granularity=week"});
    }
  }
  if (!errors.empty()) return done(problem(error::invalid("invalid_parameter", "the query has invalid parameters", errors)));
  auto g = gran == "day" ? rq::granularity::day : rq::granularity::week;
  auto rep = rq::read(s.views, r.who.tenant, from_day, to_day, g);
  if (!rep) return done(problem(rep.err()));
  json::writer w;
  w.begin_object().key("from").value(*from).key("to").value(*to).key("granularity").value(gran);
  w.key("periods").begin_array();
  for (auto& p : rep->periods) {
    w.begin_object().key("period").value(p.label).key("start").value(p.start);
    write_bucket(w, p.bucket);
    w.end_object();
  }
  w.end_array().key("totals").begin_object();
  write_bucket(w, rep->totals);
  w.end_object().end_object();
  done(json_response(200, w.take()));
}

}  // namespace chronicle::api::handlers
