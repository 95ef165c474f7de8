#pragma once
// The tag aggregate: labels a tenant defines for its customers. Customers
// hold tag ids only; names and colours are resolved at read time, so a rename
// shows everywhere at once. Pure decide/evolve like every aggregate.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "domain/result.hpp"

namespace chronicle::tags {

inline constexpr std::string_view category = "tag";
// Tags are tenant configuration, as rare as keys: they share the tenants topic.
inline constexpr std::string_view topic = "tenants";

struct tag {
  bool exists = false;
  bool deleted = false;
  std::string id, name, colour, description;  // colour: "#rrggbb"
  std::int64_t created_at = 0, updated_at = 0;
};

struct create_tag {
  std::string id;  // a fresh ULID
  std::string name, colour;
  std::optional<std::string> description;
};
// A merge patch: nullopt = unchanged; an empty description clears it.
struct update_tag {
  std::string id;
  std::optional<std::string> name, colour, description;
};
struct delete_tag {
  std::string id;
};

struct tag_created {
  std::string id, name, colour, description;
};
struct tag_updated {
  std::string id;
  std::optional<std::string> name, colour, description;
};
struct tag_deleted {
  std::string id;
};
using event = std::variant<tag_created, tag_updated, tag_deleted>;

result<std::vector<event>> decide(const tag& state, const create_tag& cmd);
// A patch that changes nothing yields no event.
result<std::vector<event>> decide(const tag& state, const update_tag& cmd);
// Deleting twice yields no second event.
result<std::vector<event>> decide(const tag& state, const delete_tag& cmd);
tag evolve(tag state, const event& e, std::int64_t occurred_at);

// The name as uniqueness compares it: trimmed, ASCII letters lower-cased.
std::string name_key(std::string_view name);

}  // namespace chronicle::tags
