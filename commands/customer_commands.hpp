#pragma once
// Command handlers of the customer slice: turn a validated command into a
// request for the executor (which stream, how to decide, how to fold).
// `rules.today` is filled in from the executor's clock when the command is
// decided; callers pass the tenant's phone country code.
#include <optional>

#include "commands/executor.hpp"
#include "domain/customer.hpp"

namespace chronicle::commands {

namespace customer_commands {

// Claims: every email (case-insensitive) and every phone of a customer is
// unique per tenant, held as keyed hashes so no plaintext is stored.
aggregate_kind kind(pii_reader& vault);
// REQUIRES: cmd.id and every address id are fresh ULIDs (executor::new_id()).
command_request register_customer(const command_meta& meta, customers::register_customer cmd,
                                  customers::rules rules = {});
command_request update_customer(const command_meta& meta, customers::update_customer cmd,
                                std::optional<std::uint64_t> expected_version,
                                customers::rules rules = {});
// Sets one customer's status (bulk status changes run this once per customer).
command_request set_status(const command_meta& meta, std::string id, std::string status,
                           std::optional<std::uint64_t> expected_version = std::nullopt);
// REQUIRES: cmd.addr.id is a fresh ULID.
command_request add_address(const command_meta& meta, customers::add_address cmd,
                            std::optional<std::uint64_t> expected_version, customers::rules rules = {});
command_request update_address(const command_meta& meta, customers::update_address cmd,
                               std::optional<std::uint64_t> expected_version);
command_request remove_address(const command_meta& meta, customers::remove_address cmd,
                               std::optional<std::uint64_t> expected_version);
command_request tag_customer(const command_meta& meta, customers::tag_customer cmd,
                             std::optional<std::uint64_t> expected_version);
command_request untag_customer(const command_meta& meta, customers::untag_customer cmd,
                               std::optional<std::uint64_t> expected_version);
command_request deactivate_customer(const command_meta& meta, customers::deactivate_customer cmd,
                                    std::optional<std::uint64_t> expected_version);
command_request reactivate_customer(const command_meta& meta, customers::reactivate_customer cmd,
                                    std::optional<std::uint64_t> expected_version);

command_request erase_customer(const command_meta& meta, customers::erase_customer cmd);

}  // namespace customer_commands
}  // namespace chronicle::commands
