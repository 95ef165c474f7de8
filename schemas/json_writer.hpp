#pragma once
// A small, fast JSON writer: builds compact JSON text into a string, escaping
// strings per RFC 8259. Not thread-safe; one writer per document.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace chronicle::json {

class writer {
 public:
  writer() { out_.reserve(256); }
  writer& begin_object() { sep(); out_ += '{'; first_.push_back(true); return *this; }
  writer& end_object() { out_ += '}'; first_.pop_back(); return *this; }
  writer& begin_array() { sep(); out_ += '['; first_.push_back(true); return *this; }
  writer& end_array() { out_ += ']'; first_.pop_back(); return *this; }
  writer& key(std::string_view k) { sep(); append_string(out_, k); out_ += ':'; after_key_ = true; return *this; }
  writer& value(std::string_view s) { sep(); append_string(out_, s); return *this; }
  writer& value(const char* s) { return value(std::string_view(s)); }
  writer& value(const std::string& s) { return value(std::string_view(s)); }
  writer& value(std::int64_t v) { sep(); out_ += std::to_string(v); return *this; }
  writer& value(std::uint64_t v) { sep(); out_ += std::to_string(v); return *this; }
  writer& value(int v) { return value(static_cast<std::int64_t>(v)); }
  // The shortest text that reads back as the same double.
  writer& value(double v);
  writer& value(bool b) { sep(); out_ += b ? "true" : "false"; return *this; }
  writer& null() { sep(); out_ += "null"; return *this; }
  // Inserts already-encoded JSON.
  writer& raw(std::string_view json) { sep(); out_ += json; return *this; }
  // "key": value, or nothing when the string is empty.
  writer& field_if(std::string_view k, std::string_view v) {
    if (!v.empty()) key(k).value(v);
    return *this;
  }
  std::string take() { return std::move(out_); }
  const std::string& str() const { return out_; }

  static void append_string(std::string& out, std::string_view s);

 private:
  void sep() {
    if (after_key_) { after_key_ = false; return; }
    if (first_.empty()) return;
    if (first_.back()) first_.back() = false;
    else out_ += ',';
  }
  std::string out_;
  std::vector<bool> first_;
  bool after_key_ = false;
};

// "2026-11-22T02:56:15.123456Z"
std::string format_timestamp(std::int64_t us);
// Accepts RFC 3339 with 'Z' or an offset; nullopt-like: returns false on failure.
bool parse_timestamp(std::string_view s, std::int64_t& us);

}  // namespace chronicle::json
