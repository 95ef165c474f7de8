#pragma once
// Internal to infra/: what every RocksDB-backed adapter needs alike.
#include <rocksdb/db.h>

#include <string_view>

#include "domain/result.hpp"

namespace chronicle::infra {

// The options the log and the stores share: created when missing, two
// background jobs, 64 MiB memtables, writeback a megabyte at a time.
rocksdb::Options base_options();

// Flushes memtables, rewrites every file (dropping overwritten and deleted
// values) and syncs the WAL, so obsolete WAL files go: old values leave the disk.
rocksdb::Status compact_all(rocksdb::DB& db);

// Flushes and compactions running or waiting to run: 0 when the store's
// background work has caught up with its writes.
std::uint64_t background_jobs(rocksdb::DB& db);

// Returns `s` unchanged. A failed write (a full disk, an I/O error) leaves
// RocksDB refusing every later write until it is resumed; this tries that at
// once, so the next write succeeds as soon as the cause is gone (space freed)
// instead of the store staying read-only until a restart.
rocksdb::Status resume_after_failure(rocksdb::DB& db, rocksdb::Status s);

}  // namespace chronicle::infra
