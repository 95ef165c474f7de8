// Order template routes: create, list (all, per customer or tenant-wide),
// read, update (merge patch, If-Match), delete. A template for a customer
// must name a customer of the tenant, as the customers view holds them.
// Templates hold product ids and quantities only: reads are not audited.
#include "api/http/handlers.hpp"
#include "commands/order_process.hpp"
#include "commands/order_template_commands.hpp"
#include "domain/ids.hpp"
#include "projections/customers.hpp"
#include "projections/order_templates.hpp"
#include "projections/orders.hpp"
#include "schemas/order_batch_codec.hpp"
#include "schemas/json_writer.hpp"
#include "schemas/order_template_codec.hpp"

namespace chronicle::api::handlers {
namespace codec = schemas::order_template_codec;
namespace otc = commands::order_template_commands;
namespace otq = projections::order_template_queries;

namespace {

http_response template_not_found() { return problem(404, "template_not_found", "no order template with this id"); }

http_response template_response(int status, const order_templates::order_template& t, std::uint64_t version) {
  auto resp = json_response(status, codec::render(t, version));
  resp.headers.emplace_back("ETag", "\"" + std::to_string(version) + "\"");
  resp.headers.emplace_back("Location", "/v1/order-templates/" + t.id);
  return resp;
}

http_response written(const result<commands::command_outcome>& r, bool deleted = false) {
  if (!r) {
    auto& e = r.err();
    if (e.code == "not_found" || e.code == "template_not_found") return template_not_found();
    return problem(e);
  }
  auto& o = r.value();
  http_response resp;
  if (deleted) {
    resp = json_response(204, "");
  } else {
    auto t = codec::decode_state(o.state);
    if (!t) return problem(t.err());
    resp = template_response(o.created ? 201 : 200, *t, o.version);
  }
  if (!o.token.empty()) resp.headers.emplace_back("Consistency-Token", o.token);
  if (o.replayed) resp.headers.emplace_back("Idempotent-Replayed", "true");
  return resp;
}

}  // namespace

void list_order_templates(app_services& s, const request_scope& r, reply done) {
  std::size_t limit;
  std::string cursor;
  if (auto bad = page_params(r.req, limit, cursor, {"customer_id", "scope"})) return done(std::move(*bad));
  otq::scope scope;
  auto* customer = r.req.query_param("customer_id");
  auto* which = r.req.query_param("scope");
  std::vector<field_error> errors;
  if (customer) {
    if (!is_ulid(*customer)) errors.push_back({"customer_id", "invalid_format", "a customer id (a ULID)"});
    scope.which = otq::scope::kind::customer;
    scope.customer_id = *customer;
  }
  if (which) {
    if (*which == "tenant") {
      if (customer) errors.push_back({"scope", "conflict", "scope=tenant lists tenant-wide templates; omit customer_id"});
      scope.which = otq::scope::kind::tenant_wide;
    } else if (*which != "all" || customer) {
      errors.push_back({"scope", "invalid_value", "scope is 'tenant' (tenant-wide templates only) or 'all'"});
    }
  }
  if (!errors.empty()) return done(problem(error::invalid("invalid_parameter", "the query has invalid parameters", errors)));
  auto page = otq::list(s.views, r.who.tenant, scope, cursor, limit);
  if (!page) return done(problem(page.err()));
  page_writer w;
  for (auto& t : page->items) w.item(codec::render(t.tmpl, t.version));
  done(json_response(200, w.finish(page->next_cursor)));
}

void create_order_template(app_services& s, const request_scope& r, reply done) {
  if (auto bad = require_json(r.req)) return done(std::move(*bad));
  std::string key;
  if (auto bad = idempotency_key(r.req, key)) return done(std::move(*bad));
  auto cmd = codec::parse_create(r.req.body);
  if (!cmd) return done(problem(cmd.err()));
  if (cmd->customer_id && is_ulid(*cmd->customer_id)) {
    auto c = projections::customer_queries::get(s.views, r.who.tenant, *cmd->customer_id);
    if (!c) return done(problem(c.err()));
    if (!*c)
      return done(problem(error::invalid("unknown_customer", "customer_id names no customer of this tenant",
                                         {{"customer_id", "unknown_customer", "no customer " + *cmd->customer_id}})));
  }
  cmd->id = s.exec.new_id();
  s.exec.submit(otc::create_template(meta_of(r, std::move(key), "/v1/order-templates"), std::move(*cmd)),
                [done = std::move(done)](result<commands::command_outcome> o) { done(written(o)); });
}

void get_order_template(app_services& s, const request_scope& r, reply done) {
  if (!is_ulid(r.id)) return done(template_not_found());
  auto t = otq::get(s.views, r.who.tenant, r.id);
  if (!t) return done(problem(t.err()));
  if (!*t) return done(template_not_found());
  done(template_response(200, (*t)->tmpl, (*t)->version));
}

void update_order_template(app_services& s, const request_scope& r, reply done) {
  if (!is_ulid(r.id)) return done(template_not_found());
  std::string key;
  std::optional<std::uint64_t> expected;
  if (auto bad = write_headers(r.req, true, key, expected)) return done(std::move(*bad));
  auto cmd = codec::parse_update(r.req.body);
  if (!cmd) return done(problem(cmd.err()));
  cmd->id = r.id;
  s.exec.submit(otc::update_template(meta_of(r, std::move(key), "/v1/order-templates/" + r.id), std::move(*cmd), expected),
                [done = std::move(done)](result<commands::command_outcome> o) { done(written(o)); });
}

void delete_order_template(app_services& s, const request_scope& r, reply done) {
  if (!is_ulid(r.id)) return done(template_not_found());
  std::optional<std::uint64_t> expected;
  if (auto bad = if_match(r.req, expected)) return done(std::move(*bad));
  s.exec.submit(otc::delete_template(meta_of(r, {}, "/v1/order-templates/" + r.id),
                                     order_templates::delete_template{r.id}, expected),
                [done = std::move(done)](result<commands::command_outcome> o) { done(written(o, true)); });
}

}  // namespace chronicle::api::handlers

// ---- placing an order from a template ----------------------------------------------

namespace chronicle::api::handlers {

// POST /v1/order-templates/{id}/orders: the template's items go through the
// same placement as POST /v1/orders (customer check, a reservation per
// product at today's price and stock, compensation on any failure); the
// order records the template's id. The answer is the Order resource once the
// orders view shows it, as POST /v1/orders answers.
void place_from_template(app_services& s, const request_scope& r, reply done) {
  if (!is_ulid(r.id)) return done(template_not_found());
  if (!r.req.body.empty())
    if (auto bad = require_json(r.req)) return done(std::move(*bad));
  std::string key;
  if (auto bad = idempotency_key(r.req, key)) return done(std::move(*bad));
  auto body = schemas::order_batch_codec::parse_place_from_template(r.req.body);
  if (!body) return done(problem(body.err()));
  auto t = otq::get(s.views, r.who.tenant, r.id);
  if (!t) return done(problem(t.err()));
  if (!*t) return done(template_not_found());
  auto& tmpl = (*t)->tmpl;
  std::string customer = tmpl.customer_id;
  if (customer.empty()) {
    if (!body->customer_id)
      return done(problem(error::invalid("validation_failed", "a tenant-wide template needs the customer to order for",
                                         {{"customer_id", "required", "name the customer the order is for"}})));
    customer = *body->customer_id;
  } else if (body->customer_id && *body->customer_id != customer) {
    return done(problem(error::invalid("validation_failed", "this template belongs to another customer",
                                       {{"customer_id", "mismatch", "the template belongs to customer " + customer}})));
  }
  if (!is_ulid(customer))
    return done(problem(error::invalid("validation_failed", "the request body has invalid fields",
                                       {{"customer_id", "invalid_format", "a customer id (a ULID)"}})));
  commands::order_process::place_input in;
  in.customer_id = customer;
  for (auto& it : tmpl.items) in.items.push_back({it.product_id, it.quantity});
  in.requested_delivery_date = body->requested_delivery_date.value_or("");
  in.notes = body->notes.value_or(tmpl.notes);
  in.template_id = tmpl.id;
  commands::order_process::place(
      s.exec, meta_of(r, std::move(key), "/v1/order-templates/" + r.id + "/orders"), std::move(in),
      [&s, tenant = r.who.tenant, done = std::move(done)](result<commands::command_outcome> o) mutable {
        if (!o) {
          auto e = std::move(o).err();
          if (e.code == "subject_erased")
            e = error::make(errc::failed_precondition, "customer_erased",
                            "this customer's personal data was erased; no order can be placed for them");
          return done(problem(e));
        }
        auto id = o->stream.substr(o->stream.rfind('-') + 1);
        auto send = [&s, tenant, id, o = *o, done = std::move(done)](bool reached) mutable {
          auto doc = projections::order_queries::order(s.views, tenant, id);
          if (!doc) return done(problem(doc.err()));
          if (!*doc)
            return done(problem(reached ? error::make(errc::internal, "order_missing", "the order is stored but not in the view")
                                        : error::make(errc::timeout, "view_pending",
                                                      "the order is stored; the read model has not shown it yet")));
          auto resp = json_response(o.replayed ? 200 : 201, std::move(**doc));
          resp.headers.emplace_back("Location", "/v1/orders/" + id);
          if (!o.token.empty()) resp.headers.emplace_back("Consistency-Token", o.token);
          if (o.replayed) resp.headers.emplace_back("Idempotent-Replayed", "true");
          done(std::move(resp));
        };
        if (o->token.empty()) return send(true);
        after_views_reach(s, o->token, std::move(send));
      });
}

}  // namespace chronicle::api::handlers
