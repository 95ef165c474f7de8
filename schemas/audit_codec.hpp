#pragma once
// Wire format of audit records (events/audit.recorded.v1.json), and the one
// field the audit trail takes from customer events. Neither reads `pii`: the
// trail names subjects by id only, so it holds no personal data and keeps
// working whether a subject's pii is sealed, open or erased.
#include <string>
#include <string_view>
#include <vector>

#include "domain/envelope.hpp"
#include "domain/result.hpp"

namespace chronicle::schemas::audit_codec {

inline constexpr std::string_view recorded_type = "audit.recorded";

// One audit entry. A record carries the entries of one flush (of one tenant
// and partition): the log, its readers and the projection pay per record,
// not per read.
struct recorded {
  std::string id;        // UUIDv7 of the entry
  std::int64_t at = 0;   // µs since the epoch
  std::string subject;   // a customer id
  std::string actor;
  std::string role;      // empty: unknown
  std::string action;
  std::string route;
};

// The `data` object of an audit.recorded envelope: {"entries": [...]}.
std::string encode_recorded(const std::vector<recorded>& entries);
result<std::vector<recorded>> decode_recorded(const event_envelope& e);

// data.customer_id of an event of the customers topic (customer.registered,
// customer.updated, subject.erased).
result<std::string> customer_subject(const event_envelope& e);

}  // namespace chronicle::schemas::audit_codec
