#pragma once
// Command handlers of tags (stream tag-<tenant>-<id>, topic "tenants").
// A tag's name is unique per tenant, case-insensitively: a uniqueness claim
// "<tenant>/tag_name/<lower-cased name>", released when the tag is deleted
// or renamed. Names are not personal data, so the claim holds them in clear.
#include <optional>

#include "commands/executor.hpp"
#include "domain/tag.hpp"

namespace chronicle::commands::tag_commands {

aggregate_kind kind();
// REQUIRES: cmd.id is a fresh ULID (executor::new_id()).
command_request create_tag(const command_meta& meta, tags::create_tag cmd);
command_request update_tag(const command_meta& meta, tags::update_tag cmd, std::optional<std::uint64_t> expected_version);
command_request delete_tag(const command_meta& meta, tags::delete_tag cmd, std::optional<std::uint64_t> expected_version);

}  // namespace chronicle::commands::tag_commands
