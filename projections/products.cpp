#include "projections/products.hpp"

#include <cctype>
#include <charconv>

#include "projections/view_value.hpp"
#include "schemas/catalog_codec.hpp"

namespace chronicle::projections {
namespace codec = schemas::catalog_codec;

namespace {

std::string view_key(std::string_view tenant, std::string_view id) {
  std::string k = "products/v/";
  k.append(tenant).append(1, '/').append(id);
  return k;
}
std::string_view order_name(product_order o) { return o == product_order::sku ? "sku" : "name"; }
std::string_view set_name(std::optional<bool> active) { return !active ? "all" : *active ? "active" : "inactive"; }
std::string index_prefix(std::string_view tenant, product_order o, std::optional<bool> active) {
  std::string k = "products/x/";
  k.append(tenant).append(1, '/').append(order_name(o)).append(1, '/').append(set_name(active)).append(1, '/');
  return k;
}
std::string sort_key(product_order o, const products::product& p) {
  if (o == product_order::sku) return products::sku_key(p.sku);
  std::string k = p.name;
  for (auto& c : k) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  k.push_back('\0');
  return k + p.id;
}
// The index entries a product holds.
std::vector<std::string> index_keys(std::string_view tenant, const products::product& p) {
  std::vector<std::string> out;
  for (auto o : {product_order::sku, product_order::name})
    for (auto set : {std::optional<bool>{}, std::optional<bool>{p.active}})
      out.push_back(index_prefix(tenant, o, set) + sort_key(o, p));
  return out;
}

std::string encode_view(std::uint64_t version, const products::product& p) {
  return versioned(version, codec::encode_state(p));
}
result<product_row> decode_view(std::string_view v) {
  auto parts = split_versioned(v, "product");
  if (!parts) return std::move(parts).err();
  auto p = codec::decode_state(parts->second);
  if (!p) return std::move(p).err();
  return product_row{parts->first, std::move(*p)};
}

// "p1.<order>.<set>.<hex of the last sort key>"
std::string cursor_head(product_order o, std::optional<bool> active) {
  return "p1." + std::string(order_name(o)) + "." + std::string(set_name(active)) + ".";
}

class products_projection final : public projection {
 public:
  std::string name() const override { return "products"; }
  std::vector<std::string> topics() const override { return {std::string(products::topic)}; }

  status apply(const event_envelope& e, view_batch& batch) override {
    if (e.type.rfind("product.", 0) != 0 && e.type.rfind("stock.", 0) != 0) return {};
    auto ev = codec::decode_event(e);
    if (!ev) return std::move(ev).err();
    std::string id = std::visit(
        [](auto& x) {
          if constexpr (requires { x.product_id; }) return x.product_id;
          else return x.id;
        },
        *ev);
    auto key = view_key(e.tenant, id);
    products::product state;
    auto cur = batch.get(key);
    if (!cur) return std::move(cur).err();
    std::uint64_t version = 0;
    if (*cur) {
      auto d = decode_view(**cur);
      if (!d) return std::move(d).err();
      version = d->version;
      state = std::move(d->product);
    }
    if (version >= e.stream_version) return {};
    std::vector<std::string> before;
    if (state.exists) before = index_keys(e.tenant, state);
    state = products::evolve(std::move(state), *ev, e.occurred_at);
    if (!state.exists) return {};  // stock of a product never created: nothing to show
    auto after = index_keys(e.tenant, state);
    if (before != after) {
      for (auto& k : before) batch.del(k);
      for (auto& k : after) batch.put(k, id);
    }
    batch.put(std::move(key), encode_view(e.stream_version, state));
    return {};
  }
};

}  // namespace

std::unique_ptr<projection> make_products_projection() { return std::make_unique<products_projection>(); }

namespace product_queries {

result<std::optional<product_row>> get(kv_store& kv, std::string_view tenant, std::string_view id) {
  if (id.empty() || id.find('/') != std::string_view::npos) return std::optional<product_row>{};
  auto v = kv.get(view_key(tenant, id));
  if (!v) return std::move(v).err();
  if (!*v) return std::optional<product_row>{};
  auto d = decode_view(**v);
  if (!d) return std::move(d).err();
  return std::optional{std::move(*d)};
}

result<std::optional<product_row>> by_sku(kv_store& kv, std::string_view tenant, std::string_view sku) {
  auto k = products::sku_key(sku);
  if (k.empty()) return std::optional<product_row>{};
  auto id = kv.get(index_prefix(tenant, product_order::sku, std::nullopt) + k);
  if (!id) return std::move(id).err();
  if (!*id) return std::optional<product_row>{};
  return get(kv, tenant, **id);
}

result<product_page> list(kv_store& kv, std::string_view tenant, product_order order, std::optional<bool> active,
                          std::string_view cursor, std::size_t limit) {
  auto prefix = index_prefix(tenant, order, active);
  auto head = cursor_head(order, active);
  std::string after;
  if (!cursor.empty()) {
    std::string suffix;
    if (cursor.substr(0, head.size()) != head || !unhex(cursor.substr(head.size()), suffix) || suffix.empty())
      return error::invalid("invalid_cursor", "the cursor is not one this server issued for this sort and filter",
                            {{"cursor", "invalid_cursor", "use next_cursor from a previous page of the same list"}});
    after = prefix + suffix;
  }
  auto rows = kv.scan(prefix, after, limit + 1);
  if (!rows) return std::move(rows).err();
  product_page page;
  for (std::size_t i = 0; i < rows->size() && i < limit; ++i) {
    auto p = get(kv, tenant, (*rows)[i].second);
    if (!p) return std::move(p).err();
    if (*p) page.items.push_back(std::move(**p));
  }
  if (rows->size() > limit)
    page.next_cursor = head + hex(std::string_view((*rows)[limit - 1].first).substr(prefix.size()));
  return page;
}

}  // namespace product_queries
}  // namespace chronicle::projections
