#include "infra/store/disk_guard.hpp"

#include <sys/statvfs.h>

#include <chrono>

namespace chronicle::infra {

namespace {
constexpr std::int64_t recheck_us = 100'000;

std::int64_t steady_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
}  // namespace

disk_guard::disk_guard(std::string path, std::uint64_t reserve_bytes)
    : path_(std::move(path)), reserve_(reserve_bytes) {}

status disk_guard::check() {
  if (reserve_ == 0) return {};
  auto now = steady_us();
  auto last = checked_at_us_.load(std::memory_order_relaxed);
  if (now - last >= recheck_us && checked_at_us_.compare_exchange_strong(last, now)) {
    struct statvfs v {};
    // A file system that cannot be asked is not refused on that ground:
    // the write itself will report what is wrong.
    if (::statvfs(path_.c_str(), &v) == 0)
      free_.store(static_cast<std::uint64_t>(v.f_bavail) * v.f_frsize, std::memory_order_relaxed);
  }
  auto free = free_.load(std::memory_order_relaxed);
  if (free >= reserve_) return {};
  auto mib = [](std::uint64_t b) { return std::to_string(b >> 20) + " MiB"; };
  return error::make(errc::unavailable, "storage_full",
                     "the data directory " + path_ + " has " + mib(free) + " free, less than the reserve of " +
                         mib(reserve_) + "; writes resume once space is freed");
}

}  // namespace chronicle::infra
