#include "commands/tag_commands.hpp"

#include "commands/fold.hpp"
#include "schemas/tag_codec.hpp"

namespace chronicle::commands::tag_commands {
namespace codec = schemas::tag_codec;

namespace {

template <class Command>
command_request request(const command_meta& meta, Command cmd, std::optional<std::uint64_t> expected) {
  auto r = meta.request(tags::category, tags::topic, cmd.id);
  r.expected_version = expected;
  r.decide = [cmd = std::move(cmd)](const stream_snapshot& snap, std::int64_t now) -> result<decision> {
    auto state = codec::decode_state(snap.state);
    if (!state) return std::move(state).err();
    auto events = tags::decide(*state, cmd);
    return fold_decision(
        std::move(*state), std::move(events),
        [now](auto s, const auto& e) { return tags::evolve(std::move(s), e, now); },
        [](const auto& e) { return codec::encode_event(e); }, [](const auto& s) { return codec::encode_state(s); });
  };
  return r;
}

}  // namespace

aggregate_kind kind() {
  return {std::string(tags::category), std::string(tags::topic),
          [](std::string_view state, const event_envelope& env) -> result<std::string> {
            auto s = codec::decode_state(state);
            if (!s) return std::move(s).err();
            auto e = codec::decode_event(env);
            if (!e) return std::move(e).err();
            return codec::encode_state(tags::evolve(std::move(*s), *e, env.occurred_at));
          },
          [](std::string_view tenant, std::string_view state) {
            std::vector<claim> out;
            auto t = codec::decode_state(state);
            if (!t || !t->exists || t->deleted) return out;
            out.push_back({std::string(tenant) + "/tag_name/" + tags::name_key(t->name), "tag_name"});
            return out;
          }};
}

command_request create_tag(const command_meta& meta, tags::create_tag cmd) {
  return request(meta, std::move(cmd), std::nullopt);
}
command_request update_tag(const command_meta& meta, tags::update_tag cmd, std::optional<std::uint64_t> expected) {
  return request(meta, std::move(cmd), expected);
}
command_request delete_tag(const command_meta& meta, tags::delete_tag cmd, std::optional<std::uint64_t> expected) {
  return request(meta, std::move(cmd), expected);
}

}  // namespace chronicle::commands::tag_commands
