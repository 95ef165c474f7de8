#include "api/http/audited.hpp"

#include <mutex>
#include <optional>

namespace chronicle::api {

commands::audit_entry read_entry(const request_scope& r, std::string subject, std::string action, std::string route) {
  return {r.who.tenant, std::move(subject), r.who.key_id, std::string(access::role_name(r.who.role)),
          std::move(action), std::move(route)};
}

namespace {

// What audited_early waits for: the append's outcome and the answer, in
// either order (the append settles on the log's thread).
struct audit_gate {
  std::mutex m;
  std::optional<status> recorded;    // guarded by m
  std::optional<http_response> resp;  // guarded by m
  reply done;

  void finish(const status& st, http_response r) {
    if (!st)
      return done(problem(error::make(errc::unavailable, "audit_unavailable",
                                      "the audit trail could not be written: " + st.err().message)));
    done(std::move(r));
  }
};

}  // namespace

reply audited_early(commands::audit_trail& trail, std::vector<commands::audit_entry> entries, reply done) {
#ifdef CHRONICLE_BENCH_UNAUDITED_READS
  // A benchmark-only build (tests/bench/README.md): the same read without
  // its audit entry, the baseline that prices the audit trail.
  (void)trail;
  (void)entries;
  return done;
#endif
  auto g = std::make_shared<audit_gate>();
  g->done = std::move(done);
  trail.record(std::move(entries), [g](status st) {
    std::optional<http_response> ready;
    {
      std::lock_guard lock(g->m);
      g->recorded = st;
      ready.swap(g->resp);
    }
    if (ready) g->finish(st, std::move(*ready));
  });
  return [g](http_response resp) {
    std::optional<status> st;
    {
      std::lock_guard lock(g->m);
      if (g->recorded) st = *g->recorded;
      else g->resp = std::move(resp);
    }
    if (st) g->finish(*st, std::move(resp));
  };
}

void audited(app_services& s, std::vector<commands::audit_entry> entries, http_response resp, reply done) {
  audited_early(s.audit, std::move(entries), std::move(done))(std::move(resp));
}

}  // namespace chronicle::api
