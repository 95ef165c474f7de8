#include "domain/ids.hpp"

namespace chronicle {
namespace {
constexpr char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
}

std::string make_ulid(std::uint64_t ms, const std::array<std::uint8_t, 10>& r) {
  // 48-bit time + 80 bits of randomness = 128 bits, rendered 5 bits at a time.
  std::array<std::uint8_t, 16> b{};
  for (int i = 0; i < 6; ++i) b[i] = static_cast<std::uint8_t>(ms >> (8 * (5 - i)));
  for (int i = 0; i < 10; ++i) b[6 + i] = r[i];
  std::string out(26, '0');
  // First character carries the top 3 bits (128 = 26*5 - 2).
  unsigned __int128 v = 0;
  for (auto x : b) v = (v << 8) | x;
  for (int i = 25; i >= 0; --i) {
    out[i] = crockford[static_cast<unsigned>(v & 31)];
    v >>= 5;
  }
  return out;
}

std::string make_uuid_v7(std::uint64_t ms, const std::array<std::uint8_t, 10>& r) {
  std::array<std::uint8_t, 16> b{};
  for (int i = 0; i < 6; ++i) b[i] = static_cast<std::uint8_t>(ms >> (8 * (5 - i)));
  b[6] = static_cast<std::uint8_t>(0x70 | (r[0] & 0x0f));
  b[7] = r[1];
  b[8] = static_cast<std::uint8_t>(0x80 | (r[2] & 0x3f));
  for (int i = 9; i < 16; ++i) b[i] = r[i - 6];
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(hex[b[i] >> 4]);
    out.push_back(hex[b[i] & 15]);
  }
  return out;
}

bool is_ulid(std::string_view s) noexcept {
  if (s.size() != 26 || s[0] > '7') return false;
  for (char c : s) {
    bool ok = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z' && c != 'I' && c != 'L' &&
                                         c != 'O' && c != 'U');
    if (!ok) return false;
  }
  return true;
}

bool is_tenant_id(std::string_view s) noexcept {
  if (s.empty() || s.size() > 32) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

std::uint64_t stable_hash(std::string_view a, std::string_view b) noexcept {
  std::uint64_t h = 1469598103934665603ull;
  auto mix = [&](std::string_view s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ull;
    }
  };
  mix(a);
  h ^= 0xff;  // separator so ("ab","c") != ("a","bc")
  h *= 1099511628211ull;
  mix(b);
  return h;
}

}  // namespace chronicle
