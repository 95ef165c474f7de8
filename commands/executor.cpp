#include "commands/executor.hpp"

#include <algorithm>
#include <array>
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

// The answer recorded for an Idempotency-Key, given again to a retry.
command_outcome replay_of(const idempotency_record& r) {
  return command_outcome{r.stream, r.version, r.token, r.state, r.created, true};
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
  std::vector<claim> acquired, released;  // uniqueness keys, settled with the append
  bool erased = false;                    // the command erased its subject
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
  pii_vault& vault;
  clock& clk;
  entropy& rnd;
  std::vector<aggregate_kind> kinds;
  std::vector<std::string> topics;  // distinct topics of `kinds`
  executor_options opts;
  std::uint32_t parts;
  std::vector<std::unique_ptr<partition>> partitions;  // topic index * parts + partition
  std::mutex idem_m;
  std::mutex id_m;
  std::uint64_t id_ms = 0;                 // guarded by id_m
  std::array<std::uint8_t, 10> id_random{};  // guarded by id_m
  std::unordered_map<std::string, inflight_key> inflight;
  std::mutex claim_m;
  std::unordered_map<std::string, std::string> reserved;  // claim key → entity id, while in flight
  histogram append_latency;
  std::atomic<std::uint64_t> appended{0};
  std::atomic<bool> stopping{false};
  std::atomic<std::size_t> batches_in_flight{0};
  thread_pool pool;

  impl(event_log& l, state_store& s, pii_vault& v, clock& c, entropy& r, std::vector<aggregate_kind> k,
       executor_options o)
      : log(l), store(s), vault(v), clk(c), rnd(r), kinds(std::move(k)), opts(o), parts(l.partitions()),
        pool(o.threads, "chronicle-exec") {
    for (auto& k : kinds)
      if (std::find(topics.begin(), topics.end(), k.topic) == topics.end()) topics.push_back(k.topic);
    for (std::size_t i = 0; i < topics.size() * parts; ++i)
      partitions.push_back(std::make_unique<partition>());
  }

  // One writer per topic-partition, whatever the categories sharing the topic.
  std::size_t topic_index(const std::string& topic) const {
    for (std::size_t i = 0; i < topics.size(); ++i)
      if (topics[i] == topic) return i;
    return topics.size();
  }
  const aggregate_kind* kind_of(std::string_view category) const {
    for (auto& k : kinds)
      if (k.category == category) return &k;
    return nullptr;
  }
  const aggregate_kind* kind_of_stream(std::string_view stream) const {
    return kind_of(stream.substr(0, stream.find('-')));
  }

  // Replaces a sealed pii object by its plaintext, or by erased_pii once the
  // subject's key is gone.
  status open_pii(event_envelope& env) {
    auto opened = vault.open(env.tenant, env.pii);
    if (!opened) return std::move(opened).err();
    env.pii = opened->value_or(std::string(erased_pii));
    return {};
  }

  std::vector<claim> claims_of(const aggregate_kind& k, std::string_view tenant, std::string_view state) {
    if (!k.claims || state.empty()) return {};
    auto c = k.claims(tenant, state);
    std::sort(c.begin(), c.end());
    return c;
  }

  // Claims in `after` but not in `before` (acquire) and the reverse (release).
  static std::pair<std::vector<claim>, std::vector<claim>> diff(const std::vector<claim>& before,
                                                               const std::vector<claim>& after) {
    std::vector<claim> acquire, release;
    std::set_difference(after.begin(), after.end(), before.begin(), before.end(), std::back_inserter(acquire));
    std::set_difference(before.begin(), before.end(), after.begin(), after.end(), std::back_inserter(release));
    return {acquire, release};
  }

  // Reserves `want` for entity `id` unless another entity holds one of them.
  // On success every key stays reserved until release_reserved().
  result<bool> reserve(const std::vector<claim>& want, const std::string& id) {
    std::lock_guard lock(claim_m);
    for (auto& c : want) {
      std::string owner;
      if (auto it = reserved.find(c.key); it != reserved.end()) {
        owner = it->second;
      } else {
        auto stored = store.find_claim(c.key);
        if (!stored) return std::move(stored).err();
        owner = stored->value_or("");
      }
      if (!owner.empty() && owner != id)
        return error{errc::already_exists, "duplicate_" + c.field,
                     c.field + " is already in use by " + owner,
                     {{c.field, "duplicate", "already used by " + owner}}, owner};
    }
    for (auto& c : want) reserved[c.key] = id;
    return true;
  }
  void release_reserved(const std::vector<claim>& keys) {
    std::lock_guard lock(claim_m);
    for (auto& c : keys) reserved.erase(c.key);
  }

  std::string new_event_id() { return make_uuid_v7(static_cast<std::uint64_t>(clk.now_us() / 1000), rnd.random10()); }

  // ---- catch-up: fold the log past the state store's checkpoint ----------
  status catch_up(const std::vector<topic_partition>& only) {
    auto ckpt = store.checkpoint();
    if (!ckpt) return std::move(ckpt).err();
    auto end = log.end_positions();
    if (!end) return std::move(end).err();
    positions from;
    positions target;  // where each selected tp must get to
    for (auto& [tp, e] : *end) {
      if (topic_index(tp.topic) >= topics.size()) continue;
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
    std::unordered_map<std::string, std::optional<std::string>> claim_changes;  // nullopt: released
    std::vector<std::string> purged;
    positions progress;
    auto flush = [&]() -> status {
      state_batch b;
      for (auto& [s, snap] : overlay) b.snapshots.emplace_back(s, snap);
      for (auto& [k, r] : idem) b.idempotency.emplace_back(k, r);
      for (auto& [k, owner] : claim_changes) {
        if (owner) b.claims.emplace_back(k, *owner);
        else b.released.push_back(k);
      }
      b.purged_streams = std::move(purged);
      b.checkpoint = progress;
      auto st = store.commit(b);
      overlay.clear();
      idem.clear();
      claim_changes.clear();
      purged.clear();
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
        if (env->stream_version == 0) continue;  // not an aggregate's event
        auto* kind = kind_of_stream(env->stream);
        if (!kind) continue;  // a category this writer does not own
        if (auto st = open_pii(*env); !st) return st;
        auto it = overlay.find(env->stream);
        if (it == overlay.end()) {
          auto loaded = store.load(env->stream);
          if (!loaded) return std::move(loaded).err();
          it = overlay.emplace(env->stream, loaded->value_or(stream_snapshot{})).first;
        }
        auto& snap = it->second;
        if (env->stream_version <= snap.version) continue;  // already folded
        auto before = snap.version;
        auto held = claims_of(*kind, env->tenant, snap.state);
        auto next = kind->evolve(snap.state, *env);
        if (!next) return std::move(next).err();
        snap.state = std::move(*next);
        snap.version = env->stream_version;
        auto [acquire, release] = diff(held, claims_of(*kind, env->tenant, snap.state));
        auto entity = env->stream.substr(env->stream.rfind('-') + 1);
        for (auto& c : release) claim_changes[c.key] = std::nullopt;
        for (auto& c : acquire) claim_changes[c.key] = entity;
        if (env->type == "subject.erased") {
          purged.push_back(env->stream);
          std::erase_if(idem, [&](auto& kv) { return kv.second.stream == env->stream; });
          continue;
        }
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
    auto* kind = kind_of(req.category);
    if (ti >= topics.size() || !kind || kind->topic != req.topic) {
      done(error::make(errc::internal, "unknown_category", "no writer for " + req.category + " in " + req.topic));
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
        done(replay_of(r));
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
    topic_partition tp{topics[ti], static_cast<std::uint32_t>(pi % parts)};
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
      // Personal data is sealed before anything else changes, so a vault
      // failure leaves nothing half-done.
      std::vector<std::string> sealed;
      std::optional<error> failure;
      for (auto& ev : d->events) {
        if (ev.subject.empty() || ev.pii.empty() || ev.pii == "{}") {
          sealed.push_back(ev.pii.empty() ? "{}" : ev.pii);
          continue;
        }
        auto s = vault.seal(p.req.tenant, ev.subject, ev.pii);
        if (!s) {
          failure = std::move(s).err();
          break;
        }
        sealed.push_back(std::move(*s));
      }
      if (failure) {
        complete(p, std::move(*failure));
        continue;
      }
      std::vector<claim> acquire, release;
      if (!d->events.empty()) {
        auto& kind = *kind_of(p.req.category);
        std::tie(acquire, release) = diff(claims_of(kind, p.req.tenant, snap.state),
                                          claims_of(kind, p.req.tenant, d->state));
        if (!acquire.empty()) {
          if (auto r = reserve(acquire, p.req.id); !r) {
            complete(p, std::move(r).err());
            continue;
          }
        }
      }
      accepted a{std::move(p), stream, append.records.size(), d->events.size(), {}, std::move(acquire),
                 std::move(release), false};
      auto before = snap.version;
      auto command_id = a.p.req.idempotency_key.empty() ? new_event_id() : a.p.req.idempotency_key;
      std::size_t event_index = 0;
      for (auto& ev : d->events) {
        a.erased |= ev.type == "subject.erased";
        event_envelope env;
        env.id = new_event_id();
        env.type = std::move(ev.type);
        env.schema_version = ev.schema_version;
        env.tenant = a.p.req.tenant;
        env.stream = stream;
        env.stream_version = ++snap.version;
        env.occurred_at = now;
        env.actor = a.p.req.actor;
        env.actor_role = a.p.req.actor_role;
        env.command_id = command_id;
        if (!a.p.req.idempotency_key.empty()) env.command_hash = a.p.req.request_hash;
        env.correlation_id = a.p.req.correlation_id;
        env.data = std::move(ev.data);
        env.pii = std::move(sealed[event_index++]);
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
    if (auto st = vault.sync(); !st) {
      for (auto& a : ok) {
        release_reserved(a.acquired);
        complete(a.p, error::make(errc::unavailable, "vault_unavailable", "the key vault could not store keys: " + st.err().message));
      }
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
      for (auto& a : ok) {
        release_reserved(a.acquired);
        complete(a.p, e);
      }
      return;
    }
    appended.fetch_add(n);
    state_batch b;
    for (auto& [s, snap] : overlay) b.snapshots.emplace_back(s, std::move(snap));
    b.checkpoint[tp] = offsets->back() + 1;
    for (auto& a : ok) {
      if (a.records > 0)
        a.outcome.token = encode_token({{tp, (*offsets)[a.first_record + a.records - 1] + 1}});
      for (auto& c : a.released) b.released.push_back(c.key);
      for (auto& c : a.acquired) b.claims.emplace_back(c.key, a.p.req.id);
      if (a.erased) b.purged_streams.push_back(a.stream);
      else if (!a.p.key.empty() && a.records > 0)
        b.idempotency.emplace_back(a.p.key, idempotency_record{a.p.req.request_hash, a.stream, a.outcome.version,
                                                               a.outcome.token, a.outcome.state, a.outcome.created});
    }
    auto committed = store.commit(b);
    for (auto& a : ok) release_reserved(a.acquired);
    if (!committed) {
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

executor::executor(event_log& log, state_store& store, pii_vault& vault, clock& clk, entropy& rnd,
                   std::vector<aggregate_kind> kinds, executor_options opts)
    : impl_(std::make_unique<impl>(log, store, vault, clk, rnd, std::move(kinds), opts)) {}

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

result<std::optional<command_outcome>> executor::answered(const std::string& tenant, const std::string& idempotency_key,
                                                          const std::string& request_hash) {
  if (idempotency_key.empty()) return std::optional<command_outcome>{};
  auto rec = impl_->store.find_idempotency(scoped_key(tenant, idempotency_key));
  if (!rec) return std::move(rec).err();
  if (!*rec) return std::optional<command_outcome>{};
  auto& r = **rec;
  if (r.request_hash != request_hash) return impl::mismatch();
  return std::optional<command_outcome>{replay_of(r)};
}

// Within one millisecond (or if the clock steps back) an id is the previous
// one plus one, so the ids one server makes sort in the order it made them:
// lists in id order show what was created in the order it was created.
std::string executor::new_id() {
  auto ms = static_cast<std::uint64_t>(impl_->clk.now_us() / 1000);
  std::lock_guard lock(impl_->id_m);
  bool carry = ms <= impl_->id_ms;
  if (carry) {
    for (auto b = impl_->id_random.rbegin(); b != impl_->id_random.rend() && carry; ++b) carry = ++*b == 0;
    if (!carry) return make_ulid(impl_->id_ms, impl_->id_random);
  }
  // A new millisecond (or, once in 2^80, a random part that ran over).
  impl_->id_ms = std::max(ms, impl_->id_ms);
  impl_->id_random = impl_->rnd.random10();
  return make_ulid(impl_->id_ms, impl_->id_random);
}

}  // namespace chronicle::commands
