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
