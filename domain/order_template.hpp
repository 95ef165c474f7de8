#pragma once
// The order template aggregate: a named basket (product ids and quantities)
// saved for one customer or, without a customer, for the whole tenant, from
// which orders are placed again and again. Prices are not kept: an order
// placed from a template takes the catalog's prices of that moment.
// Pure decide/evolve like every aggregate.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "domain/result.hpp"

namespace chronicle::order_templates {

inline constexpr std::string_view category = "template";
inline constexpr std::string_view topic = "orders";

inline constexpr std::size_t max_name = 80;
inline constexpr std::size_t max_notes = 1000;
inline constexpr std::size_t max_items = 100;
inline constexpr std::int64_t max_quantity = 100000;

struct item {
  std::string product_id;
  std::int64_t quantity = 0;
  bool operator==(const item&) const = default;
};

struct order_template {
  bool exists = false;
  bool deleted = false;
  std::string id, name;
  std::string customer_id;  // empty: tenant-wide
  std::vector<item> items;
  std::string notes;
  std::int64_t created_at = 0, updated_at = 0;
};

struct create_template {
  std::string id;  // a fresh ULID
  std::string name;
  std::optional<std::string> customer_id;
  std::vector<item> items;
  std::optional<std::string> notes;
};
// A merge patch: nullopt = unchanged; an empty notes clears them. The
// customer a template belongs to never changes.
struct update_template {
  std::string id;
  std::optional<std::string> name;
  std::optional<std::vector<item>> items;
  std::optional<std::string> notes;
};
struct delete_template {
  std::string id;
};

struct template_created {
  std::string id, name, customer_id;  // customer_id empty: tenant-wide
  std::vector<item> items;
  std::string notes;
};
struct template_updated {
  std::string id;
  std::optional<std::string> name;
  std::optional<std::vector<item>> items;
  std::optional<std::string> notes;
};
struct template_deleted {
  std::string id;
};
using event = std::variant<template_created, template_updated, template_deleted>;

result<std::vector<event>> decide(const order_template& state, const create_template& cmd);
// A patch that changes nothing yields no event.
result<std::vector<event>> decide(const order_template& state, const update_template& cmd);
// Deleting twice yields no second event.
result<std::vector<event>> decide(const order_template& state, const delete_template& cmd);
order_template evolve(order_template state, const event& e, std::int64_t occurred_at);

}  // namespace chronicle::order_templates
