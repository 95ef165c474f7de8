#pragma once
// Wire format of audit records (events/audit.recorded.v1.json), and the one
// field the audit trail takes from customer events. Neither reads `pii`: the
// trail names subjects by id only, so it holds no personal data and keeps
// working whether a subject's pii is sealed, open or erased.
#include <string>
#include <string_view>

#include "domain/envelope.hpp"
#include "domain/result.hpp"

namespace chronicle::schemas::audit_codec {

inline constexpr std::string_view recorded_type = "audit.recorded";

struct recorded {
  std::string subject;  // a customer id
  std::string actor;
  std::string role;     // empty: unknown
  std::string action;
  std::string route;
};

// The `data` object of an audit.recorded envelope.
std::string encode_recorded(const recorded& r);
result<recorded> decode_recorded(const event_envelope& e);

// data.customer_id of an event of the customers topic (customer.registered,
// customer.updated, subject.erased).
result<std::string> customer_subject(const event_envelope& e);

}  // namespace chronicle::schemas::audit_codec
