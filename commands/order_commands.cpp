#include "commands/order_commands.hpp"

#include "domain/customer.hpp"
#include "commands/fold.hpp"
#include "schemas/order_codec.hpp"

namespace chronicle::commands::order_commands {
namespace codec = schemas::order_codec;

namespace {

std::string order_id_of(const orders::place_order& c) { return c.id; }
std::string order_id_of(const orders::transition& c) { return c.id; }
std::string order_id_of(const orders::change_items& c) { return c.id; }
std::string order_id_of(const orders::change_address& c) { return c.id; }
std::string order_id_of(const orders::change_delivery_date& c) { return c.id; }
std::string order_id_of(const orders::change_notes& c) { return c.id; }
template <class C>
std::string order_id_of(const C& c) {
  return c.order_id;
}

template <class Command>
command_request request(const command_meta& meta, Command cmd, std::optional<std::uint64_t> expected = std::nullopt) {
  auto r = meta.request(orders::category, orders::topic, order_id_of(cmd));
  r.expected_version = expected;
  r.decide = [cmd = std::move(cmd)](const stream_snapshot& snap, std::int64_t now) mutable -> result<decision> {
    auto state = codec::decode_state(snap.state);
    if (!state) return std::move(state).err();
    auto events = [&] {
      if constexpr (std::is_same_v<Command, orders::transition>) {
        return orders::decide(*state, cmd, now);
      } else if constexpr (std::is_same_v<Command, orders::place_order> ||
                           std::is_same_v<Command, orders::change_delivery_date>) {
        if (cmd.today.empty()) cmd.today = customers::civil_date(now);
        if constexpr (std::is_same_v<Command, orders::place_order>)
          if (cmd.requested_delivery_date.empty()) cmd.requested_delivery_date = cmd.today;
        return orders::decide(*state, cmd);
      } else {
        return orders::decide(*state, cmd);
      }
    }();
    return fold_decision(
        std::move(*state), std::move(events),
        [](auto s, const auto& e) { return orders::evolve(std::move(s), e); },
        [](const auto& e) { return codec::encode_event(e); }, [](const auto& s) { return codec::encode_state(s); });
  };
  return r;
}

}  // namespace

aggregate_kind kind() {
  return {std::string(orders::category), std::string(orders::topic),
          [](std::string_view state, const event_envelope& env) -> result<std::string> {
            auto s = codec::decode_state(state);
            if (!s) return std::move(s).err();
            auto e = codec::decode_event(env);
            if (!e) return std::move(e).err();
            return codec::encode_state(orders::evolve(std::move(*s), *e));
          },
          {}};
}

command_request place(const command_meta& m, orders::place_order c) { return request(m, std::move(c)); }
command_request transition(const command_meta& m, orders::transition c, std::optional<std::uint64_t> v) {
  return request(m, std::move(c), v);
}
command_request change_items(const command_meta& m, orders::change_items c, std::optional<std::uint64_t> v) {
  return request(m, std::move(c), v);
}
command_request change_address(const command_meta& m, orders::change_address c, std::optional<std::uint64_t> v) {
  return request(m, std::move(c), v);
}
command_request change_delivery_date(const command_meta& m, orders::change_delivery_date c,
                                     std::optional<std::uint64_t> v) {
  return request(m, std::move(c), v);
}
command_request change_notes(const command_meta& m, orders::change_notes c, std::optional<std::uint64_t> v) {
  return request(m, std::move(c), v);
}
command_request request_return(const command_meta& m, orders::request_return c) { return request(m, std::move(c)); }
command_request approve_return(const command_meta& m, orders::approve_return c) { return request(m, std::move(c)); }
command_request decline_return(const command_meta& m, orders::decline_return c) { return request(m, std::move(c)); }
command_request receive_return(const command_meta& m, orders::receive_return c) { return request(m, std::move(c)); }
command_request issue_refund(const command_meta& m, orders::issue_refund c) { return request(m, std::move(c)); }

result<orders::order> state_of(std::string_view encoded) { return codec::decode_state(encoded); }

}  // namespace chronicle::commands::order_commands
