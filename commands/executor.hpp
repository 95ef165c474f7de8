#pragma once
// The single writer of every partition. Commands for streams of one
// topic-partition are decided one after another against the latest state;
// whatever queued up while the previous append was in flight is decided and
// appended as one batch (group commit from the caller's side), so throughput
// grows with load while each stream keeps a strict version order.
//
// Thread-safety: submit() may be called from any thread; callbacks run on the
// executor's worker threads and must not block.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "commands/histogram.hpp"
#include "commands/ports/clock.hpp"
#include "commands/ports/event_log.hpp"
#include "commands/ports/pii_vault.hpp"
#include "commands/ports/state_store.hpp"
#include "domain/envelope.hpp"
#include "schemas/encoded_event.hpp"

namespace chronicle::commands {

struct decision {
  std::vector<schemas::encoded_event> events;  // may be empty: nothing changed
  std::string state;                           // the aggregate state after them
};

struct command_request {
  std::string tenant;
  std::string category;  // stream category: "customer"
  std::string topic;     // "customers"
  std::string id;        // entity id; the stream is category-tenant-id
  std::optional<std::uint64_t> expected_version;  // If-Match
  std::string idempotency_key;                    // the client's key, or empty
  std::string request_hash;
  std::string actor;
  std::string actor_role;
  std::string correlation_id;
  std::function<result<decision>(const stream_snapshot& current, std::int64_t now_us)> decide;
};

// Who asks, and how to recognise a retry.
struct command_meta {
  std::string tenant;
  std::string actor;
  std::string actor_role;
  std::string idempotency_key;
  std::string request_hash;
  std::string correlation_id;

  // A request for stream <category>-<tenant>-<id> of `topic`, carrying this
  // metadata; the handler fills in `decide` (and the expected version).
  command_request request(std::string_view category, std::string_view topic, std::string id) const {
    command_request r;
    r.tenant = tenant;
    r.category = std::string(category);
    r.topic = std::string(topic);
    r.id = std::move(id);
    r.idempotency_key = idempotency_key;
    r.request_hash = request_hash;
    r.actor = actor;
    r.actor_role = actor_role;
    r.correlation_id = correlation_id;
    return r;
  }
};

struct command_outcome {
  std::string stream;
  std::uint64_t version = 0;
  std::string token;  // position token; empty when nothing was appended
  std::string state;
  bool created = false;   // the command started the stream
  bool replayed = false;  // answered from an Idempotency-Key record
};

using command_callback = std::function<void(result<command_outcome>)>;

// A uniqueness claim a state holds: the key ("acme/email/<blind index>") and
// the request field it comes from, for the error a competing command gets.
struct claim {
  std::string key;
  std::string field;
  auto operator<=>(const claim&) const = default;
};

// How the command side treats one category of stream.
struct aggregate_kind {
  std::string category;
  std::string topic;
  // Folds one stored event (its pii already opened) into the state (catch-up).
  std::function<result<std::string>(std::string_view state, const event_envelope& e)> evolve;
  // The uniqueness claims a state holds (may be empty). Claims are diffed
  // between the state before and after a command: new ones are acquired
  // (or the command is rejected), dropped ones are released.
  std::function<std::vector<claim>(std::string_view tenant, std::string_view state)> claims;
};

struct executor_options {
  std::size_t threads = 2;
  std::size_t max_batch = 1024;          // commands decided per append
  std::size_t max_queue = 20000;         // per partition; beyond it: unavailable
};

struct executor_stats {
  const histogram* append_latency;
  std::uint64_t appended_events;
};

class executor {
 public:
  // Every event's `pii` is sealed with `vault` for its subject before it is
  // appended, and opened again when the log is folded.
  executor(event_log& log, state_store& store, pii_vault& vault, clock& clk, entropy& rnd,
           std::vector<aggregate_kind> kinds, executor_options opts = {});
  ~executor();
  executor(const executor&) = delete;
  executor& operator=(const executor&) = delete;

  // Brings the state store up to the end of the log. REQUIRES: before submit().
  status start();
  void submit(command_request req, command_callback done);
  // Finishes what is in flight and refuses new commands.
  void stop();
  executor_stats stats() const;

  // The answer already recorded for this Idempotency-Key (replayed = true),
  // none when the key is new or empty, or idempotency_key_reused when it was
  // used with another request. For multi-step processes that must not redo
  // their first steps on a retry.
  result<std::optional<command_outcome>> answered(const std::string& tenant, const std::string& idempotency_key,
                                                  const std::string& request_hash);
  // A fresh ULID for a new entity; the ids of one executor increase in the
  // order they are made, also within a millisecond.
  std::string new_id();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace chronicle::commands
