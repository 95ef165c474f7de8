#include "domain/contact.hpp"

#include <cctype>

namespace chronicle {

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::size_t utf8_length(std::string_view s) noexcept {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::optional<std::string> normalize_email(std::string_view raw) {
  auto s = trim(raw);
  if (s.size() < 3 || s.size() > 254) return std::nullopt;
  auto at = s.rfind('@');
  if (at == std::string_view::npos || at == 0 || at > 64 || at + 1 == s.size()) return std::nullopt;
  auto local = s.substr(0, at);
  auto domain = s.substr(at + 1);
  for (unsigned char c : local) {
    if (c <= 0x20 || c == '@' || c == '"' || c == '(' || c == ')' || c == ',' || c == ':' ||
        c == ';' || c == '<' || c == '>' || c == '[' || c == ']' || c == '\\' || c >= 0x7f)
      return std::nullopt;
  }
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos)
    return std::nullopt;
  // Domain: dot-separated labels of letters, digits and hyphens, at least two labels.
  std::string out(local);
  out.push_back('@');
  std::size_t label = 0, labels = 1;
  char prev = '.';
  for (unsigned char c : domain) {
    if (c == '.') {
      if (label == 0 || prev == '-') return std::nullopt;
      label = 0;
      ++labels;
    } else if (std::isalnum(c) || c == '-') {
      if (label == 0 && c == '-') return std::nullopt;
      if (++label > 63) return std::nullopt;
    } else {
      return std::nullopt;
    }
    prev = static_cast<char>(c);
    out.push_back(static_cast<char>(std::tolower(c)));
  }
  if (label == 0 || prev == '-' || labels < 2) return std::nullopt;
  return out;
}

std::optional<std::string> normalize_phone(std::string_view raw, std::string_view cc) {
  auto s = trim(raw);
  std::string digits;
  bool international = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    unsigned char c = s[i];
    if (std::isdigit(c)) {
      digits.push_back(static_cast<char>(c));
    } else if (c == '+' && digits.empty() && !international) {
      international = true;
    } else if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/') {
      continue;
    } else {
      return std::nullopt;
    }
  }
  if (!international && digits.rfind("00", 0) == 0) {
    digits.erase(0, 2);
    international = true;
  }
  if (!international) {
    if (!digits.empty() && digits.front() == '0') digits.erase(0, 1);
    // A national number typed with its country code ("1 415 555 0123").
    if (!(digits.size() > 10 && digits.rfind(cc, 0) == 0)) digits.insert(0, cc);
  }
  if (digits.size() < 8 || digits.size() > 15 || digits.front() == '0') return std::nullopt;
  return "+" + digits;
}

}  // namespace chronicle
