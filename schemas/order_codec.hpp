#pragma once
// Wire formats of orders, returns and refunds: request bodies, events ↔
// envelope data/pii, and the order aggregate's snapshot.
//
// The delivery address and the notes are personal data of the customer: they
// go in `pii`, sealed with subject = customer id, so erasing the customer
// erases them. Once the key is destroyed they decode as "[erased]".
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/envelope.hpp"
#include "domain/money.hpp"
#include "domain/order.hpp"
#include "domain/result.hpp"
#include "schemas/encoded_event.hpp"
#include "schemas/json_writer.hpp"

namespace chronicle::schemas::order_codec {

// ---- request bodies ----
struct item_input {
  std::string product_id;
  std::int64_t quantity = 0;
};
// POST /v1/orders (OrderInput).
struct place_body {
  std::string customer_id;
  std::vector<item_input> items;
  std::optional<orders::address> delivery_address;  // nullopt: the customer's default
  std::optional<std::string> requested_delivery_date;  // nullopt: today
  std::string notes;
};
// PATCH /v1/orders/{id} (OrderPatch): nullopt = unchanged.
struct patch_body {
  std::optional<std::vector<item_input>> items;
  std::optional<orders::address> delivery_address;
  std::optional<std::string> requested_delivery_date, notes;
};
struct return_body {
  std::vector<orders::return_item> items;
  std::string reason;
};
struct refund_body {
  money amount;
  std::string method, reason, return_id;
};
result<place_body> parse_place(std::string_view body);
result<patch_body> parse_patch(std::string_view body);
// The body of a lifecycle verb: empty or {} ; cancel also takes {"reason"}.
result<std::string> parse_transition(std::string_view body, bool with_reason);
result<return_body> parse_return(std::string_view body);
// decline: {"reason"} required; approve: {} or empty.
result<std::string> parse_decline(std::string_view body);
result<bool> parse_empty(std::string_view body);
// receive: {"restock": bool} (default false).
result<bool> parse_receive(std::string_view body);
result<refund_body> parse_refund(std::string_view body);

// ---- events ----
encoded_event encode_event(const orders::event& e);
result<orders::event> decode_event(const event_envelope& e);
bool is_order_type(std::string_view type) noexcept;

// ---- aggregate snapshot ----
std::string encode_state(const orders::order& s);
result<orders::order> decode_state(std::string_view json);

// ---- read-model documents = API resources (Order, Return in schemas/openapi.json) ----
struct history_entry {
  std::int64_t at = 0;
  std::string type, actor, summary;
  std::string details;  // the event's non-personal data (JSON object)
};
struct return_doc {
  std::string id, status, reason, decline_reason;
  std::vector<orders::return_item> items;
  bool restock = false;
  std::int64_t requested_at = 0, approved_at = 0, declined_at = 0, received_at = 0, refunded_at = 0;
};
struct refund_doc {
  std::string id, return_id, method, reason;
  money amount;
  std::int64_t issued_at = 0;
};
// Indexes of order_doc::at: when the order entered each status (0: not yet).
inline constexpr std::string_view stamp_names[] = {"placed_at",      "confirmed_at",  "processing_at", "ready_at",
                                                   "dispatched_at", "delivered_at", "cancelled_at"};
struct order_doc {
  std::string id, customer_id, status, currency, requested_delivery_date, notes, template_id, cancel_reason;
  std::vector<orders::line> lines;
  std::int64_t subtotal = 0, total = 0, refunded = 0;
  orders::address delivery_address;
  std::int64_t at[7] = {};
  std::int64_t updated_at = 0;
  std::uint64_t version = 0;
  std::vector<history_entry> history;  // newest first
  std::vector<return_doc> returns;     // oldest first
  std::vector<refund_doc> refunds;     // oldest first
};
std::string render(const order_doc& o);
result<order_doc> parse_order_doc(std::string_view json);
// The Return resource: one return of the order, with the order's ids.
std::string render_return(const order_doc& o, const return_doc& r);
// Which timestamp an order status sets (index into order_doc::at).
std::size_t stamp_of(std::string_view status);

// ---- shared pieces for documents ----
void write_money(json::writer& w, std::string_view key, const money& m);
void write_line(json::writer& w, const orders::line& l);
// The address as a resource object (absent members as null).
void write_address(json::writer& w, std::string_view key, const orders::address& a);

}  // namespace chronicle::schemas::order_codec
