#pragma once
// Command handlers of the catalog: products and their stock, one stream per
// product (product-<tenant>-<id>, topic "catalog"). Every stock change is
// decided by the partition's single writer against the latest state, so two
// reservations for the last unit cannot both succeed.
//
// A product's SKU is unique per tenant: a uniqueness claim
// "<tenant>/sku/<normalised sku>" (products::sku_key), held for the life of
// the product (the SKU never changes and products are not deleted).
//
// The order process (orders branch) uses reserve / release / commit /
// restock with the order's id; they are idempotent per order (see
// domain/product.hpp), so a retried order step changes nothing twice.
#include <optional>
#include <string>

#include "commands/executor.hpp"
#include "domain/money.hpp"
#include "domain/product.hpp"

namespace chronicle::commands::catalog_commands {

aggregate_kind kind();

// REQUIRES: cmd.id is a fresh ULID (executor::new_id()).
command_request create(const command_meta& meta, products::create_product cmd);
command_request update(const command_meta& meta, products::update_product cmd,
                       std::optional<std::uint64_t> expected_version);
command_request receive(const command_meta& meta, products::receive_stock cmd,
                        std::optional<std::uint64_t> expected_version = std::nullopt);
command_request adjust(const command_meta& meta, products::adjust_stock cmd,
                       std::optional<std::uint64_t> expected_version = std::nullopt);

// Sets the order's reservation on the product to `quantity` (0 releases).
// `delivery_date` "YYYY-MM-DD" is checked against the product's seasons; ""
// means today (the executor's clock, UTC). Rejections carry the field
// "product_id": product_not_found, product_inactive, out_of_season,
// insufficient_stock (error::available = units available).
command_request reserve(const command_meta& meta, std::string product_id, std::string order_id,
                        std::int64_t quantity, std::string delivery_date);
// Removes the order's reservation (no event when there is none).
command_request release(const command_meta& meta, std::string product_id, std::string order_id);
// The reserved goods leave: on_hand -= reservation, reservation removed (no event when none).
command_request commit(const command_meta& meta, std::string product_id, std::string order_id);
// Returned goods back on hand; once per return id.
command_request restock(const command_meta& meta, std::string product_id, std::string order_id,
                        std::string return_id, std::int64_t quantity);

// What an order line needs of a product, read from a command outcome's state.
struct product_info {
  std::string id, sku, name, unit;
  money price;
  bool active = true;
};
// nullopt when `state` is empty or not a product state.
std::optional<product_info> product_summary(std::string_view state);
std::optional<money> price_of(std::string_view state);

}  // namespace chronicle::commands::catalog_commands
