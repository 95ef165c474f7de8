#pragma once
// Command handlers of order templates (stream template-<tenant>-<id>, topic
// "orders"). Templates claim nothing: two templates may share a name.
#include <optional>

#include "commands/executor.hpp"
#include "domain/order_template.hpp"

namespace chronicle::commands::order_template_commands {

aggregate_kind kind();
// REQUIRES: cmd.id is a fresh ULID (executor::new_id()).
command_request create_template(const command_meta& meta, order_templates::create_template cmd);
command_request update_template(const command_meta& meta, order_templates::update_template cmd,
                                std::optional<std::uint64_t> expected_version);
command_request delete_template(const command_meta& meta, order_templates::delete_template cmd,
                                std::optional<std::uint64_t> expected_version);

}  // namespace chronicle::commands::order_template_commands
