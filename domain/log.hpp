#pragma once
// The event log's vocabulary, shared by the command side (which appends and
// catches up) and the projections (which fold): topic-partitions, offsets,
// records, position tokens, and the read interface both sides use.
//
// Thread-safety: implementations of log_reader are safe to call from any
// thread; a log_cursor belongs to one thread at a time.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.hpp"

namespace chronicle {

// Event categories and the topics they map to (DESIGN.md §3).
inline constexpr std::string_view all_topics[] = {
    "customers", "orders", "catalog", "subscriptions", "deliveries", "loyalty",
    "communications", "campaigns", "feedback", "compliance", "tenants"};

struct topic_partition {
  std::string topic;
  std::uint32_t partition = 0;
  auto operator<=>(const topic_partition&) const = default;
};

// "Next offset to read" per topic-partition; absent means 0.
using positions = std::map<topic_partition, std::uint64_t>;

struct log_record {
  topic_partition tp;
  std::uint64_t offset = 0;
  std::string key;      // the stream
  std::string payload;  // the encoded envelope (JSON)
};

// A read position over many topic-partitions.
class log_cursor {
 public:
  virtual ~log_cursor() = default;
  // Up to `max` records past the cursor, waiting up to `wait` for the first.
  // Records of one topic-partition come in offset order. An empty vector
  // means nothing arrived (it may come back early, e.g. after wake()).
  virtual result<std::vector<log_record>> poll(std::size_t max,
                                               std::chrono::milliseconds wait) = 0;
  // Stop a poll() blocked in another thread (it returns promptly).
  virtual void wake() = 0;
};

class log_reader {
 public:
  virtual ~log_reader() = default;
  // The topic-partitions of this log; the partition count is the same for every topic.
  virtual std::uint32_t partitions() const = 0;
  // Next offset to be written per topic-partition (the end of the log).
  virtual result<positions> end_positions() = 0;
  // A cursor over `topics` (every partition), starting at `from` (0 where absent).
  virtual result<std::unique_ptr<log_cursor>> open_cursor(
      const std::vector<std::string>& topics, const positions& from) = 0;
};

// A position token names, per topic-partition, the offset a write reached
// (the offset just past its last record). It is opaque to clients:
// "t1.customers.3.1042" with entries joined by '~'.
std::string encode_token(const positions& p);
std::optional<positions> decode_token(std::string_view token);

// True when `applied` (next offsets to apply) has passed every entry of `token`.
bool reached(const positions& applied, const positions& token) noexcept;

}  // namespace chronicle
