#pragma once
// The `order_templates` read model: a tenant's templates by id
// ("order_templates/v/<tenant>/<id>" → version and state) and by owner
// ("order_templates/c/<tenant>/<customer id or '-'>/<id>", '-' for
// tenant-wide ones). Ids are ULIDs, so both orders are creation order.
// A deleted template leaves both.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "domain/order_template.hpp"
#include "projections/projection.hpp"

namespace chronicle::projections {

std::unique_ptr<projection> make_order_templates_projection();

struct order_template_row {
  std::uint64_t version = 0;
  order_templates::order_template tmpl;
};
struct order_template_page {
  std::vector<order_template_row> items;
  std::string next_cursor;  // empty: no more
};

namespace order_template_queries {

// Which templates a list shows.
struct scope {
  enum class kind { all, customer, tenant_wide } which = kind::all;
  std::string customer_id;  // for kind::customer
};

result<std::optional<order_template_row>> get(kv_store& kv, std::string_view tenant, std::string_view id);
// Oldest first. REQUIRES: 1 <= limit <= 200.
result<order_template_page> list(kv_store& kv, std::string_view tenant, const scope& s, std::string_view cursor,
                                 std::size_t limit);

}  // namespace order_template_queries
}  // namespace chronicle::projections
