// Customer routes: register, read, list, update, erase, deactivate and
// reactivate; the address sub-resource; tags on a customer.
// Reads are audited before the data leaves (fail closed); changes are
// audited from their events by the audit projection, at no extra cost.
#include "api/http/audited.hpp"
#include "api/http/handlers.hpp"
#include "domain/country.hpp"
#include "domain/ids.hpp"
#include "projections/access.hpp"
#include "projections/customer_orders.hpp"
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
  auto token = [&](std::string& v) {
    if (!v.empty()) v = "anon_" + s.vault.blind_index(who.tenant, "pseudonym", v).substr(0, 16);
  };
  token(c.first_name);
  token(c.last_name);
  token(c.company);
  token(c.date_of_birth);
  for (auto& e : c.emails) token(e.address), token(e.label);
  for (auto& p : c.phones) token(p.number), token(p.label);
  for (auto& a : c.addresses) {
    for (auto* f : {&a.label, &a.street, &a.city, &a.region, &a.postal_code, &a.country, &a.delivery_instructions})
      token(*f);
    a.latitude.reset();
    a.longitude.reset();
  }
  return c;
}

// A uniqueness conflict names the customer holding the value only to roles
// that may read any customer of the tenant.
http_response refused(const error& e, const access::principal& who) {
  if (e.existing_id.empty() || who.role == role::admin || who.role == role::staff) return problem(e);
  error hidden = e;
  hidden.existing_id.clear();
  hidden.message = "this value is already used by another customer";
  for (auto& f : hidden.fields) f.message = "already used by another customer";
  return problem(hidden);
}

// The tenant's rules for reading input: national phone numbers take the
// calling code of its default country.
result<customers::rules> rules_for(app_services& s, std::string_view tenant) {
  auto country = projections::access_queries::tenant_country(s.views, tenant);
  if (!country) return std::move(country).err();
  customers::rules r;
  r.default_country_code = std::string(calling_code(*country).value_or("1"));
  return r;
}

// The answer to a write: the resource, its version as ETag, the position token.
// The Customer resource of one customer: with its order figures
// (customer_orders view) when `views` is given, as GET /v1/customers/{id}
// and the writes answer; list rows go without.
result<std::string> render_one(const customers::customer& c, std::uint64_t version, projections::kv_store* views,
                               std::string_view tenant) {
  auto body = codec::render(c, version);
  if (!views) return body;
  auto figures = projections::customer_order_queries::get(*views, tenant, c.id);
  if (!figures) return std::move(figures).err();
  body.pop_back();
  body.append(",\"orders\":")
      .append(projections::customer_order_queries::render(figures->value_or(projections::customer_order_figures{})))
      .push_back('}');
  return body;
}

http_response written(const result<commands::command_outcome>& r, int created_status,
                      const access::principal& who, projections::kv_store* views = nullptr) {
  if (!r) {
    if (r.err().code == "not_found") return not_found();
    return refused(r.err(), who);
  }
  auto& o = r.value();
  auto state = codec::decode_state(o.state);
  if (!state) return problem(state.err());
  auto body = render_one(*state, o.version, views, who.tenant);
  if (!body) return problem(body.err());
  auto resp = json_response(o.created ? created_status : 200, std::move(*body));
  resp.headers.emplace_back("ETag", "\"" + std::to_string(o.version) + "\"");
  resp.headers.emplace_back("Location", "/v1/customers/" + state->id);
  if (!o.token.empty()) resp.headers.emplace_back("Consistency-Token", o.token);
  if (o.replayed) resp.headers.emplace_back("Idempotent-Replayed", "true");
  return resp;
}

// The answer to an address write: the Address resource with the customer's
// version. A replayed add answers with the address the first call added
// (the last one of the stored state).
// Runs a customer command and answers with the Customer it leaves
// (`created_status` when it started the stream).
void submit_written(app_services& s, const request_scope& r, commands::command_request cmd, int created_status,
                    reply done) {
  s.exec.submit(std::move(cmd), [&s, done = std::move(done), who = r.who, created_status](
                                    result<commands::command_outcome> o) { done(written(o, created_status, who, &s.views)); });
}

http_response written_address(const result<commands::command_outcome>& r, int status, std::string address_id,
                              const access::principal& who) {
  if (!r) {
    if (r.err().code == "not_found") return not_found();
    return refused(r.err(), who);
  }
  auto& o = r.value();
  auto state = codec::decode_state(o.state);
  if (!state) return problem(state.err());
  if (o.replayed && status == 201 && !state->addresses.empty()) address_id = state->addresses.back().id;
  const customers::address* a = nullptr;
  for (auto& x : state->addresses)
    if (x.id == address_id) a = &x;
  if (!a) return problem(404, "address_not_found", "no address with this id");
  auto resp = json_response(status, codec::render_address(*a, o.version));
  resp.headers.emplace_back("ETag", "\"" + std::to_string(o.version) + "\"");
  resp.headers.emplace_back("Location", "/v1/customers/" + state->id + "/addresses/" + address_id);
  if (!o.token.empty()) resp.headers.emplace_back("Consistency-Token", o.token);
  if (o.replayed) resp.headers.emplace_back("Idempotent-Replayed", "true");
  return resp;
}

// The common head of a write to an existing customer: scope, id, headers.
struct write_head {
  std::string key;
  std::optional<std::uint64_t> expected;
};
std::optional<http_response> head_of(const request_scope& r, bool with_body, write_head& h) {
  if (auto bad = portal_scope(r)) return bad;
  if (!is_ulid(r.id)) return not_found();
  return write_headers(r.req, with_body, h.key, h.expected);
}

std::string path_of(const request_scope& r) {
  return std::string(r.req.path);
}

}  // namespace

void register_customer(app_services& s, const request_scope& r, reply done) {
  if (auto bad = require_json(r.req)) return done(std::move(*bad));
  std::string key;
  if (auto bad = idempotency_key(r.req, key)) return done(std::move(*bad));
  auto cmd = codec::parse_register(r.req.body);
  if (!cmd) return done(problem(cmd.err()));
  auto rules = rules_for(s, r.who.tenant);
  if (!rules) return done(problem(rules.err()));
  if (!cmd->tag_ids.empty() && s.check_tags)
    if (auto st = s.check_tags(r.who.tenant, cmd->tag_ids); !st) return done(problem(st.err()));
  cmd->id = s.exec.new_id();
  for (auto& a : cmd->addresses) a.id = s.exec.new_id();
  submit_written(s, r, commands::customer_commands::register_customer(meta_of(r, std::move(key), "/v1/customers"), std::move(*cmd),
                                                               std::move(*rules)), 201, std::move(done));
}

void update_customer(app_services& s, const request_scope& r, reply done) {
  write_head h;
  if (auto bad = head_of(r, true, h)) return done(std::move(*bad));
  auto cmd = codec::parse_update(r.req.body);
  if (!cmd) return done(problem(cmd.err()));
  // A portal key changes the person's own profile, contacts and
  // preferences; how the business classifies them is staff's.
  if (r.who.role == role::portal) {
    std::vector<field_error> denied;
    auto deny = [&](bool given, std::string field) {
      if (given) denied.push_back({std::move(field), "not_allowed", "a portal key may not change this field"});
    };
    deny(cmd->status.has_value(), "status");
    deny(cmd->lifecycle_stage.has_value(), "lifecycle_stage");
    deny(cmd->type.has_value(), "type");
    deny(cmd->acquired.has_value(), "acquisition");
    if (!denied.empty())
      return done(problem(error{errc::permission_denied, "forbidden_field",
                                "a portal key may not change these fields", std::move(denied), {}}));
  }
  auto rules = rules_for(s, r.who.tenant);
  if (!rules) return done(problem(rules.err()));
  cmd->id = r.id;
  submit_written(s, r, commands::customer_commands::update_customer(meta_of(r, std::move(h.key), "/v1/customers/" + r.id),
                                                             std::move(*cmd), h.expected, std::move(*rules)), 200, std::move(done));
}

void deactivate_customer(app_services& s, const request_scope& r, reply done) {
  write_head h;
  if (auto bad = head_of(r, false, h)) return done(std::move(*bad));
  submit_written(s, r, commands::customer_commands::deactivate_customer(meta_of(r, std::move(h.key), path_of(r)),
                                                                 customers::deactivate_customer{r.id}, h.expected), 200, std::move(done));
}

void reactivate_customer(app_services& s, const request_scope& r, reply done) {
  write_head h;
  if (auto bad = head_of(r, false, h)) return done(std::move(*bad));
  submit_written(s, r, commands::customer_commands::reactivate_customer(meta_of(r, std::move(h.key), path_of(r)),
                                                                 customers::reactivate_customer{r.id}, h.expected), 200, std::move(done));
}

void list_addresses(app_services& s, const request_scope& r, reply done) {
  if (auto bad = portal_scope(r)) return done(std::move(*bad));
  if (!is_ulid(r.id)) return done(not_found());
  for (auto& [k, v] : r.req.query)
    if (k != "consistent_with")
      return done(problem(error::invalid("invalid_parameter", "the query has invalid parameters",
                                         {{k, "unknown_parameter", "this query parameter is not supported"}})));
  auto v = projections::customer_queries::get(s.views, r.who.tenant, r.id);
  if (!v) return done(problem(v.err()));
  if (!*v) return done(not_found());
  auto resp = json_response(200, codec::render_addresses(for_role(s, r.who, (*v)->customer)));
  resp.headers.emplace_back("ETag", "\"" + std::to_string((*v)->version) + "\"");
  audited(s, {read_entry(r, r.id, "read", "customers.addresses.list")}, std::move(resp), std::move(done));
}

void get_address(app_services& s, const request_scope& r, reply done) {
  if (auto bad = portal_scope(r)) return done(std::move(*bad));
  if (!is_ulid(r.id)) return done(not_found());
  auto v = projections::customer_queries::get(s.views, r.who.tenant, r.id);
  if (!v) return done(problem(v.err()));
  if (!*v) return done(not_found());
  auto c = for_role(s, r.who, (*v)->customer);
  const customers::address* a = nullptr;
  for (auto& x : c.addresses)
    if (x.id == r.sub_id) a = &x;
  if (!a) return done(problem(404, "address_not_found", "no address with this id"));
  auto resp = json_response(200, codec::render_address(*a, (*v)->version));
  resp.headers.emplace_back("ETag", "\"" + std::to_string((*v)->version) + "\"");
  audited(s, {read_entry(r, r.id, "read", "customers.addresses.get")}, std::move(resp), std::move(done));
}

void add_address(app_services& s, const request_scope& r, reply done) {
  write_head h;
  if (auto bad = head_of(r, true, h)) return done(std::move(*bad));
  auto a = codec::parse_address(r.req.body);
  if (!a) return done(problem(a.err()));
  a->id = s.exec.new_id();
  auto id = a->id;
  s.exec.submit(commands::customer_commands::add_address(meta_of(r, std::move(h.key), path_of(r)),
                                                         customers::add_address{r.id, std::move(*a)}, h.expected),
                [done = std::move(done), who = r.who, id](result<commands::command_outcome> o) {
                  done(written_address(o, 201, id, who));
                });
}

void update_address(app_services& s, const request_scope& r, reply done) {
  write_head h;
  if (auto bad = head_of(r, true, h)) return done(std::move(*bad));
  if (!is_ulid(r.sub_id)) return done(problem(404, "address_not_found", "no address with this id"));
  auto p = codec::parse_address_patch(r.req.body);
  if (!p) return done(problem(p.err()));
  s.exec.submit(commands::customer_commands::update_address(meta_of(r, std::move(h.key), path_of(r)),
                                                            customers::update_address{r.id, r.sub_id, std::move(*p)},
                                                            h.expected),
                [done = std::move(done), who = r.who, id = r.sub_id](result<commands::command_outcome> o) {
                  done(written_address(o, 200, id, who));
                });
}

void remove_address(app_services& s, const request_scope& r, reply done) {
  write_head h;
  if (auto bad = head_of(r, false, h)) return done(std::move(*bad));
  if (!is_ulid(r.sub_id)) return done(problem(404, "address_not_found", "no address with this id"));
  submit_written(s, r, commands::customer_commands::remove_address(meta_of(r, std::move(h.key), path_of(r)),
                                                            customers::remove_address{r.id, r.sub_id}, h.expected), 200, std::move(done));
}

void tag_customer(app_services& s, const request_scope& r, reply done) {
  write_head h;
  if (auto bad = head_of(r, true, h)) return done(std::move(*bad));
  auto ids = codec::parse_tag_ids(r.req.body);
  if (!ids) return done(problem(ids.err()));
  if (s.check_tags)
    if (auto st = s.check_tags(r.who.tenant, *ids); !st) return done(problem(st.err()));
  submit_written(s, r, commands::customer_commands::tag_customer(meta_of(r, std::move(h.key), path_of(r)),
                                                          customers::tag_customer{r.id, std::move(*ids)}, h.expected), 200, std::move(done));
}

void untag_customer(app_services& s, const request_scope& r, reply done) {
  write_head h;
  if (auto bad = head_of(r, false, h)) return done(std::move(*bad));
  if (!is_ulid(r.sub_id))
    return done(problem(error::invalid("validation_failed", "the tag id is not valid",
                                       {{"tag_id", "invalid_format", "a tag id is a ULID"}})));
  submit_written(s, r, commands::customer_commands::untag_customer(meta_of(r, std::move(h.key), path_of(r)),
                                                            customers::untag_customer{r.id, {r.sub_id}}, h.expected), 200, std::move(done));
}

void erase_customer(app_services& s, const request_scope& r, reply done) {
  if (!is_ulid(r.id)) return done(not_found());
  auto meta = meta_of(r, {}, "/v1/customers/" + r.id + "/erase");
  auto tenant = r.who.tenant;
  auto id = r.id;
  s.exec.submit(
      commands::customer_commands::erase_customer(meta, customers::erase_customer{r.id}),
      [&s, tenant, id, done = std::move(done)](result<commands::command_outcome> o) mutable {
        if (!o) return done(written(o, 200, {}));
        // The event is durable: destroy the key, let the views drop the data,
        // then rewrite the storage files so no copy stays on disk.
        if (auto st = s.vault.destroy(tenant, id); !st) return done(problem(st.err()));
        auto resp = written(o, 200, {});
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
  // A customer the search index holds is recorded while the view is read
  // (audited_early); any other id is read first, so a miss leaves no entry.
  bool early = s.customers_index && s.customers_index->contains(r.who.tenant, r.id);
  auto answer = early ? audited_early(s.audit, {read_entry(r, r.id, "read", "customers.get")}, std::move(done))
                      : std::move(done);
  auto v = projections::customer_queries::get(s.views, r.who.tenant, r.id);
  if (!v) return answer(problem(v.err()));
  if (!*v) return answer(not_found());
  // The profile carries the customer's order figures (customer_orders view).
  auto body = render_one(for_role(s, r.who, (*v)->customer), (*v)->version, &s.views, r.who.tenant);
  if (!body) return answer(problem(body.err()));
  auto resp = json_response(200, std::move(*body));
  resp.headers.emplace_back("ETag", "\"" + std::to_string((*v)->version) + "\"");
  if (early) return answer(std::move(resp));
  audited(s, {read_entry(r, r.id, "read", "customers.get")}, std::move(resp), std::move(answer));
}

// GET /v1/customers: search, filters and sorting from the in-memory index
// (projections/customer_index.hpp), then each row from the customers view.
// The index is updated while a projection batch is folded, just before the
// batch is stored, so a row the index names but the view does not have yet
// is left out of the page rather than shown half-made.
void list_customers(app_services& s, const request_scope& r, reply done) {
  if (!s.customers_index) {
    std::size_t limit;
    std::string cursor;
    if (auto bad = page_params(r.req, limit, cursor)) return done(std::move(*bad));
    auto page = projections::customer_queries::list(s.views, r.who.tenant, cursor, limit);
    if (!page) return done(problem(page.err()));
    page_writer w;
    std::vector<commands::audit_entry> entries;
    for (auto& row : page->items) {
      entries.push_back(read_entry(r, row.customer.id, "list", "customers.list"));
      w.item(codec::render(for_role(s, r.who, std::move(row.customer)), row.version));
    }
    return audited(s, std::move(entries), json_response(200, w.finish(page->next_cursor, std::nullopt)),
                   std::move(done));
  }
  auto q = projections::parse_customer_query(r.req.query);
  if (!q) return done(problem(q.err()));
  // Analysts see pseudonyms; searching by a name, an email, a phone or a
  // city would tell them the values behind the pseudonyms.
  if (r.who.role == role::analyst) {
    std::vector<field_error> refused;
    if (!q->q.empty()) refused.push_back({"q", "forbidden_filter", "analysts cannot search personal fields"});
    for (auto& f : q->filters)
      if (f.field == "email" || f.field == "phone" || f.field == "city")
        refused.push_back({f.param, "forbidden_filter", "analysts cannot filter on personal fields"});
    if (!refused.empty()) {
      auto e = error::make(errc::permission_denied, "forbidden_filter",
                           "an analyst key cannot search or filter on personal fields");
      e.fields = std::move(refused);
      return done(problem(e));
    }
  }
  auto hits = s.customers_index->query(r.who.tenant, *q);
  if (!hits) return done(problem(hits.err()));
  // The page's customers are known from the index: their entries are
  // recorded while the rows are read and rendered. A row the view does not
  // have yet (see above) keeps its entry: the trail errs on the side of a
  // read recorded, never of one missing.
  std::vector<commands::audit_entry> entries;
  entries.reserve(hits->ids.size());
  for (auto& id : hits->ids) entries.push_back(read_entry(r, id, "list", "customers.list"));
  auto answer = audited_early(s.audit, std::move(entries), std::move(done));
  page_writer w;
  for (auto& id : hits->ids) {
    auto row = projections::customer_queries::get(s.views, r.who.tenant, id);
    if (!row) return answer(problem(row.err()));
    if (*row) w.item(codec::render(for_role(s, r.who, std::move((*row)->customer)), (*row)->version));
  }
  answer(json_response(200, w.finish(hits->next_cursor, hits->total)));
}

}  // namespace chronicle::api::handlers
