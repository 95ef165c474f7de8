#include "schemas/json_writer.hpp"

#include <charconv>
#include <ctime>

namespace chronicle::json {

writer& writer::value(double v) {
  sep();
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out_.append(buf, ec == std::errc{} ? end : buf);
  return *this;
}

void writer::append_string(std::string& out, std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  out += '"';
  // Copies runs of plain characters at once: most strings need no escape.
  std::size_t run = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        out += "\\u00";
        out += hex[c >> 4];
        out += hex[c & 15];
    }
  }
  out.append(s.data() + run, s.size() - run);
  out += '"';
}

std::string format_timestamp(std::int64_t us) {
  std::int64_t secs = us >= 0 ? us / 1000000 : (us - 999999) / 1000000;
  auto frac = static_cast<long>(us - secs * 1000000);
  std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
  return buf;
}

namespace {
bool num(std::string_view s, std::size_t pos, std::size_t len, int& v) {
  if (pos + len > s.size()) return false;
  auto r = std::from_chars(s.data() + pos, s.data() + pos + len, v);
  return r.ec == std::errc{} && r.ptr == s.data() + pos + len;
}
}  // namespace

bool parse_timestamp(std::string_view s, std::int64_t& us) {
  int Y, M, D, h = 0, m = 0, sec = 0;
  if (!num(s, 0, 4, Y) || s.size() < 10 || s[4] != '-' || !num(s, 5, 2, M) || s[7] != '-' ||
      !num(s, 8, 2, D))
    return false;
  std::size_t i = 10;
  long frac_us = 0;
  int offset_min = 0;
  if (i < s.size()) {
    if (s[i] != 'T' && s[i] != 't') return false;
    if (!num(s, 11, 2, h) || s.size() < 19 || s[13] != ':' || !num(s, 14, 2, m) || s[16] != ':' ||
        !num(s, 17, 2, sec))
      return false;
    i = 19;
    if (i < s.size() && s[i] == '.') {
      ++i;
      int digits = 0;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        if (digits < 6) frac_us = frac_us * 10 + (s[i] - '0');
        ++digits;
        ++i;
      }
      if (digits == 0) return false;
      for (int d = digits; d < 6; ++d) frac_us *= 10;
    }
    if (i >= s.size()) return false;
    if (s[i] == 'Z' || s[i] == 'z') {
      ++i;
    } else if (s[i] == '+' || s[i] == '-') {
      int oh, om;
      if (!num(s, i + 1, 2, oh) || s.size() < i + 6 || s[i + 3] != ':' || !num(s, i + 4, 2, om))
        return false;
      offset_min = (oh * 60 + om) * (s[i] == '-' ? -1 : 1);
      i += 6;
    } else {
      return false;
    }
    if (i != s.size()) return false;
  }
  if (M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || m > 59 || sec > 60) return false;
  std::tm tm{};
  tm.tm_year = Y - 1900;
  tm.tm_mon = M - 1;
  tm.tm_mday = D;
  tm.tm_hour = h;
  tm.tm_min = m;
  tm.tm_sec = sec;
  std::time_t t = timegm(&tm);
  us = (static_cast<std::int64_t>(t) - offset_min * 60) * 1000000 + frac_us;
  return true;
}

}  // namespace chronicle::json
