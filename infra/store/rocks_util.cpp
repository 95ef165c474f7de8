#include "infra/store/rocks_util.hpp"

namespace chronicle::infra {

rocksdb::Status compact_all(rocksdb::DB& db) {
  rocksdb::FlushOptions fo;
  fo.wait = true;
  auto s = db.Flush(fo);
  if (s.ok()) {
    rocksdb::CompactRangeOptions co;
    co.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
    s = db.CompactRange(co, nullptr, nullptr);
  }
  if (s.ok()) s = db.FlushWAL(true);
  return s;
}

}  // namespace chronicle::infra
