#include "commands/order_template_commands.hpp"

#include "commands/fold.hpp"
#include "schemas/order_template_codec.hpp"

namespace chronicle::commands::order_template_commands {
namespace codec = schemas::order_template_codec;
namespace ot = order_templates;

namespace {

template <class Command>
command_request request(const command_meta& meta, Command cmd, std::optional<std::uint64_t> expected) {
  auto r = meta.request(ot::category, ot::topic, cmd.id);
  r.expected_version = expected;
  r.decide = [cmd = std::move(cmd)](const stream_snapshot& snap, std::int64_t now) -> result<decision> {
    auto state = codec::decode_state(snap.state);
    if (!state) return std::move(state).err();
    auto events = ot::decide(*state, cmd);
    return fold_decision(
        std::move(*state), std::move(events),
        [now](auto s, const auto& e) { return ot::evolve(std::move(s), e, now); },
        [](const auto& e) { return codec::encode_event(e); }, [](const auto& s) { return codec::encode_state(s); });
  };
  return r;
}

}  // namespace

aggregate_kind kind() {
  return {std::string(ot::category), std::string(ot::topic),
          [](std::string_view state, const event_envelope& env) -> result<std::string> {
            auto s = codec::decode_state(state);
            if (!s) return std::move(s).err();
            auto e = codec::decode_event(env);
            if (!e) return std::move(e).err();
            return codec::encode_state(ot::evolve(std::move(*s), *e, env.occurred_at));
          },
          [](std::string_view, std::string_view) { return std::vector<claim>{}; }};
}

command_request create_template(const command_meta& meta, ot::create_template cmd) {
  return request(meta, std::move(cmd), std::nullopt);
}
command_request update_template(const command_meta& meta, ot::update_template cmd, std::optional<std::uint64_t> expected) {
  return request(meta, std::move(cmd), expected);
}
command_request delete_template(const command_meta& meta, ot::delete_template cmd, std::optional<std::uint64_t> expected) {
  return request(meta, std::move(cmd), expected);
}

}  // namespace chronicle::commands::order_template_commands
