// Customer routes: register, read, list, update, erase.
// Reads are audited before the data leaves (fail closed); changes are
// audited from their events by the audit projection, at no extra cost.
#include "api/http/handlers.hpp"
#include "domain/ids.hpp"
#include "projections/customers.hpp"
#include "schemas/customer_codec.hpp"
#include "schemas/json_writer.hpp"

namespace chronicle::api::handlers {
namespace codec = schemas::customer_codec;
using access::role;

namespace {

http_response not_found() { return problem(404, "customer_not_found", "no customer with this id"); }

// Portal keys act for one customer only.
std::optional<http_response> portal_scope(const request_scope& r) {
  if (r.who.role == role::portal && r.id != r.who.customer_id)
    return problem(403, "forbidden", "a portal key may only reach its own customer");
  return std::nullopt;
}

// Analysts see stable tokens instead of personal values.
customers::customer for_role(app_services& s, const access::principal& who, customers::customer c) {
  if (who.role != role::analyst || c.erased) return c;
  auto token = [&](const std::string& v) {
    return v.empty() ? v : "anon_" + s.vault.blind_index(who.tenant, "pseudonym", v).substr(0, 16);
  };
  c.name = token(c.name);
  c.email = token(c.email);
  c.phone = token(c.phone);
  return c;
}

// The answer to a write: the resource, its version as ETag, the position token.
http_response written(const result<commands::command_outcome>& r, int created_status) {
  if (!r) {
    if (r.err().code == "not_found") return not_found();
    return problem(r.err());
  }
  auto& o = r.value();
  auto state = codec::decode_state(o.state);
  if (!state) return problem(state.err());
  auto resp = json_response(o.created ? created_status : 200, codec::render(*state, o.version));
  resp.headers.emplace_back("ETag", "\"" + std::to_string(o.version) + "\"");
  resp.headers.emplace_back("Location", "/v1/customers/" + state->id);
  if (!o.token.empty()) resp.headers.emplace_back("Consistency-Token", o.token);
  if (o.replayed) resp.headers.emplace_back("Idempotent-Replayed", "true");
  return resp;
}

commands::audit_entry read_entry(const request_scope& r, std::string subject, std::string action, std::string route) {
  return {r.who.tenant, std::move(subject), r.who.key_id, std::string(access::role_name(r.who.role)),
          std::move(action), std::move(route)};
}

// Sends `resp` once the audit entries are durable; without them, no data.
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

}  // namespace

void register_customer(app_services& s, const request_scope& r, reply done) {
  if (auto bad = require_json(r.req)) return done(std::move(*bad));
  std::string key;
  if (auto bad = idempotency_key(r.req, key)) return done(std::move(*bad));
  auto cmd = codec::parse_register(r.req.body);
  if (!cmd) return done(problem(cmd.err()));
  cmd->id = s.exec.new_id();
  s.exec.submit(commands::customer_commands::register_customer(meta_of(r, std::move(key), "/v1/customers"), std::move(*cmd)),
                [done = std::move(done)](result<commands::command_outcome> o) { done(written(o, 201)); });
}

void update_customer(app_services& s, const request_scope& r, reply done) {
  if (auto bad = portal_scope(r)) return done(std::move(*bad));
  if (!is_ulid(r.id)) return done(not_found());
  if (auto bad = require_json(r.req)) return done(std::move(*bad));
  std::string key;
  if (auto bad = idempotency_key(r.req, key)) return done(std::move(*bad));
  std::optional<std::uint64_t> expected;
  if (auto bad = if_match(r.req, expected)) return done(std::move(*bad));
  auto cmd = codec::parse_update(r.req.body);
  if (!cmd) return done(problem(cmd.err()));
  cmd->id = r.id;
  s.exec.submit(commands::customer_commands::update_customer(meta_of(r, std::move(key), "/v1/customers/" + r.id),
                                                             std::move(*cmd), expected),
                [done = std::move(done)](result<commands::command_outcome> o) { done(written(o, 200)); });
}

void erase_customer(app_services& s, const request_scope& r, reply done) {
  if (!is_ulid(r.id)) return done(not_found());
  auto meta = meta_of(r, {}, "/v1/customers/" + r.id + "/erase");
  auto tenant = r.who.tenant;
  auto id = r.id;
  s.exec.submit(
      commands::customer_commands::erase_customer(meta, customers::erase_customer{r.id}),
      [&s, tenant, id, done = std::move(done)](result<commands::command_outcome> o) mutable {
        if (!o) return done(written(o, 200));
        // The event is durable: destroy the key, let the views drop the data,
        // then rewrite the storage files so no copy stays on disk.
        if (auto st = s.vault.destroy(tenant, id); !st) return done(problem(st.err()));
        auto resp = written(o, 200);
        auto token = o->token;
        after_views_reach(s, token, [&s, resp = std::move(resp), done = std::move(done)](bool reached) mutable {
          if (!reached)
            return done(problem(error::make(errc::timeout, "erasure_pending",
                                            "the erasure is recorded; read models are still catching up")));
          if (auto st = s.purge_storage(); !st) return done(problem(st.err()));
          done(std::move(resp));
        });
      });
}

void get_customer(app_services& s, const request_scope& r, reply done) {
  if (auto bad = portal_scope(r)) return done(std::move(*bad));
  if (!is_ulid(r.id)) return done(not_found());
  auto v = projections::customer_queries::get(s.views, r.who.tenant, r.id);
  if (!v) return done(problem(v.err()));
  if (!*v) return done(not_found());
  auto resp = json_response(200, codec::render(for_role(s, r.who, (*v)->customer), (*v)->version));
  resp.headers.emplace_back("ETag", "\"" + std::to_string((*v)->version) + "\"");
  audited(s, {read_entry(r, r.id, "read", "customers.get")}, std::move(resp), std::move(done));
}

void list_customers(app_services& s, const request_scope& r, reply done) {
  std::size_t limit;
  std::string cursor;
  if (auto bad = page_params(r.req, limit, cursor)) return done(std::move(*bad));
  auto page = projections::customer_queries::list(s.views, r.who.tenant, cursor, limit);
  if (!page) return done(problem(page.err()));
  std::string body = "{\"items\":[";
  std::vector<commands::audit_entry> entries;
  for (std::size_t i = 0; i < page->items.size(); ++i) {
    auto& row = page->items[i];
    if (i) body += ',';
    body += codec::render(for_role(s, r.who, row.customer), row.version);
    entries.push_back(read_entry(r, row.customer.id, "list", "customers.list"));
  }
  body += "],\"next_cursor\":";
  if (page->next_cursor.empty()) body += "null";
  else json::writer::append_string(body, page->next_cursor);
  body += '}';
  audited(s, std::move(entries), json_response(200, std::move(body)), std::move(done));
}

}  // namespace chronicle::api::handlers
