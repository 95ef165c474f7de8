#pragma once
// Wire formats of the catalog: request bodies → product and stock commands,
// events ↔ envelope data, product state ↔ snapshot JSON, and the Product
// resource (schemas/openapi.json). Products hold no personal data: every
// event's `pii` is empty.
#include <string>
#include <string_view>
#include <variant>

#include "domain/envelope.hpp"
#include "domain/product.hpp"
#include "domain/result.hpp"
#include "schemas/encoded_event.hpp"

namespace chronicle::schemas::catalog_codec {

// POST /v1/products: {sku, name, unit, price: {amount, currency}, active?,
// unavailable?: [{from, to}], description?}. The id is left empty.
result<products::create_product> parse_create(std::string_view body);
// PATCH /v1/products/{id} (merge patch): name, unit, price, active,
// unavailable (null or [] clears), description (null clears). `sku` is
// refused with the field error sku/immutable.
result<products::update_product> parse_update(std::string_view body);
// POST /v1/products/{id}/stock: {action: "receive"|"adjust", quantity, reason?}.
// receive: quantity > 0; adjust: quantity is the signed change, reason required.
using stock_command = std::variant<products::receive_stock, products::adjust_stock>;
result<stock_command> parse_stock(std::string_view body);

encoded_event encode_event(const products::event& e);
result<products::event> decode_event(const event_envelope& e);

std::string encode_state(const products::product& p);
result<products::product> decode_state(std::string_view json);

// The Product resource, stock {on_hand, reserved, available} included.
std::string render(const products::product& p, std::uint64_t version);
// {"amount": n, "currency": "USD"}
std::string render_money(const money& m);

}  // namespace chronicle::schemas::catalog_codec
