#pragma once
// A projection folds events into its own key space of the read-model store.
// It is a pure function of the events: no clock, no randomness, no network.
#include <map>
#include <string>
#include <vector>

#include "domain/envelope.hpp"
#include "projections/ports/kv_store.hpp"

namespace chronicle::projections {

// The writes of one runner batch, readable before they are committed, so a
// projection sees its own earlier updates within the batch.
class view_batch {
 public:
  explicit view_batch(kv_store& kv) : kv_(kv) {}
  result<std::optional<std::string>> get(const std::string& key);
  void put(std::string key, std::string value) { pending_[std::move(key)] = std::move(value); }
  void del(std::string key) { pending_[std::move(key)] = std::nullopt; }
  // Every entry under `prefix` as the batch would leave it: the store's
  // entries overlaid with this batch's pending writes, in key order. For
  // rare whole-subject rewrites (erasure), not for the per-event path.
  result<kv_pairs> scan_prefix(const std::string& prefix, std::size_t limit = 1 << 20);
  std::vector<kv_write> take();
  bool empty() const { return pending_.empty(); }

 private:
  kv_store& kv_;
  std::map<std::string, std::optional<std::string>> pending_;
};

class projection {
 public:
  virtual ~projection() = default;
  virtual std::string name() const = 0;  // also its key prefix: "<name>/"
  virtual std::vector<std::string> topics() const = 0;
  // Unknown event types are ignored; a known type that cannot be decoded is an error.
  virtual status apply(const event_envelope& e, view_batch& batch) = 0;
};

}  // namespace chronicle::projections
