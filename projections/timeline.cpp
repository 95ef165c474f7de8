#include "projections/timeline.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "domain/ids.hpp"
#include "domain/order.hpp"
#include "domain/pii.hpp"
#include "schemas/order_codec.hpp"
#include "schemas/json_writer.hpp"

namespace chronicle::projections {

namespace {

constexpr std::string_view cursor_tag = "l1.";
constexpr std::size_t suffix_size = 16 + 8 + 36;
// The categories whose streams belong to a customer (stream id = customer id).
constexpr std::string_view customer_categories[] = {"customer", "activity"};

std::string prefix(std::string_view tenant, std::string_view customer) {
  std::string k = "timeline/e/";
  k.append(tenant).append(1, '/').append(customer).append(1, '/');
  return k;
}
std::string marker_key(std::string_view tenant, std::string_view customer) {
  return "timeline/x/" + std::string(tenant) + "/" + std::string(customer);
}

std::string order_key(std::string_view tenant, std::string_view order) {
  return "timeline/o/" + std::string(tenant) + "/" + std::string(order);
}

// The id of an order stream of the envelope's tenant, or empty.
std::string order_of(const event_envelope& e) {
  auto prefix = std::string(orders::category) + "-" + e.tenant + "-";
  if (!e.stream.starts_with(prefix)) return {};
  auto id = std::string_view(e.stream).substr(prefix.size());
  return is_ulid(id) ? std::string(id) : std::string{};
}

// The customer a stream belongs to, or empty.
std::string customer_of(const event_envelope& e) {
  auto dash = e.stream.find('-');
  if (dash == std::string::npos) return {};
  auto category = std::string_view(e.stream).substr(0, dash);
  if (std::find(std::begin(customer_categories), std::end(customer_categories), category) == std::end(customer_categories))
    return {};
  auto rest = std::string_view(e.stream).substr(dash + 1);
  if (rest.size() != e.tenant.size() + 27 || rest.substr(0, e.tenant.size()) != e.tenant || rest[e.tenant.size()] != '-')
    return {};
  auto id = rest.substr(e.tenant.size() + 1);
  return is_ulid(id) ? std::string(id) : std::string{};
}

// The entry up to and including `"personal":`, then pii, then "}}".
std::string head_of(const event_envelope& e) {
  json::writer w;
  w.begin_object().key("id").value(e.id).key("at").value(json::format_timestamp(e.occurred_at))
      .key("type").value(e.type).key("actor").value(e.actor).key("actor_role");
  if (e.actor_role.empty()) w.null();
  else w.value(e.actor_role);
  w.key("stream").value(e.stream).key("stream_version").value(e.stream_version)
      .key("summary").value(timeline_summary(e.type)).key("details").begin_object()
      .key("data").raw(e.data).key("personal");
  return w.take();
}

std::string stored(const std::string& head, std::string_view pii) {
  return std::to_string(head.size()) + "|" + head + std::string(pii) + "}}";
}

class timeline_projection final : public projection {
 public:
  std::string name() const override { return "timeline"; }
  std::vector<std::string> topics() const override { return {"customers", std::string(orders::topic)}; }

  status apply(const event_envelope& e, view_batch& batch) override {
    if (e.stream_version == 0) return {};
    auto customer = customer_of(e);
    if (auto order = order_of(e); !order.empty()) {
      // Order streams are keyed by the order: its placement names the customer.
      if (e.type == "order.placed") {
        auto ev = schemas::order_codec::decode_event(e);
        if (!ev) return std::move(ev).err();
        customer = std::get<orders::order_placed>(*ev).customer_id;
        batch.put(order_key(e.tenant, order), customer);
      } else {
        auto c = batch.get(order_key(e.tenant, order));
        if (!c) return std::move(c).err();
        customer = c->value_or("");
      }
    }
    if (customer.empty()) return {};
    // Events of one command share their time: the stream version orders them.
    char at[25];
    std::snprintf(at, sizeof at, "%016llx%08llx", static_cast<unsigned long long>(e.occurred_at),
                  static_cast<unsigned long long>(e.stream_version & 0xffffffffu));
    auto k = prefix(e.tenant, customer) + at + e.id;
    auto marker = batch.get(marker_key(e.tenant, customer));
    if (!marker) return std::move(marker).err();
    bool gone = marker->has_value();
    // Events without personal data were never sealed: they read the same
    // before and after an erasure, so they keep their (empty) pii.
    bool personal = e.pii != "{}";
    batch.put(k, stored(head_of(e), gone && personal ? erased_pii : std::string_view(e.pii)));
    if (e.type == "subject.erased") return erase(e.tenant, customer, batch);
    return {};
  }

 private:
  static status erase(const std::string& tenant, const std::string& customer, view_batch& batch) {
    batch.put(marker_key(tenant, customer), "");
    auto rows = batch.scan_prefix(prefix(tenant, customer));
    if (!rows) return std::move(rows).err();
    for (auto& [k, v] : *rows) {
      auto bar = v.find('|');
      std::size_t n = 0;
      if (bar == std::string::npos || std::from_chars(v.data(), v.data() + bar, n).ec != std::errc{} ||
          bar + 1 + n + 2 > v.size())
        return error::make(errc::internal, "corrupt_view", "timeline entry is malformed");
      auto pii = std::string_view(v).substr(bar + 1 + n, v.size() - bar - 1 - n - 2);
      if (pii == "{}" || pii == erased_pii) continue;
      batch.put(k, stored(v.substr(bar + 1, n), erased_pii));
    }
    return {};
  }
};

bool lower_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

}  // namespace

std::string timeline_summary(std::string_view type) {
  if (type == "subject.erased") return "Personal data erased";
  std::string s(type);
  for (auto& c : s)
    if (c == '.' || c == '_') c = ' ';
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

std::unique_ptr<projection> make_timeline_projection() { return std::make_unique<timeline_projection>(); }

namespace timeline_queries {

result<timeline_page> list(kv_store& kv, std::string_view tenant, std::string_view customer,
                           const std::vector<std::string>& types, std::string_view cursor, std::size_t limit) {
  auto p = prefix(tenant, customer);
  std::string after;
  if (!cursor.empty()) {
    auto rest = cursor.substr(std::min(cursor.size(), cursor_tag.size()));
    bool ok = cursor.substr(0, cursor_tag.size()) == cursor_tag && rest.size() == suffix_size;
    for (std::size_t i = 0; ok && i < 24; ++i) ok = lower_hex(rest[i]);
    if (ok) ok = rest.find('/') == std::string_view::npos;
    if (!ok)
      return error::invalid("invalid_cursor", "the cursor is not one this server issued",
                            {{"cursor", "invalid_cursor", "use next_cursor from a previous page"}});
    after = p + std::string(rest);
  }
  timeline_page page;
  for (;;) {
    auto rows = kv.scan(p, after, limit + 1, /*reverse=*/true);
    if (!rows) return std::move(rows).err();
    for (auto& [k, v] : *rows) {
      auto bar = v.find('|');
      auto entry = std::string_view(v).substr(bar == std::string::npos ? 0 : bar + 1);
      // The first "type" member is the event's: id and at come before it.
      auto at = entry.find(",\"type\":\"");
      auto type = at == std::string_view::npos ? std::string_view{} : entry.substr(at + 9);
      type = type.substr(0, type.find('"'));
      bool keep = types.empty() || std::find(types.begin(), types.end(), type) != types.end();
      if (keep) {
        if (page.items.size() == limit) {
          page.next_cursor = std::string(cursor_tag) + after.substr(p.size());
          return page;
        }
        page.items.emplace_back(entry);
      }
      after = k;
    }
    if (rows->size() < limit + 1) return page;
  }
}

}  // namespace timeline_queries
}  // namespace chronicle::projections
