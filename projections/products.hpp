#pragma once
// The `products` read model: a tenant's products with their stock.
//   products/v/<tenant>/<id>                      → version "|" product state
//   products/x/<tenant>/<order>/<set>/<sort key>  → id
// <order> is "sku" (the normalised SKU, unique per tenant) or "name" (the
// lower-cased name, NUL, the id); <set> is "all", "active" or "inactive".
// Each product has an entry in "all" and in the set of its flag for both
// orders, so every list (sorted either way, filtered by the flag or not) and
// the lookup by SKU are prefix scans or point reads: nothing is filtered
// after reading.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "domain/product.hpp"
#include "projections/projection.hpp"

namespace chronicle::projections {

std::unique_ptr<projection> make_products_projection();

struct product_row {
  std::uint64_t version = 0;
  products::product product;
};
struct product_page {
  std::vector<product_row> items;
  std::string next_cursor;  // empty: no more
};

enum class product_order { sku, name };

namespace product_queries {
result<std::optional<product_row>> get(kv_store& kv, std::string_view tenant, std::string_view id);
// By SKU in any case and with surrounding spaces (products::sku_key).
result<std::optional<product_row>> by_sku(kv_store& kv, std::string_view tenant, std::string_view sku);
// `active`: nullopt lists every product. A cursor belongs to its order and
// filter; another one is refused as invalid_cursor. REQUIRES: 1 <= limit <= 200.
result<product_page> list(kv_store& kv, std::string_view tenant, product_order order, std::optional<bool> active,
                          std::string_view cursor, std::size_t limit);
}  // namespace product_queries

}  // namespace chronicle::projections
