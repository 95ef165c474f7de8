#pragma once
// The order aggregate: one stream per order (order-<tenant>-<id>, topic
// "orders"). Its lifecycle, the modifications each stage allows, and the
// returns and refunds of a delivered order, which are events of the same
// stream. Prices are captured by the command side (from the catalog's reserve
// outcome) and passed in; stock itself lives on the product streams.
// The delivery address and the notes are personal data of the customer: they
// travel only in the events' sealed part and never enter the state.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "domain/customer.hpp"
#include "domain/money.hpp"
#include "domain/result.hpp"

namespace chronicle::orders {

inline constexpr std::string_view category = "order";
inline constexpr std::string_view topic = "orders";

inline constexpr std::string_view statuses[] = {"pending", "confirmed",        "processing", "ready",
                                                "out_for_delivery", "delivered", "cancelled"};
inline constexpr std::string_view verbs[] = {"confirm", "process", "ready", "dispatch", "deliver", "cancel"};
inline constexpr std::string_view return_statuses[] = {"requested", "approved", "declined", "received", "refunded"};
inline constexpr std::string_view refund_methods[] = {"original_payment", "store_credit"};

inline constexpr std::size_t max_lines = 100, max_notes = 2000, max_reason = 500;
inline constexpr std::int64_t max_quantity = 1'000'000;

struct line {
  std::string product_id, sku, name, unit;
  std::int64_t quantity = 0;
  money unit_price;
  money line_total;
  bool operator==(const line&) const = default;
};
// A line as the command side prices it (from the catalog), before totals.
struct priced_item {
  std::string product_id, sku, name, unit;
  std::int64_t quantity = 0;
  money unit_price;
};
struct return_item {
  std::string product_id;
  std::int64_t quantity = 0;
  bool operator==(const return_item&) const = default;
};
using address = customers::address;

struct return_rec {
  std::string id;
  std::vector<return_item> items;
  std::string reason, status;  // status: one of return_statuses
  bool restock = false;
};
struct refund_rec {
  std::string id, return_id, method, reason;
  money amount;
};

struct order {
  bool exists = false;
  std::string id, customer_id, status;
  std::vector<line> lines;
  std::string currency;
  std::int64_t subtotal = 0, total = 0, refunded = 0;
  std::string requested_delivery_date, template_id;
  std::vector<return_rec> returns;
  std::vector<refund_rec> refunds;
  // The return or refund the latest command created or changed: an
  // Idempotency-Key replay answers with the same item.
  std::string last;
};

// ---- commands (ids are fresh ULIDs passed in; `today` "YYYY-MM-DD" from the command side's clock) ----
struct place_order {
  std::string id, customer_id;
  std::vector<priced_item> items;
  address delivery_address;  // the customer's default unless given
  std::string requested_delivery_date, notes, template_id, today;
};
// pending -> confirmed -> processing -> ready -> out_for_delivery -> delivered; cancel until out_for_delivery.
struct transition {
  std::string id, verb;  // one of `verbs`
  std::string reason;    // cancel only
};
struct change_items {
  std::string id;
  std::vector<priced_item> items;
};
struct change_address {
  std::string id;
  address delivery_address;
};
struct change_delivery_date {
  std::string id, requested_delivery_date, today;
};
struct change_notes {
  std::string id, notes;
};
struct request_return {
  std::string order_id, return_id;
  std::vector<return_item> items;
  std::string reason;
};
struct approve_return {
  std::string order_id, return_id;
};
struct decline_return {
  std::string order_id, return_id, reason;
};
struct receive_return {
  std::string order_id, return_id;
  bool restock = false;
};
struct issue_refund {
  std::string order_id, refund_id, return_id;  // return_id: empty = not for a return
  money amount;
  std::string method, reason;
};

// ---- events ----
struct order_placed {
  std::string id, customer_id;
  std::vector<line> lines;
  address delivery_address;
  std::string requested_delivery_date, notes;
  std::int64_t subtotal = 0, total = 0;
  std::string currency, template_id;
};
// One event type per transition: order.confirmed, order.processing,
// order.ready, order.dispatched, order.delivered; `status` is the new one.
struct order_advanced {
  std::string id, status;
  std::int64_t at = 0;  // µs since the epoch
};
struct order_cancelled {
  std::string id, reason, from_status;
};
struct items_changed {
  std::string id;
  std::vector<line> lines;
  std::int64_t subtotal = 0, total = 0;
};
struct address_changed {
  std::string id, customer_id;  // customer_id: whose personal data the address is
  address delivery_address;
};
struct delivery_date_changed {
  std::string id, requested_delivery_date;
};
struct notes_changed {
  std::string id, customer_id, notes;
};
struct return_requested {
  std::string order_id, return_id;
  std::vector<return_item> items;
  std::string reason;
};
struct return_approved {
  std::string order_id, return_id;
};
struct return_declined {
  std::string order_id, return_id, reason;
};
struct return_received {
  std::string order_id, return_id;
  bool restock = false;
};
struct refund_issued {
  std::string order_id, refund_id, return_id;
  money amount;
  std::string method, reason;
};
using event = std::variant<order_placed, order_advanced, order_cancelled, items_changed, address_changed,
                           delivery_date_changed, notes_changed, return_requested, return_approved,
                           return_declined, return_received, refund_issued>;

result<std::vector<event>> decide(const order& s, const place_order& cmd);
// An invalid verb for the current status is `invalid_transition` (409) with the allowed verbs.
result<std::vector<event>> decide(const order& s, const transition& cmd, std::int64_t now);
// Changes that change nothing yield no event.
result<std::vector<event>> decide(const order& s, const change_items& cmd);
result<std::vector<event>> decide(const order& s, const change_address& cmd);
result<std::vector<event>> decide(const order& s, const change_delivery_date& cmd);
result<std::vector<event>> decide(const order& s, const change_notes& cmd);
result<std::vector<event>> decide(const order& s, const request_return& cmd);
result<std::vector<event>> decide(const order& s, const approve_return& cmd);
result<std::vector<event>> decide(const order& s, const decline_return& cmd);
result<std::vector<event>> decide(const order& s, const receive_return& cmd);
result<std::vector<event>> decide(const order& s, const issue_refund& cmd);
order evolve(order s, const event& e);

// The verbs the status accepts (empty for delivered and cancelled).
std::vector<std::string> allowed_verbs(std::string_view status);
// The status a verb leads to ("" for an unknown verb).
std::string_view target_status(std::string_view verb);
// The event type of a transition into `status` ("order.dispatched" for out_for_delivery).
std::string_view advanced_type(std::string_view status);
// The verbs a return in `status` accepts.
std::vector<std::string> allowed_return_verbs(std::string_view status);
// Whether items, quantities and the address may still change / the delivery date.
bool items_changeable(std::string_view status) noexcept;
bool date_changeable(std::string_view status) noexcept;
// How many units of a product were delivered, and how many are already in
// returns that were not declined.
std::int64_t delivered_quantity(const order& s, std::string_view product_id);
std::int64_t returned_quantity(const order& s, std::string_view product_id);
const return_rec* find_return(const order& s, std::string_view return_id);
// Validates an order's delivery address (label optional); field names are `prefix` + member.
std::vector<field_error> check_address(address& a, const std::string& prefix);

}  // namespace chronicle::orders
