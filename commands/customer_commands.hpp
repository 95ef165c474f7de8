#pragma once
// Command handlers of the customer slice: turn a validated command into a
// request for the executor (which stream, how to decide, how to fold).
#include <optional>

#include "commands/executor.hpp"
#include "domain/customer.hpp"

namespace chronicle::commands {

namespace customer_commands {

// Claims: a customer's email (case-insensitive) and phone are unique per
// tenant, held as keyed hashes so no plaintext is stored.
aggregate_kind kind(pii_reader& vault);
// REQUIRES: cmd.id is a fresh ULID (executor::new_id()).
command_request register_customer(const command_meta& meta, customers::register_customer cmd,
                                  customers::rules rules = {});
command_request update_customer(const command_meta& meta, customers::update_customer cmd,
                                std::optional<std::uint64_t> expected_version,
                                customers::rules rules = {});

command_request erase_customer(const command_meta& meta, customers::erase_customer cmd);

}  // namespace customer_commands
}  // namespace chronicle::commands
