// POST /v1/customers/bulk: tag, untag or set the status of many customers,
// named by id or by a filter (the parameters of GET /v1/customers). Each
// customer is its own command on its own stream, so one bad item never fails
// the others; the answer lists every failure with its id, code and message.
// With an Idempotency-Key, each item gets "<key>/<id>", so a retried request
// replays the items that were done and runs only the rest.
#include <algorithm>
#include <memory>
#include <mutex>

#include "api/http/handlers.hpp"
#include "api/http/problem.hpp"
#include "commands/customer_commands.hpp"
#include "domain/ids.hpp"
#include "domain/log.hpp"
#include "projections/customer_index.hpp"
#include "schemas/bulk_codec.hpp"

namespace chronicle::api::handlers {
namespace bulk = schemas::bulk_codec;

namespace {

// At most this many customers matched by one filter; beyond it the request
// is refused (narrow the filter, or page through GET /v1/customers and send ids).
constexpr std::uint64_t max_filter_matches = 10'000;

struct tally {
  std::mutex m;
  std::size_t remaining = 0;
  std::size_t succeeded = 0;
  std::vector<std::pair<std::size_t, bulk::item_failure>> failed;  // input position, failure
  positions written;  // past every item's write: the answer's Consistency-Token
};

result<std::vector<std::string>> matching_ids(app_services& s, const request_scope& r, const bulk::bulk_request& b) {
  if (!s.customers_index)
    return error::make(errc::unavailable, "search_unavailable", "this server has no customer index to filter with");
  auto params = b.filter;
  params.emplace_back("limit", "200");
  params.emplace_back("include", "total");
  std::vector<std::string> ids;
  std::string cursor;
  for (;;) {
    auto page_params = params;
    if (!cursor.empty()) page_params.emplace_back("cursor", cursor);
    auto q = projections::parse_customer_query(page_params);
    if (!q) {
      auto e = std::move(q).err();
      for (auto& f : e.fields) f.field = "filter." + f.field;
      return e;
    }
    auto hits = s.customers_index->query(r.who.tenant, *q);
    if (!hits) return std::move(hits).err();
    if (hits->total && *hits->total > max_filter_matches)
      return error::make(errc::failed_precondition, "too_many_matches",
                         "the filter matches " + std::to_string(*hits->total) + " customers; at most " +
                             std::to_string(max_filter_matches) + " per bulk request");
    ids.insert(ids.end(), hits->ids.begin(), hits->ids.end());
    if (hits->next_cursor.empty() || ids.size() >= max_filter_matches) break;
    cursor = hits->next_cursor;
  }
  return ids;
}

}  // namespace

void bulk_customers(app_services& s, const request_scope& r, reply done) {
  if (auto bad = require_json(r.req)) return done(std::move(*bad));
  std::string key;
  if (auto bad = idempotency_key(r.req, key)) return done(std::move(*bad));
  auto b = bulk::parse_bulk(r.req.body);
  if (!b) return done(problem(b.err()));
  if (b->action == "tag" && s.check_tags)  // untagging an unknown tag is a harmless no-op
    if (auto st = s.check_tags(r.who.tenant, b->tag_ids); !st) return done(problem(st.err()));
  auto ids = b->by_filter ? matching_ids(s, r, *b) : result<std::vector<std::string>>(b->ids);
  if (!ids) return done(problem(ids.err()));
  if (ids->empty()) return done(json_response(200, bulk::render_result(b->action, 0, 0, {})));

  auto t = std::make_shared<tally>();
  t->remaining = ids->size();
  auto finish = [t, action = b->action, matched = ids->size(), done](std::size_t pos, std::string id,
                                                                   const error* e, std::string_view token) mutable {
    std::unique_lock lock(t->m);
    if (e) t->failed.emplace_back(pos, bulk::item_failure{std::move(id), *e});
    else ++t->succeeded;
    if (auto p = decode_token(token))
      for (auto& [tp, offset] : *p) t->written[tp] = std::max(t->written[tp], offset);
    if (--t->remaining > 0) return;
    std::sort(t->failed.begin(), t->failed.end(), [](auto& a, auto& c) { return a.first < c.first; });
    std::vector<bulk::item_failure> failed;
    for (auto& [_, f] : t->failed) failed.push_back(std::move(f));
    auto resp = json_response(200, bulk::render_result(action, matched, t->succeeded, failed));
    if (!t->written.empty()) resp.headers.emplace_back("Consistency-Token", encode_token(t->written));
    lock.unlock();
    done(std::move(resp));
  };
  auto shared_finish = std::make_shared<decltype(finish)>(std::move(finish));

  for (std::size_t i = 0; i < ids->size(); ++i) {
    auto& id = (*ids)[i];
    if (!is_ulid(id)) {
      auto e = error::make(errc::not_found, "customer_not_found", "no customer with this id");
      (*shared_finish)(i, id, &e, {});
      continue;
    }
    auto meta = meta_of(r, key.empty() ? std::string{} : key + "/" + id, "/v1/customers/bulk");
    commands::command_request cmd;
    if (b->action == "tag")
      cmd = commands::customer_commands::tag_customer(meta, customers::tag_customer{id, b->tag_ids}, std::nullopt);
    else if (b->action == "untag")
      cmd = commands::customer_commands::untag_customer(meta, customers::untag_customer{id, b->tag_ids}, std::nullopt);
    else
      cmd = commands::customer_commands::set_status(meta, id, b->status);
    s.exec.submit(std::move(cmd), [shared_finish, i, id](result<commands::command_outcome> o) {
      if (o) (*shared_finish)(i, id, nullptr, o->token);
      else (*shared_finish)(i, id, &o.err(), {});
    });
  }
}

}  // namespace chronicle::api::handlers
