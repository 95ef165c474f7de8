#pragma once
// Internal to infra/: what every RocksDB-backed adapter needs alike.
#include <rocksdb/db.h>

#include <string_view>

#include "domain/result.hpp"

namespace chronicle::infra {

// Flushes memtables, rewrites every file (dropping overwritten and deleted
// values) and syncs the WAL, so obsolete WAL files go: old values leave the disk.
rocksdb::Status compact_all(rocksdb::DB& db);

}  // namespace chronicle::infra
