#include "projections/order_templates.hpp"

#include <charconv>

#include "domain/ids.hpp"
#include "projections/view_value.hpp"
#include "schemas/order_template_codec.hpp"

namespace chronicle::projections {
namespace codec = schemas::order_template_codec;
namespace ot = order_templates;

namespace {

constexpr std::string_view cursor_tag = "t1.";

std::string view_prefix(std::string_view tenant) { return "order_templates/v/" + std::string(tenant) + "/"; }
std::string view_key(std::string_view tenant, std::string_view id) { return view_prefix(tenant).append(id); }
std::string owner_prefix(std::string_view tenant, std::string_view customer_id) {
  auto k = "order_templates/c/" + std::string(tenant) + "/";
  k.append(customer_id.empty() ? std::string_view("-") : customer_id).push_back('/');
  return k;
}

std::string encode_view(std::uint64_t version, const ot::order_template& t) {
  return versioned(version, codec::encode_state(t));
}
result<order_template_row> decode_view(std::string_view v) {
  auto parts = split_versioned(v, "order template");
  if (!parts) return std::move(parts).err();
  auto t = codec::decode_state(parts->second);
  if (!t) return std::move(t).err();
  return order_template_row{parts->first, std::move(*t)};
}

class order_templates_projection final : public projection {
 public:
  std::string name() const override { return "order_templates"; }
  std::vector<std::string> topics() const override { return {std::string(ot::topic)}; }

  status apply(const event_envelope& e, view_batch& batch) override {
    if (e.type.rfind("template.", 0) != 0) return {};
    auto ev = codec::decode_event(e);
    if (!ev) return std::move(ev).err();
    auto id = std::visit([](auto& x) { return x.id; }, *ev);
    auto key = view_key(e.tenant, id);
    ot::order_template state;
    auto cur = batch.get(key);
    if (!cur) return std::move(cur).err();
    std::uint64_t version = 0;
    if (*cur) {
      auto d = decode_view(**cur);
      if (!d) return std::move(d).err();
      version = d->version;
      state = std::move(d->tmpl);
    } else if (!std::holds_alternative<ot::template_created>(*ev)) {
      return {};  // deleted already
    }
    if (version >= e.stream_version) return {};
    state = ot::evolve(std::move(state), *ev, e.occurred_at);
    auto owner = owner_prefix(e.tenant, state.customer_id) + id;
    if (state.deleted) {
      batch.del(std::move(key));
      batch.del(std::move(owner));
      return {};
    }
    batch.put(std::move(owner), "");
    batch.put(std::move(key), encode_view(e.stream_version, state));
    return {};
  }
};

}  // namespace

std::unique_ptr<projection> make_order_templates_projection() { return std::make_unique<order_templates_projection>(); }

namespace order_template_queries {

result<std::optional<order_template_row>> get(kv_store& kv, std::string_view tenant, std::string_view id) {
  if (!is_ulid(id)) return std::optional<order_template_row>{};
  auto v = kv.get(view_key(tenant, id));
  if (!v) return std::move(v).err();
  if (!*v) return std::optional<order_template_row>{};
  auto d = decode_view(**v);
  if (!d) return std::move(d).err();
  return std::optional{std::move(*d)};
}

result<order_template_page> list(kv_store& kv, std::string_view tenant, const scope& s, std::string_view cursor,
                                 std::size_t limit) {
  std::string after_id;
  if (!cursor.empty()) {
    if (cursor.substr(0, cursor_tag.size()) != cursor_tag || !is_ulid(cursor.substr(cursor_tag.size())))
      return error::invalid("invalid_cursor", "the cursor is not one this server issued",
                            {{"cursor", "invalid_cursor", "use next_cursor from a previous page"}});
    after_id = std::string(cursor.substr(cursor_tag.size()));
  }
  bool by_view = s.which == scope::kind::all;
  auto prefix = by_view ? view_prefix(tenant)
                        : owner_prefix(tenant, s.which == scope::kind::customer ? std::string_view(s.customer_id) : "");
  auto after = after_id.empty() ? std::string{} : prefix + after_id;
  auto rows = kv.scan(prefix, after, limit + 1);
  if (!rows) return std::move(rows).err();
  order_template_page page;
  std::string last;
  for (std::size_t i = 0; i < rows->size() && i < limit; ++i) {
    auto id = std::string_view((*rows)[i].first).substr(prefix.size());
    last = std::string(id);
    if (by_view) {
      auto d = decode_view((*rows)[i].second);
      if (!d) return std::move(d).err();
      page.items.push_back(std::move(*d));
    } else {
      auto t = get(kv, tenant, id);
      if (!t) return std::move(t).err();
      if (*t) page.items.push_back(std::move(**t));
    }
  }
  if (rows->size() > limit) page.next_cursor = std::string(cursor_tag) + last;
  return page;
}

}  // namespace order_template_queries
}  // namespace chronicle::projections
