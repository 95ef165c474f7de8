#pragma once
// The product aggregate: a catalog entry and its stock, one stream per
// product (product-<tenant>-<id>, topic "catalog"). Stock lives here so the
// single writer of the partition decides every stock change against the
// latest state: two orders for the last unit, exactly one reservation wins.
//
// Stock: `on_hand` counts the goods in the building; `reservations` maps an
// order id to the quantity that order holds; available = on_hand - reserved.
// No event ever takes on_hand or available below zero.
//
// Seasons: `unavailable` lists windows "MM-DD".."MM-DD" (both days included)
// in which the product cannot be ordered; a window whose start is after its
// end wraps over the year end ("12-01".."02-28" = December to February).
// Pure decide/evolve like every aggregate; the caller passes today's date.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "domain/money.hpp"
#include "domain/result.hpp"

namespace chronicle::products {

inline constexpr std::string_view category = "product";
inline constexpr std::string_view topic = "catalog";

inline constexpr std::int64_t max_quantity = 1'000'000'000;         // per command and on hand
inline constexpr std::int64_t max_amount = 1'000'000'000'000;       // minor units
inline constexpr std::size_t max_windows = 12;

// "MM-DD".."MM-DD", both days included; from > to wraps over the year end.
struct window {
  std::string from, to;
  bool operator==(const window&) const = default;
};

// The orders holding stock of one product, as one string of records
// "<order id>=<quantity>;" sorted by order id. A product with thousands of
// open orders then decodes, changes and encodes by copying one string, where
// a tree of strings cost an allocation per order on every command.
class reservation_ledger {
 public:
  std::int64_t get(std::string_view order) const;  // 0 when the order holds none
  bool contains(std::string_view order) const;
  void set(std::string_view order, std::int64_t quantity);  // 0 removes the order
  void erase(std::string_view order) { set(order, 0); }
  bool empty() const noexcept { return records_.empty(); }
  std::int64_t total() const noexcept { return total_; }
  const std::string& records() const noexcept { return records_; }
  // Replaces the ledger with `records` (as records() gave them); false, and
  // the ledger left empty, when they are malformed.
  bool assign(std::string_view records);
  bool operator==(const reservation_ledger& o) const { return records_ == o.records_; }

 private:
  // Where the record of `order` starts, or where it would be inserted; `found` tells which.
  std::size_t find(std::string_view order, bool& found) const;
  std::string records_;
  std::int64_t total_ = 0;
};

// An order id the ledger can hold: non-empty, without '=' or ';'.
bool valid_order_ref(std::string_view order);

struct product {
  bool exists = false;
  std::string id, sku, name, unit, description;
  money price;
  bool active = true;
  std::vector<window> unavailable;
  std::int64_t on_hand = 0;
  reservation_ledger reservations;                  // order id -> quantity
  std::set<std::string> restocked_returns;           // return ids already put back
  std::int64_t created_at = 0, updated_at = 0;

  std::int64_t reserved() const noexcept;
  std::int64_t available() const noexcept { return on_hand - reserved(); }
};

// ---- commands -------------------------------------------------------------

struct create_product {
  std::string id;  // a fresh ULID
  std::string sku, name, unit;
  money price;
  bool active = true;
  std::vector<window> unavailable;
  std::optional<std::string> description;
};
// A merge patch: nullopt = unchanged. An empty description clears it; an
// empty `unavailable` list clears the windows. The SKU never changes.
struct update_product {
  std::string id;
  std::optional<std::string> name, unit, description;
  std::optional<money> price;
  std::optional<bool> active;
  std::optional<std::vector<window>> unavailable;
};
struct receive_stock {
  std::string product_id;
  std::int64_t quantity = 0;  // > 0
  std::optional<std::string> reason;
};
// A correction after counting, spoilage, breakage: delta != 0, reason required.
struct adjust_stock {
  std::string product_id;
  std::int64_t delta = 0;
  std::string reason;
};
// Sets the order's reservation on this product to `quantity` (0 = release).
// Same quantity: no event. More: the difference must be available, and the
// product active and in season on `on_date`. Less: frees the difference.
struct reserve_stock {
  std::string product_id, order_id;
  std::int64_t quantity = 0;
  std::string on_date;  // "YYYY-MM-DD": the delivery date, or today
};
struct release_stock {
  std::string product_id, order_id;
};
struct commit_stock {
  std::string product_id, order_id;
};
struct restock {
  std::string product_id, order_id, return_id;
  std::int64_t quantity = 0;  // > 0
};

// ---- events ---------------------------------------------------------------

struct product_created {
  std::string id, sku, name, unit;
  money price;
  bool active = true;
  std::vector<window> unavailable;
  std::string description;
};
struct product_updated {
  std::string id;
  std::optional<std::string> name, unit, description;
  std::optional<money> price;
  std::optional<bool> active;
  std::optional<std::vector<window>> unavailable;
};
struct stock_received {
  std::string product_id;
  std::int64_t quantity = 0;
  std::string reason;
};
struct stock_adjusted {
  std::string product_id;
  std::int64_t delta = 0;
  std::string reason;
};
// `quantity`: the order's whole reservation on this product after the event.
struct stock_reserved {
  std::string product_id, order_id;
  std::int64_t quantity = 0;
  money unit_price;
};
struct stock_released {
  std::string product_id, order_id;
  std::int64_t quantity = 0;
};
struct stock_committed {
  std::string product_id, order_id;
  std::int64_t quantity = 0;
};
struct stock_restocked {
  std::string product_id, order_id, return_id;
  std::int64_t quantity = 0;
};
using event = std::variant<product_created, product_updated, stock_received, stock_adjusted, stock_reserved,
                           stock_released, stock_committed, stock_restocked>;

result<std::vector<event>> decide(const product& state, const create_product& cmd);
// A patch that changes nothing yields no event.
result<std::vector<event>> decide(const product& state, const update_product& cmd);
result<std::vector<event>> decide(const product& state, const receive_stock& cmd);
result<std::vector<event>> decide(const product& state, const adjust_stock& cmd);
// Rejections carry the field "product_id": codes product_not_found (404),
// product_inactive, out_of_season, insufficient_stock (409; `available` set).
result<std::vector<event>> decide(const product& state, const reserve_stock& cmd);
// No reservation for the order: no event.
result<std::vector<event>> decide(const product& state, const release_stock& cmd);
result<std::vector<event>> decide(const product& state, const commit_stock& cmd);
// The same return restocked twice: no second event.
result<std::vector<event>> decide(const product& state, const restock& cmd);
product evolve(product state, const event& e, std::int64_t occurred_at);

// The SKU as stored and as uniqueness compares it: trimmed, ASCII upper-cased.
std::string sku_key(std::string_view sku);
// True for an ISO 4217 alphabetic code in current use ("USD", "EUR").
bool is_currency(std::string_view code) noexcept;
// True for "MM-DD" naming a real day of some year (02-29 included).
bool is_month_day(std::string_view s) noexcept;
// The window of `windows` that contains `month_day` ("MM-DD"), if any.
const window* unavailable_on(const std::vector<window>& windows, std::string_view month_day) noexcept;

}  // namespace chronicle::products
