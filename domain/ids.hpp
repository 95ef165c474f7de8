#pragma once
// Identifier formats. Entities get ULIDs (26 Crockford base32 characters,
// time-ordered, so "newest first" is a key order); events get UUIDv7. Both are
// built from a timestamp and random bytes passed in, keeping the domain pure.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace chronicle {

std::string make_ulid(std::uint64_t unix_ms, const std::array<std::uint8_t, 10>& random);
std::string make_uuid_v7(std::uint64_t unix_ms, const std::array<std::uint8_t, 10>& random);
bool is_ulid(std::string_view s) noexcept;
// Tenant ids are short slugs: [a-z0-9_]{1,32}.
bool is_tenant_id(std::string_view s) noexcept;

// Stable 64-bit hash (FNV-1a): partitions and index keys must not change
// between versions or machines.
std::uint64_t stable_hash(std::string_view a, std::string_view b = {}) noexcept;

// The partition of a stream is a stable hash of (tenant, id).
inline std::uint32_t partition_of(std::string_view tenant, std::string_view id,
                                  std::uint32_t partitions) noexcept {
  return static_cast<std::uint32_t>(stable_hash(tenant, id) % partitions);
}

// "<category>-<tenant>-<id>", e.g. "customer-acme-01J...".
inline std::string stream_name(std::string_view category, std::string_view tenant,
                               std::string_view id) {
  std::string s;
  s.reserve(category.size() + tenant.size() + id.size() + 2);
  s.append(category).append(1, '-').append(tenant).append(1, '-').append(id);
  return s;
}

}  // namespace chronicle
