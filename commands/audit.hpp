#pragma once
// The audit trail: who read or changed whose personal data, when. Entries are
// appended to the event log (topic "compliance", stream
// audit-<tenant>-<subject>, type "audit.recorded") in batches shared by all
// callers, so recording every read costs a fraction of a log append each.
//
// Thread-safety: record() may be called from any thread; `done` runs on the
// trail's own thread (or the log's) and must not block.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "commands/ports/clock.hpp"
#include "commands/ports/event_log.hpp"

namespace chronicle::commands {

struct audit_entry {
  std::string tenant;
  std::string subject;  // the data subject: a customer id
  std::string actor;    // the API key id (or "system", "cli")
  std::string role;     // the actor's role
  std::string action;   // "read", "register", "update", "erase", "list"
  std::string route;    // route name or command: "customers.get"
};

struct audit_options {
  std::size_t max_batch = 1024;                   // entries per flush at most
  std::chrono::microseconds max_delay{1000};      // how long an entry may wait for company while an append is in flight
};

class audit_trail {
 public:
  audit_trail(event_log& log, clock& clk, entropy& rnd, audit_options opts = {});
  ~audit_trail();
  audit_trail(const audit_trail&) = delete;
  audit_trail& operator=(const audit_trail&) = delete;

  // `done` is called once, after all of `entries` are durable (or with the
  // error that prevented it). An empty list completes at once.
  void record(std::vector<audit_entry> entries, std::function<void(status)> done);
  // Flushes what is queued and stops; later record() calls fail with unavailable.
  void stop();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace chronicle::commands
