#pragma once
// The `access` read model: tenants and API keys, looked up on every request.
// "access/t/<tenant>" → name; "access/tc/<tenant>" → default country; "access/k/<key id>" → the key (secret hash,
// role, tenant, revoked); "access/tk/<tenant>/<key id>" lists a tenant's keys.
#include <memory>
#include <optional>
#include <vector>

#include "domain/access.hpp"
#include "projections/projection.hpp"

namespace chronicle::projections {

std::unique_ptr<projection> make_access_projection();

namespace access_queries {
result<std::optional<access::api_key>> find_key(kv_store& kv, std::string_view key_id);
result<std::vector<access::api_key>> list_keys(kv_store& kv, std::string_view tenant);
result<bool> tenant_exists(kv_store& kv, std::string_view tenant);
result<std::vector<std::string>> tenants(kv_store& kv);
// The tenant's default country (ISO alpha-2); "US" for tenants created before it existed.
result<std::string> tenant_country(kv_store& kv, std::string_view tenant);
}  // namespace access_queries

}  // namespace chronicle::projections
