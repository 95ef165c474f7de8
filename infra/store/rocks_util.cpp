#include "infra/store/rocks_util.hpp"

#include <cstdio>

namespace chronicle::infra {

rocksdb::Options base_options() {
  rocksdb::Options opts;
  opts.create_if_missing = true;
  opts.max_background_jobs = 2;
  opts.write_buffer_size = 64 << 20;
  // Flushes and compactions hand their pages to the disk a megabyte at a
  // time instead of leaving hundreds dirty for one fsync at the end: the
  // log's fsyncs, which every durable write and audited read waits for,
  // then do not queue behind a burst of background writeback.
  opts.bytes_per_sync = 1 << 20;
  return opts;
}

std::uint64_t background_jobs(rocksdb::DB& db) {
  std::uint64_t total = 0;
  for (auto* property : {"rocksdb.num-running-flushes", "rocksdb.num-running-compactions", "rocksdb.mem-table-flush-pending",
                         "rocksdb.compaction-pending"}) {
    std::uint64_t v = 0;
    if (db.GetIntProperty(property, &v)) total += v;
  }
  return total;
}

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

rocksdb::Status resume_after_failure(rocksdb::DB& db, rocksdb::Status s) {
  if (s.ok() || s.IsNotFound() || s.IsInvalidArgument() || s.IsCorruption()) return s;
  auto r = db.Resume();
  if (!r.ok()) std::fprintf(stderr, "storage: write failed (%s); resume: %s\n", s.ToString().c_str(), r.ToString().c_str());
  return s;
}

}  // namespace chronicle::infra
