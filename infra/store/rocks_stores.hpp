#pragma once
// RocksDB adapters of the command side's state store and the read-model
// store. Writes go through the WAL without a sync: both stores can be
// rebuilt from the log (which is synced), and a process crash loses nothing
// the OS has been handed.
//
// Thread-safety: all methods may be called from any thread.
#include <memory>
#include <string>

#include "commands/ports/state_store.hpp"
#include "infra/store/disk_guard.hpp"
#include "projections/ports/kv_store.hpp"

namespace rocksdb { class DB; }

namespace chronicle::infra {

// An open RocksDB database, shared by the adapters below.
class rocks_db {
 public:
  static result<std::shared_ptr<rocks_db>> open(const std::string& dir, std::size_t block_cache_mb = 256);
  ~rocks_db();
  rocksdb::DB& db() { return *db_; }
  // Writes are refused (503 storage_full) while `guard` says the disk is
  // nearly full; none by default.
  void set_guard(std::shared_ptr<disk_guard> guard) { guard_ = std::move(guard); }
  status check_space() { return guard_ ? guard_->check() : status{}; }
  // Flushes memtables, rewrites every file (dropping overwritten and deleted
  // values) and lets obsolete WAL files go: after it, old values are off disk.
  status compact();
  // Flushes and compactions running or pending (see rocks_util.hpp).
  std::uint64_t background_jobs();

 private:
  std::unique_ptr<rocksdb::DB> db_;
  std::shared_ptr<disk_guard> guard_;
};

class rocks_kv final : public projections::kv_store {
 public:
  explicit rocks_kv(std::shared_ptr<rocks_db> db) : db_(std::move(db)) {}
  result<std::optional<std::string>> get(std::string_view key) override;
  status write(const std::vector<projections::kv_write>& batch) override;
  result<projections::kv_pairs> scan(std::string_view prefix, std::string_view after,
                                     std::size_t limit, bool reverse) override;
  status compact() override { return db_->compact(); }

 private:
  std::shared_ptr<rocks_db> db_;
};

class rocks_state_store final : public commands::state_store {
 public:
  explicit rocks_state_store(std::shared_ptr<rocks_db> db) : db_(std::move(db)) {}
  result<std::optional<commands::stream_snapshot>> load(std::string_view stream) override;
  result<std::optional<commands::idempotency_record>> find_idempotency(std::string_view key) override;
  status commit(const commands::state_batch& batch) override;
  result<positions> checkpoint() override;
  result<std::optional<std::string>> find_claim(std::string_view key) override;
  status compact() override { return db_->compact(); }

 private:
  std::shared_ptr<rocks_db> db_;
};

}  // namespace chronicle::infra
