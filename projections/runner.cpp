#include "projections/runner.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <future>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>

#include "domain/thread_name.hpp"
#include "schemas/envelope_codec.hpp"

namespace chronicle::projections {

result<std::optional<std::string>> view_batch::get(const std::string& key) {
  if (auto it = pending_.find(key); it != pending_.end()) return it->second;
  return kv_.get(key);
}

result<kv_pairs> view_batch::scan_prefix(const std::string& prefix, std::size_t limit) {
  auto stored = kv_.scan(prefix, "", limit);
  if (!stored) return std::move(stored).err();
  std::map<std::string, std::string> merged(std::make_move_iterator(stored->begin()),
                                            std::make_move_iterator(stored->end()));
  for (auto it = pending_.lower_bound(prefix); it != pending_.end() && it->first.starts_with(prefix); ++it) {
    if (it->second) merged[it->first] = *it->second;
    else merged.erase(it->first);
  }
  kv_pairs out;
  for (auto& [k, v] : merged) {
    if (out.size() == limit) break;
    out.emplace_back(k, std::move(v));
  }
  return out;
}

std::vector<kv_write> view_batch::take() {
  std::vector<kv_write> out;
  out.reserve(pending_.size());
  for (auto& [k, v] : pending_) out.push_back({k, std::move(v)});
  pending_.clear();
  return out;
}

namespace {
std::int64_t wall_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}
}  // namespace

struct runner::impl {
  log_reader& log;
  kv_store& kv;
  pii_reader& pii;
  std::vector<std::unique_ptr<projection>> projections;
  std::vector<positions> checkpoints;  // per projection

  mutable std::mutex m;
  runner_status st;
  positions start_end;
  std::uint64_t next_waiter = 1;
  struct waiter {
    positions token;
    std::function<void()> cb;
  };
  std::unordered_map<std::uint64_t, waiter> waiters;
  std::int64_t last_occurred = 0;

  std::atomic<bool> stopping{false};
  std::unique_ptr<log_cursor> cursor;
  std::thread thread;

  // Which topics each projection reads, asked once: the fold loop consults
  // it for every record.
  std::vector<std::set<std::string>> topics_of;
  std::set<std::string> topics;  // read by any projection

  impl(log_reader& l, kv_store& k, pii_reader& r, std::vector<std::unique_ptr<projection>> p)
      : log(l), kv(k), pii(r), projections(std::move(p)) {
    for (auto& pr : projections) {
      auto t = pr->topics();
      topics_of.emplace_back(t.begin(), t.end());
      topics.insert(t.begin(), t.end());
    }
  }
  bool reads(std::size_t i, const std::string& topic) const { return topics_of[i].count(topic) > 0; }

  status load_checkpoints() {
    checkpoints.assign(projections.size(), {});
    for (std::size_t i = 0; i < projections.size(); ++i) {
      auto prefix = "_ckpt/" + projections[i]->name() + "/";
      auto rows = kv.scan(prefix, "", 1 << 20);
      if (!rows) return std::move(rows).err();
      for (auto& [k, v] : *rows) {
        auto rest = std::string_view(k).substr(prefix.size());
        auto slash = rest.rfind('/');
        std::uint32_t part = 0;
        std::uint64_t off = 0;
        auto ps = rest.substr(slash + 1);
        std::from_chars(ps.data(), ps.data() + ps.size(), part);
        std::from_chars(v.data(), v.data() + v.size(), off);
        checkpoints[i][{std::string(rest.substr(0, slash)), part}] = off;
      }
    }
    return {};
  }

  void notify() {
    std::vector<std::function<void()>> ready;
    {
      std::lock_guard lock(m);
      for (auto it = waiters.begin(); it != waiters.end();) {
        if (reached(st.applied, it->second.token)) {
          ready.push_back(std::move(it->second.cb));
          it = waiters.erase(it);
        } else {
          ++it;
        }
      }
    }
    for (auto& cb : ready) cb();
  }

  void fail(std::string why) {
    std::fprintf(stderr, "projections: stopped: %s\n", why.c_str());
    std::lock_guard lock(m);
    st.failure = std::move(why);
  }

  void refresh_lag(positions& end) {
    auto e = log.end_positions();
    if (!e) return;
    end = std::move(*e);
    std::lock_guard lock(m);
    std::uint64_t lag = 0;
    for (auto& [tp, off] : end) {
      if (!topics.count(tp.topic)) continue;
      auto it = st.applied.find(tp);
      auto a = it == st.applied.end() ? 0 : it->second;
      if (off > a) lag += off - a;
    }
    st.lag_events = lag;
    st.lag_seconds = lag > 0 && last_occurred > 0 ? static_cast<double>(wall_us() - last_occurred) / 1e6 : 0.0;
    if (!st.caught_up && reached(st.applied, start_end)) st.caught_up = true;
  }

  void run() {
    auto last_lag = std::chrono::steady_clock::now() - std::chrono::seconds(10);
    positions end;
    while (!stopping.load()) {
      auto now = std::chrono::steady_clock::now();
      if (now - last_lag > std::chrono::milliseconds(500)) {
        refresh_lag(end);
        last_lag = now;
      }
      auto recs = cursor->poll(2048, std::chrono::milliseconds(200));
      if (!recs) {
        std::fprintf(stderr, "projections: log read failed: %s (retrying)\n", recs.err().message.c_str());
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        continue;
      }
      if (recs->empty()) continue;
      view_batch batch(kv);
      positions advanced;
      std::int64_t newest = 0;
      for (auto& r : *recs) {
        advanced[r.tp] = r.offset + 1;
        std::optional<event_envelope> env;
        for (std::size_t i = 0; i < projections.size(); ++i) {
          auto& p = *projections[i];
          if (!reads(i, r.tp.topic)) continue;
          auto c = checkpoints[i].find(r.tp);
          if (c != checkpoints[i].end() && c->second > r.offset) continue;  // already applied
          if (!env) {
            auto d = schemas::decode_envelope(r.payload);
            if (!d) return fail(r.tp.topic + "/" + std::to_string(r.tp.partition) + "@" +
                                std::to_string(r.offset) + ": " + d.err().message);
            env = std::move(*d);
            auto opened = pii.open(env->tenant, env->pii);
            if (!opened) return fail(r.tp.topic + "/" + std::to_string(r.tp.partition) + "@" +
                                     std::to_string(r.offset) + ": " + opened.err().message);
            env->pii = opened->value_or(std::string(erased_pii));
            newest = std::max(newest, env->occurred_at);
          }
          if (auto s = p.apply(*env, batch); !s)
            return fail(p.name() + " at " + r.tp.topic + "/" + std::to_string(r.tp.partition) + "@" +
                        std::to_string(r.offset) + ": " + s.err().message);
        }
      }
      for (std::size_t i = 0; i < projections.size(); ++i) {
        for (auto& [tp, off] : advanced) {
          if (!reads(i, tp.topic)) continue;
          auto& c = checkpoints[i][tp];
          if (off <= c) continue;
          c = off;
          batch.put(runner::checkpoint_key(projections[i]->name(), tp), std::to_string(off));
        }
      }
      // Nothing of a failed batch was written. A store that is unavailable
      // (a full disk) is retried with the same batch until it takes it, so
      // the views catch up by themselves once space is back; anything else
      // stops the projections rather than fold out of order.
      auto writes = batch.take();
      for (auto backoff = std::chrono::milliseconds(50);;) {
        auto s = kv.write(writes);
        if (s) break;
        if (s.err().kind != errc::unavailable) return fail("read-model write failed: " + s.err().message);
        std::fprintf(stderr, "projections: read-model write failed: %s (retrying)\n", s.err().message.c_str());
        {
          std::lock_guard lock(m);
          st.write_failures++;
        }
        for (auto waited = std::chrono::milliseconds(0); waited < backoff && !stopping.load();
             waited += std::chrono::milliseconds(50))
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
        if (stopping.load()) return;
        backoff = std::min(backoff * 2, std::chrono::milliseconds(2000));
      }
      {
        std::lock_guard lock(m);
        for (auto& [tp, off] : advanced) st.applied[tp] = std::max(st.applied[tp], off);
        st.applied_events += recs->size();
        if (newest) last_occurred = newest;
        if (!st.caught_up && reached(st.applied, start_end)) st.caught_up = true;
      }
      notify();
    }
  }
};

runner::runner(log_reader& log, kv_store& kv, pii_reader& pii, std::vector<std::unique_ptr<projection>> projections)
    : impl_(std::make_unique<impl>(log, kv, pii, std::move(projections))) {}

runner::~runner() { stop(); }

std::string runner::checkpoint_key(const std::string& projection, const topic_partition& tp) {
  return "_ckpt/" + projection + "/" + tp.topic + "/" + std::to_string(tp.partition);
}

status runner::start() {
  auto& d = *impl_;
  if (auto s = d.load_checkpoints(); !s) return s;
  auto end = d.log.end_positions();
  if (!end) return std::move(end).err();
  // Start each topic-partition at the lowest checkpoint of the projections reading it.
  positions from;
  for (auto& [tp, e] : *end) {
    if (!d.topics.count(tp.topic)) continue;
    std::optional<std::uint64_t> low;
    for (std::size_t i = 0; i < d.projections.size(); ++i) {
      if (!d.reads(i, tp.topic)) continue;
      auto c = d.checkpoints[i].count(tp) ? d.checkpoints[i].at(tp) : 0;
      low = low ? std::min(*low, c) : c;
    }
    from[tp] = low.value_or(0);
    if (e > 0) d.start_end[tp] = e;
  }
  {
    std::lock_guard lock(d.m);
    d.st.applied = from;
    d.st.caught_up = reached(from, d.start_end);
  }
  auto cursor = d.log.open_cursor({d.topics.begin(), d.topics.end()}, from);
  if (!cursor) return std::move(cursor).err();
  d.cursor = std::move(*cursor);
  d.thread = std::thread([&d] {
    name_this_thread("chronicle-proj");
    d.run();
  });
  return {};
}

bool runner::drain(std::chrono::milliseconds within) {
  auto end = impl_->log.end_positions();
  if (!end) return false;
  positions target;
  for (auto& [tp, off] : *end)
    if (impl_->topics.count(tp.topic) && off > 0) target[tp] = off;
  auto done = std::make_shared<std::promise<void>>();
  auto f = done->get_future();
  auto id = when_reached(target, [done] { done->set_value(); });
  if (f.wait_for(within) == std::future_status::ready) return true;
  cancel(id);
  return false;
}

void runner::stop() {
  auto& d = *impl_;
  d.stopping = true;
  if (d.cursor) d.cursor->wake();
  if (d.thread.joinable()) d.thread.join();
}

runner_status runner::current() const {
  std::lock_guard lock(impl_->m);
  return impl_->st;
}

std::uint64_t runner::when_reached(const positions& token, std::function<void()> cb) {
  auto& d = *impl_;
  {
    std::lock_guard lock(d.m);
    if (!reached(d.st.applied, token)) {
      auto id = d.next_waiter++;
      d.waiters[id] = {token, std::move(cb)};
      return id;
    }
  }
  cb();
  return 0;
}

void runner::cancel(std::uint64_t id) {
  std::lock_guard lock(impl_->m);
  impl_->waiters.erase(id);
}

}  // namespace chronicle::projections
