#include "infra/log/embedded_log.hpp"

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <charconv>
#include <condition_variable>
#include <algorithm>
#include <deque>
#include <cstdio>
#include <mutex>
#include <thread>

#include "domain/thread_name.hpp"
#include "infra/store/rocks_util.hpp"

namespace chronicle::infra {
namespace {

constexpr std::size_t topic_count = std::size(all_topics);

int topic_index(std::string_view t) {
  for (std::size_t i = 0; i < topic_count; ++i)
    if (all_topics[i] == t) return static_cast<int>(i);
  return -1;
}

void put_be(std::string& s, std::uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
std::uint64_t get_be(std::string_view s, std::size_t pos, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(s[pos + i]);
  return v;
}

std::string tp_prefix(int topic, std::uint32_t partition) {
  std::string k;
  k.push_back(static_cast<char>(topic));
  put_be(k, partition, 4);
  return k;
}
std::string record_key(int topic, std::uint32_t partition, std::uint64_t offset) {
  auto k = tp_prefix(topic, partition);
  put_be(k, offset, 8);
  return k;
}

const std::string meta_partitions_key = "\xff" "meta/partitions";

error from_status(const rocksdb::Status& s, std::string_view what) {
  auto kind = s.IsNoSpace() || s.IsIOError() || s.IsBusy() || s.IsTimedOut() || s.IsTryAgain()
                  ? errc::unavailable
                  : errc::internal;
  return error::make(kind, s.IsNoSpace() ? "storage_full" : "log_storage_error",
                     std::string(what) + ": " + s.ToString());
}

}  // namespace

struct embedded_log::impl {
  std::unique_ptr<rocksdb::DB> db;
  std::uint32_t parts = 0;
  bool sync = true;
  std::shared_ptr<disk_guard> guard;
  std::vector<std::string> guard_exempt;

  std::mutex m;                      // guards everything below
  std::condition_variable work_cv;   // committer waits for appends
  std::condition_variable data_cv;   // cursors wait for new records
  std::deque<std::pair<commands::log_append, commands::append_callback>> queue;
  std::vector<std::uint64_t> end;    // visible (durable) end per topic*parts+partition
  std::uint64_t generation = 0;      // bumped on every commit and wake
  bool closed = false;
  std::mutex join_m;
  std::thread committer;

  std::size_t slot(int topic, std::uint32_t p) const { return static_cast<std::size_t>(topic) * parts + p; }

  void commit_loop() {
    std::unique_lock lock(m);
    for (;;) {
      work_cv.wait(lock, [&] { return closed || !queue.empty(); });
      if (queue.empty()) return;
      auto work = std::move(queue);
      queue.clear();
      auto next = end;  // offsets are assigned here, on the only writing thread
      lock.unlock();

      // Below the disk reserve, only exempt topics are written.
      if (guard) {
        if (auto room = guard->check(); !room) {
          decltype(work) kept;
          for (auto& item : work) {
            auto& topic = item.first.tp.topic;
            if (std::find(guard_exempt.begin(), guard_exempt.end(), topic) != guard_exempt.end())
              kept.push_back(std::move(item));
            else
              item.second(room.err());
          }
          work = std::move(kept);
          if (work.empty()) {
            lock.lock();
            continue;
          }
        }
      }

      rocksdb::WriteBatch wb;
      std::vector<result<std::vector<std::uint64_t>>> results;
      results.reserve(work.size());
      for (auto& [a, cb] : work) {
        int t = topic_index(a.tp.topic);
        if (t < 0 || a.tp.partition >= parts) {
          results.emplace_back(error::invalid("unknown_topic_partition", "no such topic-partition: " + a.tp.topic));
          continue;
        }
        if (std::any_of(a.records.begin(), a.records.end(), [](auto& r) { return r.key.size() > 0xffff; })) {
          results.emplace_back(error::invalid("key_too_long", "a record key is longer than 65535 bytes"));
          continue;
        }
        std::vector<std::uint64_t> offs;
        offs.reserve(a.records.size());
        for (auto& r : a.records) {
          auto off = next[slot(t, a.tp.partition)]++;
          // Value: key length (2 bytes), key, payload.
          std::string v;
          v.reserve(2 + r.key.size() + r.payload.size());
          put_be(v, r.key.size(), 2);
          v += r.key;
          v += r.payload;
          wb.Put(record_key(t, a.tp.partition, off), v);
          offs.push_back(off);
        }
        results.emplace_back(std::move(offs));
      }
      rocksdb::WriteOptions wo;
      wo.sync = sync;
      auto s = db->Write(wo, &wb);
      if (!s.ok()) {
        // A failed sync puts RocksDB in a read-only error state; try to leave
        // it so the next batch (say, once disk space is back) can succeed.
        auto r = db->Resume();
        if (!r.ok()) std::fprintf(stderr, "embedded log: write failed (%s); resume: %s\n", s.ToString().c_str(), r.ToString().c_str());
      }

      lock.lock();
      if (s.ok()) {
        end = std::move(next);
        ++generation;
      }
      lock.unlock();
      if (s.ok()) data_cv.notify_all();
      for (std::size_t i = 0; i < work.size(); ++i) {
        if (s.ok()) work[i].second(std::move(results[i]));
        else work[i].second(from_status(s, "appending to the embedded log"));
      }
      lock.lock();
    }
  }

  void read_record(int t, std::uint32_t p, const rocksdb::Slice& key, const rocksdb::Slice& value,
                   std::vector<log_record>& out) {
    std::string_view k(key.data(), key.size()), v(value.data(), value.size());
    log_record r;
    r.tp = {std::string(all_topics[t]), p};
    r.offset = get_be(k, 5, 8);
    auto klen = get_be(v, 0, 2);
    r.key.assign(v.substr(2, klen));
    r.payload.assign(v.substr(2 + klen));
    out.push_back(std::move(r));
  }
};

class embedded_cursor final : public log_cursor {
 public:
  embedded_cursor(embedded_log::impl& log, std::vector<std::pair<int, std::uint32_t>> tps,
                  std::vector<std::uint64_t> pos)
      : log_(log), tps_(std::move(tps)), pos_(std::move(pos)) {}

  result<std::vector<log_record>> poll(std::size_t max, std::chrono::milliseconds wait) override {
    std::vector<std::uint64_t> ends(tps_.size());
    {
      std::unique_lock lock(log_.m);
      auto gen = log_.generation;
      auto have = [&] {
        for (std::size_t i = 0; i < tps_.size(); ++i)
          if (log_.end[log_.slot(tps_[i].first, tps_[i].second)] > pos_[i]) return true;
        return false;
      };
      if (!have() && !woken_) {
        log_.data_cv.wait_for(lock, wait, [&] { return have() || woken_ || log_.closed || log_.generation != gen; });
      }
      woken_ = false;
      if (log_.closed && !have()) return error::make(errc::unavailable, "log_closed", "the event log is closed");
      for (std::size_t i = 0; i < tps_.size(); ++i) ends[i] = log_.end[log_.slot(tps_[i].first, tps_[i].second)];
    }
    std::vector<log_record> out;
    // Round-robin from where the last poll stopped so no partition starves.
    for (std::size_t n = 0; n < tps_.size() && out.size() < max; ++n) {
      auto i = (start_ + n) % tps_.size();
      if (ends[i] <= pos_[i]) continue;
      auto [t, p] = tps_[i];
      std::unique_ptr<rocksdb::Iterator> it(log_.db->NewIterator(rocksdb::ReadOptions{}));
      auto upper = record_key(t, p, ends[i]);
      for (it->Seek(record_key(t, p, pos_[i])); it->Valid() && out.size() < max; it->Next()) {
        if (it->key().compare(upper) >= 0) break;
        log_.read_record(t, p, it->key(), it->value(), out);
        pos_[i] = out.back().offset + 1;
      }
      if (!it->status().ok()) return from_status(it->status(), "reading the embedded log");
    }
    start_ = (start_ + 1) % std::max<std::size_t>(1, tps_.size());
    return out;
  }

  void wake() override {
    {
      std::lock_guard lock(log_.m);
      woken_ = true;
      ++log_.generation;
    }
    log_.data_cv.notify_all();
  }

 private:
  embedded_log::impl& log_;
  std::vector<std::pair<int, std::uint32_t>> tps_;
  std::vector<std::uint64_t> pos_;
  std::size_t start_ = 0;
  bool woken_ = false;  // guarded by log_.m
};

result<std::unique_ptr<embedded_log>> embedded_log::open(const embedded_log_options& o) {
  if (o.partitions == 0 || o.partitions > 1024)
    return error::invalid("invalid_partitions", "partitions must be between 1 and 1024");
  auto opts = base_options();
  rocksdb::DB* raw = nullptr;
  auto s = rocksdb::DB::Open(opts, o.dir, &raw);
  if (!s.ok()) return from_status(s, "opening the embedded log at " + o.dir);
  auto d = std::make_unique<impl>();
  d->db.reset(raw);
  d->sync = o.sync;
  d->guard = o.guard;
  d->guard_exempt = o.guard_exempt_topics;

  std::string stored;
  s = d->db->Get(rocksdb::ReadOptions{}, meta_partitions_key, &stored);
  if (s.ok()) {
    auto [p, ec] = std::from_chars(stored.data(), stored.data() + stored.size(), d->parts);
    if (ec != std::errc{} || p != stored.data() + stored.size() || d->parts == 0)
      return error::make(errc::internal, "corrupt_log_metadata", "the log at " + o.dir + " has unreadable metadata");
    if (d->parts != o.partitions)
      return error::make(errc::failed_precondition, "partitions_mismatch",
                         "the log at " + o.dir + " was created with " + stored +
                             " partitions; it cannot be opened with " + std::to_string(o.partitions));
  } else if (s.IsNotFound()) {
    d->parts = o.partitions;
    rocksdb::WriteOptions wo;
    wo.sync = true;
    s = d->db->Put(wo, meta_partitions_key, std::to_string(o.partitions));
    if (!s.ok()) return from_status(s, "initialising the embedded log");
  } else {
    return from_status(s, "reading the embedded log's metadata");
  }

  // Recover the end of every topic-partition from its last key.
  d->end.assign(topic_count * d->parts, 0);
  std::unique_ptr<rocksdb::Iterator> it(d->db->NewIterator(rocksdb::ReadOptions{}));
  for (std::size_t t = 0; t < topic_count; ++t) {
    for (std::uint32_t p = 0; p < d->parts; ++p) {
      auto prefix = tp_prefix(static_cast<int>(t), p);
      it->SeekForPrev(record_key(static_cast<int>(t), p, ~0ull));
      if (it->Valid() && it->key().starts_with(prefix))
        d->end[d->slot(static_cast<int>(t), p)] = get_be(std::string_view(it->key().data(), it->key().size()), 5, 8) + 1;
    }
  }
  if (!it->status().ok()) return from_status(it->status(), "scanning the embedded log");
  it.reset();
  auto* dp = d.get();
  d->committer = std::thread([dp] {
    name_this_thread("chronicle-log");
    dp->commit_loop();
  });
  return std::unique_ptr<embedded_log>(new embedded_log(std::move(d)));
}

embedded_log::embedded_log(std::unique_ptr<impl> i) : impl_(std::move(i)) {}

embedded_log::~embedded_log() { close(); }

std::uint32_t embedded_log::partitions() const { return impl_->parts; }

result<positions> embedded_log::end_positions() {
  positions out;
  std::lock_guard lock(impl_->m);
  for (std::size_t t = 0; t < topic_count; ++t)
    for (std::uint32_t p = 0; p < impl_->parts; ++p)
      out[{std::string(all_topics[t]), p}] = impl_->end[impl_->slot(static_cast<int>(t), p)];
  return out;
}

result<std::unique_ptr<log_cursor>> embedded_log::open_cursor(const std::vector<std::string>& topics,
                                                              const positions& from) {
  std::vector<std::pair<int, std::uint32_t>> tps;
  std::vector<std::uint64_t> pos;
  for (auto& t : topics) {
    int ti = topic_index(t);
    if (ti < 0) return error::invalid("unknown_topic", "no such topic: " + t);
    for (std::uint32_t p = 0; p < impl_->parts; ++p) {
      tps.emplace_back(ti, p);
      auto it = from.find({t, p});
      pos.push_back(it == from.end() ? 0 : it->second);
    }
  }
  return std::unique_ptr<log_cursor>(new embedded_cursor(*impl_, std::move(tps), std::move(pos)));
}

void embedded_log::append(commands::log_append batch, commands::append_callback done) {
  {
    std::lock_guard lock(impl_->m);
    if (!impl_->closed) {
      impl_->queue.emplace_back(std::move(batch), std::move(done));
      impl_->work_cv.notify_one();
      return;
    }
  }
  done(error::make(errc::unavailable, "log_closed", "the event log is closed"));
}

std::uint64_t embedded_log::background_jobs() { return infra::background_jobs(*impl_->db); }

void embedded_log::close() {
  {
    std::lock_guard lock(impl_->m);
    impl_->closed = true;
  }
  impl_->work_cv.notify_all();
  impl_->data_cv.notify_all();
  // Exactly one caller joins; a close() from an append callback (on the
  // committer itself) only marks the log closed.
  std::lock_guard join_lock(impl_->join_m);
  if (impl_->committer.joinable() && impl_->committer.get_id() != std::this_thread::get_id())
    impl_->committer.join();
}

}  // namespace chronicle::infra
