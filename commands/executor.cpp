#include "commands/executor.hpp"

#include <atomic>
#include <chrono>
#include <deque>
#include <mutex>
#include <unordered_map>

#include "commands/thread_pool.hpp"
#include "domain/ids.hpp"
#include "schemas/envelope_codec.hpp"

namespace chronicle::commands {
namespace {

std::string scoped_key(const std::string& tenant, const std::string& key) {
  return key.empty() ? std::string{} : tenant + '\n' + key;
}

std::int64_t steady_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

struct pending {
  command_request req;
  command_callback done;
  std::string key;  // scoped idempotency key, or empty
};

// A command that was decided in a batch and waits for its append.
struct accepted {
  pending p;
  std::string stream;
  std::size_t first_record = 0, records = 0;
  command_outcome outcome;
};

struct partition {
  std::mutex m;
  std::deque<pending> queue;
  bool busy = false;
  bool needs_catch_up = false;
};

struct inflight_key {
  std::string hash;
  std::vector<command_callback> waiters;
};

}  // namespace

struct executor::impl {
  event_log& log;
  state_store& store;
  clock& clk;
  entropy& rnd;
  std::vector<aggregate_kind> kinds;
  executor_options opts;
  std::uint32_t parts;
  std::vector<std::unique_ptr<partition>> partitions;  // topic index * parts + partition
  std::mutex idem_m;
  std::unordered_map<std::string, inflight_key> inflight;
  histogram append_latency;
  std::atomic<std::uint64_t> appended{0};
  std::atomic<bool> stopping{false};
  std::atomic<std::size_t> batches_in_flight{0};
  thread_pool pool;

  impl(event_log& l, state_store& s, clock& c, entropy& r, std::vector<aggregate_kind> k,
       executor_options o)
      : log(l), store(s), clk(c), rnd(r), kinds(std::move(k)), opts(o), parts(l.partitions()),
        pool(o.threads) {
    for (std::size_t i = 0; i < kinds.size() * parts; ++i)
      partitions.push_back(std::make_unique<partition>());
  }

  std::size_t topic_index(const std::string& topic) const {
    for (std::size_t i = 0; i < kinds.size(); ++i)
      if (kinds[i].topic == topic) return i;
    return kinds.size();
  }
  const aggregate_kind* kind_of_topic(const std::string& topic) const {
    auto i = topic_index(topic);
    return i < kinds.size() ? &kinds[i] : nullptr;
  }

  std::string new_event_id() { return make_uuid_v7(static_cast<std::uint64_t>(clk.now_us() / 1000), rnd.random10()); }

  // ---- catch-up: fold the log past the state store's checkpoint ----------
  status catch_up(const std::vector<topic_partition>& only) {
    auto ckpt = store.checkpoint();
    if (!ckpt) return std::move(ckpt).err();
    auto end = log.end_positions();
    if (!end) return std::move(end).err();
    positions from;
    std::vector<std::string> topics;
    for (auto& k : kinds) topics.push_back(k.topic);
    positions target;  // where each selected tp must get to
    for (auto& [tp, e] : *end) {
      if (topic_index(tp.topic) >= kinds.size()) continue;
      bool selected = only.empty();
      for (auto& o : only) selected |= (o == tp);
      auto c = ckpt->count(tp) ? ckpt->at(tp) : 0;
      from[tp] = selected ? c : e;
      if (selected && c < e) target[tp] = e;
    }
    if (target.empty()) return {};
    auto cursor = log.open_cursor(topics, from);
    if (!cursor) return std::move(cursor).err();

    std::unordered_map<std::string, stream_snapshot> overlay;
    std::unordered_map<std::string, idempotency_record> idem;
    positions progress;
    auto flush = [&]() -> status {
      state_batch b;
      for (auto& [s, snap] : overlay) b.snapshots.emplace_back(s, snap);
      for (auto& [k, r] : idem) b.idempotency.emplace_back(k, r);
      b.checkpoint = progress;
      auto st = store.commit(b);
      overlay.clear();
      idem.clear();
      return st;
    };
    std::size_t since_flush = 0;
    int idle_polls = 0;
    while (!target.empty()) {
      auto recs = (*cursor)->poll(1024, std::chrono::milliseconds(200));
      if (!recs) return std::move(recs).err();
      if (recs->empty()) {
        if (++idle_polls > 150)  // 30 s without progress towards a known end
          return error::make(errc::unavailable, "log_unavailable", "the event log stopped delivering during catch-up");
        continue;
      }
      idle_polls = 0;
      for (auto& r : *recs) {
        progress[r.tp] = r.offset + 1;
        if (auto it = target.find(r.tp); it != target.end() && r.offset + 1 >= it->second) target.erase(it);
        auto env = schemas::decode_envelope(r.payload);
        if (!env) return std::move(env).err();
        auto* kind = kind_of_topic(r.tp.topic);
        auto it = overlay.find(env->stream);
        if (it == overlay.end()) {
          auto loaded = store.load(env->stream);
          if (!loaded) return std::move(loaded).err();
          it = overlay.emplace(env->stream, loaded->value_or(stream_snapshot{})).first;
        }
        auto& snap = it->second;
        if (env->stream_version <= snap.version) continue;  // already folded
        auto before = snap.version;
        auto next = kind->evolve(snap.state, *env);
        if (!next) return std::move(next).err();
        snap.state = std::move(*next);
        snap.version = env->stream_version;
        if (!env->command_hash.empty()) {
          auto key = scoped_key(env->tenant, env->command_id);
          auto [ri, fresh] = idem.try_emplace(key);
          auto& rec = ri->second;
          if (fresh) {
            auto stored = store.find_idempotency(key);
            if (stored && *stored) rec = **stored;
            else rec.created = before == 0;
          }
          rec.request_hash = env->command_hash;
          rec.stream = env->stream;
          rec.version = snap.version;
          rec.state = snap.state;
          rec.token = encode_token({{r.tp, r.offset + 1}});
        }
      }
      since_flush += recs->size();
      if (since_flush >= 4096) {
        if (auto st = flush(); !st) return st;
        since_flush = 0;
      }
    }
    return flush();
  }

  // ---- submission ----------------------------------------------------------
  void submit(command_request req, command_callback done) {
    if (stopping.load()) {
      done(error::make(errc::unavailable, "shutting_down", "the server is shutting down"));
      return;
    }
    auto ti = topic_index(req.topic);
    if (ti >= kinds.size()) {
      done(error::make(errc::internal, "unknown_topic", "no writer for topic " + req.topic));
      return;
    }
    std::string key = scoped_key(req.tenant, req.idempotency_key);
    if (!key.empty()) {
      std::lock_guard lock(idem_m);
      if (auto it = inflight.find(key); it != inflight.end()) {
        if (it->second.hash == req.request_hash) it->second.waiters.push_back(std::move(done));
        else done(mismatch());
        return;
      }
      auto rec = store.find_idempotency(key);
      if (!rec) {
        done(std::move(rec).err());
        return;
      }
      if (*rec) {
        auto& r = **rec;
        if (r.request_hash != req.request_hash) {
          done(mismatch());
          return;
        }
        done(command_outcome{r.stream, r.version, r.token, r.state, r.created, true});
        return;
      }
      inflight[key].hash = req.request_hash;
    }
    auto pi = ti * parts + partition_of(req.tenant, req.id, parts);
    auto& part = *partitions[pi];
    bool schedule = false, full = false;
    {
      std::lock_guard lock(part.m);
      if (part.queue.size() >= opts.max_queue) {
        full = true;
      } else {
        part.queue.push_back({std::move(req), std::move(done), key});
        if (!part.busy) part.busy = schedule = true;
      }
    }
    if (full) {
      auto e = error::make(errc::unavailable, "overloaded", "too many commands are waiting; retry shortly");
      finish_key(key, e);
      done(std::move(e));
      return;
    }
    if (schedule) pool.post([this, pi] { drain(pi); });
  }

  static error mismatch() {
    return error::make(errc::idempotency_mismatch, "idempotency_key_reused",
                       "this Idempotency-Key was used with a different request");
  }

  // Settles an in-flight idempotency key: waiters get the same answer.
  void finish_key(const std::string& key, const result<command_outcome>& r) {
    if (key.empty()) return;
    std::vector<command_callback> waiters;
    {
      std::lock_guard lock(idem_m);
      auto it = inflight.find(key);
      if (it == inflight.end()) return;
      waiters = std::move(it->second.waiters);
      inflight.erase(it);
    }
    for (auto& w : waiters) {
      if (r.ok()) {
        auto o = r.value();
        o.replayed = true;
        w(std::move(o));
      } else {
        w(r.err());
      }
    }
  }

  void complete(pending& p, result<command_outcome> r) {
    finish_key(p.key, r);
    p.done(std::move(r));
  }

  // ---- one batch of one partition -----------------------------------------
  void drain(std::size_t pi) {
    auto& part = *partitions[pi];
    auto ti = pi / parts;
    topic_partition tp{kinds[ti].topic, static_cast<std::uint32_t>(pi % parts)};
    std::vector<pending> batch;
    bool catch_up_first = false;
    {
      std::lock_guard lock(part.m);
      while (!part.queue.empty() && batch.size() < opts.max_batch) {
        batch.push_back(std::move(part.queue.front()));
        part.queue.pop_front();
      }
      catch_up_first = part.needs_catch_up;
    }
    if (catch_up_first) {
      auto st = catch_up({tp});
      if (!st) {
        for (auto& p : batch) complete(p, error::make(errc::unavailable, "log_unavailable", "the event log is unavailable: " + st.err().message));
        return next(pi);
      }
      std::lock_guard lock(part.m);
      part.needs_catch_up = false;
    }

    std::unordered_map<std::string, stream_snapshot> overlay;
    std::vector<accepted> ok;
    log_append append{tp, {}};
    auto now = clk.now_us();
    for (auto& p : batch) {
      auto stream = stream_name(p.req.category, p.req.tenant, p.req.id);
      auto it = overlay.find(stream);
      if (it == overlay.end()) {
        auto loaded = store.load(stream);
        if (!loaded) {
          complete(p, std::move(loaded).err());
          continue;
        }
        it = overlay.emplace(stream, loaded->value_or(stream_snapshot{})).first;
      }
      auto& snap = it->second;
      if (p.req.expected_version && *p.req.expected_version != snap.version) {
        if (snap.version == 0)
          complete(p, error::make(errc::not_found, "not_found", "no resource with this id"));
        else
          complete(p, error::make(errc::version_conflict, "version_conflict",
                                  "the resource is at version " + std::to_string(snap.version) +
                                      ", not " + std::to_string(*p.req.expected_version)));
        continue;
      }
      auto d = p.req.decide(snap, now);
      if (!d) {
        complete(p, std::move(d).err());
        continue;
      }
      accepted a{std::move(p), stream, append.records.size(), d->events.size(), {}};
      auto before = snap.version;
      auto command_id = a.p.req.idempotency_key.empty() ? new_event_id() : a.p.req.idempotency_key;
      for (auto& ev : d->events) {
        event_envelope env;
        env.id = new_event_id();
        env.type = std::move(ev.type);
        env.schema_version = ev.schema_version;
        env.tenant = a.p.req.tenant;
        env.stream = stream;
        env.stream_version = ++snap.version;
        env.occurred_at = now;
        env.actor = a.p.req.actor;
        env.command_id = command_id;
        if (!a.p.req.idempotency_key.empty()) env.command_hash = a.p.req.request_hash;
        env.correlation_id = a.p.req.correlation_id;
        env.data = std::move(ev.data);
        env.pii = std::move(ev.pii);
        append.records.push_back({stream, schemas::encode_envelope(env)});
      }
      if (!d->events.empty()) snap.state = d->state;
      a.outcome = command_outcome{stream, snap.version, {}, snap.state, before == 0 && snap.version > 0, false};
      ok.push_back(std::move(a));
    }
    if (append.records.empty()) {
      for (auto& a : ok) complete(a.p, std::move(a.outcome));
      return next(pi);
    }
    auto started = steady_us();
    auto n = append.records.size();
    batches_in_flight.fetch_add(1);
    log.append(std::move(append), [this, pi, tp, n, started, ok = std::move(ok),
                                   overlay = std::move(overlay)](auto offsets) mutable {
      append_latency.observe_us(steady_us() - started);
      pool.post([this, pi, tp, n, ok = std::move(ok), overlay = std::move(overlay),
                 offsets = std::move(offsets)]() mutable {
        settle(pi, tp, n, ok, overlay, offsets);
        batches_in_flight.fetch_sub(1);
        next(pi);
      });
    });
  }

  void settle(std::size_t pi, const topic_partition& tp, std::size_t n, std::vector<accepted>& ok,
              std::unordered_map<std::string, stream_snapshot>& overlay,
              result<std::vector<std::uint64_t>>& offsets) {
    if (!offsets || offsets->size() != n) {
      {
        std::lock_guard lock(partitions[pi]->m);
        partitions[pi]->needs_catch_up = true;
      }
      auto e = offsets ? error::make(errc::internal, "append_mismatch", "the log acknowledged a different number of records")
                       : offsets.err();
      if (e.kind != errc::unavailable && e.kind != errc::timeout)
        e = error::make(errc::unavailable, "log_unavailable", "the event log could not store the events: " + e.message);
      for (auto& a : ok) complete(a.p, e);
      return;
    }
    appended.fetch_add(n);
    state_batch b;
    for (auto& [s, snap] : overlay) b.snapshots.emplace_back(s, std::move(snap));
    b.checkpoint[tp] = offsets->back() + 1;
    for (auto& a : ok) {
      if (a.records > 0)
        a.outcome.token = encode_token({{tp, (*offsets)[a.first_record + a.records - 1] + 1}});
      if (!a.p.key.empty() && a.records > 0)
        b.idempotency.emplace_back(a.p.key, idempotency_record{a.p.req.request_hash, a.stream, a.outcome.version,
                                                               a.outcome.token, a.outcome.state, a.outcome.created});
    }
    if (auto st = store.commit(b); !st) {
      // The events are durable; the cache is not. Rebuild it before the next batch.
      std::lock_guard lock(partitions[pi]->m);
      partitions[pi]->needs_catch_up = true;
    }
    for (auto& a : ok) complete(a.p, std::move(a.outcome));
  }

  void next(std::size_t pi) {
    auto& part = *partitions[pi];
    std::lock_guard lock(part.m);
    if (part.queue.empty()) {
      part.busy = false;
      return;
    }
    pool.post([this, pi] { drain(pi); });
  }
};

executor::executor(event_log& log, state_store& store, clock& clk, entropy& rnd,
                   std::vector<aggregate_kind> kinds, executor_options opts)
    : impl_(std::make_unique<impl>(log, store, clk, rnd, std::move(kinds), opts)) {}

executor::~executor() { stop(); }

status executor::start() { return impl_->catch_up({}); }

void executor::submit(command_request req, command_callback done) {
  impl_->submit(std::move(req), std::move(done));
}

void executor::stop() {
  if (impl_->stopping.exchange(true)) return;
  // Let queued and in-flight batches finish: their callbacks post to the pool.
  for (int i = 0; i < 1000; ++i) {
    bool idle = impl_->batches_in_flight.load() == 0;
    for (auto& p : impl_->partitions) {
      std::lock_guard lock(p->m);
      idle = idle && !p->busy;
    }
    if (idle) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  impl_->pool.stop();
}

executor_stats executor::stats() const { return {&impl_->append_latency, impl_->appended.load()}; }

std::string executor::new_id() {
  return make_ulid(static_cast<std::uint64_t>(impl_->clk.now_us() / 1000), impl_->rnd.random10());
}

}  // namespace chronicle::commands
