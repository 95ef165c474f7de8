// GET /v1/audit?subject=ID: the trail of one data subject (admin, auditor).
#include "api/http/handlers.hpp"
#include "domain/ids.hpp"
#include "projections/audit.hpp"
#include "schemas/json_writer.hpp"

namespace chronicle::api::handlers {

void list_audit(app_services& s, const request_scope& r, reply done) {
  std::size_t limit;
  std::string cursor;
  if (auto bad = page_params(r.req, limit, cursor, {"subject"})) return done(std::move(*bad));
  auto* subject = r.req.query_param("subject");
  if (!subject || !is_ulid(*subject))
    return done(problem(error::invalid("invalid_parameter", "name the data subject: ?subject=<customer id>",
                                       {{"subject", subject ? "invalid_format" : "required", "a customer id"}})));
  auto page = projections::audit_queries::list(s.views, r.who.tenant, *subject, cursor, limit);
  if (!page) return done(problem(page.err()));
  page_writer w;
  for (auto& entry : page->items) w.item(entry);
  done(json_response(200, w.finish(page->next_cursor)));
}

}  // namespace chronicle::api::handlers
