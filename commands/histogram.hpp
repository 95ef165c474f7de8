#pragma once
// A fixed-bucket latency histogram with atomic counters: cheap enough to
// record on every request and append. Thread-safe.
#include <array>
#include <atomic>
#include <cstdint>

namespace chronicle::commands {

class histogram {
 public:
  // Upper bounds in seconds (Prometheus `le`), the last is +Inf.
  // 2 ms and 10 ms are bounds so that the read targets (p99 ≤ 2 ms for a
  // lookup, ≤ 10 ms for a page) can be checked from the server's own
  // figures; the steps around them are fine enough to tell by how much a
  // quantile misses or meets a target.
  static constexpr std::array<double, 21> bounds = {0.0001, 0.00025, 0.0005, 0.00075, 0.001, 0.0015, 0.002,
                                                   0.0025, 0.003,   0.004,  0.005,   0.0075, 0.01,  0.015,
                                                   0.025,  0.05,    0.1,    0.25,    0.5,    1.0,   2.5};
  void observe_us(std::int64_t us) noexcept {
    double s = static_cast<double>(us) / 1e6;
    std::size_t i = 0;
    while (i < bounds.size() && s > bounds[i]) ++i;
    counts_[i].fetch_add(1, std::memory_order_relaxed);
    sum_us_.fetch_add(us, std::memory_order_relaxed);
  }
  std::uint64_t count(std::size_t bucket) const noexcept { return counts_[bucket].load(std::memory_order_relaxed); }
  std::uint64_t total() const noexcept {
    std::uint64_t t = 0;
    for (auto& c : counts_) t += c.load(std::memory_order_relaxed);
    return t;
  }
  double sum_seconds() const noexcept { return static_cast<double>(sum_us_.load(std::memory_order_relaxed)) / 1e6; }

 private:
  std::array<std::atomic<std::uint64_t>, bounds.size() + 1> counts_{};
  std::atomic<std::int64_t> sum_us_{0};
};

}  // namespace chronicle::commands
