// POST /v1/orders/batch: one action for up to 100 orders, a result per
// order. Every order is its own command on its own stream (decided by that
// stream's writer against its latest state), all submitted at once; one
// failing order never stops the others. The answer is 200 with
// {action, succeeded: [ids], failed: [{id, code, message}]} whatever the
// outcomes, plus a Consistency-Token covering every write that happened.
// With an Idempotency-Key, each order's command is keyed "<key>/<order id>",
// so a retried batch replays the orders that went through and retries the
// others.
#include <memory>
#include <mutex>

#include "api/http/handlers.hpp"
#include "api/http/order_actions.hpp"
#include "domain/ids.hpp"
#include "domain/log.hpp"
#include "schemas/envelope_codec.hpp"
#include "schemas/order_batch_codec.hpp"

namespace chronicle::api::handlers {
namespace bc = schemas::order_batch_codec;

namespace {

std::string failure_message(const error& e) {
  if (e.code != "invalid_transition" || e.allowed.empty()) return e.message;
  std::string m = e.message + "; allowed: ";
  for (std::size_t i = 0; i < e.allowed.size(); ++i) m += (i ? ", " : "") + e.allowed[i];
  return m;
}

struct batch_state {
  std::mutex mu;
  std::string action;
  std::vector<std::string> ids;
  std::vector<std::optional<error>> results;  // nullopt: succeeded
  positions reached;
  std::size_t pending = 0;
  reply done;
};

void finish(batch_state& b) {
  std::vector<std::string> ok;
  std::vector<bc::failure> failed;
  for (std::size_t i = 0; i < b.ids.size(); ++i) {
    if (!b.results[i]) ok.push_back(b.ids[i]);
    else failed.push_back({b.ids[i], b.results[i]->code, failure_message(*b.results[i])});
  }
  auto resp = json_response(200, bc::render_batch_result(b.action, ok, failed));
  if (!b.reached.empty()) resp.headers.emplace_back("Consistency-Token", encode_token(b.reached));
  b.done(std::move(resp));
}

}  // namespace

void batch_orders(app_services& s, const request_scope& r, reply done) {
  if (auto bad = require_json(r.req)) return done(std::move(*bad));
  std::string key;
  if (auto bad = idempotency_key(r.req, key)) return done(std::move(*bad));
  auto body = bc::parse_batch(r.req.body);
  if (!body) return done(problem(body.err()));
  auto b = std::make_shared<batch_state>();
  b->action = body->action;
  b->ids = body->ids;
  b->results.resize(b->ids.size());
  b->pending = b->ids.size();
  b->done = std::move(done);
  auto settle = [b](std::size_t i, std::optional<error> e, const std::string& token) {
    bool last = false;
    {
      std::lock_guard lock(b->mu);
      b->results[i] = std::move(e);
      if (auto t = decode_token(token))
        for (auto& [tp, off] : *t) b->reached[tp] = std::max(b->reached[tp], off);
      last = --b->pending == 0;
    }
    if (last) finish(*b);
  };
  for (std::size_t i = 0; i < b->ids.size(); ++i) {
    auto& id = b->ids[i];
    if (!is_ulid(id)) {
      settle(i, error::make(errc::not_found, "order_not_found", "no order with this id"), {});
      continue;
    }
    auto meta = meta_of(r, key.empty() ? std::string{} : key + "/" + id, "/v1/orders/batch");
    meta.request_hash = schemas::request_hash("POST", "/v1/orders/batch/" + id, r.req.body);
    order_action act{body->action, id, body->requested_delivery_date, body->reason};
    run_order_action(s, std::move(meta), std::move(act),
                     [settle, i](result<commands::command_outcome> o) {
                       if (!o) return settle(i, o.err(), {});
                       settle(i, std::nullopt, o->token);
                     });
  }
}

}  // namespace chronicle::api::handlers
