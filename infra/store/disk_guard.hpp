#pragma once
// Refuses writes while the file system that holds the data directory has less
// free space than a reserve. RocksDB that meets a full disk in the middle of a
// write stops taking writes until it is reopened (and some versions abort on
// the next one); with the reserve it never gets there: a write is refused with
// 503 `storage_full` up front, nothing is half-written, and writes resume by
// themselves as soon as space is freed. One guard is shared by every store of
// a data directory.
//
// Thread-safe. The file system is asked at most every 100 ms.
#include <atomic>
#include <cstdint>
#include <string>

#include "domain/result.hpp"

namespace chronicle::infra {

class disk_guard {
 public:
  // reserve_bytes == 0: never refuses.
  disk_guard(std::string path, std::uint64_t reserve_bytes);

  // ok, or unavailable/"storage_full" with the free space and the reserve.
  status check();
  // Free bytes for unprivileged writers at the last look (refreshed by check()).
  std::uint64_t free_bytes() const { return free_.load(std::memory_order_relaxed); }
  std::uint64_t reserve_bytes() const { return reserve_; }

 private:
  std::string path_;
  std::uint64_t reserve_;
  std::atomic<std::uint64_t> free_{UINT64_MAX};
  std::atomic<std::int64_t> checked_at_us_{0};
};

}  // namespace chronicle::infra
