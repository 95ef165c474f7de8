#include "api/http/audited.hpp"

namespace chronicle::api {

commands::audit_entry read_entry(const request_scope& r, std::string subject, std::string action, std::string route) {
  return {r.who.tenant, std::move(subject), r.who.key_id, std::string(access::role_name(r.who.role)),
          std::move(action), std::move(route)};
}

void audited(app_services& s, std::vector<commands::audit_entry> entries, http_response resp, reply done) {
#ifdef CHRONICLE_BENCH_UNAUDITED_READS
  // A benchmark-only build (tests/bench/README.md): the same read without
  // its audit entry, the baseline that prices the audit trail.
  (void)s;
  (void)entries;
  return done(std::move(resp));
#endif
  s.audit.record(std::move(entries), [resp = std::move(resp), done = std::move(done)](status st) mutable {
    if (!st) return done(problem(error::make(errc::unavailable, "audit_unavailable",
                                             "the audit trail could not be written: " + st.err().message)));
    done(std::move(resp));
  });
}

}  // namespace chronicle::api
