#include "domain/log.hpp"

#include <charconv>

namespace chronicle {

std::string encode_token(const positions& p) {
  std::string out = "t1";
  for (auto& [tp, off] : p) {
    out += out.size() == 2 ? '.' : '~';
    out += tp.topic;
    out += '.';
    out += std::to_string(tp.partition);
    out += '.';
    out += std::to_string(off);
  }
  return out;
}

std::optional<positions> decode_token(std::string_view t) {
  if (t.size() < 3 || t.substr(0, 3) != "t1.") return std::nullopt;
  t.remove_prefix(3);
  positions out;
  while (!t.empty()) {
    auto end = t.find('~');
    auto entry = t.substr(0, end);
    if (end == t.size() - 1) return std::nullopt;  // a dangling separator
    t = end == std::string_view::npos ? std::string_view{} : t.substr(end + 1);
    auto d2 = entry.rfind('.');
    if (d2 == std::string_view::npos) return std::nullopt;
    auto d1 = entry.rfind('.', d2 - 1);
    if (d1 == std::string_view::npos || d1 == 0) return std::nullopt;
    std::string topic(entry.substr(0, d1));
    bool known = false;
    for (auto k : all_topics) known |= (k == topic);
    if (!known) return std::nullopt;
    std::uint32_t part = 0;
    std::uint64_t off = 0;
    auto ps = entry.substr(d1 + 1, d2 - d1 - 1);
    auto os = entry.substr(d2 + 1);
    auto r1 = std::from_chars(ps.data(), ps.data() + ps.size(), part);
    auto r2 = std::from_chars(os.data(), os.data() + os.size(), off);
    if (r1.ec != std::errc{} || r1.ptr != ps.data() + ps.size() || ps.empty() ||
        r2.ec != std::errc{} || r2.ptr != os.data() + os.size() || os.empty() || part > 4096)
      return std::nullopt;
    out[{std::move(topic), part}] = off;
    if (out.size() > 64) return std::nullopt;
  }
  if (out.empty()) return std::nullopt;
  return out;
}

bool reached(const positions& applied, const positions& token) noexcept {
  for (auto& [tp, off] : token) {
    auto it = applied.find(tp);
    if ((it == applied.end() ? 0 : it->second) < off) return false;
  }
  return true;
}

}  // namespace chronicle
