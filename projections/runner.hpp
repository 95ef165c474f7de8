#pragma once
// Runs projections: one thread reads the log from the projections'
// checkpoints and, per batch of records, writes every view update and the
// new checkpoints in ONE kv write, so a crash neither skips nor repeats an
// event. Also answers "have the views passed this position token?".
//
// Thread-safety: all public methods may be called from any thread.
#include <chrono>
#include <functional>
#include <memory>

#include "domain/log.hpp"
#include "domain/pii.hpp"
#include "projections/projection.hpp"

namespace chronicle::projections {

struct runner_status {
  positions applied;        // next offset per topic-partition
  std::uint64_t lag_events = 0;
  double lag_seconds = 0;   // age of the oldest unapplied event (0 when caught up)
  std::uint64_t applied_events = 0;
  std::uint64_t write_failures = 0;  // read-model writes refused and retried (a full disk)
  bool caught_up = false;   // reached the end of the log as it was at start
  std::string failure;      // non-empty: the runner stopped on this error
};

class runner {
 public:
  // Events reach projections with their `pii` opened by `pii` (erased_pii
  // once the subject's key is destroyed).
  runner(log_reader& log, kv_store& kv, pii_reader& pii, std::vector<std::unique_ptr<projection>> projections);
  ~runner();
  status start();
  // Waits (up to `within`) until every event in the log now has been folded:
  // a graceful shutdown leaves nothing for the next start to catch up on.
  bool drain(std::chrono::milliseconds within);
  void stop();
  runner_status current() const;

  // Calls `reached` once the views have passed `token` (possibly at once,
  // on the calling thread). Returns an id for cancel().
  std::uint64_t when_reached(const positions& token, std::function<void()> reached);
  void cancel(std::uint64_t id);

  static std::string checkpoint_key(const std::string& projection, const topic_partition& tp);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace chronicle::projections
