#include "commands/activity_commands.hpp"

#include "commands/fold.hpp"
#include "schemas/activity_codec.hpp"

namespace chronicle::commands::activity_commands {
namespace codec = schemas::activity_codec;

namespace {

template <class Command>
command_request request(const command_meta& meta, Command cmd) {
  auto r = meta.request(activity::category, activity::topic, cmd.customer_id);
  r.decide = [cmd = std::move(cmd)](const stream_snapshot& snap, std::int64_t now) -> result<decision> {
    auto state = codec::decode_state(snap.state);
    if (!state) return std::move(state).err();
    auto events = [&] {
      if constexpr (std::is_same_v<Command, activity::log_interaction>) return activity::decide(*state, cmd, now);
      else return activity::decide(*state, cmd);
    }();
    return fold_decision(
        std::move(*state), std::move(events),
        [](auto s, const auto& e) { return activity::evolve(std::move(s), e); },
        [](const auto& e) { return codec::encode_event(e); }, [](const auto& s) { return codec::encode_state(s); });
  };
  return r;
}

}  // namespace

aggregate_kind kind() {
  return {std::string(activity::category), std::string(activity::topic),
          [](std::string_view state, const event_envelope& env) -> result<std::string> {
            auto s = codec::decode_state(state);
            if (!s) return std::move(s).err();
            auto e = codec::decode_event(env);
            if (!e) return std::move(e).err();
            return codec::encode_state(activity::evolve(std::move(*s), *e));
          },
          {}};
}

command_request add_note(const command_meta& m, activity::add_note c) { return request(m, std::move(c)); }
command_request edit_note(const command_meta& m, activity::edit_note c) { return request(m, std::move(c)); }
command_request delete_note(const command_meta& m, activity::delete_note c) { return request(m, std::move(c)); }
command_request log_interaction(const command_meta& m, activity::log_interaction c) { return request(m, std::move(c)); }
command_request create_task(const command_meta& m, activity::create_task c) { return request(m, std::move(c)); }
command_request update_task(const command_meta& m, activity::update_task c) { return request(m, std::move(c)); }

}  // namespace chronicle::commands::activity_commands
