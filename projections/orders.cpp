#include "projections/orders.hpp"

#include <algorithm>

#include "domain/ids.hpp"
#include "domain/order.hpp"
#include "domain/pii.hpp"
#include "projections/timeline.hpp"
#include "schemas/audit_codec.hpp"
#include "schemas/order_codec.hpp"

namespace chronicle::projections {
namespace codec = schemas::order_codec;
using namespace chronicle::orders;

namespace {

std::string doc_key(std::string_view tenant, std::string_view id) {
  return "orders/o/" + std::string(tenant) + "/" + std::string(id);
}
std::string status_key(std::string_view tenant, std::string_view status, std::string_view id) {
  return "orders/s/" + std::string(tenant) + "/" + std::string(status) + "/" + std::string(id);
}
std::string customer_prefix(std::string_view tenant, std::string_view customer) {
  return "orders/c/" + std::string(tenant) + "/" + std::string(customer) + "/";
}
std::string return_key(std::string_view tenant, std::string_view id) {
  return "orders/r/" + std::string(tenant) + "/" + std::string(id);
}
std::string marker_key(std::string_view tenant, std::string_view customer) {
  return "orders/x/" + std::string(tenant) + "/" + std::string(customer);
}

const std::string erased(erased_text);

void erase_personal(codec::order_doc& d) {
  orders::address a;
  a.street = a.city = a.postal_code = erased;
  d.delivery_address = a;
  d.notes = erased;
}

codec::return_doc* find(codec::order_doc& d, std::string_view return_id) {
  for (auto& r : d.returns)
    if (r.id == return_id) return &r;
  return nullptr;
}

class orders_projection final : public projection {
 public:
  std::string name() const override { return "orders"; }
  std::vector<std::string> topics() const override { return {std::string(orders::topic), "customers"}; }

  status apply(const event_envelope& e, view_batch& batch) override {
    if (e.type == "subject.erased") return erase(e, batch);
    if (!codec::is_order_type(e.type)) return {};
    auto ev = codec::decode_event(e);
    if (!ev) return std::move(ev).err();
    auto& t = e.tenant;
    codec::order_doc d;
    std::string old_status;
    if (auto* p = std::get_if<order_placed>(&*ev)) {
      if (!is_ulid(p->id) || !is_ulid(p->customer_id))
        return error::make(errc::internal, "corrupt_event", e.type + " " + e.id + ": bad ids");
      d.id = p->id;
      d.customer_id = p->customer_id;
      d.status = "pending";
      d.currency = p->currency;
      d.requested_delivery_date = p->requested_delivery_date;
      d.notes = p->notes;
      d.template_id = p->template_id;
      d.lines = p->lines;
      d.subtotal = p->subtotal;
      d.total = p->total;
      d.delivery_address = p->delivery_address;
      d.at[0] = e.occurred_at;
    } else {
      auto id = std::visit([](auto& x) -> std::string {
        if constexpr (requires { x.order_id; }) return x.order_id;
        else return x.id;
      }, *ev);
      if (!is_ulid(id)) return error::make(errc::internal, "corrupt_event", e.type + " " + e.id + ": bad order id");
      auto cur = batch.get(doc_key(t, id));
      if (!cur) return std::move(cur).err();
      if (!*cur) return error::make(errc::internal, "corrupt_view", "orders view: " + e.type + " for an unknown order");
      auto parsed = codec::parse_order_doc(**cur);
      if (!parsed) return std::move(parsed).err();
      d = std::move(*parsed);
      old_status = d.status;
      change(d, *ev, e);
    }
    auto marker = batch.get(marker_key(t, d.customer_id));
    if (!marker) return std::move(marker).err();
    if (marker->has_value()) erase_personal(d);
    d.version = e.stream_version;
    d.updated_at = e.occurred_at;
    d.history.insert(d.history.begin(),
                     codec::history_entry{e.occurred_at, e.type, e.actor, timeline_summary(e.type), e.data});
    if (old_status != d.status) {
      if (!old_status.empty()) batch.del(status_key(t, old_status, d.id));
      batch.put(status_key(t, d.status, d.id), d.customer_id);
      batch.put(customer_prefix(t, d.customer_id) + d.id, d.status);
    }
    if (auto* r = std::get_if<return_requested>(&*ev)) batch.put(return_key(t, r->return_id), d.id);
    batch.put(doc_key(t, d.id), codec::render(d));
    return {};
  }

 private:
  static void change(codec::order_doc& d, const event& ev, const event_envelope& e) {
    std::visit(
        [&](auto& x) {
          using T = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<T, order_advanced>) {
            d.status = x.status;
            d.at[codec::stamp_of(x.status)] = e.occurred_at;
          } else if constexpr (std::is_same_v<T, order_cancelled>) {
            d.status = "cancelled";
            d.cancel_reason = x.reason;
            d.at[codec::stamp_of("cancelled")] = e.occurred_at;
          } else if constexpr (std::is_same_v<T, items_changed>) {
            d.lines = x.lines;
            d.subtotal = x.subtotal;
            d.total = x.total;
          } else if constexpr (std::is_same_v<T, address_changed>) {
            d.delivery_address = x.delivery_address;
          } else if constexpr (std::is_same_v<T, delivery_date_changed>) {
            d.requested_delivery_date = x.requested_delivery_date;
          } else if constexpr (std::is_same_v<T, notes_changed>) {
            d.notes = x.notes;
          } else if constexpr (std::is_same_v<T, return_requested>) {
            codec::return_doc r;
            r.id = x.return_id;
            r.status = "requested";
            r.items = x.items;
            r.reason = x.reason;
            r.requested_at = e.occurred_at;
            d.returns.push_back(std::move(r));
          } else if constexpr (std::is_same_v<T, return_approved>) {
            if (auto r = find(d, x.return_id)) r->status = "approved", r->approved_at = e.occurred_at;
          } else if constexpr (std::is_same_v<T, return_declined>) {
            if (auto r = find(d, x.return_id))
              r->status = "declined", r->decline_reason = x.reason, r->declined_at = e.occurred_at;
          } else if constexpr (std::is_same_v<T, return_received>) {
            if (auto r = find(d, x.return_id))
              r->status = "received", r->restock = x.restock, r->received_at = e.occurred_at;
          } else if constexpr (std::is_same_v<T, refund_issued>) {
            d.refunds.push_back({x.refund_id, x.return_id, x.method, x.reason, x.amount, e.occurred_at});
            d.refunded += x.amount.amount;
            if (!x.return_id.empty())
              if (auto r = find(d, x.return_id)) r->status = "refunded", r->refunded_at = e.occurred_at;
          }
        },
        ev);
  }

  static status erase(const event_envelope& e, view_batch& batch) {
    auto customer = schemas::audit_codec::customer_subject(e);
    if (!customer) return std::move(customer).err();
    auto& t = e.tenant;
    batch.put(marker_key(t, *customer), "");
    auto rows = batch.scan_prefix(customer_prefix(t, *customer));
    if (!rows) return std::move(rows).err();
    for (auto& [k, status] : *rows) {
      auto id = k.substr(k.rfind('/') + 1);
      auto cur = batch.get(doc_key(t, id));
      if (!cur) return std::move(cur).err();
      if (!*cur) continue;
      auto d = codec::parse_order_doc(**cur);
      if (!d) return std::move(d).err();
      erase_personal(*d);
      batch.put(doc_key(t, id), codec::render(*d));
    }
    return {};
  }

};

error bad_cursor() {
  return error::invalid("invalid_cursor", "the cursor is not one this server issued",
                        {{"cursor", "invalid_cursor", "use next_cursor from a previous page"}});
}

}  // namespace

std::unique_ptr<projection> make_orders_projection() { return std::make_unique<orders_projection>(); }

namespace order_queries {

result<std::optional<std::string>> order(kv_store& kv, std::string_view tenant, std::string_view id) {
  if (!is_ulid(id)) return std::optional<std::string>{};
  return kv.get(doc_key(tenant, id));
}

result<order_page> list(kv_store& kv, std::string_view tenant, std::string_view status, std::string_view customer,
                        std::string_view cursor, std::size_t limit) {
  constexpr std::string_view tag = "o1.";
  // By customer (status filtered from the index value), by status, or every order.
  std::string prefix = !customer.empty() ? customer_prefix(tenant, customer)
                       : !status.empty() ? status_key(tenant, status, "")
                                         : doc_key(tenant, "");
  bool docs = customer.empty() && status.empty();
  std::string after;
  if (!cursor.empty()) {
    auto rest = cursor.substr(std::min(cursor.size(), tag.size()));
    if (cursor.substr(0, tag.size()) != tag || !is_ulid(rest)) return bad_cursor();
    after = prefix + std::string(rest);
  }
  order_page page;
  for (;;) {
    auto rows = kv.scan(prefix, after, limit + 1, /*reverse=*/true);
    if (!rows) return std::move(rows).err();
    for (auto& [k, v] : *rows) {
      bool keep = customer.empty() || status.empty() || v == status;
      if (keep) {
        if (page.items.size() == limit) {
          page.next_cursor = std::string(tag) + after.substr(prefix.size());
          return page;
        }
        if (docs) {
          page.items.push_back(std::move(v));
        } else {
          auto doc = kv.get(doc_key(tenant, std::string_view(k).substr(prefix.size())));
          if (!doc) return std::move(doc).err();
          if (*doc) page.items.push_back(std::move(**doc));
        }
      }
      after = k;
    }
    if (rows->size() < limit + 1) return page;
  }
}

result<std::optional<std::string>> order_of_return(kv_store& kv, std::string_view tenant, std::string_view return_id) {
  if (!is_ulid(return_id)) return std::optional<std::string>{};
  return kv.get(return_key(tenant, return_id));
}

result<std::optional<std::string>> return_resource(kv_store& kv, std::string_view tenant, std::string_view return_id) {
  auto oid = order_of_return(kv, tenant, return_id);
  if (!oid) return std::move(oid).err();
  if (!*oid) return std::optional<std::string>{};
  auto doc = kv.get(doc_key(tenant, **oid));
  if (!doc) return std::move(doc).err();
  if (!*doc) return std::optional<std::string>{};
  auto d = codec::parse_order_doc(**doc);
  if (!d) return std::move(d).err();
  for (auto& r : d->returns)
    if (r.id == return_id) return std::optional<std::string>{codec::render_return(*d, r)};
  return std::optional<std::string>{};
}

}  // namespace order_queries
}  // namespace chronicle::projections
