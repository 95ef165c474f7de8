#pragma once
// The envelope every stored event travels in (DESIGN.md §3). `data` and `pii`
// hold JSON objects already encoded by schemas/: non-personal fields in data,
// personal fields in pii (encrypted per data subject once the vault is wired).
#include <cstdint>
#include <string>

namespace chronicle {

struct event_envelope {
  std::string id;               // UUIDv7
  std::string type;             // "customer.registered"
  int schema_version = 1;
  std::string tenant;
  std::string stream;           // "customer-acme-01J..."
  std::uint64_t stream_version = 0;  // 1-based
  std::int64_t occurred_at = 0;      // µs since the epoch, UTC
  std::string actor;            // api key id, user or system job
  std::string actor_role;       // the actor's role when it acted ("staff"), if any
  std::string command_id;       // the Idempotency-Key when given, else a fresh id
  std::string command_hash;     // hash of the request that carried command_id
  std::string correlation_id;
  std::string causation_id;
  std::string data = "{}";      // JSON object
  std::string pii = "{}";       // JSON object
};

}  // namespace chronicle
