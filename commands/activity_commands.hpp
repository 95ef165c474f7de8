#pragma once
// Command handlers of a customer's activity (stream
// activity-<tenant>-<customer id>, topic "customers": the customer's own
// partition). Every event with free text names the customer as its subject,
// so the executor seals it with the customer's key; once the customer is
// erased the vault refuses to seal for them and the command fails closed.
#include "commands/executor.hpp"
#include "domain/activity.hpp"

namespace chronicle::commands::activity_commands {

aggregate_kind kind();

// REQUIRES: the command's customer_id names an existing customer of
// meta.tenant (the caller checks the customers view); new item ids are fresh
// ULIDs (executor::new_id()).
command_request add_note(const command_meta& meta, activity::add_note cmd);
command_request edit_note(const command_meta& meta, activity::edit_note cmd);
command_request delete_note(const command_meta& meta, activity::delete_note cmd);
command_request log_interaction(const command_meta& meta, activity::log_interaction cmd);
command_request create_task(const command_meta& meta, activity::create_task cmd);
command_request update_task(const command_meta& meta, activity::update_task cmd);

}  // namespace chronicle::commands::activity_commands
