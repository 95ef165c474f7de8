#pragma once
// The order process: the steps that span an order stream and product
// streams. Stock lives on the product aggregates (catalog_commands), each
// decided by its partition's single writer, so two orders for the last unit
// cannot both reserve it. An order is placed only after every product is
// reserved; any failure releases what was reserved (compensation) before
// the caller is answered, so the stock a rejected order touched is back by
// the time the client reads the problem.
//
//   place          customer probe -> reserve each product (sorted ids) -> order.placed
//   change_items   re-reserve the new quantities (release removed products) -> order.items_changed
//   cancel         order.cancelled -> release every product
//   dispatch       order.dispatched -> commit every product (the goods leave)
//   receive        return.received -> restock the returned items when asked
//
// Follow-up stock steps (release, commit, restock) are idempotent per order
// and return, and they also run when the order command was answered from an
// Idempotency-Key record, so retrying a request whose follow-up failed
// completes it. Thread-safety: callable from any thread; callbacks run on
// executor threads.
#include <optional>
#include <string>
#include <vector>

#include "commands/executor.hpp"
#include "domain/order.hpp"

namespace chronicle::commands::order_process {

struct item {
  std::string product_id;
  std::int64_t quantity = 0;
};

struct place_input {
  std::string customer_id;
  std::vector<item> items;
  std::optional<orders::address> delivery_address;  // nullopt: the customer's default address
  std::string requested_delivery_date;              // "": today
  std::string notes;
  std::string template_id;  // set when placed from a template
};

// Rejections: customer_not_found / customer_inactive (field customer_id),
// validation_failed (items[i].…), and the catalog's product_not_found,
// product_inactive, out_of_season, insufficient_stock with the field
// "items[i].product_id" and `available`.
void place(executor& ex, const command_meta& meta, place_input in, command_callback done);

// Replaces the items (pending or confirmed only).
void change_items(executor& ex, const command_meta& meta, std::string order_id, std::vector<item> items,
                  std::optional<std::uint64_t> expected_version, command_callback done);

// Any lifecycle verb; cancel releases the order's stock, dispatch commits it.
void transition(executor& ex, const command_meta& meta, orders::transition cmd,
                std::optional<std::uint64_t> expected_version, command_callback done);

// return.received; with restock the returned quantities go back on hand.
void receive_return(executor& ex, const command_meta& meta, orders::receive_return cmd, command_callback done);

}  // namespace chronicle::commands::order_process
