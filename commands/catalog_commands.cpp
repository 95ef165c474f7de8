#include "commands/catalog_commands.hpp"

#include "commands/fold.hpp"
#include "domain/customer.hpp"
#include "schemas/catalog_codec.hpp"

namespace chronicle::commands::catalog_commands {
namespace codec = schemas::catalog_codec;

namespace {

// `prepare` may fill in what depends on the executor's clock (today's date).
template <class Command, class Prepare>
command_request request(const command_meta& meta, std::string id, Command cmd,
                        std::optional<std::uint64_t> expected, Prepare prepare) {
  auto r = meta.request(products::category, products::topic, std::move(id));
  r.expected_version = expected;
  r.decide = [cmd = std::move(cmd), prepare](const stream_snapshot& snap, std::int64_t now) -> result<decision> {
    auto state = codec::decode_state(snap.state);
    if (!state) return std::move(state).err();
    auto c = cmd;
    prepare(c, now);
    auto events = products::decide(*state, c);
    return fold_decision(
        std::move(*state), std::move(events),
        [now](auto s, const auto& e) { return products::evolve(std::move(s), e, now); },
        [](const auto& e) { return codec::encode_event(e); }, [](const auto& s) { return codec::encode_state(s); });
  };
  return r;
}

constexpr auto as_is = [](auto&, std::int64_t) {};

}  // namespace

aggregate_kind kind() {
  return {std::string(products::category), std::string(products::topic),
          [](std::string_view state, const event_envelope& env) -> result<std::string> {
            auto s = codec::decode_state(state);
            if (!s) return std::move(s).err();
            auto e = codec::decode_event(env);
            if (!e) return std::move(e).err();
            return codec::encode_state(products::evolve(std::move(*s), *e, env.occurred_at));
          },
          [](std::string_view tenant, std::string_view state) {
            std::vector<claim> out;
            auto p = codec::decode_state(state);
            if (!p || !p->exists || p->sku.empty()) return out;
            out.push_back({std::string(tenant) + "/sku/" + products::sku_key(p->sku), "sku"});
            return out;
          }};
}

command_request create(const command_meta& meta, products::create_product cmd) {
  auto id = cmd.id;
  return request(meta, std::move(id), std::move(cmd), std::nullopt, as_is);
}
command_request update(const command_meta& meta, products::update_product cmd, std::optional<std::uint64_t> expected) {
  auto id = cmd.id;
  return request(meta, std::move(id), std::move(cmd), expected, as_is);
}
command_request receive(const command_meta& meta, products::receive_stock cmd, std::optional<std::uint64_t> expected) {
  auto id = cmd.product_id;
  return request(meta, std::move(id), std::move(cmd), expected, as_is);
}
command_request adjust(const command_meta& meta, products::adjust_stock cmd, std::optional<std::uint64_t> expected) {
  auto id = cmd.product_id;
  return request(meta, std::move(id), std::move(cmd), expected, as_is);
}

command_request reserve(const command_meta& meta, std::string product_id, std::string order_id, std::int64_t quantity,
                        std::string delivery_date) {
  products::reserve_stock c{product_id, std::move(order_id), quantity, std::move(delivery_date)};
  return request(meta, std::move(product_id), std::move(c), std::nullopt,
                 [](products::reserve_stock& c, std::int64_t now) {
                   if (c.on_date.empty()) c.on_date = customers::civil_date(now);
                 });
}
command_request release(const command_meta& meta, std::string product_id, std::string order_id) {
  products::release_stock c{product_id, std::move(order_id)};
  return request(meta, std::move(product_id), std::move(c), std::nullopt, as_is);
}
command_request commit(const command_meta& meta, std::string product_id, std::string order_id) {
  products::commit_stock c{product_id, std::move(order_id)};
  return request(meta, std::move(product_id), std::move(c), std::nullopt, as_is);
}
command_request restock(const command_meta& meta, std::string product_id, std::string order_id, std::string return_id,
                        std::int64_t quantity) {
  products::restock c{product_id, std::move(order_id), std::move(return_id), quantity};
  return request(meta, std::move(product_id), std::move(c), std::nullopt, as_is);
}

std::optional<product_info> product_summary(std::string_view state) {
  auto p = codec::decode_state(state);
  if (!p || !p->exists) return std::nullopt;
  return product_info{p->id, p->sku, p->name, p->unit, p->price, p->active, p->on_hand, p->available()};
}

std::optional<money> price_of(std::string_view state) {
  auto p = product_summary(state);
  if (!p) return std::nullopt;
  return p->price;
}

}  // namespace chronicle::commands::catalog_commands
