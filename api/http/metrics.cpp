#include "api/http/metrics.hpp"

#include <cstdio>

#include "api/http/routes.hpp"

namespace chronicle::api {

// Prometheus text exposition, appended without fixed-size buffers.
std::string prom_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

void prom_help(std::string& out, std::string_view name, std::string_view type, std::string_view text) {
  out.append("# HELP ").append(name).append(" ").append(text).append("\n# TYPE ").append(name).append(" ")
      .append(type).append("\n");
}

void prom_sample(std::string& out, std::string_view name, std::string_view labels, const std::string& value) {
  out.append(name);
  if (!labels.empty()) out.append("{").append(labels).append("}");
  out.append(" ").append(value).append("\n");
}

// `labels` are the histogram's own labels without `le`, e.g. route="x".
void prom_histogram(std::string& out, std::string_view name, const std::string& labels,
                       const commands::histogram& h) {
  std::uint64_t cum = 0;
  auto sep = labels.empty() ? "" : ",";
  for (std::size_t b = 0; b < commands::histogram::bounds.size(); ++b) {
    cum += h.count(b);
    prom_sample(out, std::string(name) + "_bucket", labels + sep + "le=\"" + prom_number(commands::histogram::bounds[b]) + "\"",
           std::to_string(cum));
  }
  prom_sample(out, std::string(name) + "_bucket", labels + sep + "le=\"+Inf\"", std::to_string(h.total()));
  prom_sample(out, std::string(name) + "_sum", labels, prom_number(h.sum_seconds()));
  prom_sample(out, std::string(name) + "_count", labels, std::to_string(h.total()));
}


// ---- metrics ----------------------------------------------------------------------

http_metrics::http_metrics() {
  for (std::size_t i = 0; i <= route_table().size(); ++i) routes_.push_back(std::make_unique<per_route>());
}

void http_metrics::record(std::size_t route, int status, std::int64_t micros) noexcept {
  auto& r = *routes_[std::min(route, routes_.size() - 1)];
  r.latency.observe_us(micros);
  if (status >= 100 && status < 600) r.by_status[static_cast<std::size_t>(status)].fetch_add(1, std::memory_order_relaxed);
}

std::string http_metrics::render_requests() const {
  std::string out;
  auto name = [&](std::size_t i) {
    return i < route_table().size() ? std::string(route_table()[i].name) : std::string("unmatched");
  };
  prom_help(out, "chronicle_http_requests_total", "counter", "HTTP requests by route and status.");
  for (std::size_t i = 0; i < routes_.size(); ++i)
    for (int s = 100; s < 600; ++s) {
      auto n = routes_[i]->by_status[static_cast<std::size_t>(s)].load(std::memory_order_relaxed);
      if (n)
        prom_sample(out, "chronicle_http_requests_total", "route=\"" + name(i) + "\",status=\"" + std::to_string(s) + "\"",
               std::to_string(n));
    }
  prom_help(out, "chronicle_http_request_duration_seconds", "histogram", "HTTP request latency by route.");
  for (std::size_t i = 0; i < routes_.size(); ++i)
    if (routes_[i]->latency.total())
      prom_histogram(out, "chronicle_http_request_duration_seconds", "route=\"" + name(i) + "\"", routes_[i]->latency);
  return out;
}

}  // namespace chronicle::api
