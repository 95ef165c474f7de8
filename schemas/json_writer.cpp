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
  auto frac = us - secs * 1000000;
  std::int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
  auto sod = secs - days * 86400;
  // The civil date of a day count (days since 1970-01-01), in the
  // proleptic Gregorian calendar, by eras of 400 years. Every list row
  // renders a few timestamps, so this stays clear of gmtime and printf.
  days += 719468;
  std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  auto doe = days - era * 146097;                                      // [0, 146096]
  auto yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;   // [0, 399]
  auto doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                 // [0, 365]
  auto mp = (5 * doy + 2) / 153;                                      // [0, 11], from March
  auto day = doy - (153 * mp + 2) / 5 + 1;
  auto month = mp < 10 ? mp + 3 : mp - 9;
  auto year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  if (year < 0 || year > 9999) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%04lld-%02d-%02dT%02d:%02d:%02d.%06lldZ", static_cast<long long>(year),
                  static_cast<int>(month), static_cast<int>(day), static_cast<int>(sod / 3600),
                  static_cast<int>(sod / 60 % 60), static_cast<int>(sod % 60), static_cast<long long>(frac));
    return buf;
  }
  std::string out = "0000-00-00T00:00:00.000000Z";
  auto put = [&](std::size_t at, std::size_t width, std::int64_t v) {
    for (std::size_t i = width; i-- > 0; v /= 10) out[at + i] = static_cast<char>('0' + v % 10);
  };
  put(0, 4, year);
  put(5, 2, month);
  put(8, 2, day);
  put(11, 2, sod / 3600);
  put(14, 2, sod / 60 % 60);
  put(17, 2, sod % 60);
  put(20, 6, frac);
  return out;
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
