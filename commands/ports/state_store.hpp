#pragma once
// Port: the command side's cache of stream versions and state snapshots, its
// idempotency records and the log position it reflects. Events are the truth;
// this store is rebuilt from the log tail after a restart.
// Thread-safety: every method may be called from any thread.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/log.hpp"

namespace chronicle::commands {

struct stream_snapshot {
  std::uint64_t version = 0;  // 0: the stream has no events
  std::string state;          // the aggregate's state, encoded by its codec
};

struct idempotency_record {
  std::string request_hash;
  std::string stream;
  std::uint64_t version = 0;
  std::string token;
  std::string state;  // the aggregate state the original response rendered
  bool created = false;
};

struct state_batch {
  std::vector<std::pair<std::string, stream_snapshot>> snapshots;      // by stream
  std::vector<std::pair<std::string, idempotency_record>> idempotency;  // by scoped key
  std::vector<std::pair<std::string, std::string>> claims;  // uniqueness key → owning entity id
  std::vector<std::string> released;                        // uniqueness keys set free
  std::vector<std::string> purged_streams;  // erased: drop their idempotency records
  positions checkpoint;  // advanced entries only
};

class state_store {
 public:
  virtual ~state_store() = default;
  virtual result<std::optional<stream_snapshot>> load(std::string_view stream) = 0;
  virtual result<std::optional<idempotency_record>> find_idempotency(std::string_view key) = 0;
  // Atomic: all of the batch or none of it.
  virtual status commit(const state_batch& batch) = 0;
  virtual result<positions> checkpoint() = 0;
  // The entity holding a uniqueness key ("acme/email/<blind index>"), if any.
  virtual result<std::optional<std::string>> find_claim(std::string_view key) = 0;
  // Rewrites storage files so that overwritten and deleted values are gone
  // from disk (after an erasure).
  virtual status compact() = 0;
};

}  // namespace chronicle::commands
