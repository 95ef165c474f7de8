#pragma once
// Command handlers of orders (stream order-<tenant>-<id>, topic "orders"):
// request builders for every order command, decided against the order's
// latest state by the partition's single writer. Events with personal data
// (placement, address and notes changes) name the customer as subject, so
// the executor seals them with the customer's key; once the customer is
// erased the vault refuses to seal and the command fails closed.
//
// These builders touch only the order stream. Stock (reserve, release,
// commit, restock on the product streams) is coordinated by order_process.
#include <optional>

#include "commands/executor.hpp"
#include "domain/order.hpp"

namespace chronicle::commands::order_commands {

aggregate_kind kind();

// REQUIRES: cmd.id is a fresh ULID, the customer exists, the items are priced.
// An empty requested_delivery_date means today (the executor's clock); `today` is filled from it.
command_request place(const command_meta& meta, orders::place_order cmd);
command_request transition(const command_meta& meta, orders::transition cmd,
                           std::optional<std::uint64_t> expected_version = std::nullopt);
command_request change_items(const command_meta& meta, orders::change_items cmd,
                             std::optional<std::uint64_t> expected_version = std::nullopt);
command_request change_address(const command_meta& meta, orders::change_address cmd,
                               std::optional<std::uint64_t> expected_version = std::nullopt);
command_request change_delivery_date(const command_meta& meta, orders::change_delivery_date cmd,
                                     std::optional<std::uint64_t> expected_version = std::nullopt);
command_request change_notes(const command_meta& meta, orders::change_notes cmd,
                             std::optional<std::uint64_t> expected_version = std::nullopt);
// REQUIRES: return_id / refund_id are fresh ULIDs.
command_request request_return(const command_meta& meta, orders::request_return cmd);
command_request approve_return(const command_meta& meta, orders::approve_return cmd);
command_request decline_return(const command_meta& meta, orders::decline_return cmd);
command_request receive_return(const command_meta& meta, orders::receive_return cmd);
command_request issue_refund(const command_meta& meta, orders::issue_refund cmd);

// The order state carried by a command outcome (empty state: no order).
result<orders::order> state_of(std::string_view encoded);

}  // namespace chronicle::commands::order_commands
