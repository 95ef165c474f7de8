#pragma once
// Small encodings the read models share: a view value that carries the
// stream version next to the encoded state, and hex for key suffixes carried
// in cursors.
#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "domain/errors.hpp"
#include "domain/result.hpp"

namespace chronicle::projections {

// "<stream version>|<payload>".
inline std::string versioned(std::uint64_t version, std::string_view payload) {
  std::string out = std::to_string(version);
  out.push_back('|');
  out.append(payload);
  return out;
}

// The version and payload of a versioned() value; `what` names the view in
// the error when the value is malformed.
inline result<std::pair<std::uint64_t, std::string_view>> split_versioned(std::string_view v, std::string_view what) {
  auto bar = v.find('|');
  std::uint64_t version = 0;
  if (bar == std::string_view::npos || std::from_chars(v.data(), v.data() + bar, version).ec != std::errc{})
    return error::make(errc::internal, "corrupt_view", std::string(what) + " view entry is malformed");
  return std::pair{version, v.substr(bar + 1)};
}

inline std::string hex(std::string_view s) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(s.size() * 2);
  for (unsigned char c : s) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

// Appends the bytes `s` spells in lower-case hex to `out`; false when it is not hex.
inline bool unhex(std::string_view s, std::string& out) {
  if (s.size() % 2) return false;
  auto val = [](char c) { return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1; };
  for (std::size_t i = 0; i < s.size(); i += 2) {
    int hi = val(s[i]), lo = val(s[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return true;
}

}  // namespace chronicle::projections
