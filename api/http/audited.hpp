#pragma once
// Reads of personal data are recorded in the audit trail before the data
// leaves (fail closed): a read that cannot be recorded is refused with 503
// `audit_unavailable`. Shared by every route that reads a person's data.
#include <string>
#include <vector>

#include "api/http/handlers.hpp"

namespace chronicle::api {

// An entry for a read by the caller of `r` about `subject` (a customer id).
commands::audit_entry read_entry(const request_scope& r, std::string subject, std::string action, std::string route);
// Sends `resp` once `entries` are durable; without them, no data.
void audited(app_services& s, std::vector<commands::audit_entry> entries, http_response resp, reply done);
// For a read whose subjects are known before their data is read: starts
// recording `entries` at once and returns the reply to answer through. The
// answer leaves once it is given and the entries are durable, so the
// append's fsync overlaps the reading and rendering instead of following
// them. The entries stay recorded if the read then fails.
reply audited_early(commands::audit_trail& trail, std::vector<commands::audit_entry> entries, reply done);

}  // namespace chronicle::api
