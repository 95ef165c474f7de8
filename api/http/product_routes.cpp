// Product routes: create, list (by SKU or name, filtered by the active flag,
// or looked up by SKU), read, update (merge patch, If-Match), and stock
// changes (receive, adjust). Products hold no personal data, so their reads
// are not audited.
#include "api/http/handlers.hpp"
#include "commands/catalog_commands.hpp"
#include "domain/ids.hpp"
#include "projections/products.hpp"
#include "schemas/catalog_codec.hpp"
#include "schemas/json_writer.hpp"

namespace chronicle::api::handlers {
namespace codec = schemas::catalog_codec;
namespace cat = commands::catalog_commands;
namespace pq = projections::product_queries;

namespace {

http_response product_not_found() { return problem(404, "product_not_found", "no product with this id"); }

http_response product_response(int status, const products::product& p, std::uint64_t version) {
  auto resp = json_response(status, codec::render(p, version));
  resp.headers.emplace_back("ETag", "\"" + std::to_string(version) + "\"");
  resp.headers.emplace_back("Location", "/v1/products/" + p.id);
  return resp;
}

http_response written(const result<commands::command_outcome>& r, int created_status) {
  if (!r) {
    auto& e = r.err();
    if (e.code == "not_found" || e.code == "product_not_found") return product_not_found();
    if (e.code == "duplicate_sku")
      return problem(error{errc::already_exists, e.code, "another product of the tenant has this SKU: " + e.existing_id,
                           {{"sku", "duplicate", "already used by product " + e.existing_id}}, e.existing_id,
                           std::nullopt});
    return problem(e);
  }
  auto& o = r.value();
  auto p = codec::decode_state(o.state);
  if (!p) return problem(p.err());
  auto resp = product_response(o.created ? created_status : 200, *p, o.version);
  if (!o.token.empty()) resp.headers.emplace_back("Consistency-Token", o.token);
  if (o.replayed) resp.headers.emplace_back("Idempotent-Replayed", "true");
  return resp;
}

}  // namespace

void list_products(app_services& s, const request_scope& r, reply done) {
  std::size_t limit;
  std::string cursor;
  if (auto bad = page_params(r.req, limit, cursor, {"sort", "active", "sku"})) return done(std::move(*bad));
  std::vector<field_error> errors;
  auto order = projections::product_order::sku;
  if (auto* v = r.req.query_param("sort")) {
    if (*v == "name") order = projections::product_order::name;
    else if (*v != "sku") errors.push_back({"sort", "invalid_value", "sort is sku or name"});
  }
  std::optional<bool> active;
  if (auto* v = r.req.query_param("active")) {
    if (*v == "true") active = true;
    else if (*v == "false") active = false;
    else errors.push_back({"active", "invalid_value", "active is true or false"});
  }
  if (!errors.empty()) return done(problem(error::invalid("invalid_parameter", "the query has invalid parameters", errors)));
  projections::product_page page;
  if (auto* sku = r.req.query_param("sku")) {
    // A lookup by SKU: a page of zero or one product.
    auto one = pq::by_sku(s.views, r.who.tenant, *sku);
    if (!one) return done(problem(one.err()));
    if (*one && (!active || (*one)->product.active == *active)) page.items.push_back(std::move(**one));
  } else {
    auto listed = pq::list(s.views, r.who.tenant, order, active, cursor, limit);
    if (!listed) return done(problem(listed.err()));
    page = std::move(*listed);
  }
  page_writer w;
  for (auto& p : page.items) w.item(codec::render(p.product, p.version));
  done(json_response(200, w.finish(page.next_cursor)));
}

void create_product(app_services& s, const request_scope& r, reply done) {
  if (auto bad = require_json(r.req)) return done(std::move(*bad));
  std::string key;
  if (auto bad = idempotency_key(r.req, key)) return done(std::move(*bad));
  auto cmd = codec::parse_create(r.req.body);
  if (!cmd) return done(problem(cmd.err()));
  cmd->id = s.exec.new_id();
  s.exec.submit(cat::create(meta_of(r, std::move(key), "/v1/products"), std::move(*cmd)),
                [done = std::move(done)](result<commands::command_outcome> o) { done(written(o, 201)); });
}

void get_product(app_services& s, const request_scope& r, reply done) {
  if (!is_ulid(r.id)) return done(product_not_found());
  auto p = pq::get(s.views, r.who.tenant, r.id);
  if (!p) return done(problem(p.err()));
  if (!*p) return done(product_not_found());
  done(product_response(200, (*p)->product, (*p)->version));
}

void update_product(app_services& s, const request_scope& r, reply done) {
  if (!is_ulid(r.id)) return done(product_not_found());
  std::string key;
  std::optional<std::uint64_t> expected;
  if (auto bad = write_headers(r.req, true, key, expected)) return done(std::move(*bad));
  auto cmd = codec::parse_update(r.req.body);
  if (!cmd) return done(problem(cmd.err()));
  cmd->id = r.id;
  s.exec.submit(cat::update(meta_of(r, std::move(key), "/v1/products/" + r.id), std::move(*cmd), expected),
                [done = std::move(done)](result<commands::command_outcome> o) { done(written(o, 200)); });
}

void change_stock(app_services& s, const request_scope& r, reply done) {
  if (!is_ulid(r.id)) return done(product_not_found());
  std::string key;
  std::optional<std::uint64_t> expected;
  if (auto bad = write_headers(r.req, true, key, expected)) return done(std::move(*bad));
  auto cmd = codec::parse_stock(r.req.body);
  if (!cmd) return done(problem(cmd.err()));
  auto meta = meta_of(r, std::move(key), "/v1/products/" + r.id + "/stock");
  auto req = std::visit(
      [&](auto& c) {
        c.product_id = r.id;
        if constexpr (std::is_same_v<std::decay_t<decltype(c)>, products::receive_stock>)
          return cat::receive(meta, std::move(c), expected);
        else return cat::adjust(meta, std::move(c), expected);
      },
      *cmd);
  s.exec.submit(std::move(req),
                [done = std::move(done)](result<commands::command_outcome> o) { done(written(o, 200)); });
}

}  // namespace chronicle::api::handlers
