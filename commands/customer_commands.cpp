#include "commands/customer_commands.hpp"

#include <cctype>

#include "commands/fold.hpp"
#include "schemas/customer_codec.hpp"

namespace chronicle::commands::customer_commands {
namespace codec = schemas::customer_codec;

namespace {

// Decides `cmd` against the snapshot and folds the resulting events.
template <class Command>
result<decision> decide_and_fold(const stream_snapshot& snap, const Command& cmd, customers::rules rules,
                                 std::int64_t now) {
  auto state = codec::decode_state(snap.state);
  if (!state) return std::move(state).err();
  rules.today = customers::civil_date(now);
  auto events = customers::decide(*state, cmd, rules);
  return fold_decision(
      std::move(*state), std::move(events),
      [now](auto s, const auto& e) { return customers::evolve(std::move(s), e, now); },
      [](const auto& e) { return codec::encode_event(e); }, [](const auto& s) { return codec::encode_state(s); });
}

template <class Command>
command_request request(const command_meta& meta, Command cmd, std::optional<std::uint64_t> expected_version,
                        customers::rules rules) {
  auto r = meta.request(customers::category, customers::topic, cmd.id);
  r.expected_version = expected_version;
  r.decide = [cmd = std::move(cmd), rules = std::move(rules)](const stream_snapshot& snap, std::int64_t now) {
    return decide_and_fold(snap, cmd, rules, now);
  };
  return r;
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
            for (auto& e : c->emails) {
              std::string lower = e.address;
              for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
              out.push_back({key("email", lower), "email"});
            }
            for (auto& p : c->phones) out.push_back({key("phone", p.number), "phone"});
            return out;
          }};
}

command_request erase_customer(const command_meta& meta, customers::erase_customer cmd) {
  return request(meta, std::move(cmd), std::nullopt, {});
}

command_request register_customer(const command_meta& meta, customers::register_customer cmd,
                                  customers::rules rules) {
  return request(meta, std::move(cmd), std::nullopt, std::move(rules));
}

command_request update_customer(const command_meta& meta, customers::update_customer cmd,
                                std::optional<std::uint64_t> expected_version, customers::rules rules) {
  return request(meta, std::move(cmd), expected_version, std::move(rules));
}

command_request set_status(const command_meta& meta, std::string id, std::string status,
                           std::optional<std::uint64_t> expected_version) {
  customers::update_customer cmd;
  cmd.id = std::move(id);
  cmd.status = std::move(status);
  return request(meta, std::move(cmd), expected_version, {});
}

command_request add_address(const command_meta& meta, customers::add_address cmd,
                            std::optional<std::uint64_t> expected_version, customers::rules rules) {
  return request(meta, std::move(cmd), expected_version, std::move(rules));
}
command_request update_address(const command_meta& meta, customers::update_address cmd,
                               std::optional<std::uint64_t> expected_version) {
  return request(meta, std::move(cmd), expected_version, {});
}
command_request remove_address(const command_meta& meta, customers::remove_address cmd,
                               std::optional<std::uint64_t> expected_version) {
  return request(meta, std::move(cmd), expected_version, {});
}
command_request tag_customer(const command_meta& meta, customers::tag_customer cmd,
                             std::optional<std::uint64_t> expected_version) {
  return request(meta, std::move(cmd), expected_version, {});
}
command_request untag_customer(const command_meta& meta, customers::untag_customer cmd,
                               std::optional<std::uint64_t> expected_version) {
  return request(meta, std::move(cmd), expected_version, {});
}
command_request deactivate_customer(const command_meta& meta, customers::deactivate_customer cmd,
                                    std::optional<std::uint64_t> expected_version) {
  return request(meta, std::move(cmd), expected_version, {});
}
command_request reactivate_customer(const command_meta& meta, customers::reactivate_customer cmd,
                                    std::optional<std::uint64_t> expected_version) {
  return request(meta, std::move(cmd), expected_version, {});
}

}  // namespace chronicle::commands::customer_commands
