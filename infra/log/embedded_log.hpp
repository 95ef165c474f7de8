#pragma once
// The default event log: a RocksDB database with one key space per
// topic-partition (key = topic index, partition, big-endian offset). Appends
// from all writers are collected by one committer thread into a single
// WriteBatch with one WAL sync (group commit); an append is acknowledged only
// after that sync. Readers see records only once they are durable.
//
// Thread-safety: all methods may be called from any thread. Cursors refer to
// the log: close them before destroying it.
#include <memory>
#include <string>
#include <vector>

#include "commands/ports/event_log.hpp"
#include "infra/store/disk_guard.hpp"

namespace chronicle::infra {

struct embedded_log_options {
  std::string dir;
  std::uint32_t partitions = 8;  // fixed when the log is created
  bool sync = true;              // false only for tests that measure nothing durable
  // Appends are refused (503 storage_full) while the guard says the disk is
  // nearly full, before anything is written; none by default.
  std::shared_ptr<disk_guard> guard;
  // Topics whose (small) records may still use the reserve: the audit trail,
  // so reads of personal data stay possible while commands are refused.
  std::vector<std::string> guard_exempt_topics;
};

class embedded_log final : public commands::event_log {
 public:
  static result<std::unique_ptr<embedded_log>> open(const embedded_log_options& opts);
  ~embedded_log() override;

  std::uint32_t partitions() const override;
  result<positions> end_positions() override;
  result<std::unique_ptr<log_cursor>> open_cursor(const std::vector<std::string>& topics,
                                                  const positions& from) override;
  void append(commands::log_append batch, commands::append_callback done) override;
  void close() override;
  // Flushes and compactions of the log's store running or pending.
  std::uint64_t background_jobs();

  struct impl;

 private:
  explicit embedded_log(std::unique_ptr<impl> i);
  std::unique_ptr<impl> impl_;
};

}  // namespace chronicle::infra
