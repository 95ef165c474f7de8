#include "projections/customers.hpp"

#include <charconv>

#include "domain/customer.hpp"
#include "domain/ids.hpp"
#include "projections/customer_index.hpp"
#include "projections/customer_orders.hpp"
#include "projections/view_value.hpp"
#include "schemas/customer_codec.hpp"

namespace chronicle::projections {
namespace codec = schemas::customer_codec;

namespace {

std::string view_key(std::string_view tenant, std::string_view id) {
  std::string k = "customers/v/";
  k.append(tenant).append(1, '/').append(id);
  return k;
}

// Stored value: "<version>|<state json>".
std::string encode_view(std::uint64_t version, const customers::customer& c) {
  return versioned(version, codec::encode_state(c));
}

result<std::pair<std::uint64_t, customers::customer>> decode_view(std::string_view v) {
  auto parts = split_versioned(v, "customer");
  if (!parts) return std::move(parts).err();
  auto c = codec::decode_state(parts->second);
  if (!c) return std::move(c).err();
  return std::pair{parts->first, std::move(*c)};
}

// What the list queries search, filter and sort by. An erased customer keeps
// its place (status, tags, dates) but has no names or contacts to find.
indexed_customer indexed(const customers::customer& c) {
  indexed_customer x;
  x.id = c.id;
  x.created_at = c.created_at;
  if (!c.erased) {
    x.first_name = c.first_name;
    x.last_name = c.last_name;
    x.company = c.company;
    for (auto& e : c.emails) x.emails.push_back(e.address);
    for (auto& p : c.phones) x.phones.push_back(p.number);
    for (auto& a : c.addresses) x.cities.push_back(a.city);
  }
  x.type = c.type;
  x.status = c.status;
  x.lifecycle_stage = c.lifecycle_stage;
  if (c.acquired) x.acquisition_source = c.acquired->source;
  x.tags = c.tags;
  x.marketing_opt_in = c.marketing_opt_in;
  x.active = c.active;
  return x;
}

// The order figures the customer_orders projection keeps (absent: none yet).
void with_orders(indexed_customer& x, const std::optional<std::string>& figures) {
  if (!figures) return;
  auto f = customer_order_queries::decode_figures(*figures);
  if (!f) return;
  x.total_orders = f->total_orders;
  x.last_order_at = f->last_order_at;
  x.lifetime_value = f->total_spent.amount;
}

class customers_projection final : public projection {
 public:
  explicit customers_projection(std::shared_ptr<customer_index> index) : index_(std::move(index)) {}

  std::string name() const override { return "customers"; }
  std::vector<std::string> topics() const override { return {std::string(customers::topic)}; }

  status apply(const event_envelope& e, view_batch& batch) override {
    if (e.type.rfind("customer.", 0) != 0 && e.type != "subject.erased") return {};
    auto ev = codec::decode_event(e);
    if (!ev) return std::move(ev).err();
    auto id = std::visit([](auto& x) { return x.id; }, *ev);
    auto key = view_key(e.tenant, id);
    customers::customer state;
    auto cur = batch.get(key);
    if (!cur) return std::move(cur).err();
    if (*cur) {
      auto d = decode_view(**cur);
      if (!d) return std::move(d).err();
      if (d->first >= e.stream_version) return {};  // already in the view
      state = std::move(d->second);
    }
    state = customers::evolve(std::move(state), *ev, e.occurred_at);
    batch.put(std::move(key), encode_view(e.stream_version, state));
    if (index_) {
      auto x = indexed(state);
      auto figures = batch.get(customer_order_queries::figures_key(e.tenant, id));
      if (!figures) return std::move(figures).err();
      with_orders(x, *figures);
      if (auto s = index_->upsert(e.tenant, std::move(x)); !s) return s;
    }
    return {};
  }

 private:
  std::shared_ptr<customer_index> index_;
};

}  // namespace

std::unique_ptr<projection> make_customers_projection(std::shared_ptr<customer_index> index) {
  return std::make_unique<customers_projection>(std::move(index));
}

namespace customer_queries {

result<std::optional<customer_row>> get(kv_store& kv, std::string_view tenant, std::string_view id) {
  auto v = kv.get(view_key(tenant, id));
  if (!v) return std::move(v).err();
  if (!*v) return std::optional<customer_row>{};
  auto d = decode_view(**v);
  if (!d) return std::move(d).err();
  return std::optional{customer_row{d->first, std::move(d->second)}};
}

result<customer_page> list(kv_store& kv, std::string_view tenant, std::string_view cursor,
                           std::size_t limit) {
  auto prefix = view_key(tenant, "");
  std::string after;
  if (!cursor.empty()) {
    if (cursor.size() != 29 || cursor.substr(0, 3) != "c1." || !is_ulid(cursor.substr(3)))
      return error::invalid("invalid_cursor", "the cursor is not one this server issued",
                            {{"cursor", "invalid_cursor", "use next_cursor from a previous page"}});
    after = prefix + std::string(cursor.substr(3));
  }
  auto rows = kv.scan(prefix, after, limit + 1, /*reverse=*/true);
  if (!rows) return std::move(rows).err();
  customer_page page;
  for (std::size_t i = 0; i < rows->size() && i < limit; ++i) {
    auto d = decode_view((*rows)[i].second);
    if (!d) return std::move(d).err();
    page.items.push_back({d->first, std::move(d->second)});
  }
  if (rows->size() > limit) page.next_cursor = "c1." + (*rows)[limit - 1].first.substr(prefix.size());
  return page;
}

result<std::size_t> load_index(kv_store& kv, customer_index& index) {
  const std::string prefix = "customers/v/";
  // The order figures, keyed by the same "<tenant>/<id>", are read alongside
  // in key order (a merge join: no point lookup per customer).
  const std::string fprefix = customer_order_queries::figures_prefix();
  kv_pairs figures;
  std::size_t fpos = 0;
  bool figures_done = false;
  auto figures_of = [&](std::string_view rest) -> result<std::optional<std::string>> {
    for (;;) {
      while (fpos < figures.size()) {
        auto frest = std::string_view(figures[fpos].first).substr(fprefix.size());
        if (frest < rest) ++fpos;
        else if (frest == rest) return std::optional<std::string>{figures[fpos].second};
        else return std::optional<std::string>{};
      }
      if (figures_done) return std::optional<std::string>{};
      std::string after_f = figures.empty() ? std::string{} : figures.back().first;
      auto more = kv.scan(fprefix, after_f, 4096, /*reverse=*/false);
      if (!more) return std::move(more).err();
      figures_done = more->size() < 4096;
      figures = std::move(*more);
      fpos = 0;
      if (figures.empty()) return std::optional<std::string>{};
    }
  };
  std::string after, tenant;
  std::vector<indexed_customer> batch;
  std::size_t loaded = 0;
  auto flush = [&]() -> status {
    if (batch.empty()) return {};
    loaded += batch.size();
    auto s = index.load(tenant, std::move(batch));
    batch.clear();
    return s;
  };
  for (;;) {
    auto rows = kv.scan(prefix, after, 4096, /*reverse=*/false);
    if (!rows) return std::move(rows).err();
    for (auto& [k, v] : *rows) {
      auto rest = std::string_view(k).substr(prefix.size());
      auto slash = rest.find('/');
      if (slash == std::string_view::npos) continue;
      auto t = rest.substr(0, slash);
      if (t != tenant) {
        if (auto s = flush(); !s) return std::move(s).err();
        tenant = std::string(t);
      }
      auto d = decode_view(v);
      if (!d) return std::move(d).err();
      batch.push_back(indexed(d->second));
      auto f = figures_of(rest);
      if (!f) return std::move(f).err();
      with_orders(batch.back(), *f);
    }
    if (rows->size() < 4096) break;
    after = rows->back().first;
  }
  if (auto s = flush(); !s) return std::move(s).err();
  return loaded;
}

}  // namespace customer_queries
}  // namespace chronicle::projections
