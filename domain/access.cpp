#include "domain/access.hpp"

#include "domain/country.hpp"
#include "domain/ids.hpp"

namespace chronicle::access {

std::optional<role> parse_role(std::string_view s) {
  if (s == "admin") return role::admin;
  if (s == "staff") return role::staff;
  if (s == "analyst") return role::analyst;
  if (s == "auditor") return role::auditor;
  if (s == "portal") return role::portal;
  return std::nullopt;
}

std::string_view role_name(role r) {
  switch (r) {
    case role::admin: return "admin";
    case role::staff: return "staff";
    case role::analyst: return "analyst";
    case role::auditor: return "auditor";
    case role::portal: return "portal";
  }
  return "staff";
}

result<std::vector<event>> decide(const tenant& state, const create_tenant& cmd) {
  if (!is_tenant_id(cmd.id))
    return error::invalid("invalid_tenant_id", "a tenant id is 1 to 32 of a-z, 0-9 and _",
                          {{"id", "invalid_format", "1 to 32 of a-z, 0-9 and _"}});
  if (!is_country(cmd.default_country))
    return error::invalid("invalid_country", "the default country is not a known ISO 3166-1 alpha-2 code",
                          {{"default_country", "invalid_value", "an upper-case code such as US, GB or DE"}});
  if (state.exists) return error::make(errc::already_exists, "tenant_exists", "tenant " + cmd.id + " already exists");
  return std::vector<event>{tenant_created{cmd.id, cmd.name.empty() ? cmd.id : cmd.name, cmd.default_country}};
}

result<std::vector<event>> decide(const api_key& state, const issue_api_key& cmd) {
  if (state.exists) return error::make(errc::already_exists, "api_key_exists", "this key id is taken");
  if (cmd.role == role::portal && !is_ulid(cmd.customer_id))
    return error::invalid("validation_failed", "a portal key must be bound to a customer",
                          {{"customer_id", "required", "portal keys need the id of the customer they act for"}});
  if (cmd.role != role::portal && !cmd.customer_id.empty())
    return error::invalid("validation_failed", "only portal keys are bound to a customer",
                          {{"customer_id", "not_allowed", "only portal keys take a customer_id"}});
  if (cmd.label.size() > 200)
    return error::invalid("validation_failed", "the label is too long", {{"label", "too_long", "at most 200 bytes"}});
  return std::vector<event>{api_key_issued{cmd.id, cmd.tenant, cmd.customer_id, cmd.secret_hash, cmd.label, cmd.role}};
}

result<std::vector<event>> decide(const api_key& state, const revoke_api_key& cmd) {
  if (!state.exists) return error::make(errc::not_found, "api_key_not_found", "no API key with this id");
  if (state.revoked) return std::vector<event>{};
  return std::vector<event>{api_key_revoked{cmd.id}};
}

tenant evolve(tenant s, const tenant_created& e) {
  s.exists = true;
  s.id = e.id;
  s.name = e.name;
  s.default_country = e.default_country;
  return s;
}

api_key evolve(api_key s, const event& e, std::int64_t at) {
  if (auto* i = std::get_if<api_key_issued>(&e)) {
    s.exists = true;
    s.id = i->id;
    s.tenant = i->tenant;
    s.customer_id = i->customer_id;
    s.secret_hash = i->secret_hash;
    s.label = i->label;
    s.role = i->role;
    s.created_at = at;
  } else if (std::holds_alternative<api_key_revoked>(e)) {
    s.revoked = true;
    s.revoked_at = at;
  }
  return s;
}

}  // namespace chronicle::access
