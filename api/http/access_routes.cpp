// API key routes (admin): issue, list, revoke. A key is usable as soon as the
// create call answers: the answer waits for the access view.
#include "api/http/handlers.hpp"
#include "commands/access_commands.hpp"
#include "domain/ids.hpp"
#include "projections/access.hpp"
#include "projections/customers.hpp"
#include "schemas/access_codec.hpp"

namespace chronicle::api::handlers {
namespace codec = schemas::access_codec;
namespace ac = commands::access_commands;

namespace {
http_response key_not_found() { return problem(404, "api_key_not_found", "no API key with this id"); }
}  // namespace

void create_api_key(app_services& s, const request_scope& r, reply done) {
  if (auto bad = require_json(r.req)) return done(std::move(*bad));
  auto body = codec::parse_create_key(r.req.body);
  if (!body) return done(problem(body.err()));
  if (body->role == access::role::portal && is_ulid(body->customer_id)) {
    auto c = projections::customer_queries::get(s.views, r.who.tenant, body->customer_id);
    if (!c) return done(problem(c.err()));
    if (!*c)
      return done(problem(error::invalid("validation_failed", "the customer does not exist",
                                         {{"customer_id", "not_found", "no customer with this id in your tenant"}})));
  }
  auto key = ac::generate_key(s.exec, s.entropy);
  access::issue_api_key cmd{key.id, r.who.tenant, body->customer_id,
                            s.vault.blind_index("", "api_key", key.secret), body->label, body->role};
  s.exec.submit(ac::issue_key(meta_of(r, {}, "/v1/api-keys"), std::move(cmd)),
                [&s, full = key.full, done = std::move(done)](result<commands::command_outcome> o) mutable {
                  if (!o) return done(problem(o.err()));
                  auto k = codec::decode_key(o->state);
                  if (!k) return done(problem(k.err()));
                  auto resp = json_response(201, codec::render_key(*k, full));
                  resp.headers.emplace_back("Location", "/v1/api-keys/" + k->id);
                  resp.headers.emplace_back("Cache-Control", "no-store");
                  after_views_reach(s, o->token, [resp = std::move(resp), done = std::move(done)](bool) mutable {
                    done(std::move(resp));
                  });
                });
}

void list_api_keys(app_services& s, const request_scope& r, reply done) {
  std::size_t limit;
  std::string cursor;
  if (auto bad = page_params(r.req, limit, cursor)) return done(std::move(*bad));
  if (!cursor.empty() && !is_ulid(cursor))
    return done(problem(error::invalid("invalid_cursor", "the cursor is not one this server issued",
                                       {{"cursor", "invalid_cursor", "use next_cursor from a previous page"}})));
  auto keys = projections::access_queries::list_keys(s.views, r.who.tenant);
  if (!keys) return done(problem(keys.err()));
  page_writer w;
  std::size_t n = 0;
  std::string last;
  for (auto& k : *keys) {
    if (!cursor.empty() && k.id <= cursor) continue;
    if (n == limit) break;
    w.item(codec::render_key(k));
    last = k.id;
    ++n;
  }
  bool more = n == limit && !keys->empty() && keys->back().id != last;
  done(json_response(200, w.finish(more ? last : std::string{})));
}

void revoke_api_key(app_services& s, const request_scope& r, reply done) {
  if (!is_ulid(r.id)) return done(key_not_found());
  auto k = projections::access_queries::find_key(s.views, r.id);
  if (!k) return done(problem(k.err()));
  if (!*k || (*k)->tenant != r.who.tenant) return done(key_not_found());
  s.exec.submit(ac::revoke_key(meta_of(r, {}, "/v1/api-keys/" + r.id), access::revoke_api_key{r.id}),
                [&s, done = std::move(done)](result<commands::command_outcome> o) mutable {
                  if (!o) return done(problem(o.err()));
                  auto key = codec::decode_key(o->state);
                  if (!key) return done(problem(key.err()));
                  auto resp = json_response(200, codec::render_key(*key));
                  after_views_reach(s, o->token, [resp = std::move(resp), done = std::move(done)](bool) mutable {
                    done(std::move(resp));
                  });
                });
}

}  // namespace chronicle::api::handlers
