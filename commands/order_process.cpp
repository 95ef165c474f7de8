#include "commands/order_process.hpp"

#include <algorithm>
#include <atomic>
#include <map>
#include <memory>

#include "commands/catalog_commands.hpp"
#include "commands/order_commands.hpp"
#include "domain/customer.hpp"
#include "domain/ids.hpp"
#include "schemas/customer_codec.hpp"

namespace chronicle::commands::order_process {
namespace cat = catalog_commands;
namespace oc = order_commands;

namespace {

// Sub-steps carry who asks but not the client's Idempotency-Key: that key
// belongs to the order command alone.
command_meta step_meta(const command_meta& m) {
  auto s = m;
  s.idempotency_key.clear();
  s.request_hash.clear();
  return s;
}

// A command that appends nothing and answers with the stream's current state.
command_request probe(const command_meta& meta, std::string_view category, std::string_view topic, std::string id) {
  auto r = step_meta(meta).request(category, topic, std::move(id));
  r.decide = [](const stream_snapshot& snap, std::int64_t) -> result<decision> { return decision{{}, snap.state}; };
  return r;
}

// Runs `reqs` one after another; `done` gets the first failure (the rest are
// still run, so a compensation is as complete as it can be) or success.
struct chain {
  executor& ex;
  std::vector<command_request> reqs;
  std::function<void(status)> done;
  status first;
};
void run_from(std::shared_ptr<chain> c, std::size_t i) {
  if (i == c->reqs.size()) return c->done(c->first);
  auto req = std::move(c->reqs[i]);
  c->ex.submit(std::move(req), [c, i](result<command_outcome> r) {
    if (!r && c->first.ok()) c->first = std::move(r).err();
    run_from(c, i + 1);
  });
}
void run_all(executor& ex, std::vector<command_request> reqs, std::function<void(status)> done) {
  run_from(std::make_shared<chain>(chain{ex, std::move(reqs), std::move(done), {}}), 0);
}

// A catalog rejection for item `i` of the request: the field names the item.
error for_item(error e, std::size_t i, const std::string& product_id) {
  auto field = "items[" + std::to_string(i) + "].product_id";
  bool named = false;
  for (auto& f : e.fields)
    if (f.field == "product_id") f.field = field, named = true;
  if (!named) e.fields.push_back({field, e.code, e.message});
  if (e.kind == errc::not_found) e.kind = errc::invalid_argument;  // the order's body names it, not the path
  if (e.message.find(product_id) == std::string::npos) e.message = "product " + product_id + ": " + e.message;
  return e;
}

// Shape checks that need no state, before any stock is touched.
std::vector<field_error> check_items(const std::vector<item>& items) {
  std::vector<field_error> errors;
  if (items.empty()) errors.push_back({"items", "required", "an order has at least one item"});
  if (items.size() > orders::max_lines)
    errors.push_back({"items", "too_many", "an order has at most " + std::to_string(orders::max_lines) + " items"});
  for (std::size_t i = 0; i < items.size(); ++i) {
    auto at = "items[" + std::to_string(i) + "].";
    if (!is_ulid(items[i].product_id))
      errors.push_back({at + "product_id", "not_found", "no product with this id"});
    for (std::size_t j = 0; j < i; ++j)
      if (items[j].product_id == items[i].product_id) {
        errors.push_back({at + "product_id", "duplicate", "this product is listed twice; give one line with the whole quantity"});
        break;
      }
    if (items[i].quantity < 1 || items[i].quantity > orders::max_quantity)
      errors.push_back({at + "quantity", "out_of_range", "quantity is from 1 to " + std::to_string(orders::max_quantity)});
  }
  return errors;
}

error invalid(std::vector<field_error> errors) {
  return error::invalid("validation_failed", "the order has invalid fields", std::move(errors));
}

// Reserves `items` (in product id order) for `order_id`; on success calls
// `ok` with the priced items in request order; on failure restores what it
// changed with `undo(product)` requests and calls `fail`.
struct reservation : std::enable_shared_from_this<reservation> {
  executor& ex;
  command_meta meta;
  std::string order_id, date;
  std::vector<item> items;
  std::vector<std::size_t> order;  // indexes of items, sorted by product id
  std::size_t next = 0;
  std::vector<orders::priced_item> priced;
  std::vector<std::string> touched;
  std::function<command_request(const std::string& product)> undo;
  std::function<void(std::vector<orders::priced_item>)> ok;
  std::function<void(error)> fail;

  reservation(executor& e, command_meta m) : ex(e), meta(std::move(m)) {}

  void start() {
    priced.resize(items.size());
    for (std::size_t i = 0; i < items.size(); ++i) order.push_back(i);
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return items[a].product_id < items[b].product_id; });
    step();
  }
  void step() {
    if (next == order.size()) return ok(std::move(priced));
    auto i = order[next++];
    auto self = shared_from_this();
    ex.submit(cat::reserve(meta, items[i].product_id, order_id, items[i].quantity, date),
              [self, i](result<command_outcome> r) {
                if (!r) return self->abort(for_item(std::move(r).err(), i, self->items[i].product_id));
                self->touched.push_back(self->items[i].product_id);
                auto p = cat::product_summary(r->state);
                if (!p) return self->abort(error::make(errc::internal, "corrupt_state", "a reserve answered without a product"));
                self->priced[i] = {p->id, p->sku, p->name, p->unit, self->items[i].quantity, p->price};
                self->step();
              });
  }
  void abort(error e) {
    std::vector<command_request> back;
    for (auto& p : touched) back.push_back(undo(p));
    auto self = shared_from_this();
    run_all(ex, std::move(back), [self, e = std::move(e)](status) mutable { self->fail(std::move(e)); });
  }
};

std::vector<command_request> releases(const command_meta& meta, const std::string& order_id,
                                      const std::vector<std::string>& products) {
  std::vector<command_request> out;
  for (auto& p : products) out.push_back(cat::release(meta, p, order_id));
  return out;
}

std::vector<std::string> products_of(const orders::order& o) {
  std::vector<std::string> out;
  for (auto& l : o.lines) out.push_back(l.product_id);
  return out;
}

// Answers `done` with the order outcome once the follow-up stock steps ran;
// a failed follow-up is reported (a retry with the same Idempotency-Key completes it).
void then_stock(executor& ex, command_outcome outcome, std::vector<command_request> follow_ups, command_callback done) {
  if (follow_ups.empty()) return done(std::move(outcome));
  run_all(ex, std::move(follow_ups), [outcome = std::move(outcome), done = std::move(done)](status s) mutable {
    if (!s) {
      auto e = s.err();
      return done(error::make(errc::unavailable, "stock_follow_up_failed",
                              "the order changed but its stock could not be updated (" + e.message +
                                  "); retry the request with the same Idempotency-Key"));
    }
    done(std::move(outcome));
  });
}

}  // namespace

void place(executor& ex, const command_meta& meta, place_input in, command_callback done) {
  auto errors = check_items(in.items);
  if (in.customer_id.empty()) errors.insert(errors.begin(), {"customer_id", "required", "customer_id is required"});
  // The rest of the order is checked before any stock is touched.
  orders::place_order dry;
  dry.id = "dry";
  dry.customer_id = in.customer_id;
  for (auto& i : in.items) dry.items.push_back({i.product_id, "", "", "", std::max<std::int64_t>(i.quantity, 1), {0, "XXX"}});
  dry.requested_delivery_date = in.requested_delivery_date.empty() ? "2000-01-01" : in.requested_delivery_date;
  dry.notes = in.notes;
  if (in.delivery_address) dry.delivery_address = *in.delivery_address;
  else dry.delivery_address = [] { orders::address a; a.street = a.city = a.postal_code = "x"; a.country = "US"; return a; }();
  if (auto r = orders::decide(orders::order{}, dry); !r)
    for (auto& f : r.err().fields)
      if (f.field.rfind("items", 0) != 0 && f.field != "customer_id") errors.push_back(f);
  if (!errors.empty()) return done(invalid(std::move(errors)));
  // A retry of a placed order is answered before any stock is touched: its
  // reservations are the first order's, and the stock may be gone since.
  auto earlier = ex.answered(meta.tenant, meta.idempotency_key, meta.request_hash);
  if (!earlier) return done(std::move(earlier).err());
  if (*earlier) return done(std::move(**earlier));

  auto step = step_meta(meta);
  auto customer_id = in.customer_id;
  ex.submit(probe(meta, customers::category, customers::topic, customer_id),
            [&ex, meta, step, in = std::move(in), done = std::move(done)](result<command_outcome> r) mutable {
              if (!r) return done(std::move(r).err());
              auto c = schemas::customer_codec::decode_state(r->state);
              if (!c) return done(std::move(c).err());
              if (!c->exists || c->erased)
                return done(error::invalid("customer_not_found", "no customer with this id",
                                           {{"customer_id", "not_found", "no customer with this id"}}));
              if (!c->active)
                return done(error::invalid("customer_inactive", "the customer is deactivated",
                                           {{"customer_id", "inactive", "reactivate the customer first"}}));
              orders::place_order cmd;
              if (in.delivery_address) {
                cmd.delivery_address = *in.delivery_address;
              } else {
                auto d = std::find_if(c->addresses.begin(), c->addresses.end(), [](auto& a) { return a.is_default; });
                if (d == c->addresses.end())
                  return done(error::invalid("validation_failed", "the order has invalid fields",
                                             {{"delivery_address", "required",
                                               "the customer has no default address: give a delivery_address"}}));
                cmd.delivery_address = *d;
              }
              cmd.id = ex.new_id();
              cmd.customer_id = in.customer_id;
              cmd.requested_delivery_date = in.requested_delivery_date;
              cmd.notes = in.notes;
              cmd.template_id = in.template_id;
              auto res = std::make_shared<reservation>(ex, step);
              res->order_id = cmd.id;
              res->date = in.requested_delivery_date;
              for (auto& i : in.items) res->items.push_back(i);
              res->undo = [step, id = cmd.id](const std::string& p) { return cat::release(step, p, id); };
              res->fail = [done](error e) { done(std::move(e)); };
              res->ok = [&ex, meta, step, cmd, done](std::vector<orders::priced_item> priced) mutable {
                cmd.items = std::move(priced);
                std::vector<std::string> products;
                for (auto& i : cmd.items) products.push_back(i.product_id);
                auto id = cmd.id;
                ex.submit(oc::place(meta, std::move(cmd)),
                          [&ex, step, id, products, done](result<command_outcome> r) mutable {
                            // Refused, or answered from an earlier request with the same
                            // Idempotency-Key: the reservations made for `id` hold nothing.
                            if (!r || r->replayed) {
                              run_all(ex, releases(step, id, products),
                                      [r = std::move(r), done](status) mutable { done(std::move(r)); });
                              return;
                            }
                            done(std::move(r));
                          });
              };
              res->start();
            });
}

void change_items(executor& ex, const command_meta& meta, std::string order_id, std::vector<item> items,
                  std::optional<std::uint64_t> expected_version, command_callback done) {
  auto errors = check_items(items);
  if (!errors.empty()) return done(invalid(std::move(errors)));
  auto step = step_meta(meta);
  ex.submit(probe(meta, orders::category, orders::topic, order_id),
            [&ex, meta, step, order_id, items = std::move(items), expected_version,
             done = std::move(done)](result<command_outcome> r) mutable {
              if (!r) return done(std::move(r).err());
              auto o = oc::state_of(r->state);
              if (!o) return done(std::move(o).err());
              if (!o->exists) return done(error::make(errc::not_found, "order_not_found", "no order with this id"));
              if (expected_version && *expected_version != r->version)
                return done(error::make(errc::version_conflict, "version_conflict",
                                        "the order is at version " + std::to_string(r->version)));
              // Asking the domain with the old prices first: a stage that
              // allows no change refuses before any stock moves.
              orders::change_items probe_cmd{order_id, {}};
              for (auto& l : o->lines) probe_cmd.items.push_back({l.product_id, l.sku, l.name, l.unit, l.quantity, l.unit_price});
              if (auto d = orders::decide(*o, probe_cmd); !d) return done(std::move(d).err());
              std::map<std::string, std::int64_t> before;
              for (auto& l : o->lines) before[l.product_id] = l.quantity;
              std::vector<std::string> removed;
              for (auto& held : before)
                if (std::none_of(items.begin(), items.end(), [&](auto& i) { return i.product_id == held.first; }))
                  removed.push_back(held.first);
              auto res = std::make_shared<reservation>(ex, step);
              res->order_id = order_id;
              res->date = o->requested_delivery_date;
              res->items = items;
              // Undo puts each touched product back to what the order held.
              res->undo = [step, order_id, before](const std::string& p) {
                auto it = before.find(p);
                return cat::reserve(step, p, order_id, it == before.end() ? 0 : it->second, "");
              };
              res->fail = [done](error e) { done(std::move(e)); };
              res->ok = [&ex, meta, step, order_id, removed, expected_version, res_items = items, before,
                         done](std::vector<orders::priced_item> priced) mutable {
                ex.submit(oc::change_items(meta, {order_id, std::move(priced)}, expected_version),
                          [&ex, step, order_id, removed, res_items, before, done](result<command_outcome> r) mutable {
                            if (!r) {
                              // Put the reservations back as they were.
                              std::vector<command_request> back;
                              for (auto& i : res_items) {
                                auto it = before.find(i.product_id);
                                back.push_back(cat::reserve(step, i.product_id, order_id,
                                                            it == before.end() ? 0 : it->second, ""));
                              }
                              run_all(ex, std::move(back), [r = std::move(r), done](status) mutable { done(std::move(r)); });
                              return;
                            }
                            then_stock(ex, std::move(*r), releases(step, order_id, removed), std::move(done));
                          });
              };
              res->start();
            });
}

void transition(executor& ex, const command_meta& meta, orders::transition cmd,
                std::optional<std::uint64_t> expected_version, command_callback done) {
  auto verb = cmd.verb;
  auto id = cmd.id;
  auto step = step_meta(meta);
  ex.submit(oc::transition(meta, std::move(cmd), expected_version),
            [&ex, step, verb, id, done = std::move(done)](result<command_outcome> r) mutable {
              if (!r || (verb != "cancel" && verb != "dispatch")) return done(std::move(r));
              auto o = oc::state_of(r->state);
              if (!o) return done(std::move(o).err());
              std::vector<command_request> follow;
              for (auto& p : products_of(*o))
                follow.push_back(verb == "cancel" ? cat::release(step, p, id) : cat::commit(step, p, id));
              then_stock(ex, std::move(*r), std::move(follow), std::move(done));
            });
}

void receive_return(executor& ex, const command_meta& meta, orders::receive_return cmd, command_callback done) {
  auto step = step_meta(meta);
  auto order_id = cmd.order_id, return_id = cmd.return_id;
  ex.submit(oc::receive_return(meta, std::move(cmd)),
            [&ex, step, order_id, return_id, done = std::move(done)](result<command_outcome> r) mutable {
              if (!r) return done(std::move(r));
              auto o = oc::state_of(r->state);
              if (!o) return done(std::move(o).err());
              auto ret = orders::find_return(*o, return_id);
              std::vector<command_request> follow;
              if (ret && ret->restock)
                for (auto& i : ret->items) follow.push_back(cat::restock(step, i.product_id, order_id, return_id, i.quantity));
              then_stock(ex, std::move(*r), std::move(follow), std::move(done));
            });
}

}  // namespace chronicle::commands::order_process
