#pragma once
// The `customers` read model: one entry per customer (its state and version)
// under "customers/v/<tenant>/<id>". Ids are ULIDs, so key order is creation
// order and the default list ("newest first") is a reverse prefix scan.
#include <memory>
#include <optional>
#include <string>

#include "domain/customer.hpp"
#include "projections/projection.hpp"

namespace chronicle::projections {

std::unique_ptr<projection> make_customers_projection();

struct customer_row {
  std::uint64_t version = 0;
  customers::customer customer;
};

struct customer_page {
  std::vector<customer_row> items;
  std::string next_cursor;  // empty: no more
};

namespace customer_queries {
result<std::optional<customer_row>> get(kv_store& kv, std::string_view tenant, std::string_view id);
// REQUIRES: 1 <= limit <= 200. `cursor` is a next_cursor of an earlier page.
result<customer_page> list(kv_store& kv, std::string_view tenant, std::string_view cursor,
                           std::size_t limit);
}  // namespace customer_queries

}  // namespace chronicle::projections
