#pragma once
// The composition root: opens the event log (embedded or Kafka), the state
// and read-model stores, the key vault, and runs the command side, the
// projections and the audit trail on them. Used by `serve` and by the
// operator subcommands, which run the same stack without HTTP.
#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "commands/audit.hpp"
#include "commands/executor.hpp"
#include "commands/ports/pii_vault.hpp"
#include "projections/customer_index.hpp"
#include "projections/runner.hpp"

namespace chronicle::cli {

struct stack_options {
  std::string data_dir = "./data";
  std::string kafka;  // empty: the embedded log
  std::string kafka_prefix = "chronicle.";
  std::map<std::string, std::string> kafka_config;
  std::uint32_t partitions = 8;
  std::string master_key_file;  // empty: CHRONICLE_MASTER_KEY or DATA_DIR/master.key
  // Writes are refused (503 storage_full) while the data directory's file
  // system has less free space than this; 0 turns the check off.
  std::uint64_t min_free_mb = 256;
};

class stack {
 public:
  static result<std::unique_ptr<stack>> open(const stack_options& opts);
  ~stack();

  commands::executor& exec();
  projections::runner& runner();
  projections::customer_index& customers_index();
  projections::kv_store& views();
  commands::pii_vault& vault();
  commands::audit_trail& audit();
  commands::entropy& entropy();
  // Compacts the state, view and vault stores (after an erasure).
  status purge_storage();
  // Flushes and compactions running or pending per RocksDB store ("log"
  // when the log is the embedded one, "state", "views").
  std::vector<std::pair<std::string, std::uint64_t>> background_jobs();

  // Waits until the projections have folded the log as it was at start.
  status wait_caught_up(std::chrono::seconds within);
  // Runs one command to completion and waits for the views to include it.
  result<commands::command_outcome> run(commands::command_request req);
  // Stops the command side, projections and audit trail; closes the log.
  void close();

  struct parts;

 private:
  explicit stack(std::unique_ptr<parts> p);
  std::unique_ptr<parts> p_;
};


}  // namespace chronicle::cli
