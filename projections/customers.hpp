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

class customer_index;

// With an index, every customer the view changes is also upserted into it
// (list queries: search, filters, sorting; see customer_index.hpp).
std::unique_ptr<projection> make_customers_projection(std::shared_ptr<customer_index> index = nullptr);

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
// Fills `index` from the view as it is (at start, before the runner folds
// anything new); returns the number of customers loaded.
result<std::size_t> load_index(kv_store& kv, customer_index& index);
}  // namespace customer_queries

}  // namespace chronicle::projections
