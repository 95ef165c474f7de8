#pragma once
// Wire formats of the order extras that are not an aggregate of their own:
// POST /v1/orders/batch (one action for many orders, a result per order) and
// POST /v1/order-templates/{id}/orders (an order placed from a template).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.hpp"

namespace chronicle::schemas::order_batch_codec {

inline constexpr std::size_t max_ids = 100;
inline constexpr std::string_view actions[] = {"confirm", "process", "ready",  "dispatch",
                                               "deliver", "cancel",  "set_delivery_date"};

struct batch_body {
  std::string action;
  std::vector<std::string> ids;          // 1..max_ids, distinct
  std::string requested_delivery_date;   // set_delivery_date only (required there)
  std::string reason;                    // cancel only (optional)
};
// Shape and values: action known, ids 1..100 distinct strings, the date only
// (and always) with set_delivery_date, the reason only with cancel. Whether
// each id names an order, and whether the action suits its status, is the
// per-item result's business.
result<batch_body> parse_batch(std::string_view body);

struct failure {
  std::string id, code, message;
};
// {"action":..., "succeeded":[ids], "failed":[{id, code, message}]}
std::string render_batch_result(std::string_view action, const std::vector<std::string>& succeeded,
                                const std::vector<failure>& failed);

// POST /v1/order-templates/{id}/orders: empty, {} or overrides of the
// template's customer-independent parts. customer_id is required for a
// tenant-wide template and must match (or be absent) for a customer's one.
struct place_from_template_body {
  std::optional<std::string> customer_id, requested_delivery_date, notes;
};
result<place_from_template_body> parse_place_from_template(std::string_view body);

}  // namespace chronicle::schemas::order_batch_codec
