#pragma once
// In-memory fake of the event log for tests: same contract as the real
// adapters (durable = in memory), with a switch that makes appends fail.
// Thread-safety: all methods may be called from any thread.
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>

#include "commands/ports/event_log.hpp"

namespace chronicle::infra {

class memory_log final : public commands::event_log {
 public:
  explicit memory_log(std::uint32_t partitions = 4) : parts_(partitions) {}
  std::uint32_t partitions() const override { return parts_; }
  result<positions> end_positions() override;
  result<std::unique_ptr<log_cursor>> open_cursor(const std::vector<std::string>& topics,
                                                  const positions& from) override;
  void append(commands::log_append batch, commands::append_callback done) override;
  void close() override { closed_ = true; }

  // While set, appends fail with `unavailable` and write nothing.
  std::atomic<bool> fail_appends{false};

  struct shared {
    std::mutex m;
    std::condition_variable cv;
    std::map<topic_partition, std::vector<log_record>> data;
    std::uint64_t generation = 0;
  };

 private:
  std::uint32_t parts_;
  std::atomic<bool> closed_{false};
  shared s_;
};

}  // namespace chronicle::infra
