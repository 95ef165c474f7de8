#pragma once
// Tenants, API keys and roles. A key belongs to one tenant and carries one
// role; a portal key is also bound to one customer. Pure decide/evolve, like
// every aggregate: key secrets arrive already hashed.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "domain/result.hpp"

namespace chronicle::access {

inline constexpr std::string_view topic = "tenants";
inline constexpr std::string_view tenant_category = "tenant";
inline constexpr std::string_view key_category = "apikey";

enum class role { admin, staff, analyst, auditor, portal };
std::optional<role> parse_role(std::string_view s);
std::string_view role_name(role r);

// Who is asking: resolved from the Authorization header.
struct principal {
  std::string tenant;
  std::string key_id;
  access::role role = role::staff;
  std::string customer_id;  // portal keys only
};

// ---- tenant aggregate (stream tenant-<id>-<id>) ----
// default_country: ISO 3166-1 alpha-2; national phone numbers of the
// tenant's customers are read with its calling code.
struct tenant {
  bool exists = false;
  std::string id, name;
  std::string default_country = "US";
};
struct create_tenant {
  std::string id, name;
  std::string default_country = "US";
};
struct tenant_created {
  std::string id, name;
  std::string default_country = "US";
};

// ---- API key aggregate (stream apikey-<tenant>-<key id>) ----
struct api_key {
  bool exists = false;
  bool revoked = false;
  std::string id, tenant, customer_id, secret_hash, label;
  access::role role = role::staff;
  std::int64_t created_at = 0, revoked_at = 0;
};
struct issue_api_key {
  std::string id, tenant, customer_id, secret_hash, label;
  access::role role = role::staff;
};
struct revoke_api_key {
  std::string id;
};
struct api_key_issued {
  std::string id, tenant, customer_id, secret_hash, label;
  access::role role = role::staff;
};
struct api_key_revoked {
  std::string id;
};

using event = std::variant<tenant_created, api_key_issued, api_key_revoked>;

result<std::vector<event>> decide(const tenant& state, const create_tenant& cmd);
// REQUIRES: the tenant exists (checked by the caller against the tenant stream).
result<std::vector<event>> decide(const api_key& state, const issue_api_key& cmd);
result<std::vector<event>> decide(const api_key& state, const revoke_api_key& cmd);
tenant evolve(tenant s, const tenant_created& e);
api_key evolve(api_key s, const event& e, std::int64_t occurred_at);

}  // namespace chronicle::access
