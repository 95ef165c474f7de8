#include "projections/customer_orders.hpp"

#include <charconv>
#include <vector>

#include "domain/order.hpp"
#include "projections/customer_index.hpp"
#include "schemas/json_writer.hpp"
#include "schemas/order_codec.hpp"

namespace chronicle::projections {

namespace {

constexpr std::string_view prefix_orders = "customer_orders/o/";
constexpr std::string_view prefix_figures = "customer_orders/v/";

std::string order_key(std::string_view tenant, std::string_view id) {
  std::string k(prefix_orders);
  return k.append(tenant).append(1, '/').append(id);
}

// What one order contributes. Stored as "|"-separated fields (ids and
// currency codes never hold '|').
struct order_rec {
  std::uint64_t version = 0;
  std::string customer_id, currency;
  std::int64_t total = 0, refunded = 0, placed_at = 0;
  bool cancelled = false;
};

std::vector<std::string_view> split(std::string_view s) {
  std::vector<std::string_view> out;
  for (;;) {
    auto bar = s.find('|');
    out.push_back(s.substr(0, bar));
    if (bar == std::string_view::npos) return out;
    s.remove_prefix(bar + 1);
  }
}
template <class Int>
bool num(std::string_view s, Int& v) {
  return std::from_chars(s.data(), s.data() + s.size(), v).ec == std::errc{};
}

std::string encode(const order_rec& r) {
  return std::to_string(r.version) + "|" + r.customer_id + "|" + r.currency + "|" + std::to_string(r.total) + "|" +
         std::to_string(r.refunded) + "|" + std::to_string(r.placed_at) + "|" + (r.cancelled ? "1" : "0");
}
std::optional<order_rec> decode_rec(std::string_view v) {
  auto f = split(v);
  order_rec r;
  if (f.size() != 7 || !num(f[0], r.version) || !num(f[3], r.total) || !num(f[4], r.refunded) ||
      !num(f[5], r.placed_at))
    return std::nullopt;
  r.customer_id = std::string(f[1]);
  r.currency = std::string(f[2]);
  r.cancelled = f[6] == "1";
  return r;
}

std::string encode(const customer_order_figures& x) {
  return std::to_string(x.total_orders) + "|" + x.total_spent.currency + "|" + std::to_string(x.total_spent.amount) +
         "|" + std::to_string(x.first_order_at) + "|" + std::to_string(x.last_order_at);
}

class customer_orders_projection final : public projection {
 public:
  explicit customer_orders_projection(std::shared_ptr<customer_index> index) : index_(std::move(index)) {}
  std::string name() const override { return "customer_orders"; }
  std::vector<std::string> topics() const override { return {std::string(orders::topic)}; }

  status apply(const event_envelope& e, view_batch& batch) override {
    if (e.type != "order.placed" && e.type != "order.cancelled" && e.type != "order.items_changed" &&
        e.type != "refund.issued")
      return {};
    auto ev = schemas::order_codec::decode_event(e);
    if (!ev) return std::move(ev).err();
    std::string order_id;
    if (auto* p = std::get_if<orders::order_placed>(&*ev)) order_id = p->id;
    else if (auto* c = std::get_if<orders::order_cancelled>(&*ev)) order_id = c->id;
    else if (auto* i = std::get_if<orders::items_changed>(&*ev)) order_id = i->id;
    else if (auto* r = std::get_if<orders::refund_issued>(&*ev)) order_id = r->order_id;
    else return {};
    auto okey = order_key(e.tenant, order_id);
    auto cur = batch.get(okey);
    if (!cur) return std::move(cur).err();
    order_rec rec;
    if (*cur) {
      auto d = decode_rec(**cur);
      if (!d) return error::make(errc::internal, "corrupt_view", "customer_orders order entry is malformed");
      rec = std::move(*d);
      if (rec.version >= e.stream_version) return {};
    } else if (!std::holds_alternative<orders::order_placed>(*ev)) {
      return {};  // its placement was never seen: nothing to adjust
    }

    auto fkey = customer_order_queries::figures_key(e.tenant, rec.customer_id.empty()
                                                                   ? std::get<orders::order_placed>(*ev).customer_id
                                                                   : rec.customer_id);
    auto fcur = batch.get(fkey);
    if (!fcur) return std::move(fcur).err();
    customer_order_figures fig;
    if (*fcur) {
      auto d = customer_order_queries::decode_figures(**fcur);
      if (!d) return error::make(errc::internal, "corrupt_view", "customer_orders figures entry is malformed");
      fig = std::move(*d);
    }
    auto counts = [&](const order_rec& r) { return !r.cancelled && r.currency == fig.total_spent.currency; };

    if (auto* p = std::get_if<orders::order_placed>(&*ev)) {
      rec.customer_id = p->customer_id;
      rec.currency = p->currency;
      rec.total = p->total;
      rec.placed_at = e.occurred_at;
      if (fig.total_spent.currency.empty()) fig.total_spent.currency = p->currency;
      fig.total_orders += 1;
      if (counts(rec)) fig.total_spent.amount += rec.total;
      if (fig.first_order_at == 0 || e.occurred_at < fig.first_order_at) fig.first_order_at = e.occurred_at;
      if (e.occurred_at > fig.last_order_at) fig.last_order_at = e.occurred_at;
    } else if (std::holds_alternative<orders::order_cancelled>(*ev)) {
      if (!rec.cancelled) {
        if (counts(rec)) fig.total_spent.amount -= rec.total - rec.refunded;
        fig.total_orders -= 1;
        rec.cancelled = true;
      }
    } else if (auto* i = std::get_if<orders::items_changed>(&*ev)) {
      if (counts(rec)) fig.total_spent.amount += i->total - rec.total;
      rec.total = i->total;
    } else if (auto* r = std::get_if<orders::refund_issued>(&*ev)) {
      if (counts(rec)) fig.total_spent.amount -= r->amount.amount;
      rec.refunded += r->amount.amount;
    }
    rec.version = e.stream_version;
    batch.put(std::move(okey), encode(rec));
    batch.put(std::move(fkey), encode(fig));
    if (index_) index_->set_orders(e.tenant, rec.customer_id, fig.total_orders, fig.last_order_at, fig.total_spent.amount);
    return {};
  }

 private:
  std::shared_ptr<customer_index> index_;
};

}  // namespace

std::int64_t customer_order_figures::average_order_value() const {
  if (total_orders <= 0) return 0;
  auto a = total_spent.amount, n = total_orders;
  auto q = a / n, r = a % n;
  if (2 * (r < 0 ? -r : r) >= n) q += a < 0 ? -1 : 1;
  return q;
}

std::unique_ptr<projection> make_customer_orders_projection(std::shared_ptr<customer_index> index) {
  return std::make_unique<customer_orders_projection>(std::move(index));
}

namespace customer_order_queries {

std::string figures_prefix() { return std::string(prefix_figures); }
std::string figures_key(std::string_view tenant, std::string_view customer_id) {
  std::string k(prefix_figures);
  return k.append(tenant).append(1, '/').append(customer_id);
}

std::optional<customer_order_figures> decode_figures(std::string_view v) {
  auto f = split(v);
  customer_order_figures x;
  if (f.size() != 5 || !num(f[0], x.total_orders) || !num(f[2], x.total_spent.amount) || !num(f[3], x.first_order_at) ||
      !num(f[4], x.last_order_at))
    return std::nullopt;
  x.total_spent.currency = std::string(f[1]);
  return x;
}

result<std::optional<customer_order_figures>> get(kv_store& kv, std::string_view tenant, std::string_view customer_id) {
  auto v = kv.get(figures_key(tenant, customer_id));
  if (!v) return std::move(v).err();
  if (!*v) return std::optional<customer_order_figures>{};
  auto d = decode_figures(**v);
  if (!d) return error::make(errc::internal, "corrupt_view", "customer_orders figures entry is malformed");
  return std::optional{std::move(*d)};
}

std::string render(const customer_order_figures& f) {
  json::writer w;
  auto money_or_null = [&](std::string_view k, std::int64_t amount) {
    w.key(k);
    if (f.total_spent.currency.empty()) w.null();
    else w.begin_object().key("amount").value(amount).key("currency").value(f.total_spent.currency).end_object();
  };
  auto time_or_null = [&](std::string_view k, std::int64_t us) {
    w.key(k);
    if (us == 0) w.null();
    else w.value(json::format_timestamp(us));
  };
  w.begin_object().key("total_orders").value(f.total_orders);
  money_or_null("total_spent", f.total_spent.amount);
  money_or_null("average_order_value", f.average_order_value());
  time_or_null("first_order_at", f.first_order_at);
  time_or_null("last_order_at", f.last_order_at);
  w.end_object();
  return w.take();
}

}  // namespace customer_order_queries
}  // namespace chronicle::projections
