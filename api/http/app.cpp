#include "api/http/app.hpp"

#include <algorithm>
#include <charconv>
#include <future>

#include "api/http/handlers.hpp"
#include "api/http/problem.hpp"
#include "api/http/routes.hpp"
#include "commands/access_commands.hpp"
#include "domain/ids.hpp"
#include "projections/access.hpp"
#include "projections/tags.hpp"
#include "schemas/envelope_codec.hpp"
#include "schemas/json_writer.hpp"
#include "schemas/openapi.hpp"

namespace chronicle::api {

using access::role;

// ---- routes ---------------------------------------------------------------------

namespace {

constexpr unsigned bit(role r) { return 1u << static_cast<unsigned>(r); }
constexpr unsigned anyone = bit(role::admin) | bit(role::staff) | bit(role::analyst) | bit(role::auditor) | bit(role::portal);
constexpr unsigned public_route = 0;  // no key needed

enum class handler_kind { customers_register, customers_list, customers_get, customers_update, customers_erase,
                          customers_bulk, customers_deactivate, customers_reactivate, addresses_list, addresses_add, addresses_get,
                          addresses_update, addresses_remove, tags_add, tags_remove,
                          api_keys_create, api_keys_list, api_keys_revoke, audit_list, openapi, health, ready, metrics,
                          tags_list, tags_create, tags_get, tags_update, tags_delete, notes_list, notes_add, notes_get,
                          notes_edit, notes_delete, interactions_list, interactions_log, interactions_get,
                          customer_tasks_list, tasks_create, tasks_update, tasks_list, timeline,
                          order_templates_list, order_templates_create, order_templates_get,
                          order_templates_update, order_templates_delete, reports_orders,
                          orders_place, orders_list, orders_get, orders_update, orders_verb, orders_customer_list,
                          returns_request, returns_get, returns_verb, refunds_issue,
                          products_list, products_create, products_get, products_update, products_stock,
                          order_templates_place, orders_batch };

struct route_entry {
  route_info info;
  unsigned roles;  // who may call it; 0: no key needed
  handler_kind kind;
};

// Who may do what (DESIGN.md §5): staff run the CRM; analysts read
// pseudonymised customers; auditors read the trail, not the profiles; portal
// keys reach only their own customer (checked in the handlers). Tags hold no
// personal data: analysts may read them. Notes, interactions, tasks and the
// timeline are free text about a person with no useful pseudonym: only admin
// and staff keys reach them. Orders: admin and staff change them; analysts
// read them without the personal parts; a portal key reads its own
// customer's orders.
const std::vector<route_entry>& routes() {
  static const std::vector<route_entry> r = {
      {{"POST", "/v1/customers", "customers.register"}, bit(role::admin) | bit(role::staff), handler_kind::customers_register},
      {{"GET", "/v1/customers", "customers.list"}, bit(role::admin) | bit(role::staff) | bit(role::analyst), handler_kind::customers_list},
      {{"POST", "/v1/customers/bulk", "customers.bulk"}, bit(role::admin) | bit(role::staff), handler_kind::customers_bulk},
      {{"GET", "/v1/customers/{id}", "customers.get"}, bit(role::admin) | bit(role::staff) | bit(role::analyst) | bit(role::portal), handler_kind::customers_get},
      {{"PATCH", "/v1/customers/{id}", "customers.update"}, bit(role::admin) | bit(role::staff) | bit(role::portal), handler_kind::customers_update},
      {{"POST", "/v1/customers/{id}/erase", "customers.erase"}, bit(role::admin), handler_kind::customers_erase},
      {{"POST", "/v1/customers/{id}/deactivate", "customers.deactivate"}, bit(role::admin) | bit(role::staff), handler_kind::customers_deactivate},
      {{"POST", "/v1/customers/{id}/reactivate", "customers.reactivate"}, bit(role::admin) | bit(role::staff), handler_kind::customers_reactivate},
      {{"GET", "/v1/customers/{id}/addresses", "customers.addresses.list"}, bit(role::admin) | bit(role::staff) | bit(role::analyst) | bit(role::portal), handler_kind::addresses_list},
      {{"POST", "/v1/customers/{id}/addresses", "customers.addresses.add"}, bit(role::admin) | bit(role::staff) | bit(role::portal), handler_kind::addresses_add},
      {{"GET", "/v1/customers/{id}/addresses/{address_id}", "customers.addresses.get"}, bit(role::admin) | bit(role::staff) | bit(role::analyst) | bit(role::portal), handler_kind::addresses_get},
      {{"PATCH", "/v1/customers/{id}/addresses/{address_id}", "customers.addresses.update"}, bit(role::admin) | bit(role::staff) | bit(role::portal), handler_kind::addresses_update},
      {{"DELETE", "/v1/customers/{id}/addresses/{address_id}", "customers.addresses.remove"}, bit(role::admin) | bit(role::staff) | bit(role::portal), handler_kind::addresses_remove},
      {{"POST", "/v1/customers/{id}/tags", "customers.tags.add"}, bit(role::admin) | bit(role::staff), handler_kind::tags_add},
      {{"DELETE", "/v1/customers/{id}/tags/{tag_id}", "customers.tags.remove"}, bit(role::admin) | bit(role::staff), handler_kind::tags_remove},
      {{"POST", "/v1/api-keys", "api_keys.create"}, bit(role::admin), handler_kind::api_keys_create},
      {{"GET", "/v1/api-keys", "api_keys.list"}, bit(role::admin), handler_kind::api_keys_list},
      {{"DELETE", "/v1/api-keys/{id}", "api_keys.revoke"}, bit(role::admin), handler_kind::api_keys_revoke},
      {{"GET", "/v1/audit", "audit.list"}, bit(role::admin) | bit(role::auditor), handler_kind::audit_list},
      {{"GET", "/v1/tags", "tags.list"}, bit(role::admin) | bit(role::staff) | bit(role::analyst), handler_kind::tags_list},
      {{"POST", "/v1/tags", "tags.create"}, bit(role::admin) | bit(role::staff), handler_kind::tags_create},
      {{"GET", "/v1/tags/{id}", "tags.get"}, bit(role::admin) | bit(role::staff) | bit(role::analyst), handler_kind::tags_get},
      {{"PATCH", "/v1/tags/{id}", "tags.update"}, bit(role::admin) | bit(role::staff), handler_kind::tags_update},
      {{"DELETE", "/v1/tags/{id}", "tags.delete"}, bit(role::admin) | bit(role::staff), handler_kind::tags_delete},
      {{"GET", "/v1/customers/{id}/notes", "notes.list"}, bit(role::admin) | bit(role::staff), handler_kind::notes_list},
      {{"POST", "/v1/customers/{id}/notes", "notes.add"}, bit(role::admin) | bit(role::staff), handler_kind::notes_add},
      {{"GET", "/v1/customers/{id}/notes/{note_id}", "notes.get"}, bit(role::admin) | bit(role::staff), handler_kind::notes_get},
      {{"PATCH", "/v1/customers/{id}/notes/{note_id}", "notes.edit"}, bit(role::admin) | bit(role::staff), handler_kind::notes_edit},
      {{"DELETE", "/v1/customers/{id}/notes/{note_id}", "notes.delete"}, bit(role::admin) | bit(role::staff), handler_kind::notes_delete},
      {{"GET", "/v1/customers/{id}/interactions", "interactions.list"}, bit(role::admin) | bit(role::staff), handler_kind::interactions_list},
      {{"POST", "/v1/customers/{id}/interactions", "interactions.log"}, bit(role::admin) | bit(role::staff), handler_kind::interactions_log},
      {{"GET", "/v1/customers/{id}/interactions/{interaction_id}", "interactions.get"}, bit(role::admin) | bit(role::staff), handler_kind::interactions_get},
      {{"GET", "/v1/customers/{id}/tasks", "tasks.list_for_customer"}, bit(role::admin) | bit(role::staff), handler_kind::customer_tasks_list},
      {{"POST", "/v1/customers/{id}/tasks", "tasks.create"}, bit(role::admin) | bit(role::staff), handler_kind::tasks_create},
      {{"PATCH", "/v1/customers/{id}/tasks/{task_id}", "tasks.update"}, bit(role::admin) | bit(role::staff), handler_kind::tasks_update},
      {{"GET", "/v1/tasks", "tasks.list"}, bit(role::admin) | bit(role::staff), handler_kind::tasks_list},
      {{"GET", "/v1/customers/{id}/timeline", "timeline.list"}, bit(role::admin) | bit(role::staff), handler_kind::timeline},
      {{"GET", "/v1/order-templates", "order_templates.list"}, bit(role::admin) | bit(role::staff) | bit(role::analyst), handler_kind::order_templates_list},
      {{"POST", "/v1/order-templates", "order_templates.create"}, bit(role::admin) | bit(role::staff), handler_kind::order_templates_create},
      {{"GET", "/v1/order-templates/{id}", "order_templates.get"}, bit(role::admin) | bit(role::staff) | bit(role::analyst), handler_kind::order_templates_get},
      {{"PATCH", "/v1/order-templates/{id}", "order_templates.update"}, bit(role::admin) | bit(role::staff), handler_kind::order_templates_update},
      {{"DELETE", "/v1/order-templates/{id}", "order_templates.delete"}, bit(role::admin) | bit(role::staff), handler_kind::order_templates_delete},
      {{"POST", "/v1/order-templates/{id}/orders", "order_templates.place"}, bit(role::admin) | bit(role::staff), handler_kind::order_templates_place},
      {{"POST", "/v1/orders/batch", "orders.batch"}, bit(role::admin) | bit(role::staff), handler_kind::orders_batch},
      {{"GET", "/v1/reports/orders", "reports.orders"}, bit(role::admin) | bit(role::staff) | bit(role::analyst), handler_kind::reports_orders},
      {{"POST", "/v1/orders", "orders.place"}, bit(role::admin) | bit(role::staff), handler_kind::orders_place},
      {{"GET", "/v1/orders", "orders.list"}, bit(role::admin) | bit(role::staff) | bit(role::analyst), handler_kind::orders_list},
      {{"GET", "/v1/orders/{id}", "orders.get"}, bit(role::admin) | bit(role::staff) | bit(role::analyst) | bit(role::portal), handler_kind::orders_get},
      {{"PATCH", "/v1/orders/{id}", "orders.update"}, bit(role::admin) | bit(role::staff), handler_kind::orders_update},
      {{"POST", "/v1/orders/{id}/confirm", "orders.confirm"}, bit(role::admin) | bit(role::staff), handler_kind::orders_verb},
      {{"POST", "/v1/orders/{id}/process", "orders.process"}, bit(role::admin) | bit(role::staff), handler_kind::orders_verb},
      {{"POST", "/v1/orders/{id}/ready", "orders.ready"}, bit(role::admin) | bit(role::staff), handler_kind::orders_verb},
      {{"POST", "/v1/orders/{id}/dispatch", "orders.dispatch"}, bit(role::admin) | bit(role::staff), handler_kind::orders_verb},
      {{"POST", "/v1/orders/{id}/deliver", "orders.deliver"}, bit(role::admin) | bit(role::staff), handler_kind::orders_verb},
      {{"POST", "/v1/orders/{id}/cancel", "orders.cancel"}, bit(role::admin) | bit(role::staff), handler_kind::orders_verb},
      {{"POST", "/v1/orders/{id}/returns", "returns.request"}, bit(role::admin) | bit(role::staff), handler_kind::returns_request},
      {{"GET", "/v1/returns/{id}", "returns.get"}, bit(role::admin) | bit(role::staff) | bit(role::analyst), handler_kind::returns_get},
      {{"POST", "/v1/returns/{id}/approve", "returns.approve"}, bit(role::admin) | bit(role::staff), handler_kind::returns_verb},
      {{"POST", "/v1/returns/{id}/decline", "returns.decline"}, bit(role::admin) | bit(role::staff), handler_kind::returns_verb},
      {{"POST", "/v1/returns/{id}/receive", "returns.receive"}, bit(role::admin) | bit(role::staff), handler_kind::returns_verb},
      {{"POST", "/v1/orders/{id}/refunds", "refunds.issue"}, bit(role::admin) | bit(role::staff), handler_kind::refunds_issue},
      {{"GET", "/v1/customers/{id}/orders", "customers.orders.list"}, bit(role::admin) | bit(role::staff) | bit(role::analyst) | bit(role::portal), handler_kind::orders_customer_list},
      {{"GET", "/v1/products", "products.list"}, bit(role::admin) | bit(role::staff) | bit(role::analyst), handler_kind::products_list},
      {{"POST", "/v1/products", "products.create"}, bit(role::admin) | bit(role::staff), handler_kind::products_create},
      {{"GET", "/v1/products/{id}", "products.get"}, bit(role::admin) | bit(role::staff) | bit(role::analyst), handler_kind::products_get},
      {{"PATCH", "/v1/products/{id}", "products.update"}, bit(role::admin) | bit(role::staff), handler_kind::products_update},
      {{"POST", "/v1/products/{id}/stock", "products.stock"}, bit(role::admin) | bit(role::staff), handler_kind::products_stock},
      {{"GET", "/v1/openapi.json", "openapi"}, anyone, handler_kind::openapi},
      {{"GET", "/healthz", "health"}, public_route, handler_kind::health},
      {{"GET", "/readyz", "ready"}, public_route, handler_kind::ready},
      {{"GET", "/metrics", "metrics"}, public_route, handler_kind::metrics},
  };
  return r;
}

// Matches "/v1/customers/{id}" against a path; captures the first {..}
// segment in `capture` and a second one in `second`.
bool match(std::string_view tmpl, std::string_view path, std::string* capture, std::string* second = nullptr) {
  int captured = 0;
  while (!tmpl.empty() && !path.empty()) {
    auto ts = tmpl.find('/', 1), ps = path.find('/', 1);
    auto tseg = tmpl.substr(0, ts), pseg = path.substr(0, ps);
    if (tseg.size() > 1 && tseg[1] == '{') {
      if (pseg.size() <= 1) return false;
      auto* into = captured++ == 0 ? capture : second;
      if (into) into->assign(pseg.substr(1));
    } else if (tseg != pseg) {
      return false;
    }
    tmpl = ts == std::string_view::npos ? std::string_view{} : tmpl.substr(ts);
    path = ps == std::string_view::npos ? std::string_view{} : path.substr(ps);
  }
  return tmpl.empty() && path.empty();
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace

const std::vector<route_info>& route_table() {
  static const std::vector<route_info> t = [] {
    std::vector<route_info> v;
    for (auto& r : routes()) v.push_back(r.info);
    return v;
  }();
  return t;
}

// ---- the app ------------------------------------------------------------------------

app::app(app_services services, app_options opts) : s_(std::move(services)), opts_(std::move(opts)) {
  if (!s_.slow) s_.slow = std::make_shared<commands::thread_pool>(2, "chronicle-slow");
  // Tagging a customer names tags of the tenant that exist now (or, with a
  // consistency token, once the tags view has caught up with the token).
  if (!s_.check_tags)
    s_.check_tags = [&views = s_.views](std::string_view tenant, const std::vector<std::string>& ids) -> status {
      auto found = projections::tag_queries::resolve(views, tenant, ids);
      if (!found) return std::move(found).err();
      std::vector<field_error> missing;
      for (std::size_t i = 0; i < ids.size(); ++i) {
        if (!is_ulid(ids[i])) continue;  // malformed: the domain names it (invalid_format)
        bool known = std::any_of(found->begin(), found->end(), [&](auto& t) { return t.tag.id == ids[i]; });
        if (!known)
          missing.push_back({"tag_ids[" + std::to_string(i) + "]", "unknown_tag", "no tag " + ids[i] + " in this tenant"});
      }
      if (missing.empty()) return {};
      return error::invalid("unknown_tag", "a tag id names no tag of this tenant", std::move(missing));
    };
}

result<access::principal> app::authenticate(const http_request& req) {
  auto h = req.header("authorization");
  auto unauth = [](std::string detail) { return error::make(errc::unauthenticated, "unauthenticated", std::move(detail)); };
  if (h.empty()) return unauth("send an API key: Authorization: Bearer <key>");
  if (h.size() < 7 || !(h.substr(0, 7) == "Bearer " || h.substr(0, 7) == "bearer "))
    return unauth("the Authorization header must be 'Bearer <key>'");
  std::string id, secret;
  if (!commands::access_commands::split_key(h.substr(7), id, secret)) return unauth("the API key is malformed");
  auto key = projections::access_queries::find_key(s_.views, id);
  if (!key) return std::move(key).err();
  // One answer for unknown, wrong and revoked keys: nothing to probe.
  if (!*key || (*key)->revoked ||
      !constant_time_equal((*key)->secret_hash, s_.vault.blind_index("", "api_key", secret)))
    return unauth("the API key is not valid");
  auto& k = **key;
  return access::principal{k.tenant, k.id, k.role, k.customer_id};
}

prepared app::prepare(const http_request& req) {
  prepared p;
  auto& rs = routes();
  p.route = rs.size();
  for (std::size_t i = 0; i < rs.size(); ++i)
    if (rs[i].info.method == req.method && match(rs[i].info.path, req.path, nullptr)) p.route = i;
  if (p.route == rs.size()) {
    std::string allow;
    for (auto& r : rs)
      if (match(r.info.path, req.path, nullptr)) allow += (allow.empty() ? "" : ", ") + std::string(r.info.method);
    if (!allow.empty()) {
      p.rejection = problem(405, "method_not_allowed", req.method + " is not supported here; use " + allow);
      p.rejection->headers.emplace_back("Allow", allow);
    } else {
      p.rejection = problem(404, "route_not_found", "no route for " + req.path);
    }
    return p;
  }
  auto& route = rs[p.route];
  if (route.roles != public_route) {
    auto who = authenticate(req);
    if (!who) {
      p.rejection = problem(who.err());
      if (who.err().kind == errc::unauthenticated) p.rejection->headers.emplace_back("WWW-Authenticate", "Bearer");
      return p;
    }
    if (!(route.roles & bit(who->role))) {
      p.rejection = problem(403, "forbidden",
                            "a " + std::string(access::role_name(who->role)) + " key may not call " + std::string(route.info.name));
      return p;
    }
    p.who = std::move(*who);
  }
  // Reads and writes alike: a write that names what an earlier one created
  // (a tag, a product) validates it against views that have caught up.
  {
    std::string_view token;
    if (auto* q = req.query_param("consistent_with")) token = *q;
    else token = req.header("consistency-token");
    if (!token.empty()) {
      p.wait_for = decode_token(token);
      if (!p.wait_for)
        p.rejection = problem(error::invalid("invalid_consistency_token", "the consistency token is not one this server issued",
                                             {{"consistent_with", "invalid_format", "pass the Consistency-Token of a write response"}}));
    }
  }
  return p;
}

void app::handle(const http_request& req, const prepared& p, std::function<void(http_response)> done) {
  auto& route = routes()[p.route];
  static const access::principal nobody{};
  request_scope r{req, p.who ? *p.who : nobody, {}};
  match(route.info.path, req.path, &r.id, &r.sub_id);
  switch (route.kind) {
    case handler_kind::customers_register: return handlers::register_customer(s_, r, std::move(done));
    case handler_kind::customers_list: return handlers::list_customers(s_, r, std::move(done));
    case handler_kind::customers_bulk: return handlers::bulk_customers(s_, r, std::move(done));
    case handler_kind::customers_get: return handlers::get_customer(s_, r, std::move(done));
    case handler_kind::customers_update: return handlers::update_customer(s_, r, std::move(done));
    case handler_kind::customers_erase: return handlers::erase_customer(s_, r, std::move(done));
    case handler_kind::customers_deactivate: return handlers::deactivate_customer(s_, r, std::move(done));
    case handler_kind::customers_reactivate: return handlers::reactivate_customer(s_, r, std::move(done));
    case handler_kind::addresses_list: return handlers::list_addresses(s_, r, std::move(done));
    case handler_kind::addresses_add: return handlers::add_address(s_, r, std::move(done));
    case handler_kind::addresses_get: return handlers::get_address(s_, r, std::move(done));
    case handler_kind::addresses_update: return handlers::update_address(s_, r, std::move(done));
    case handler_kind::addresses_remove: return handlers::remove_address(s_, r, std::move(done));
    case handler_kind::tags_add: return handlers::tag_customer(s_, r, std::move(done));
    case handler_kind::tags_remove: return handlers::untag_customer(s_, r, std::move(done));
    case handler_kind::api_keys_create: return handlers::create_api_key(s_, r, std::move(done));
    case handler_kind::api_keys_list: return handlers::list_api_keys(s_, r, std::move(done));
    case handler_kind::api_keys_revoke: return handlers::revoke_api_key(s_, r, std::move(done));
    case handler_kind::audit_list: return handlers::list_audit(s_, r, std::move(done));
    case handler_kind::tags_list: return handlers::list_tags(s_, r, std::move(done));
    case handler_kind::tags_create: return handlers::create_tag(s_, r, std::move(done));
    case handler_kind::tags_get: return handlers::get_tag(s_, r, std::move(done));
    case handler_kind::tags_update: return handlers::update_tag(s_, r, std::move(done));
    case handler_kind::tags_delete: return handlers::delete_tag(s_, r, std::move(done));
    case handler_kind::notes_list: return handlers::list_notes(s_, r, std::move(done));
    case handler_kind::notes_add: return handlers::add_note(s_, r, std::move(done));
    case handler_kind::notes_get: return handlers::get_note(s_, r, std::move(done));
    case handler_kind::notes_edit: return handlers::edit_note(s_, r, std::move(done));
    case handler_kind::notes_delete: return handlers::delete_note(s_, r, std::move(done));
    case handler_kind::interactions_list: return handlers::list_interactions(s_, r, std::move(done));
    case handler_kind::interactions_log: return handlers::log_interaction(s_, r, std::move(done));
    case handler_kind::interactions_get: return handlers::get_interaction(s_, r, std::move(done));
    case handler_kind::customer_tasks_list: return handlers::list_customer_tasks(s_, r, std::move(done));
    case handler_kind::tasks_create: return handlers::create_task(s_, r, std::move(done));
    case handler_kind::tasks_update: return handlers::update_task(s_, r, std::move(done));
    case handler_kind::tasks_list: return handlers::list_tasks(s_, r, std::move(done));
    case handler_kind::timeline: return handlers::customer_timeline(s_, r, std::move(done));
    case handler_kind::order_templates_list: return handlers::list_order_templates(s_, r, std::move(done));
    case handler_kind::order_templates_create: return handlers::create_order_template(s_, r, std::move(done));
    case handler_kind::order_templates_get: return handlers::get_order_template(s_, r, std::move(done));
    case handler_kind::order_templates_update: return handlers::update_order_template(s_, r, std::move(done));
    case handler_kind::order_templates_delete: return handlers::delete_order_template(s_, r, std::move(done));
    case handler_kind::reports_orders: return handlers::order_report(s_, r, std::move(done));
    case handler_kind::orders_place: return handlers::place_order(s_, r, std::move(done));
    case handler_kind::orders_list: return handlers::list_orders(s_, r, std::move(done));
    case handler_kind::orders_get: return handlers::get_order(s_, r, std::move(done));
    case handler_kind::orders_update: return handlers::update_order(s_, r, std::move(done));
    case handler_kind::orders_verb: return handlers::order_verb(s_, r, std::move(done));
    case handler_kind::orders_customer_list: return handlers::customer_orders(s_, r, std::move(done));
    case handler_kind::returns_request: return handlers::request_return(s_, r, std::move(done));
    case handler_kind::returns_get: return handlers::get_return(s_, r, std::move(done));
    case handler_kind::returns_verb: return handlers::return_verb(s_, r, std::move(done));
    case handler_kind::refunds_issue: return handlers::issue_refund(s_, r, std::move(done));
    case handler_kind::products_list: return handlers::list_products(s_, r, std::move(done));
    case handler_kind::products_create: return handlers::create_product(s_, r, std::move(done));
    case handler_kind::products_get: return handlers::get_product(s_, r, std::move(done));
    case handler_kind::products_update: return handlers::update_product(s_, r, std::move(done));
    case handler_kind::products_stock: return handlers::change_stock(s_, r, std::move(done));
    case handler_kind::order_templates_place: return handlers::place_from_template(s_, r, std::move(done));
    case handler_kind::orders_batch: return handlers::batch_orders(s_, r, std::move(done));
    case handler_kind::openapi: return done(json_response(200, std::string(schemas::openapi_document())));
    case handler_kind::health: return done(json_response(200, R"({"status":"ok"})"));
    case handler_kind::ready: return done(ready());
    case handler_kind::metrics: return done(metrics_text());
  }
}

http_response app::ready() {
  auto st = s_.runner.current();
  if (!st.failure.empty()) return problem(503, "projections_failed", "projections stopped: " + st.failure);
  if (!st.caught_up)
    return problem(503, "catching_up", "projections are catching up: " + std::to_string(st.lag_events) + " events behind");
  return json_response(200, R"({"status":"ready"})");
}

http_response app::metrics_text() {
  http_response r;
  r.content_type = "text/plain; version=0.0.4";
  std::string out = metrics_.render_requests();
  auto stats = s_.exec.stats();
  prom_help(out, "chronicle_append_duration_seconds", "histogram",
            "Time from handing a batch to the event log until it is durable.");
  prom_histogram(out, "chronicle_append_duration_seconds", "", *stats.append_latency);
  prom_help(out, "chronicle_appended_events_total", "counter", "Events appended to the log by this process.");
  prom_sample(out, "chronicle_appended_events_total", "", std::to_string(stats.appended_events));
  auto st = s_.runner.current();
  prom_help(out, "chronicle_projection_lag_events", "gauge", "Events in the log not yet folded into the read models.");
  prom_sample(out, "chronicle_projection_lag_events", "", std::to_string(st.lag_events));
  prom_help(out, "chronicle_projection_lag_seconds", "gauge",
            "Age of the newest folded event while behind; 0 when caught up.");
  prom_sample(out, "chronicle_projection_lag_seconds", "", prom_number(st.lag_seconds));
  prom_help(out, "chronicle_projection_applied_events_total", "counter", "Events folded by the projections since start.");
  prom_sample(out, "chronicle_projection_applied_events_total", "", std::to_string(st.applied_events));
  prom_help(out, "chronicle_projection_write_failures_total", "counter",
            "Read-model writes the store refused (e.g. a full disk); each is retried until it succeeds.");
  prom_sample(out, "chronicle_projection_write_failures_total", "", std::to_string(st.write_failures));
  if (s_.storage_jobs) {
    prom_help(out, "chronicle_storage_background_jobs", "gauge",
              "Flushes and compactions running or pending in a store; they take CPU from requests while nonzero.");
    for (auto& [store, n] : s_.storage_jobs())
      prom_sample(out, "chronicle_storage_background_jobs", "store=\"" + store + "\"", std::to_string(n));
  }
  r.body = std::move(out);
  return r;
}

// ---- shared helpers -------------------------------------------------------------------

std::string page_writer::finish(const std::string& next_cursor, std::optional<std::uint64_t> total) {
  body_ += "],\"next_cursor\":";
  if (next_cursor.empty()) body_ += "null";
  else json::writer::append_string(body_, next_cursor);
  if (total) body_ += ",\"total\":" + std::to_string(*total);
  body_ += '}';
  return std::move(body_);
}

http_response json_response(int status, std::string body) {
  http_response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

std::optional<http_response> require_json(const http_request& req) {
  auto ct = req.header("content-type");
  auto media = ct.substr(0, ct.find(';'));
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  std::string lower;
  for (char c : media) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (lower == "application/json" || lower == "application/merge-patch+json") return std::nullopt;
  return problem(415, "unsupported_media_type", "send the body as application/json");
}

std::optional<http_response> idempotency_key(const http_request& req, std::string& key) {
  key = std::string(req.header("idempotency-key"));
  if (key.empty()) return std::nullopt;
  bool ok = key.size() <= 255;
  for (unsigned char c : key) ok = ok && c > 0x20 && c < 0x7f;
  if (!ok)
    return problem(error::invalid("invalid_header", "Idempotency-Key must be 1 to 255 visible ASCII characters",
                                  {{"Idempotency-Key", "invalid_format", "1 to 255 visible ASCII characters"}}));
  return std::nullopt;
}

std::optional<http_response> if_match(const http_request& req, std::optional<std::uint64_t>& out) {
  auto v = req.header("if-match");
  if (v.empty() || v == "*") return std::nullopt;
  if (v.substr(0, 2) == "W/") v.remove_prefix(2);
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  std::uint64_t n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc{} || p != v.data() + v.size() || v.empty() || n == 0)
    return problem(error::invalid("invalid_header", "If-Match must be the resource's ETag, e.g. \"3\"",
                                  {{"If-Match", "invalid_format", "an ETag such as \"3\""}}));
  out = n;
  return std::nullopt;
}

std::optional<http_response> write_headers(const http_request& req, bool with_body, std::string& key,
                                           std::optional<std::uint64_t>& expected) {
  if (with_body)
    if (auto bad = require_json(req)) return bad;
  if (auto bad = idempotency_key(req, key)) return bad;
  return if_match(req, expected);
}

commands::command_meta meta_of(const request_scope& r, std::string key, std::string_view canonical_path) {
  commands::command_meta m;
  m.tenant = r.who.tenant;
  m.actor = r.who.key_id;
  m.actor_role = std::string(access::role_name(r.who.role));
  m.idempotency_key = std::move(key);
  m.request_hash = schemas::request_hash(r.req.method, canonical_path, r.req.body);
  auto corr = r.req.header("x-correlation-id");
  if (corr.size() <= 128) m.correlation_id = std::string(corr);
  return m;
}

std::optional<http_response> page_params(const http_request& req, std::size_t& limit, std::string& cursor,
                                         std::initializer_list<std::string_view> extra) {
  limit = 50;
  std::vector<field_error> errors;
  for (auto& [k, v] : req.query) {
    if (k == "limit") {
      auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), limit);
      if (ec != std::errc{} || p != v.data() + v.size() || limit < 1 || limit > 200)
        errors.push_back({"limit", "out_of_range", "limit must be an integer from 1 to 200"});
    } else if (k == "cursor") {
      cursor = v;
    } else if (k != "consistent_with" && std::find(extra.begin(), extra.end(), k) == extra.end()) {
      errors.push_back({k, "unknown_parameter", "this query parameter is not supported"});
    }
  }
  if (!errors.empty()) return problem(error::invalid("invalid_parameter", "the query has invalid parameters", errors));
  return std::nullopt;
}

void after_views_reach(app_services& s, const std::string& token, std::function<void(bool)> then) {
  auto t = decode_token(token);
  if (!t) return then(true);
  s.slow->post([&runner = s.runner, t = *t, then = std::move(then)] {
    auto reached = std::make_shared<std::promise<void>>();
    auto f = reached->get_future();
    auto id = runner.when_reached(t, [reached] { reached->set_value(); });
    bool ok = f.wait_for(std::chrono::seconds(5)) == std::future_status::ready;
    if (!ok) runner.cancel(id);
    then(ok);
  });
}

}  // namespace chronicle::api
