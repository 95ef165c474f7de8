#pragma once
// The `customer_orders` read model: per customer, the figures of its orders
// shown on the profile (GET /v1/customers/{id} `orders`) and used by the
// customer list's sorts and filters (last_order_at, lifetime_value,
// total_orders through the customer index).
//
//   customer_orders/o/<tenant>/<order id> → what one order adds: customer,
//       currency, total, refunded, cancelled, placed at, stream version
//   customer_orders/v/<tenant>/<customer id> → the customer's figures
//
// total_orders and total_spent count orders that are not cancelled;
// total_spent is their totals minus refunds; first/last_order_at are the
// placement times of any order (a cancelled order was still an order placed
// that day). Money is summed in the currency of the customer's first order;
// an order in another currency counts in total_orders but not in the sums.
#include <memory>
#include <optional>
#include <string>

#include "domain/money.hpp"
#include "projections/projection.hpp"

namespace chronicle::projections {

class customer_index;

struct customer_order_figures {
  std::int64_t total_orders = 0;
  money total_spent;
  std::int64_t first_order_at = 0, last_order_at = 0;  // µs, 0 = never
  // total_spent / total_orders, rounded half away from zero; 0 without orders.
  std::int64_t average_order_value() const;
};

// With an index, every change of a customer's figures is also set there.
std::unique_ptr<projection> make_customer_orders_projection(std::shared_ptr<customer_index> index = nullptr);

namespace customer_order_queries {
std::string figures_key(std::string_view tenant, std::string_view customer_id);
std::string figures_prefix();  // "customer_orders/v/": followed by "<tenant>/<customer id>"
std::optional<customer_order_figures> decode_figures(std::string_view value);
result<std::optional<customer_order_figures>> get(kv_store& kv, std::string_view tenant, std::string_view customer_id);
// The `orders` object of a customer resource:
// {total_orders, total_spent, average_order_value, first_order_at, last_order_at};
// the money fields and the dates are null for a customer without orders.
std::string render(const customer_order_figures& f);
}  // namespace customer_order_queries

}  // namespace chronicle::projections
