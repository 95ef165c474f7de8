#include "commands/customer_commands.hpp"

#include <cctype>
#include <type_traits>

#include "schemas/customer_codec.hpp"

namespace chronicle::commands::customer_commands {
namespace codec = schemas::customer_codec;

namespace {

command_request base(const command_meta& meta, std::string id) {
  return meta.request(customers::category, customers::topic, std::move(id));
}

// Decides `cmd` against the snapshot and folds the resulting events.
template <class Command>
result<decision> decide_and_fold(const stream_snapshot& snap, const Command& cmd,
                                 const customers::rules& rules, std::int64_t now) {
  auto state = codec::decode_state(snap.state);
  if (!state) return std::move(state).err();
  auto events = [&] {
    if constexpr (std::is_same_v<Command, customers::erase_customer>) return customers::decide(*state, cmd);
    else return customers::decide(*state, cmd, rules);
  }();
  if (!events) return std::move(events).err();
  decision d;
  auto s = std::move(*state);
  for (auto& e : *events) {
    s = customers::evolve(std::move(s), e, now);
    d.events.push_back(codec::encode_event(e));
  }
  d.state = codec::encode_state(s);
  return d;
}

}  // namespace

aggregate_kind kind(pii_reader& vault) {
  return {std::string(customers::category), std::string(customers::topic),
          [](std::string_view state, const event_envelope& env) -> result<std::string> {
            auto s = codec::decode_state(state);
            if (!s) return std::move(s).err();
            auto e = codec::decode_event(env);
            if (!e) return std::move(e).err();
            return codec::encode_state(customers::evolve(std::move(*s), *e, env.occurred_at));
          },
          [&vault](std::string_view tenant, std::string_view state) {
            std::vector<claim> out;
            auto c = codec::decode_state(state);
            if (!c || !c->exists || c->erased) return out;
            auto key = [&](std::string_view field, std::string_view value) {
              return std::string(tenant) + "/" + std::string(field) + "/" + vault.blind_index(tenant, field, value);
            };
            if (!c->email.empty()) {
              std::string lower = c->email;
              for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
              out.push_back({key("email", lower), "email"});
            }
            if (!c->phone.empty()) out.push_back({key("phone", c->phone), "phone"});
            return out;
          }};
}

command_request erase_customer(const command_meta& meta, customers::erase_customer cmd) {
  auto r = base(meta, cmd.id);
  r.decide = [cmd = std::move(cmd)](const stream_snapshot& snap, std::int64_t now) {
    return decide_and_fold(snap, cmd, customers::rules{}, now);
  };
  return r;
}

command_request register_customer(const command_meta& meta, customers::register_customer cmd,
                                  customers::rules rules) {
  auto r = base(meta, cmd.id);
  r.decide = [cmd = std::move(cmd), rules](const stream_snapshot& snap, std::int64_t now) {
    return decide_and_fold(snap, cmd, rules, now);
  };
  return r;
}

command_request update_customer(const command_meta& meta, customers::update_customer cmd,
                                std::optional<std::uint64_t> expected_version,
                                customers::rules rules) {
  auto r = base(meta, cmd.id);
  r.expected_version = expected_version;
  r.decide = [cmd = std::move(cmd), rules](const stream_snapshot& snap, std::int64_t now) {
    return decide_and_fold(snap, cmd, rules, now);
  };
  return r;
}

}  // namespace chronicle::commands::customer_commands
