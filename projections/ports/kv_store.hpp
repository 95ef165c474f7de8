#pragma once
// Port: the ordered key-value store that read models live in (RocksDB in
// production, a std::map fake in tests). Thread-safety: every method may be
// called from any thread; write() is atomic.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/result.hpp"

namespace chronicle::projections {

struct kv_write {
  std::string key;
  std::optional<std::string> value;  // nullopt: delete
};

using kv_pairs = std::vector<std::pair<std::string, std::string>>;

class kv_store {
 public:
  virtual ~kv_store() = default;
  virtual result<std::optional<std::string>> get(std::string_view key) = 0;
  // All of the batch or none of it.
  virtual status write(const std::vector<kv_write>& batch) = 0;
  // Up to `limit` entries whose keys start with `prefix`, in key order (or
  // reverse), strictly after `after` (a full key; empty: from the start).
  virtual result<kv_pairs> scan(std::string_view prefix, std::string_view after,
                                std::size_t limit, bool reverse = false) = 0;
  // Rewrites storage files so that overwritten and deleted values are gone
  // from disk (after an erasure).
  virtual status compact() = 0;
};

}  // namespace chronicle::projections
