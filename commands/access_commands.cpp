#include "commands/access_commands.hpp"

#include "commands/fold.hpp"
#include "domain/ids.hpp"
#include "schemas/access_codec.hpp"

namespace chronicle::commands::access_commands {
namespace codec = schemas::access_codec;

aggregate_kind tenant_kind() {
  return {std::string(access::tenant_category), std::string(access::topic),
          [](std::string_view state, const event_envelope& env) -> result<std::string> {
            auto t = codec::decode_tenant(state);
            if (!t) return std::move(t).err();
            auto e = codec::decode_event(env);
            if (!e) return std::move(e).err();
            if (auto* c = std::get_if<access::tenant_created>(&*e)) return codec::encode_tenant(access::evolve(*t, *c));
            return codec::encode_tenant(*t);
          },
          {}};
}

aggregate_kind key_kind() {
  return {std::string(access::key_category), std::string(access::topic),
          [](std::string_view state, const event_envelope& env) -> result<std::string> {
            auto k = codec::decode_key(state);
            if (!k) return std::move(k).err();
            auto e = codec::decode_event(env);
            if (!e) return std::move(e).err();
            return codec::encode_key(access::evolve(*k, *e, env.occurred_at));
          },
          {}};
}

command_request create_tenant(const command_meta& meta, access::create_tenant cmd) {
  auto m = meta;
  m.tenant = cmd.id;
  auto r = m.request(access::tenant_category, access::topic, cmd.id);
  r.decide = [cmd = std::move(cmd)](const stream_snapshot& snap, std::int64_t) -> result<decision> {
    auto t = codec::decode_tenant(snap.state);
    if (!t) return std::move(t).err();
    auto events = access::decide(*t, cmd);
    return fold_decision(
        std::move(*t), std::move(events),
        [](access::tenant s, const access::event& e) {
          return access::evolve(std::move(s), std::get<access::tenant_created>(e));
        },
        [](const access::event& e) { return codec::encode_event(e); },
        [](const access::tenant& s) { return codec::encode_tenant(s); });
  };
  return r;
}

// Issuing and revoking a key decide the same way against the key's state.
template <class Command>
command_request key_command(const command_meta& meta, Command cmd) {
  auto r = meta.request(access::key_category, access::topic, cmd.id);
  r.decide = [cmd = std::move(cmd)](const stream_snapshot& snap, std::int64_t now) -> result<decision> {
    auto k = codec::decode_key(snap.state);
    if (!k) return std::move(k).err();
    auto events = access::decide(*k, cmd);
    return fold_decision(
        std::move(*k), std::move(events),
        [now](access::api_key s, const access::event& e) { return access::evolve(std::move(s), e, now); },
        [](const access::event& e) { return codec::encode_event(e); },
        [](const access::api_key& s) { return codec::encode_key(s); });
  };
  return r;
}

command_request issue_key(const command_meta& meta, access::issue_api_key cmd) {
  return key_command(meta, std::move(cmd));
}

command_request revoke_key(const command_meta& meta, access::revoke_api_key cmd) {
  return key_command(meta, std::move(cmd));
}

new_key generate_key(executor& ex, entropy& rnd) {
  static constexpr char hex[] = "0123456789abcdef";
  new_key k;
  k.id = ex.new_id();
  while (k.secret.size() < 64) {
    for (auto b : rnd.random10()) {
      if (k.secret.size() >= 64) break;
      k.secret.push_back(hex[b >> 4]);
      k.secret.push_back(hex[b & 15]);
    }
  }
  k.full = "chr_" + k.id + "_" + k.secret;
  return k;
}

bool split_key(std::string_view full, std::string& id, std::string& secret) {
  if (full.size() != 4 + 26 + 1 + 64 || full.substr(0, 4) != "chr_" || full[30] != '_') return false;
  id.assign(full.substr(4, 26));
  secret.assign(full.substr(31));
  if (!is_ulid(id)) return false;
  for (char c : secret)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

}  // namespace chronicle::commands::access_commands
