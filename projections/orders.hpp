#pragma once
// The `orders` read model: each order as its API resource (lines, totals,
// status, a timestamp per transition, the history of every change newest
// first, returns and refunds with their states), with the indexes the lists
// need. Reads send stored bytes.
//
//   orders/o/<tenant>/<order id>                  → Order
//   orders/s/<tenant>/<status>/<order id>         → customer id   (list by status)
//   orders/c/<tenant>/<customer>/<order id>       → status        (list by customer)
//   orders/r/<tenant>/<return id>                 → order id
//   orders/x/<tenant>/<customer>                  → erased marker
//
// Order ids are ULIDs, so newest first is a reverse scan. Reads the orders
// topic and, for `subject.erased`, the customers topic: erasure turns the
// delivery address and notes of every order of the customer into
// "[erased]" (what a replay yields once the key is gone), and later events
// of that customer arrive erased too.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "projections/projection.hpp"

namespace chronicle::projections {

std::unique_ptr<projection> make_orders_projection();

struct order_page {
  std::vector<std::string> items;  // rendered Order resources
  std::string next_cursor;         // empty: no more
};

namespace order_queries {
result<std::optional<std::string>> order(kv_store& kv, std::string_view tenant, std::string_view id);
// Newest first. `status` and `customer` filter (empty: any). REQUIRES: 1 <= limit <= 200.
result<order_page> list(kv_store& kv, std::string_view tenant, std::string_view status, std::string_view customer,
                        std::string_view cursor, std::size_t limit);
// The order holding a return, or nullopt.
result<std::optional<std::string>> order_of_return(kv_store& kv, std::string_view tenant, std::string_view return_id);
// The Return resource, or nullopt.
result<std::optional<std::string>> return_resource(kv_store& kv, std::string_view tenant, std::string_view return_id);
}  // namespace order_queries

}  // namespace chronicle::projections
