// Orders, their lifecycle verbs, modifications, returns and refunds, and a
// customer's order history. Writes go through commands/order_process (stock
// on the product streams) or the order command builders, and answer once the
// orders view shows them, so the response is the resource every later read
// sees. An order holds personal data (the delivery address, the notes):
// reads by admin and staff keys are recorded in the audit trail before they
// are sent; analysts get the order without them; a portal key reads only its
// own customer's orders.
#include "api/http/audited.hpp"
#include "api/http/handlers.hpp"
#include "commands/order_commands.hpp"
#include "commands/order_process.hpp"
#include "domain/ids.hpp"
#include "domain/pii.hpp"
#include "projections/orders.hpp"
#include "schemas/json_writer.hpp"
#include "schemas/order_codec.hpp"

namespace chronicle::api::handlers {
namespace codec = schemas::order_codec;
namespace oc = commands::order_commands;
namespace op = commands::order_process;
namespace oq = projections::order_queries;
using access::role;

namespace {

http_response order_not_found() { return problem(404, "order_not_found", "no order with this id"); }
http_response return_not_found() { return problem(404, "return_not_found", "no return with this id"); }

std::string order_location(const std::string& id) { return "/v1/orders/" + id; }

// What a role may see of a stored Order: analysts get it without the
// personal parts. nullopt: the caller may not see this order at all.
std::optional<std::string> for_role(const request_scope& r, std::string doc) {
  if (r.who.role != role::analyst && r.who.role != role::portal) return doc;
  auto d = codec::parse_order_doc(doc);
  if (!d) return doc;
  if (r.who.role == role::portal) {
    if (d->customer_id != r.who.customer_id) return std::nullopt;
    return doc;
  }
  orders::address none;
  d->delivery_address = none;
  d->notes.clear();
  return codec::render(*d);
}

std::string customer_of(const std::string& doc) {
  auto d = codec::parse_order_doc(doc);
  return d ? d->customer_id : std::string{};
}

bool audits(const request_scope& r) { return r.who.role == role::admin || r.who.role == role::staff; }

std::string page_body(const std::vector<std::string>& items, const std::string& next) {
  page_writer w;
  for (auto& item : items) w.item(item);
  return w.finish(next);
}

http_response with_etag(http_response resp, const std::string& doc) {
  auto d = codec::parse_order_doc(doc);
  if (d) resp.headers.emplace_back("ETag", "\"" + std::to_string(d->version) + "\"");
  return resp;
}

error mapped(error e) {
  if (e.code == "subject_erased")
    return error::make(errc::failed_precondition, "customer_erased",
                       "this customer's personal data was erased; no order can be placed or changed for them");
  return e;
}

using lookup = std::function<result<std::optional<std::string>>()>;

// Answers a write with the resource the orders view holds once it has folded it.
void answer(app_services& s, result<commands::command_outcome> o, int status, std::string location, lookup find,
            bool order_doc, reply done) {
  if (!o) return done(problem(mapped(std::move(o).err())));
  auto send = [o = *o, status, location, find, order_doc, done](bool reached) mutable {
    auto doc = find();
    if (!doc) return done(problem(doc.err()));
    if (!*doc) {
      if (!reached)
        return done(problem(error::make(errc::timeout, "view_pending",
                                        "the change is stored; the read model has not shown it yet")));
      return done(order_not_found());
    }
    auto body = std::move(**doc);
    auto resp = json_response(o.replayed ? 200 : status, body);
    if (order_doc) resp = with_etag(std::move(resp), body);
    resp.headers.emplace_back("Location", location);
    if (!o.token.empty()) resp.headers.emplace_back("Consistency-Token", o.token);
    if (o.replayed) resp.headers.emplace_back("Idempotent-Replayed", "true");
    done(std::move(resp));
  };
  if (o->token.empty()) return send(true);
  after_views_reach(s, o->token, std::move(send));
}

lookup order_lookup(app_services& s, std::string tenant, std::string id) {
  return [&s, tenant, id] { return oq::order(s.views, tenant, id); };
}
lookup return_lookup(app_services& s, std::string tenant, std::string id) {
  return [&s, tenant, id] { return oq::return_resource(s.views, tenant, id); };
}

std::vector<op::item> items_of(const std::vector<codec::item_input>& in) {
  std::vector<op::item> out;
  for (auto& i : in) out.push_back({i.product_id, i.quantity});
  return out;
}

// The steps of a PATCH, run one after another.
using patch_step = std::function<void(commands::command_meta, std::optional<std::uint64_t>, commands::command_callback)>;
struct patch_run {
  std::vector<patch_step> steps;
  commands::command_meta meta;
  commands::command_callback finish;
};
void run_patch(std::shared_ptr<patch_run> p, std::size_t i, std::optional<std::uint64_t> expected) {
  auto m = p->meta;
  bool last = i + 1 == p->steps.size();
  if (!last) m.idempotency_key.clear(), m.request_hash.clear();
  p->steps[i](m, expected, [p, i, last](result<commands::command_outcome> o) {
    if (!o || last) return p->finish(std::move(o));
    run_patch(p, i + 1, std::nullopt);
  });
}

// Sends a page once the reads of personal data are on the audit trail.
void send_page(app_services& s, const request_scope& r, result<projections::order_page> page, std::string route,
               reply done) {
  if (!page) return done(problem(page.err()));
  std::vector<std::string> items;
  std::vector<commands::audit_entry> entries;
  std::vector<std::string> seen;
  for (auto& doc : page->items) {
    auto shown = for_role(r, std::move(doc));
    if (!shown) continue;
    if (audits(r)) {
      auto c = customer_of(*shown);
      if (std::find(seen.begin(), seen.end(), c) == seen.end()) {
        seen.push_back(c);
        entries.push_back(read_entry(r, c, "list", route));
      }
    }
    items.push_back(std::move(*shown));
  }
  auto resp = json_response(200, page_body(items, page->next_cursor));
  if (entries.empty()) return done(std::move(resp));
  audited(s, std::move(entries), std::move(resp), std::move(done));
}

// The order of a path id, as the caller may see it.
std::optional<http_response> load_order(app_services& s, const request_scope& r, std::string& doc) {
  if (!is_ulid(r.id)) return order_not_found();
  auto d = oq::order(s.views, r.who.tenant, r.id);
  if (!d) return problem(d.err());
  if (!*d) return order_not_found();
  doc = std::move(**d);
  return std::nullopt;
}

}  // namespace

// ---- orders -------------------------------------------------------------------

void place_order(app_services& s, const request_scope& r, reply done) {
  if (auto bad = require_json(r.req)) return done(std::move(*bad));
  std::string key;
  if (auto bad = idempotency_key(r.req, key)) return done(std::move(*bad));
  auto body = codec::parse_place(r.req.body);
  if (!body) return done(problem(body.err()));
  op::place_input in;
  in.customer_id = body->customer_id;
  in.items = items_of(body->items);
  in.delivery_address = body->delivery_address;
  in.requested_delivery_date = body->requested_delivery_date.value_or("");
  in.notes = body->notes;
  op::place(s.exec, meta_of(r, std::move(key), "/v1/orders"), std::move(in),
            [&s, tenant = r.who.tenant, done](result<commands::command_outcome> o) mutable {
              std::string id = o ? o->stream.substr(o->stream.rfind('-') + 1) : std::string{};
              answer(s, std::move(o), 201, order_location(id), order_lookup(s, tenant, id), true, std::move(done));
            });
}

void list_orders(app_services& s, const request_scope& r, reply done) {
  std::size_t limit;
  std::string cursor;
  if (auto bad = page_params(r.req, limit, cursor, {"status", "customer_id"})) return done(std::move(*bad));
  std::string status, customer;
  if (auto* v = r.req.query_param("status")) status = *v;
  if (auto* v = r.req.query_param("customer_id")) customer = *v;
  std::vector<field_error> errors;
  if (!status.empty() && std::find(std::begin(orders::statuses), std::end(orders::statuses), status) == std::end(orders::statuses))
    errors.push_back({"status", "invalid_value",
                      "one of pending, confirmed, processing, ready, out_for_delivery, delivered, cancelled"});
  if (!customer.empty() && !is_ulid(customer)) errors.push_back({"customer_id", "invalid_format", "a customer id (ULID)"});
  if (!errors.empty()) return done(problem(error::invalid("invalid_parameter", "the query has invalid parameters", errors)));
  send_page(s, r, oq::list(s.views, r.who.tenant, status, customer, cursor, limit), "orders.list", std::move(done));
}

void customer_orders(app_services& s, const request_scope& r, reply done) {
  if (r.who.role == role::portal && r.id != r.who.customer_id)
    return done(problem(403, "forbidden", "a portal key may only reach its own customer"));
  std::size_t limit;
  std::string cursor;
  if (auto bad = page_params(r.req, limit, cursor, {"status"})) return done(std::move(*bad));
  if (!is_ulid(r.id)) return done(problem(404, "customer_not_found", "no customer with this id"));
  std::string status;
  if (auto* v = r.req.query_param("status")) status = *v;
  if (!status.empty() && std::find(std::begin(orders::statuses), std::end(orders::statuses), status) == std::end(orders::statuses))
    return done(problem(error::invalid("invalid_parameter", "the query has invalid parameters",
                                       {{"status", "invalid_value", "not an order status"}})));
  send_page(s, r, oq::list(s.views, r.who.tenant, status, r.id, cursor, limit), "customers.orders.list", std::move(done));
}

void get_order(app_services& s, const request_scope& r, reply done) {
  std::string doc;
  if (auto bad = load_order(s, r, doc)) return done(std::move(*bad));
  auto shown = for_role(r, std::move(doc));
  if (!shown) return done(order_not_found());
  auto resp = with_etag(json_response(200, *shown), *shown);
  if (!audits(r)) return done(std::move(resp));
  audited(s, {read_entry(r, customer_of(*shown), "read", "orders.get")}, std::move(resp), std::move(done));
}

void update_order(app_services& s, const request_scope& r, reply done) {
  if (!is_ulid(r.id)) return done(order_not_found());
  std::string key;
  std::optional<std::uint64_t> expected;
  if (auto bad = write_headers(r.req, true, key, expected)) return done(std::move(*bad));
  auto body = codec::parse_patch(r.req.body);
  if (!body) return done(problem(body.err()));
  auto meta = meta_of(r, std::move(key), order_location(r.id));
  // One command per changed part, in a fixed order; If-Match guards the
  // first, the Idempotency-Key the last (each earlier step changes nothing
  // when repeated with the same values).
  std::vector<patch_step> steps;
  auto& ex = s.exec;
  auto id = r.id;
  if (body->items)
    steps.push_back([&ex, id, items = items_of(*body->items)](auto m, auto v, auto cb) {
      op::change_items(ex, m, id, items, v, std::move(cb));
    });
  if (body->delivery_address)
    steps.push_back([&ex, id, a = *body->delivery_address](auto m, auto v, auto cb) {
      ex.submit(oc::change_address(m, {id, a}, v), std::move(cb));
    });
  if (body->requested_delivery_date)
    steps.push_back([&ex, id, d = *body->requested_delivery_date](auto m, auto v, auto cb) {
      ex.submit(oc::change_delivery_date(m, {id, d, ""}, v), std::move(cb));
    });
  if (body->notes)
    steps.push_back([&ex, id, n = *body->notes](auto m, auto v, auto cb) {
      ex.submit(oc::change_notes(m, {id, n}, v), std::move(cb));
    });
  commands::command_callback finish = [&s, tenant = r.who.tenant, id, done](result<commands::command_outcome> o) mutable {
    answer(s, std::move(o), 200, order_location(id), order_lookup(s, tenant, id), true, std::move(done));
  };
  run_patch(std::make_shared<patch_run>(patch_run{std::move(steps), std::move(meta), std::move(finish)}), 0, expected);
}

void order_verb(app_services& s, const request_scope& r, reply done) {
  if (!is_ulid(r.id)) return done(order_not_found());
  std::string key;
  std::optional<std::uint64_t> expected;
  if (auto bad = write_headers(r.req, false, key, expected)) return done(std::move(*bad));
  auto path = std::string_view(r.req.path);
  auto verb = std::string(path.substr(path.rfind('/') + 1));
  auto reason = codec::parse_transition(r.req.body, verb == "cancel");
  if (!reason) return done(problem(reason.err()));
  op::transition(s.exec, meta_of(r, std::move(key), order_location(r.id) + "/" + verb),
                 {r.id, verb, std::move(*reason)}, expected,
                 [&s, tenant = r.who.tenant, id = r.id, done](result<commands::command_outcome> o) mutable {
                   answer(s, std::move(o), 200, order_location(id), order_lookup(s, tenant, id), true, std::move(done));
                 });
}

// ---- returns and refunds ------------------------------------------------------

void request_return(app_services& s, const request_scope& r, reply done) {
  if (!is_ulid(r.id)) return done(order_not_found());
  if (auto bad = require_json(r.req)) return done(std::move(*bad));
  std::string key;
  if (auto bad = idempotency_key(r.req, key)) return done(std::move(*bad));
  auto body = codec::parse_return(r.req.body);
  if (!body) return done(problem(body.err()));
  auto return_id = s.exec.new_id();
  s.exec.submit(oc::request_return(meta_of(r, std::move(key), order_location(r.id) + "/returns"),
                                   {r.id, return_id, std::move(body->items), std::move(body->reason)}),
                [&s, tenant = r.who.tenant, done](result<commands::command_outcome> o) mutable {
                  // On a replay the return is the one the first request created.
                  std::string rid;
                  if (o) {
                    auto st = oc::state_of(o->state);
                    if (st) rid = st->last;
                  }
                  answer(s, std::move(o), 201, "/v1/returns/" + rid, return_lookup(s, tenant, rid), false, std::move(done));
                });
}

void get_return(app_services& s, const request_scope& r, reply done) {
  if (!is_ulid(r.id)) return done(return_not_found());
  auto doc = oq::return_resource(s.views, r.who.tenant, r.id);
  if (!doc) return done(problem(doc.err()));
  if (!*doc) return done(return_not_found());
  done(json_response(200, std::move(**doc)));
}

void return_verb(app_services& s, const request_scope& r, reply done) {
  if (!is_ulid(r.id)) return done(return_not_found());
  std::string key;
  if (auto bad = idempotency_key(r.req, key)) return done(std::move(*bad));
  auto order = oq::order_of_return(s.views, r.who.tenant, r.id);
  if (!order) return done(problem(order.err()));
  if (!*order) return done(return_not_found());
  auto path = std::string_view(r.req.path);
  auto verb = std::string(path.substr(path.rfind('/') + 1));
  auto meta = meta_of(r, std::move(key), "/v1/returns/" + r.id + "/" + verb);
  auto then = [&s, tenant = r.who.tenant, rid = r.id, done](result<commands::command_outcome> o) mutable {
    answer(s, std::move(o), 200, "/v1/returns/" + rid, return_lookup(s, tenant, rid), false, std::move(done));
  };
  if (verb == "approve") {
    auto ok = codec::parse_empty(r.req.body);
    if (!ok) return done(problem(ok.err()));
    return s.exec.submit(oc::approve_return(meta, {**order, r.id}), std::move(then));
  }
  if (verb == "decline") {
    auto reason = codec::parse_decline(r.req.body);
    if (!reason) return done(problem(reason.err()));
    return s.exec.submit(oc::decline_return(meta, {**order, r.id, std::move(*reason)}), std::move(then));
  }
  auto restock = codec::parse_receive(r.req.body);
  if (!restock) return done(problem(restock.err()));
  op::receive_return(s.exec, meta, {**order, r.id, *restock}, std::move(then));
}

void issue_refund(app_services& s, const request_scope& r, reply done) {
  if (!is_ulid(r.id)) return done(order_not_found());
  if (auto bad = require_json(r.req)) return done(std::move(*bad));
  std::string key;
  if (auto bad = idempotency_key(r.req, key)) return done(std::move(*bad));
  auto body = codec::parse_refund(r.req.body);
  if (!body) return done(problem(body.err()));
  if (!body->return_id.empty() && !is_ulid(body->return_id))
    return done(problem(error::invalid("validation_failed", "the refund has invalid fields",
                                       {{"return_id", "not_found", "no return with this id on this order"}})));
  s.exec.submit(oc::issue_refund(meta_of(r, std::move(key), order_location(r.id) + "/refunds"),
                                 {r.id, s.exec.new_id(), body->return_id, body->amount, body->method, body->reason}),
                [&s, tenant = r.who.tenant, id = r.id, done](result<commands::command_outcome> o) mutable {
                  answer(s, std::move(o), 201, order_location(id), order_lookup(s, tenant, id), true, std::move(done));
                });
}

}  // namespace chronicle::api::handlers
