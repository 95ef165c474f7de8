// Tag routes: list, create, read, update (merge patch, If-Match), delete.
// Tags hold no personal data, so their reads are not audited.
#include "api/http/handlers.hpp"
#include "commands/tag_commands.hpp"
#include "domain/ids.hpp"
#include "projections/tags.hpp"
#include "schemas/json_writer.hpp"
#include "schemas/tag_codec.hpp"

namespace chronicle::api::handlers {
namespace codec = schemas::tag_codec;
namespace tc = commands::tag_commands;

namespace {

http_response tag_not_found() { return problem(404, "tag_not_found", "no tag with this id"); }

http_response tag_response(int status, const tags::tag& t, std::uint64_t version) {
  auto resp = json_response(status, codec::render(t, version));
  resp.headers.emplace_back("ETag", "\"" + std::to_string(version) + "\"");
  resp.headers.emplace_back("Location", "/v1/tags/" + t.id);
  return resp;
}

// The answer to a write; `deleted`: 204 without a body.
http_response written(const result<commands::command_outcome>& r, int created_status, bool deleted = false) {
  if (!r) {
    auto& e = r.err();
    if (e.code == "not_found" || e.code == "tag_not_found") return tag_not_found();
    if (e.code == "duplicate_tag_name") {
      // The claim is named after the tag's name: point at the request field.
      auto& holder = e.existing_id;
      return problem(error{errc::already_exists, e.code, "another tag of the tenant is named so: " + holder,
                           {{"name", "duplicate", "already used by tag " + holder}}, holder});
    }
    return problem(e);
  }
  auto& o = r.value();
  http_response resp;
  if (deleted) {
    resp = json_response(204, "");
  } else {
    auto t = codec::decode_state(o.state);
    if (!t) return problem(t.err());
    resp = tag_response(o.created ? created_status : 200, *t, o.version);
  }
  if (!o.token.empty()) resp.headers.emplace_back("Consistency-Token", o.token);
  if (o.replayed) resp.headers.emplace_back("Idempotent-Replayed", "true");
  return resp;
}

}  // namespace

void list_tags(app_services& s, const request_scope& r, reply done) {
  std::size_t limit;
  std::string cursor;
  if (auto bad = page_params(r.req, limit, cursor)) return done(std::move(*bad));
  auto page = projections::tag_queries::list(s.views, r.who.tenant, cursor, limit);
  if (!page) return done(problem(page.err()));
  page_writer w;
  for (auto& t : page->items) w.item(codec::render(t.tag, t.version));
  done(json_response(200, w.finish(page->next_cursor)));
}

void create_tag(app_services& s, const request_scope& r, reply done) {
  if (auto bad = require_json(r.req)) return done(std::move(*bad));
  std::string key;
  if (auto bad = idempotency_key(r.req, key)) return done(std::move(*bad));
  auto cmd = codec::parse_create(r.req.body);
  if (!cmd) return done(problem(cmd.err()));
  cmd->id = s.exec.new_id();
  s.exec.submit(tc::create_tag(meta_of(r, std::move(key), "/v1/tags"), std::move(*cmd)),
                [done = std::move(done)](result<commands::command_outcome> o) { done(written(o, 201)); });
}

void get_tag(app_services& s, const request_scope& r, reply done) {
  if (!is_ulid(r.id)) return done(tag_not_found());
  auto t = projections::tag_queries::get(s.views, r.who.tenant, r.id);
  if (!t) return done(problem(t.err()));
  if (!*t) return done(tag_not_found());
  done(tag_response(200, (*t)->tag, (*t)->version));
}

void update_tag(app_services& s, const request_scope& r, reply done) {
  if (!is_ulid(r.id)) return done(tag_not_found());
  std::string key;
  std::optional<std::uint64_t> expected;
  if (auto bad = write_headers(r.req, true, key, expected)) return done(std::move(*bad));
  auto cmd = codec::parse_update(r.req.body);
  if (!cmd) return done(problem(cmd.err()));
  cmd->id = r.id;
  s.exec.submit(tc::update_tag(meta_of(r, std::move(key), "/v1/tags/" + r.id), std::move(*cmd), expected),
                [done = std::move(done)](result<commands::command_outcome> o) { done(written(o, 200)); });
}

void delete_tag(app_services& s, const request_scope& r, reply done) {
  if (!is_ulid(r.id)) return done(tag_not_found());
  std::optional<std::uint64_t> expected;
  if (auto bad = if_match(r.req, expected)) return done(std::move(*bad));
  s.exec.submit(tc::delete_tag(meta_of(r, {}, "/v1/tags/" + r.id), tags::delete_tag{r.id}, expected),
                [done = std::move(done)](result<commands::command_outcome> o) { done(written(o, 200, true)); });
}

}  // namespace chronicle::api::handlers
