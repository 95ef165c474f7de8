#include "commands/audit.hpp"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "domain/ids.hpp"
#include "domain/thread_name.hpp"
#include "schemas/audit_codec.hpp"
#include "schemas/envelope_codec.hpp"

namespace chronicle::commands {
namespace {

using steady = std::chrono::steady_clock;

constexpr std::string_view audit_topic = "compliance";
// Bounds the appends a slow log holds at once; meanwhile the queue grows
// into full batches, which is what a slow log copes with best.
constexpr std::size_t max_appends_in_flight = 64;
constexpr auto stop_bound = std::chrono::seconds(10);

error unavailable(std::string message) {
  return error::make(errc::unavailable, "audit_unavailable", std::move(message));
}

// One record() call: acknowledged when the last of its entries is settled.
struct call {
  std::mutex m;
  std::size_t remaining;
  std::optional<error> failure;
  std::function<void(status)> done;

  call(std::size_t n, std::function<void(status)> d) : remaining(n), done(std::move(d)) {}

  void settle(std::size_t n, const error* e) {
    std::function<void(status)> fire;
    std::optional<error> failed;
    {
      std::lock_guard lock(m);
      if (e && !failure) failure = *e;
      remaining -= n;
      if (remaining > 0) return;
      fire = std::move(done);
      failed = std::move(failure);
    }
    if (failed) fire(std::move(*failed));
    else fire(status{});
  }
};

struct queued {
  std::shared_ptr<call> owner;
  std::string tenant;
  schemas::audit_codec::recorded entry;
  steady::time_point since;
};

// Shared with append callbacks, which may outlive the trail when a log
// completes after stop() gave up waiting for it.
struct state {
  std::mutex m;
  std::condition_variable wake;     // the worker: entries queued, or stopping
  std::condition_variable settled;  // an append completed, or the worker exited
  std::deque<queued> queue;
  std::size_t in_flight = 0;  // appends issued and not completed
  bool stopping = false;
  bool abandon = false;  // stop() ran out of time: fail what is left
  bool worker_exited = false;
};

struct owner_count {
  std::shared_ptr<call> owner;
  std::size_t entries;
};

// A log error reaches callers as unavailable: whatever the cause, the entries
// are not written and the request that needed them must not proceed.
std::optional<error> append_failure(const result<std::vector<std::uint64_t>>& offsets, std::size_t expected) {
  if (offsets) {
    if (offsets->size() == expected) return std::nullopt;
    return unavailable("the event log acknowledged a different number of audit records");
  }
  auto& e = offsets.err();
  if (e.kind == errc::unavailable || e.kind == errc::timeout) return e;
  return unavailable("the event log could not store audit records: " + e.message);
}

}  // namespace

struct audit_trail::impl {
  event_log& log;
  clock& clk;
  entropy& rnd;
  audit_options opts;
  std::uint32_t parts;
  std::uint32_t next_partition = 0;  // guarded by st->m
  std::shared_ptr<state> st = std::make_shared<state>();
  std::mutex stop_m;
  std::thread worker;

  impl(event_log& l, clock& c, entropy& r, audit_options o)
      : log(l), clk(c), rnd(r), opts(o), parts(std::max<std::uint32_t>(1, l.partitions())) {
    if (opts.max_batch == 0) opts.max_batch = 1;
    worker = std::thread([this] {
      name_this_thread("chronicle-audit");
      run();
    });
  }

  static bool valid(const audit_entry& e) {
    return is_tenant_id(e.tenant) && is_ulid(e.subject) && !e.actor.empty() && !e.action.empty() &&
           !e.route.empty();
  }

  // Each entry gets its id and time when it is recorded, on the caller's thread.
  schemas::audit_codec::recorded entry_of(audit_entry a) {
    auto at = clk.now_us();
    return {make_uuid_v7(static_cast<std::uint64_t>(at / 1000), rnd.random10()), at, std::move(a.subject),
            std::move(a.actor), std::move(a.role), std::move(a.action), std::move(a.route)};
  }

  // One log record for all entries of a flush that share a tenant: the log,
  // its readers and the projection pay per record, not per read. Entries are
  // ordered by their own time, not by log position, so any partition will
  // do; successive flushes rotate over them to spread a busy tenant's load.
  log_append::record encode(const std::string& tenant, std::uint32_t partition,
                            const std::vector<schemas::audit_codec::recorded>& entries) {
    event_envelope env;
    env.occurred_at = clk.now_us();
    env.id = make_uuid_v7(static_cast<std::uint64_t>(env.occurred_at / 1000), rnd.random10());
    env.type = std::string(schemas::audit_codec::recorded_type);
    env.schema_version = 1;
    env.tenant = tenant;
    env.stream = stream_name("audit", tenant, "p" + std::to_string(partition));
    env.stream_version = 0;
    env.actor = "audit_trail";
    env.actor_role = "system";
    env.command_id = env.id;
    env.data = schemas::audit_codec::encode_recorded(entries);
    env.pii = "{}";
    auto stream = env.stream;
    return {std::move(stream), schemas::encode_envelope(env)};
  }

  void record(std::vector<audit_entry> entries, std::function<void(status)> done) {
    if (entries.empty()) return done(status{});
    for (auto& e : entries)
      if (!valid(e))
        return done(error::invalid("invalid_audit_entry",
                                   "an audit entry needs a tenant id, a customer id as subject, an actor, "
                                   "an action and a route"));
    auto owner = std::make_shared<call>(entries.size(), std::move(done));
    std::vector<queued> items;
    items.reserve(entries.size());
    auto now = steady::now();
    for (auto& e : entries) {
      auto tenant = e.tenant;
      items.push_back({owner, std::move(tenant), entry_of(std::move(e)), now});
    }
    bool refused = false, notify = false;
    {
      std::lock_guard lock(st->m);
      if (st->stopping) {
        refused = true;
      } else {
        auto before = st->queue.size();
        for (auto& q : items) st->queue.push_back(std::move(q));
        // The worker waits either for a first entry or for a full batch.
        notify = before == 0 || (before < opts.max_batch && st->queue.size() >= opts.max_batch);
      }
    }
    if (refused) {
      auto e = unavailable("the audit trail is stopped");
      return owner->settle(entries.size(), &e);
    }
    if (notify) st->wake.notify_one();
  }

  void run() {
    std::unique_lock lock(st->m);
    for (;;) {
      if (st->queue.empty()) {
        if (st->stopping) break;
        st->wake.wait(lock, [&] { return !st->queue.empty() || st->stopping; });
        continue;
      }
      // Flush at once when the log is idle; while an append is in flight,
      // let entries gather (up to max_delay or a full batch): batches grow
      // with load, and a lone read pays no waiting time.
      if (!st->stopping && st->queue.size() < opts.max_batch && st->in_flight > 0) {
        auto deadline = st->queue.front().since + opts.max_delay;
        st->wake.wait_until(lock, deadline, [&] {
          return st->stopping || st->queue.size() >= opts.max_batch || st->in_flight == 0;
        });
      }
      st->settled.wait(lock, [&] { return st->in_flight < max_appends_in_flight || st->abandon; });
      if (st->abandon) break;
      std::vector<queued> batch;
      auto n = std::min(opts.max_batch, st->queue.size());
      batch.reserve(n);
      for (std::size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(st->queue.front()));
        st->queue.pop_front();
      }
      flush(std::move(batch), lock);
    }
    std::deque<queued> left;
    left.swap(st->queue);
    st->worker_exited = true;
    lock.unlock();
    st->settled.notify_all();
    auto e = unavailable("the audit trail stopped before these entries were written");
    for (auto& q : left) q.owner->settle(1, &e);
  }

  // REQUIRES: `lock` holds st->m; it is released while the appends are issued.
  void flush(std::vector<queued> batch, std::unique_lock<std::mutex>& lock) {
    struct group {
      std::vector<schemas::audit_codec::recorded> entries;
      std::vector<owner_count> owners;
    };
    std::map<std::string, group> groups;
    for (auto& q : batch) {
      auto& g = groups[q.tenant];
      g.entries.push_back(std::move(q.entry));
      if (!g.owners.empty() && g.owners.back().owner == q.owner) ++g.owners.back().entries;
      else g.owners.push_back({std::move(q.owner), 1});
    }
    st->in_flight += groups.size();
    auto first = next_partition;
    next_partition = (next_partition + 1) % parts;
    lock.unlock();
    std::uint32_t i = 0;
    for (auto& [tenant, g] : groups) {
      auto partition = (first + i++) % parts;
      log_append append{{std::string(audit_topic), partition}, {encode(tenant, partition, g.entries)}};
      std::size_t n = 1;
      log.append(std::move(append), [s = st, n, owners = std::move(g.owners)](auto offsets) {
        auto e = append_failure(offsets, n);
        for (auto& o : owners) o.owner->settle(o.entries, e ? &*e : nullptr);
        {
          std::lock_guard l(s->m);
          --s->in_flight;
        }
        s->settled.notify_all();
        s->wake.notify_one();
      });
    }
    lock.lock();
  }

  void stop() {
    std::lock_guard once(stop_m);
    if (!worker.joinable()) return;
    {
      std::lock_guard lock(st->m);
      st->stopping = true;
    }
    st->wake.notify_all();
    st->settled.notify_all();
    {
      std::unique_lock lock(st->m);
      bool drained = st->settled.wait_for(lock, stop_bound, [&] { return st->worker_exited && st->in_flight == 0; });
      if (!drained) st->abandon = true;
    }
    st->settled.notify_all();
    worker.join();
  }
};

audit_trail::audit_trail(event_log& log, clock& clk, entropy& rnd, audit_options opts)
    : impl_(std::make_unique<impl>(log, clk, rnd, opts)) {}

audit_trail::~audit_trail() { stop(); }

void audit_trail::record(std::vector<audit_entry> entries, std::function<void(status)> done) {
  impl_->record(std::move(entries), std::move(done));
}

void audit_trail::stop() { impl_->stop(); }

}  // namespace chronicle::commands
