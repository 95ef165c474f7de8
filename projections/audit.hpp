#pragma once
// The `audit` read model: the trail of one data subject, newest first.
// "audit/<tenant>/<subject>/<occurred_at as 16 hex digits><event id>" → the
// entry's other fields (actor, role, action, route; compact, or rendered JSON
// as stored before), rendered as an AuditEntry when listed.
#include <memory>
#include <string>
#include <vector>

#include "projections/projection.hpp"

namespace chronicle::projections {

std::unique_ptr<projection> make_audit_projection();

struct audit_page {
  std::vector<std::string> items;  // rendered AuditEntry JSON objects
  std::string next_cursor;         // empty: no more
};

namespace audit_queries {
// REQUIRES: 1 <= limit <= 200. `cursor` is a next_cursor of an earlier page.
result<audit_page> list(kv_store& kv, std::string_view tenant, std::string_view subject,
                        std::string_view cursor, std::size_t limit);
}  // namespace audit_queries

}  // namespace chronicle::projections
