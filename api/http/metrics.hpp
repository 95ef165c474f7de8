#pragma once
// Request metrics by route, rendered with the command and projection figures
// as Prometheus text. Routes are fixed at start-up, so recording is lock-free.
#include <array>
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "commands/histogram.hpp"

namespace chronicle::api {

class http_metrics {
 public:
  http_metrics();
  // `route` is an index from route_table(), or route_table().size() for unmatched.
  void record(std::size_t route, int status, std::int64_t micros) noexcept;
  std::string render_requests() const;

 private:
  struct per_route {
    commands::histogram latency;
    std::array<std::atomic<std::uint64_t>, 600> by_status{};
  };
  std::vector<std::unique_ptr<per_route>> routes_;
};

}  // namespace chronicle::api

namespace chronicle::api {
// Prometheus text helpers shared by the app's /metrics.
std::string prom_number(double v);
void prom_help(std::string& out, std::string_view name, std::string_view type, std::string_view text);
void prom_sample(std::string& out, std::string_view name, std::string_view labels, const std::string& value);
void prom_histogram(std::string& out, std::string_view name, const std::string& labels, const commands::histogram& h);
}  // namespace chronicle::api
