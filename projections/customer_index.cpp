#include "projections/customer_index.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <limits>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <unordered_map>

#include "domain/contact.hpp"
#include "domain/ids.hpp"

namespace chronicle::projections {

namespace {

// ---------------------------------------------------------------- text ----

// Case folding for search and sort: ASCII lower case, Latin-1 letters to their
// base letters ("É" → "e", "ß" → "ss"), apostrophes dropped so "O'Brien" is
// one word. Other bytes pass unchanged (and count as word characters).
constexpr const char* latin1_fold[64] = {
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    "d", "n", "o", "o", "o", "o", "o", nullptr, "o", "u", "u", "u", "u", "y", "th", "ss",
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    "d", "n", "o", "o", "o", "o", "o", nullptr, "o", "u", "u", "u", "u", "y", "th", "y"};

void fold_into(std::string_view s, std::string& out) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c == '\'') continue;
      out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : static_cast<char>(c));
    } else if (c == 0xC3 && i + 1 < s.size() && (static_cast<unsigned char>(s[i + 1]) & 0xC0) == 0x80) {
      const char* f = latin1_fold[static_cast<unsigned char>(s[i + 1]) - 0x80];
      if (f) {
        out.append(f);
      } else {
        out.append(s.substr(i, 2));
      }
      ++i;
    } else if (c == 0xE2 && s.substr(i, 3) == "\xE2\x80\x99") {  // ’
      i += 2;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
}

std::string fold(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  fold_into(s, out);
  return out;
}

bool word_byte(char ch) {
  auto c = static_cast<unsigned char>(ch);
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80;
}

// Calls f(word) for each maximal run of word bytes of folded text.
template <class F>
bool for_each_word(std::string_view s, F&& f) {
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && !word_byte(s[i])) ++i;
    std::size_t j = i;
    while (j < s.size() && word_byte(s[j])) ++j;
    if (j > i && f(s.substr(i, j - i))) return true;
    i = j;
  }
  return false;
}

std::vector<std::string> words_of(std::string_view folded) {
  std::vector<std::string> w;
  for_each_word(folded, [&](std::string_view x) {
    w.emplace_back(x);
    return false;
  });
  return w;
}

bool phone_char(char c) {
  return (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '(' || c == ')' || c == '.';
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  return out;
}

// ---------------------------------------------------------------- ids -----

constexpr std::string_view crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

struct id128 {
  std::uint64_t hi = 0, lo = 0;
  friend bool operator==(const id128&, const id128&) = default;
  friend auto operator<=>(const id128&, const id128&) = default;
};
struct id128_hash {
  std::size_t operator()(const id128& x) const noexcept {
    return static_cast<std::size_t>(x.lo * 0x9E3779B97F4A7C15ull ^ x.hi);
  }
};

std::optional<id128> decode_ulid(std::string_view s) {
  if (!is_ulid(s)) return std::nullopt;
  id128 v;
  for (char c : s) {
    auto d = static_cast<std::uint64_t>(crockford.find(c));
    v.hi = (v.hi << 5) | (v.lo >> 59);
    v.lo = (v.lo << 5) | d;
  }
  return v;
}

std::string encode_ulid(id128 v) {
  std::string s(26, '0');
  for (int i = 25; i >= 0; --i) {
    s[static_cast<std::size_t>(i)] = crockford[v.lo & 31];
    v.lo = (v.lo >> 5) | (v.hi << 59);
    v.hi >>= 5;
  }
  return s;
}

std::uint64_t flip(std::int64_t v) { return static_cast<std::uint64_t>(v) ^ (1ull << 63); }

// ------------------------------------------------------- sorted chunks ----

// A sorted sequence stored as a vector of small sorted vectors: inserting or
// erasing moves at most one chunk, walking is sequential, and memory is close
// to the elements' own size (appends in order fill chunks completely).
template <class T>
class chunked {
 public:
  static constexpr std::size_t max_chunk = 256;
  struct pos {
    std::size_t c = 0, i = 0;
    friend auto operator<=>(const pos&, const pos&) = default;
  };

  // First position whose element is not `before` the probe: `before(elem)` is
  // true for a prefix of the sequence.
  template <class Before>
  pos partition_point(Before&& before) const {
    std::size_t lo = 0, hi = chunks_.size();
    while (lo < hi) {
      auto mid = (lo + hi) / 2;
      if (before(chunks_[mid].back())) lo = mid + 1;
      else hi = mid;
    }
    if (lo == chunks_.size()) return end();
    auto& ch = chunks_[lo];
    auto it = std::partition_point(ch.begin(), ch.end(), before);
    return {lo, static_cast<std::size_t>(it - ch.begin())};
  }

  pos begin() const { return {0, 0}; }
  pos end() const { return {chunks_.size(), 0}; }
  bool at_end(const pos& p) const { return p.c >= chunks_.size(); }
  const T& at(const pos& p) const { return chunks_[p.c][p.i]; }
  T& at(const pos& p) { return chunks_[p.c][p.i]; }
  void next(pos& p) const {
    if (++p.i >= chunks_[p.c].size()) {
      ++p.c;
      p.i = 0;
    }
  }
  // Steps back; false when p was the first position.
  bool prev(pos& p) const {
    if (p.i > 0 && p.c < chunks_.size()) {
      --p.i;
      return true;
    }
    if (p.c == 0) return false;
    --p.c;
    p.i = chunks_[p.c].size() - 1;
    return true;
  }
  std::size_t rank(const pos& p) const {
    std::size_t r = 0;
    for (std::size_t c = 0; c < p.c && c < chunks_.size(); ++c) r += chunks_[c].size();
    return r + (p.c < chunks_.size() ? p.i : 0);
  }
  std::size_t size() const { return size_; }

  template <class Before>
  void insert(T v, Before&& before) {
    ++size_;
    if (chunks_.empty()) {
      chunks_.emplace_back().push_back(std::move(v));
      return;
    }
    auto p = partition_point(before);
    if (at_end(p)) p = {chunks_.size() - 1, chunks_.back().size()};
    auto& ch = chunks_[p.c];
    if (p.c + 1 == chunks_.size() && p.i == ch.size() && ch.size() >= max_chunk) {
      chunks_.emplace_back().push_back(std::move(v));  // appending in order: keep chunks full
      return;
    }
    ch.insert(ch.begin() + static_cast<std::ptrdiff_t>(p.i), std::move(v));
    if (ch.size() > max_chunk) {
      std::vector<T> half(std::make_move_iterator(ch.begin() + max_chunk / 2),
                          std::make_move_iterator(ch.end()));
      ch.resize(max_chunk / 2);
      chunks_.insert(chunks_.begin() + static_cast<std::ptrdiff_t>(p.c) + 1, std::move(half));
    }
  }

  // REQUIRES: v is not before the last element.
  void push_back(T v) {
    ++size_;
    if (chunks_.empty() || chunks_.back().size() >= max_chunk) chunks_.emplace_back().reserve(max_chunk);
    chunks_.back().push_back(std::move(v));
  }

  void erase(const pos& p) {
    --size_;
    auto& ch = chunks_[p.c];
    ch.erase(ch.begin() + static_cast<std::ptrdiff_t>(p.i));
    if (ch.empty()) chunks_.erase(chunks_.begin() + static_cast<std::ptrdiff_t>(p.c));
  }

 private:
  std::vector<std::vector<T>> chunks_;
  std::size_t size_ = 0;
};

// ------------------------------------------------------------ postings ----

using posting = std::vector<std::uint32_t>;  // sorted slot numbers

void posting_add(posting& p, std::uint32_t slot) {
  if (p.empty() || p.back() < slot) {
    p.push_back(slot);
    return;
  }
  auto it = std::lower_bound(p.begin(), p.end(), slot);
  if (it == p.end() || *it != slot) p.insert(it, slot);
}

void posting_del(posting& p, std::uint32_t slot) {
  auto it = std::lower_bound(p.begin(), p.end(), slot);
  if (it != p.end() && *it == slot) p.erase(it);
}

// Distinct values of one categorical field and the customers holding each.
struct field_dict {
  std::unordered_map<std::string, std::uint32_t> codes;
  std::vector<posting> postings;

  std::vector<std::size_t> counts_;  // load() only: holders per value, before filling

  std::uint32_t intern(const std::string& v) {
    auto [it, inserted] = codes.try_emplace(v, static_cast<std::uint32_t>(postings.size()));
    if (inserted) {
      postings.emplace_back();
      counts_.resize(postings.size());
    }
    return it->second;
  }
  std::optional<std::uint32_t> find(const std::string& v) const {
    auto it = codes.find(v);
    if (it == codes.end()) return std::nullopt;
    return it->second;
  }
};

// Keys of a token dictionary. Text tokens (name words, email addresses and
// domains) are strings and a prefix is a string. Phone tokens are numbers: the
// digits right-padded to 16 places, then their count (5 bits), with the top
// bit set for a whole international number. Numeric order is then the digit
// strings' order, and "starts with these digits" is a range of numbers.
struct text_keys {
  using key = std::string;
  using view = std::string_view;
  using range = std::string_view;
  static view as_view(const key& k) { return k; }
  static key own(view v) { return std::string(v); }
  static bool before(view k, range r) { return k < r; }
  static bool within(view k, range r) { return k.starts_with(r); }  // still inside the range
  static bool matches(view k, range r) { return k.starts_with(r); }
};

struct phone_keys {
  using key = std::uint64_t;
  using view = std::uint64_t;
  struct range {
    std::uint64_t lo = 0, hi = 0;
    std::uint64_t digits = 0;
  };
  static view as_view(key k) { return k; }
  static key own(view v) { return v; }
  static bool before(view k, range r) { return k < r.lo; }
  static bool within(view k, range r) { return k < r.hi; }
  // A shorter token whose digits are the range's followed by zeros sorts
  // inside the range without starting with its digits.
  static bool matches(view k, range r) { return k >= r.lo && k < r.hi && (k & 31) >= r.digits; }
};

constexpr std::uint64_t intl_mark = 1ull << 63;

std::uint64_t pow10(std::size_t n) {
  std::uint64_t v = 1;
  while (n--) v *= 10;
  return v;
}

// REQUIRES: digits holds 1..16 ASCII digits.
std::uint64_t padded(std::string_view digits) {
  std::uint64_t v = 0;
  for (char c : digits) v = v * 10 + static_cast<std::uint64_t>(c - '0');
  return v * pow10(16 - digits.size());
}

std::uint64_t phone_key(std::string_view digits, bool intl) {
  if (digits.empty() || digits.size() > 16) return 0;
  return (intl ? intl_mark : 0) | padded(digits) << 5 | digits.size();
}

phone_keys::range phone_range(std::string_view digits, bool intl) {
  if (digits.empty() || digits.size() > 16) return {};
  auto base = padded(digits);
  auto mark = intl ? intl_mark : 0;
  return {mark | base << 5, mark | (base + pow10(16 - digits.size())) << 5, digits.size()};
}

// A sorted dictionary of tokens, each with the customers holding it. Most
// email and phone tokens belong to one customer, whose slot is kept inline
// instead of in a vector.
template <class Keys>
struct token_entry {
  typename Keys::key text;
  std::uint32_t count = 0;  // customers holding the token
  std::uint32_t ref = 0;    // count == 1: the slot; otherwise an index into pool
};

template <class Keys>
class token_dict {
 public:
  using entry = token_entry<Keys>;
  using view = typename Keys::view;
  using range = typename Keys::range;

  void add(view t, std::uint32_t slot) {
    auto before = [&](const entry& e) { return Keys::as_view(e.text) < t; };
    auto p = d_.partition_point(before);
    if (!d_.at_end(p) && Keys::as_view(d_.at(p).text) == t) {
      auto& e = d_.at(p);
      if (e.count == 1) {
        if (e.ref == slot) return;
        std::uint32_t idx;
        if (!free_.empty()) {
          idx = free_.back();
          free_.pop_back();
        } else {
          idx = static_cast<std::uint32_t>(pool_.size());
          pool_.emplace_back();
        }
        pool_[idx] = {std::min(e.ref, slot), std::max(e.ref, slot)};
        e.ref = idx;
        e.count = 2;
      } else {
        auto& v = pool_[e.ref];
        posting_add(v, slot);
        e.count = static_cast<std::uint32_t>(v.size());
      }
      return;
    }
    d_.insert(entry{Keys::own(t), 1, slot}, before);
  }

  void del(view t, std::uint32_t slot) {
    auto p = d_.partition_point([&](const entry& e) { return Keys::as_view(e.text) < t; });
    if (d_.at_end(p) || Keys::as_view(d_.at(p).text) != t) return;
    auto& e = d_.at(p);
    if (e.count == 1) {
      if (e.ref == slot) d_.erase(p);
      return;
    }
    auto& v = pool_[e.ref];
    posting_del(v, slot);
    if (v.size() == 1) {
      auto last = v.front();
      posting{}.swap(v);
      free_.push_back(e.ref);
      e.ref = last;
      e.count = 1;
    } else {
      e.count = static_cast<std::uint32_t>(v.size());
    }
  }

  template <class F>
  void for_slots(const entry& e, F&& f) const {
    if (e.count == 1) {
      f(e.ref);
      return;
    }
    for (auto s : pool_[e.ref]) f(s);
  }

  // f(entry) for every token in the range (starting with a prefix); stops
  // when f returns true.
  template <class F>
  void for_prefix(range r, F&& f) const {
    auto p = d_.partition_point([&](const entry& e) { return Keys::before(Keys::as_view(e.text), r); });
    for (; !d_.at_end(p); d_.next(p)) {
      auto& e = d_.at(p);
      if (!Keys::within(Keys::as_view(e.text), r)) return;
      if (Keys::matches(Keys::as_view(e.text), r) && f(e)) return;
    }
  }

  // The number of customers holding a token in the range: exact for up to 64
  // tokens, else extrapolated from the first 64 and the number of tokens.
  std::size_t estimate(range r) const {
    auto lo = d_.partition_point([&](const entry& e) { return Keys::before(Keys::as_view(e.text), r); });
    std::size_t sum = 0, k = 0;
    for (auto p = lo; !d_.at_end(p) && Keys::within(Keys::as_view(d_.at(p).text), r); d_.next(p)) {
      sum += d_.at(p).count;
      if (++k == 64) {
        auto hi = d_.partition_point([&](const entry& e) {
          auto x = Keys::as_view(e.text);
          return Keys::before(x, r) || Keys::within(x, r);
        });
        return sum * (d_.rank(hi) - d_.rank(lo)) / 64;
      }
    }
    return sum;
  }

  // REQUIRES: the dictionary is empty; `tokens` sorted.
  void build(const std::vector<std::pair<view, std::uint32_t>>& tokens) {
    for (std::size_t i = 0; i < tokens.size();) {
      std::size_t j = i + 1;
      while (j < tokens.size() && tokens[j].first == tokens[i].first) ++j;
      entry e{Keys::own(tokens[i].first), static_cast<std::uint32_t>(j - i), tokens[i].second};
      if (j - i > 1) {
        posting p;
        p.reserve(j - i);
        for (auto k = i; k < j; ++k) p.push_back(tokens[k].second);
        p.erase(std::unique(p.begin(), p.end()), p.end());
        e.count = static_cast<std::uint32_t>(p.size());
        if (p.size() > 1) {
          e.ref = static_cast<std::uint32_t>(pool_.size());
          pool_.push_back(std::move(p));
        }
      }
      d_.push_back(std::move(e));
      i = j;
    }
  }

  // REQUIRES: the dictionary is empty; `groups` sorted by text, each posting
  // sorted and without repeats.
  void build(std::vector<std::pair<view, posting>>&& groups) {
    for (auto& [text, p] : groups) {
      entry e{Keys::own(text), static_cast<std::uint32_t>(p.size()), p.front()};
      if (p.size() > 1) {
        e.ref = static_cast<std::uint32_t>(pool_.size());
        pool_.push_back(std::move(p));
      }
      d_.push_back(std::move(e));
    }
  }

  const entry* exact(view t) const {
    auto p = d_.partition_point([&](const entry& e) { return Keys::as_view(e.text) < t; });
    if (d_.at_end(p) || Keys::as_view(d_.at(p).text) != t) return nullptr;
    return &d_.at(p);
  }

 private:
  chunked<entry> d_;
  std::vector<posting> pool_;
  std::vector<std::uint32_t> free_;
};

using text_dict = token_dict<text_keys>;
using phone_dict = token_dict<phone_keys>;

// ---------------------------------------------------------- the tenant ----

enum field_id : int { f_type, f_status, f_stage, f_source, f_opt_in, f_active, f_city, f_tag, field_count };
constexpr int single_fields = 6;
enum order_id : int { o_name, o_created, o_last_order, o_ltv, o_orders, order_count };

struct record {
  id128 id;
  std::int64_t created_at = 0, last_order_at = 0, lifetime_value = 0, total_orders = 0;
  std::string name_key;  // fold(last) \x1f fold(first) \x1f fold(company)
  std::vector<std::string> emails;  // folded
  std::vector<std::string> phones;  // E.164
  std::array<std::uint32_t, single_fields> single{};
  std::vector<std::uint32_t> cities, tags;  // sorted codes
};

struct sort_entry {
  std::uint64_t key = 0;  // sign-flipped value, or name_sort_key of the name key
  id128 id;
  std::uint32_t slot = 0;
};

std::uint64_t name_prefix(std::string_view k) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8; ++i)
    v = (v << 8) | (i < k.size() ? static_cast<unsigned char>(k[i]) : 0u);
  return v;
}

// The sort key of a name key: its first 12 bytes, 5 bits each, in a code
// that keeps their order: 0 the end, 1 a byte below the field separator, 2
// the separator (\x1f), 3 a byte between it and 'a', 4..29 'a'..'z', 30 a
// byte above 'z'. Codes 1, 3 and 30 stand for many bytes, so the key stops
// after one (keys that tie are ordered by the whole name key). Twelve letters
// reach past most last names into the first name, where 8 raw bytes did not.
std::uint64_t name_sort_key(std::string_view k) {
  std::uint64_t v = 0;
  std::size_t i = 0;
  bool stop = false;
  for (; i < 12 && i < k.size() && !stop; ++i) {
    auto c = static_cast<unsigned char>(k[i]);
    std::uint64_t code;
    if (c >= 'a' && c <= 'z') code = 4u + (c - 'a');
    else if (c == 0x1f) code = 2;
    else if (c < 0x1f) code = 1, stop = true;
    else if (c < 'a') code = 3, stop = true;
    else code = 30, stop = true;
    v = (v << 5) | code;
  }
  return v << (5 * (12 - i));
}

std::uint64_t sort_key(int order, const record& r) {
  switch (order) {
    case o_name: return name_sort_key(r.name_key);
    case o_created: return flip(r.created_at);
    case o_last_order: return flip(r.last_order_at);
    case o_ltv: return flip(r.lifetime_value);
    default: return flip(r.total_orders);
  }
}

// Where a page starts: the sort key and id of the last row of the previous one.
struct sort_probe {
  std::uint64_t key = 0;
  std::string name;  // o_name only
  id128 id;
};

// The tokens of a record, as views into it (valid while the record is).
using token_views = std::vector<std::string_view>;

void sort_unique(token_views& t) {
  std::sort(t.begin(), t.end());
  t.erase(std::unique(t.begin(), t.end()), t.end());
}

token_views name_tokens(const record& r) {
  token_views w;
  for_each_word(r.name_key, [&](std::string_view x) {
    w.push_back(x);
    return false;
  });
  sort_unique(w);
  return w;
}

token_views email_tokens(const record& r) {
  token_views t;
  for (auto& e : r.emails) {
    t.emplace_back(e);
    auto at = e.rfind('@');
    if (at != std::string::npos) t.push_back(std::string_view(e).substr(at + 1));
  }
  sort_unique(t);
  return t;
}

// "+15551234567" is kept whole (marked as international), and without its
// first 1, 2 and 3 digits so that a national number typed without the country
// code finds it whatever the country code's length.
std::vector<std::uint64_t> phone_tokens(const record& r) {
  std::vector<std::uint64_t> t;
  for (auto& p : r.phones) {
    std::string_view d(p);
    if (d.starts_with('+')) d.remove_prefix(1);
    if (d.empty() || d.size() > 16 ||
        !std::all_of(d.begin(), d.end(), [](char c) { return c >= '0' && c <= '9'; }))
      continue;  // not E.164: found by nothing
    t.push_back(phone_key(d, true));
    for (std::size_t k = 1; k <= 3 && k < d.size(); ++k) t.push_back(phone_key(d.substr(k), false));
  }
  std::sort(t.begin(), t.end());
  t.erase(std::unique(t.begin(), t.end()), t.end());
  return t;
}

template <class V, class Del, class Add>
void apply_diff(const V& old_sorted, const V& new_sorted, Del&& del, Add&& add) {
  auto a = old_sorted.begin(), b = new_sorted.begin();
  while (a != old_sorted.end() || b != new_sorted.end()) {
    if (b == new_sorted.end() || (a != old_sorted.end() && *a < *b)) del(*a++);
    else if (a == old_sorted.end() || *b < *a) add(*b++);
    else ++a, ++b;
  }
}

// One search term of q. A term matches a customer when its folded text is a
// prefix of an email address or domain, or each of its words is a prefix of a
// word of the names, or (phone-like terms) its digits are a prefix of a phone.
struct q_term {
  std::string email;               // lower-cased as typed; empty for a phone number typed in parts
  std::string text;                // folded; empty for a phone number typed in parts
  std::vector<std::string> words;  // words of text
  std::string digits;              // phone-like terms only
};

using bitset = std::vector<std::uint64_t>;

}  // namespace

struct customer_index::tenant_index {
  mutable std::shared_mutex mu;
  std::vector<record> recs;
  std::vector<std::uint32_t> free_slots;
  bitset alive;
  std::size_t live = 0;
  std::unordered_map<id128, std::uint32_t, id128_hash> by_id;
  std::array<field_dict, field_count> fields;
  std::array<chunked<sort_entry>, order_count> orders;
  // Each slot's sort keys, densely: sorting a few thousand matches reads
  // these (8 bytes each) instead of their records.
  std::array<std::vector<std::uint64_t>, order_count> keys;
  text_dict names, emails;
  phone_dict phones;

  void set_keys(std::uint32_t slot, const record& r) {
    for (int k = 0; k < order_count; ++k) {
      auto& v = keys[static_cast<std::size_t>(k)];
      if (v.size() <= slot) v.resize(slot + 1);
      v[slot] = sort_key(k, r);
    }
  }

  // Three-way comparison of an order's entry with a probe.
  int cmp(int order, const sort_entry& e, const sort_probe& p) const {
    if (e.key != p.key) return e.key < p.key ? -1 : 1;
    if (order == o_name) {
      int c = recs[e.slot].name_key.compare(p.name);
      if (c != 0) return c < 0 ? -1 : 1;
    }
    return e.id < p.id ? -1 : (e.id == p.id ? 0 : 1);
  }
  sort_probe probe_of(int order, const record& r) const {
    sort_probe p{sort_key(order, r), {}, r.id};
    if (order == o_name) p.name = r.name_key;
    return p;
  }

  void order_insert(int order, const record& r, std::uint32_t slot) {
    auto p = probe_of(order, r);
    orders[order].insert(sort_entry{p.key, r.id, slot},
                         [&](const sort_entry& e) { return cmp(order, e, p) < 0; });
  }
  void order_erase(int order, const record& r) {
    auto p = probe_of(order, r);
    auto& o = orders[order];
    auto pos = o.partition_point([&](const sort_entry& e) { return cmp(order, e, p) < 0; });
    if (!o.at_end(pos) && o.at(pos).id == r.id) o.erase(pos);
  }

  std::vector<std::uint32_t> codes_of(const record& r, int f) const {
    if (f == f_city) return r.cities;
    if (f == f_tag) return r.tags;
    return {r.single[static_cast<std::size_t>(f)]};
  }

  // Moves slot's index entries from `old` (when had_old) to `nw` (when has_new).
  // REQUIRES: recs[slot] is still `old` while this runs (the name order reads it).
  void reindex(std::uint32_t slot, const record* old, const record* nw) {
    static const record none;
    const record& o = old ? *old : none;
    const record& n = nw ? *nw : none;
    for (int f = 0; f < field_count; ++f) {
      auto& fd = fields[static_cast<std::size_t>(f)];
      std::vector<std::uint32_t> oc = old ? codes_of(o, f) : std::vector<std::uint32_t>{};
      std::vector<std::uint32_t> nc = nw ? codes_of(n, f) : std::vector<std::uint32_t>{};
      apply_diff(oc, nc, [&](std::uint32_t c) { posting_del(fd.postings[c], slot); },
                 [&](std::uint32_t c) { posting_add(fd.postings[c], slot); });
    }
    for (int k = 0; k < order_count; ++k) {
      bool same = old && nw && sort_key(k, o) == sort_key(k, n) &&
                  (k != o_name || o.name_key == n.name_key);
      if (same) continue;
      if (old) order_erase(k, o);
      if (nw) order_insert(k, n, slot);
    }
    auto diff_tokens = [&](auto& d, auto tokens) {
      decltype(tokens(o)) ot, nt;
      if (old) ot = tokens(o);
      if (nw) nt = tokens(n);
      apply_diff(ot, nt, [&](auto t) { d.del(t, slot); }, [&](auto t) { d.add(t, slot); });
    };
    diff_tokens(names, name_tokens);
    diff_tokens(emails, email_tokens);
    diff_tokens(phones, phone_tokens);
  }

  bool is_alive(std::uint32_t s) const { return (alive[s / 64] >> (s % 64)) & 1; }
};

struct customer_index::tenants {
  mutable std::shared_mutex mu;
  std::map<std::string, std::unique_ptr<tenant_index>, std::less<>> by_name;
};

customer_index::customer_index(customer_plan plan) : tenants_(std::make_unique<tenants>()), plan_(plan) {}
customer_index::~customer_index() = default;

const customer_index::tenant_index* customer_index::find(std::string_view tenant) const {
  std::shared_lock lock(tenants_->mu);
  auto it = tenants_->by_name.find(tenant);
  return it == tenants_->by_name.end() ? nullptr : it->second.get();
}

customer_index::tenant_index& customer_index::get_or_create(std::string_view tenant) {
  if (auto* t = find(tenant)) return const_cast<tenant_index&>(*t);
  std::unique_lock lock(tenants_->mu);
  auto& slot = tenants_->by_name[std::string(tenant)];
  if (!slot) slot = std::make_unique<tenant_index>();
  return *slot;
}

namespace {

error invalid_id() {
  return error::invalid("invalid_id", "a customer id is a ULID",
                        {{"id", "invalid_format", "expected 26 Crockford base32 characters"}});
}

// REQUIRES: the tenant's lock is held exclusively (values are interned).
record make_record(customer_index::tenant_index& t, id128 id, indexed_customer&& c) {
  record r;
  r.id = id;
  r.created_at = c.created_at;
  r.last_order_at = c.last_order_at;
  r.lifetime_value = c.lifetime_value;
  r.total_orders = c.total_orders;
  r.name_key.reserve(c.last_name.size() + c.first_name.size() + c.company.size() + 2);
  fold_into(c.last_name, r.name_key);
  r.name_key.push_back('\x1f');
  fold_into(c.first_name, r.name_key);
  r.name_key.push_back('\x1f');
  fold_into(c.company, r.name_key);
  for (auto& e : c.emails) r.emails.push_back(ascii_lower(trim(e)));
  std::sort(r.emails.begin(), r.emails.end());
  r.emails.erase(std::unique(r.emails.begin(), r.emails.end()), r.emails.end());
  r.phones = std::move(c.phones);
  std::sort(r.phones.begin(), r.phones.end());
  r.phones.erase(std::unique(r.phones.begin(), r.phones.end()), r.phones.end());
  r.single[f_type] = t.fields[f_type].intern(c.type);
  r.single[f_status] = t.fields[f_status].intern(c.status);
  r.single[f_stage] = t.fields[f_stage].intern(c.lifecycle_stage);
  r.single[f_source] = t.fields[f_source].intern(c.acquisition_source);
  r.single[f_opt_in] = t.fields[f_opt_in].intern(c.marketing_opt_in ? "true" : "false");
  r.single[f_active] = t.fields[f_active].intern(c.active ? "true" : "false");
  for (auto& city : c.cities) r.cities.push_back(t.fields[f_city].intern(fold(trim(city))));
  for (auto& tag : c.tags) r.tags.push_back(t.fields[f_tag].intern(tag));
  for (auto* v : {&r.cities, &r.tags}) {
    std::sort(v->begin(), v->end());
    v->erase(std::unique(v->begin(), v->end()), v->end());
  }
  return r;
}

// REQUIRES: the tenant's lock is held exclusively.
void upsert_locked(customer_index::tenant_index& t, record r) {
  if (auto it = t.by_id.find(r.id); it != t.by_id.end()) {
    t.reindex(it->second, &t.recs[it->second], &r);
    t.set_keys(it->second, r);
    t.recs[it->second] = std::move(r);
    return;
  }
  std::uint32_t slot;
  if (!t.free_slots.empty()) {
    slot = t.free_slots.back();
    t.free_slots.pop_back();
  } else {
    slot = static_cast<std::uint32_t>(t.recs.size());
    t.recs.emplace_back();
    if (t.alive.size() * 64 < t.recs.size()) t.alive.push_back(0);
  }
  t.reindex(slot, nullptr, &r);
  t.set_keys(slot, r);
  t.by_id.emplace(r.id, slot);
  t.recs[slot] = std::move(r);
  t.alive[slot / 64] |= 1ull << (slot % 64);
  ++t.live;
}

}  // namespace

status customer_index::upsert(std::string_view tenant, indexed_customer c) {
  auto id = decode_ulid(c.id);
  if (!id) return invalid_id();
  auto& t = get_or_create(tenant);
  std::unique_lock lock(t.mu);
  upsert_locked(t, make_record(t, *id, std::move(c)));
  return {};
}

void customer_index::set_orders(std::string_view tenant, std::string_view id, std::int64_t total_orders,
                                std::int64_t last_order_at, std::int64_t lifetime_value) {
  auto key = decode_ulid(id);
  auto* found = find(tenant);
  if (!key || !found) return;
  auto& t = const_cast<tenant_index&>(*found);
  std::unique_lock lock(t.mu);
  auto it = t.by_id.find(*key);
  if (it == t.by_id.end()) return;
  auto& cur = t.recs[it->second];
  if (cur.total_orders == total_orders && cur.last_order_at == last_order_at && cur.lifetime_value == lifetime_value)
    return;
  record r = cur;
  r.total_orders = total_orders;
  r.last_order_at = last_order_at;
  r.lifetime_value = lifetime_value;
  upsert_locked(t, std::move(r));
}

status customer_index::load(std::string_view tenant, std::vector<indexed_customer> customers) {
  std::vector<std::pair<id128, std::size_t>> ids;
  ids.reserve(customers.size());
  for (std::size_t i = 0; i < customers.size(); ++i) {
    auto id = decode_ulid(customers[i].id);
    if (!id) return invalid_id();
    ids.emplace_back(*id, i);
  }
  auto& t = get_or_create(tenant);
  std::unique_lock lock(t.mu);
  if (!t.recs.empty()) {
    for (std::size_t i = 0; i < customers.size(); ++i)
      upsert_locked(t, make_record(t, ids[i].first, std::move(customers[i])));
    return {};
  }
  // The last of several entries with one id wins, as with upserts in order.
  std::stable_sort(ids.begin(), ids.end(), [](auto& a, auto& b) { return a.first < b.first; });
  std::vector<std::size_t> keep;
  for (std::size_t i = 0; i < ids.size(); ++i)
    if (i + 1 == ids.size() || ids[i + 1].first != ids[i].first) keep.push_back(ids[i].second);
  std::sort(keep.begin(), keep.end());

  auto n = keep.size();
  t.recs.reserve(n);
  t.by_id.reserve(n);
  for (auto i : keep) {
    auto slot = static_cast<std::uint32_t>(t.recs.size());
    t.recs.push_back(make_record(t, *decode_ulid(customers[i].id), std::move(customers[i])));
    t.by_id.emplace(t.recs.back().id, slot);
  }
  customers = {};
  t.live = n;
  for (std::uint32_t s = 0; s < n; ++s) t.set_keys(s, t.recs[s]);
  t.alive.assign((n + 63) / 64, 0);
  for (std::size_t s = 0; s < n; ++s) t.alive[s / 64] |= 1ull << (s % 64);

  for (std::uint32_t s = 0; s < n; ++s) {  // sized first: no posting grows by copying
    auto& r = t.recs[s];
    for (int f = 0; f < single_fields; ++f)
      t.fields[static_cast<std::size_t>(f)].counts_[r.single[static_cast<std::size_t>(f)]]++;
    for (auto c : r.cities) t.fields[f_city].counts_[c]++;
    for (auto c : r.tags) t.fields[f_tag].counts_[c]++;
  }
  for (auto& fd : t.fields) {
    for (std::size_t c = 0; c < fd.postings.size(); ++c) fd.postings[c].reserve(fd.counts_[c]);
    fd.counts_.clear();
  }
  for (std::uint32_t s = 0; s < n; ++s) {  // slots ascending: postings append
    auto& r = t.recs[s];
    for (int f = 0; f < single_fields; ++f)
      t.fields[static_cast<std::size_t>(f)].postings[r.single[static_cast<std::size_t>(f)]].push_back(s);
    for (auto c : r.cities) t.fields[f_city].postings[c].push_back(s);
    for (auto c : r.tags) t.fields[f_tag].postings[c].push_back(s);
  }
  // The orders and dictionaries are independent: two threads share them.
  auto build_order = [&](int k) {
    std::vector<sort_entry> v;
    v.reserve(n);
    for (std::uint32_t s = 0; s < n; ++s) v.push_back({sort_key(k, t.recs[s]), t.recs[s].id, s});
    std::sort(v.begin(), v.end(), [&](const sort_entry& a, const sort_entry& b) {
      if (a.key != b.key) return a.key < b.key;
      if (k == o_name) {
        int c = t.recs[a.slot].name_key.compare(t.recs[b.slot].name_key);
        if (c != 0) return c < 0;
      }
      return a.id < b.id;
    });
    for (auto& e : v) t.orders[k].push_back(e);
  };
  auto build = [&](text_dict& d, auto tokens) {
    // Sorting by the first 8 bytes as an integer first spares most string
    // comparisons.
    struct tok {
      std::uint64_t prefix;
      std::string_view text;
      std::uint32_t slot;
    };
    std::vector<tok> all;
    all.reserve(n * 2);
    for (std::uint32_t s = 0; s < n; ++s)
      for (auto x : tokens(t.recs[s])) all.push_back({name_prefix(x), x, s});
    std::sort(all.begin(), all.end(), [](const tok& a, const tok& b) {
      if (a.prefix != b.prefix) return a.prefix < b.prefix;
      int c = a.text.compare(b.text);
      return c != 0 ? c < 0 : a.slot < b.slot;
    });
    std::vector<std::pair<std::string_view, std::uint32_t>> sorted;
    sorted.reserve(all.size());
    for (auto& x : all) sorted.emplace_back(x.text, x.slot);
    all = {};
    d.build(sorted);
  };
  // Name words repeat a lot: grouping them in a hash map first leaves only
  // the distinct words to sort.
  auto build_grouped = [&](text_dict& d, auto tokens) {
    std::unordered_map<std::string_view, std::uint32_t> index;
    std::vector<std::pair<std::string_view, posting>> groups;
    for (std::uint32_t s = 0; s < n; ++s)
      for (auto x : tokens(t.recs[s])) {
        auto [it, inserted] = index.try_emplace(x, static_cast<std::uint32_t>(groups.size()));
        if (inserted) groups.emplace_back(x, posting{});
        groups[it->second].second.push_back(s);
      }
    std::sort(groups.begin(), groups.end(), [](auto& a, auto& b) { return a.first < b.first; });
    d.build(std::move(groups));
  };
  auto build_phones = [&] {
    std::vector<std::pair<std::uint64_t, std::uint32_t>> all;
    all.reserve(n * 4);
    for (std::uint32_t s = 0; s < n; ++s)
      for (auto x : phone_tokens(t.recs[s])) all.emplace_back(x, s);
    std::sort(all.begin(), all.end());
    t.phones.build(all);
  };
  std::thread helper([&] {
    build_phones();
    build_order(o_created);
    build_order(o_last_order);
    build_order(o_ltv);
    build_order(o_orders);
  });
  build(t.emails, email_tokens);
  build_grouped(t.names, name_tokens);
  build_order(o_name);
  helper.join();
  return {};
}

void customer_index::remove(std::string_view tenant, std::string_view id) {
  auto key = decode_ulid(id);
  auto* found = find(tenant);
  if (!key || !found) return;
  auto& t = const_cast<tenant_index&>(*found);
  std::unique_lock lock(t.mu);
  auto it = t.by_id.find(*key);
  if (it == t.by_id.end()) return;
  auto slot = it->second;
  t.reindex(slot, &t.recs[slot], nullptr);
  t.by_id.erase(it);
  t.recs[slot] = record{};
  t.alive[slot / 64] &= ~(1ull << (slot % 64));
  t.free_slots.push_back(slot);
  --t.live;
}

bool customer_index::contains(std::string_view tenant, std::string_view id) const {
  auto key = decode_ulid(id);
  auto* t = find(tenant);
  if (!key || !t) return false;
  std::shared_lock lock(t->mu);
  return t->by_id.contains(*key);
}

std::size_t customer_index::size(std::string_view tenant) const {
  auto* t = find(tenant);
  if (!t) return 0;
  std::shared_lock lock(t->mu);
  return t->live;
}

std::optional<std::string> customer_index::find_by_email(std::string_view tenant,
                                                         std::string_view email) const {
  auto n = normalize_email(email);
  auto* t = find(tenant);
  if (!n || !t) return std::nullopt;
  auto key = ascii_lower(*n);
  std::shared_lock lock(t->mu);
  auto* e = t->emails.exact(key);
  if (!e) return std::nullopt;
  std::optional<std::string> id;
  t->emails.for_slots(*e, [&](std::uint32_t s) {
    if (!id) id = encode_ulid(t->recs[s].id);
  });
  return id;
}

std::optional<std::string> customer_index::find_by_phone(std::string_view tenant,
                                                         std::string_view phone) const {
  auto n = normalize_phone(phone);
  auto* t = find(tenant);
  if (!n || !t) return std::nullopt;
  std::shared_lock lock(t->mu);
  auto* e = t->phones.exact(phone_key(std::string_view(*n).substr(1), true));
  if (!e) return std::nullopt;
  std::optional<std::string> id;
  t->phones.for_slots(*e, [&](std::uint32_t s) {
    if (!id) id = encode_ulid(t->recs[s].id);
  });
  return id;
}

// ------------------------------------------------------ query checking ----

namespace {

enum class fkind { categorical, range, email, phone };
struct field_spec {
  std::string_view name;
  fkind kind;
  int id;  // field_id or order_id
  std::array<std::string_view, 4> ops;
};

constexpr field_spec field_specs[] = {
    {"type", fkind::categorical, f_type, {"eq", "ne", "in"}},
    {"status", fkind::categorical, f_status, {"eq", "ne", "in"}},
    {"lifecycle_stage", fkind::categorical, f_stage, {"eq", "ne", "in"}},
    {"acquisition_source", fkind::categorical, f_source, {"eq", "ne", "in"}},
    {"city", fkind::categorical, f_city, {"eq", "ne", "in"}},
    {"tags", fkind::categorical, f_tag, {"eq", "ne", "in", "all"}},
    {"marketing_opt_in", fkind::categorical, f_opt_in, {"eq"}},
    {"active", fkind::categorical, f_active, {"eq"}},
    {"created_at", fkind::range, o_created, {"gte", "gt", "lte", "lt"}},
    {"last_order_at", fkind::range, o_last_order, {"gte", "gt", "lte", "lt"}},
    {"lifetime_value", fkind::range, o_ltv, {"gte", "gt", "lte", "lt"}},
    {"total_orders", fkind::range, o_orders, {"gte", "gt", "lte", "lt"}},
    {"email", fkind::email, 0, {"eq"}},
    {"phone", fkind::phone, 0, {"eq"}},
};

const field_spec* spec_of(std::string_view field) {
  for (auto& s : field_specs)
    if (s.name == field) return &s;
  return nullptr;
}

constexpr std::size_t max_values = 100;
constexpr std::size_t max_q_bytes = 200;
constexpr std::size_t max_q_terms = 10;

std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool digits_at(std::string_view s, std::size_t pos, std::size_t len, int& v) {
  if (pos + len > s.size()) return false;
  auto r = std::from_chars(s.data() + pos, s.data() + pos + len, v);
  return r.ec == std::errc{} && r.ptr == s.data() + pos + len;
}

// RFC 3339 ("2026-01-31T12:00:00Z", "...+02:00", fractions to µs) or a date
// ("2026-01-31", its start in UTC).
std::optional<std::int64_t> parse_time(std::string_view s) {
  int y, mo, d, h = 0, mi = 0, se = 0;
  if (s.size() < 10 || !digits_at(s, 0, 4, y) || s[4] != '-' || !digits_at(s, 5, 2, mo) ||
      s[7] != '-' || !digits_at(s, 8, 2, d))
    return std::nullopt;
  static constexpr int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1]) return std::nullopt;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (mo == 2 && d == 29 && !leap) return std::nullopt;
  std::int64_t frac = 0, offset_s = 0;
  if (s.size() > 10) {
    if ((s[10] != 'T' && s[10] != 't') || s.size() < 20 || !digits_at(s, 11, 2, h) ||
        s[13] != ':' || !digits_at(s, 14, 2, mi) || s[16] != ':' || !digits_at(s, 17, 2, se))
      return std::nullopt;
    if (h > 23 || mi > 59 || se > 60) return std::nullopt;
    std::size_t i = 19;
    if (s[i] == '.') {
      ++i;
      int n = 0;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        if (n < 6) frac = frac * 10 + (s[i] - '0');
        ++n, ++i;
      }
      if (n == 0) return std::nullopt;
      for (; n < 6; ++n) frac *= 10;
    }
    if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
      ++i;
    } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
      int oh, om;
      if (i + 6 != s.size() || !digits_at(s, i + 1, 2, oh) || s[i + 3] != ':' ||
          !digits_at(s, i + 4, 2, om) || oh > 23 || om > 59)
        return std::nullopt;
      offset_s = (oh * 3600 + om * 60) * (s[i] == '-' ? -1 : 1);
      i += 6;
    } else {
      return std::nullopt;
    }
    if (i != s.size()) return std::nullopt;
  }
  auto secs = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 +
              h * 3600 + mi * 60 + se - offset_s;
  return secs * 1000000 + frac;
}

std::optional<std::int64_t> parse_int(std::string_view s) {
  std::int64_t v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || r.ec != std::errc{} || r.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

// A filter checked and its values converted; tenant-independent.
struct typed_filter {
  const field_spec* spec = nullptr;
  std::string op;
  std::vector<std::string> values;  // categorical (cities folded); email/phone normalised
  std::int64_t lo = std::numeric_limits<std::int64_t>::min();
  std::int64_t hi = std::numeric_limits<std::int64_t>::max();
};

struct typed_query {
  std::vector<typed_filter> filters;
  std::vector<q_term> terms;
  int order = o_created;
  bool desc = true;
  std::uint64_t fingerprint = 0;
};

std::string param_name(const customer_filter& f) {
  return f.param.empty() ? f.field + "[" + f.op + "]" : f.param;
}

error invalid_param(std::string field, std::string code, std::string message) {
  std::string m = message;
  return error::invalid("invalid_query", "the list query is not valid",
                        {{std::move(field), std::move(code), std::move(m)}});
}

std::vector<q_term> parse_terms(std::string_view q) {
  std::vector<std::string_view> raw;
  std::size_t i = 0;
  while (i < q.size()) {
    while (i < q.size() && (q[i] == ' ' || q[i] == '\t' || q[i] == '\n' || q[i] == '\r')) ++i;
    std::size_t j = i;
    while (j < q.size() && !(q[j] == ' ' || q[j] == '\t' || q[j] == '\n' || q[j] == '\r')) ++j;
    if (j > i) raw.push_back(q.substr(i, j - i));
    i = j;
  }
  auto text_term = [](std::string_view t) {
    q_term x;
    x.email = ascii_lower(t);  // addresses keep their apostrophes: "o'neil@…"
    x.text = fold(t);
    x.words = words_of(x.text);
    return x;
  };
  std::vector<q_term> terms;
  for (std::size_t a = 0; a < raw.size();) {
    // Consecutive terms of phone characters are one number typed in parts: "555 12".
    std::size_t b = a;
    std::string digits;
    while (b < raw.size() && std::all_of(raw[b].begin(), raw[b].end(), phone_char)) {
      for (char c : raw[b])
        if (c >= '0' && c <= '9') digits.push_back(c);
      ++b;
    }
    if (b > a) {
      if (digits.starts_with("00")) digits.erase(0, 2);
      else if (digits.starts_with('0')) digits.erase(0, 1);
    }
    if (b > a && digits.size() >= 3) {
      q_term x = b == a + 1 ? text_term(raw[a]) : q_term{};
      x.digits = std::move(digits);
      terms.push_back(std::move(x));
      a = b;
      continue;
    }
    if (b == a) b = a + 1;
    for (; a < b; ++a) {
      auto x = text_term(raw[a]);
      if (!x.words.empty()) terms.push_back(std::move(x));  // punctuation alone matches nothing useful
    }
  }
  return terms;
}

result<typed_query> check_query(std::string_view tenant, const customer_query& cq) {
  typed_query tq;
  std::string_view s = cq.sort;
  tq.desc = s.starts_with('-');
  if (tq.desc) s.remove_prefix(1);
  if (s == "name") tq.order = o_name;
  else if (s == "created_at") tq.order = o_created;
  else if (s == "last_order_at") tq.order = o_last_order;
  else if (s == "lifetime_value") tq.order = o_ltv;
  else if (s == "total_orders") tq.order = o_orders;
  else
    return invalid_param("sort", "invalid_value",
                         "sort by name, created_at, last_order_at, lifetime_value or total_orders, '-' for descending");
  if (cq.limit < 1 || cq.limit > 200)
    return invalid_param("limit", "invalid_value", "limit is between 1 and 200");
  if (cq.q.size() > max_q_bytes)
    return invalid_param("q", "invalid_value", "q is at most 200 bytes");
  tq.terms = parse_terms(cq.q);
  if (tq.terms.size() > max_q_terms)
    return invalid_param("q", "invalid_value", "q has at most 10 terms");

  std::string canon = cq.sort;
  canon.append("\x1e").append(cq.q);
  for (auto& f : cq.filters) {
    auto param = param_name(f);
    const auto* spec = spec_of(f.field);
    if (!spec) return invalid_param(param, "unknown_parameter", "no such filter: " + f.field);
    if (std::find(spec->ops.begin(), spec->ops.end(), f.op) == spec->ops.end() || f.op.empty())
      return invalid_param(param, "unsupported_filter",
                           "operator '" + f.op + "' is not supported on " + f.field);
    bool multi = f.op == "in" || f.op == "all";
    if (f.values.empty() || (!multi && f.values.size() != 1))
      return invalid_param(param, "invalid_value", multi ? "one or more comma-separated values"
                                                         : "exactly one value");
    if (f.values.size() > max_values)
      return invalid_param(param, "invalid_value", "at most 100 values");
    typed_filter tf{spec, f.op, {}};
    for (auto& v : f.values) {
      if (v.empty()) return invalid_param(param, "invalid_value", "a value is empty");
      switch (spec->kind) {
        case fkind::categorical:
          if (spec->id == f_opt_in || spec->id == f_active) {
            if (v != "true" && v != "false")
              return invalid_param(param, "invalid_value", "true or false");
            tf.values.push_back(v);
          } else {
            tf.values.push_back(spec->id == f_city ? fold(trim(v)) : v);
          }
          break;
        case fkind::range: {
          bool integral = spec->id == o_ltv || spec->id == o_orders;
          auto t = integral ? parse_int(v) : parse_time(v);
          if (!t)
            return invalid_param(param, "invalid_value",
                                 spec->id == o_ltv      ? "an integer amount in minor units"
                                 : spec->id == o_orders ? "an integer count of orders"
                                                        : "an RFC 3339 timestamp or a date (YYYY-MM-DD)");
          constexpr auto lowest = std::numeric_limits<std::int64_t>::min();
          constexpr auto highest = std::numeric_limits<std::int64_t>::max();
          if (f.op == "gte") tf.lo = *t;
          else if (f.op == "lte") tf.hi = *t;
          else if (f.op == "gt" && *t != highest) tf.lo = *t + 1;
          else if (f.op == "lt" && *t != lowest) tf.hi = *t - 1;
          else tf.lo = highest, tf.hi = lowest;  // nothing is beyond the extremes
          break;
        }
        case fkind::email: {
          auto e = normalize_email(v);
          if (!e) return invalid_param(param, "invalid_value", "not an email address");
          tf.values.push_back(ascii_lower(*e));
          break;
        }
        case fkind::phone: {
          auto p = normalize_phone(v);
          if (!p) return invalid_param(param, "invalid_value", "not a phone number");
          tf.values.push_back(*p);
          break;
        }
      }
    }
    canon.append("\x1e").append(f.field).append("\x1f").append(f.op);
    for (auto& v : tf.values) canon.append("\x1f").append(v);
    if (spec->kind == fkind::range)
      canon.append("\x1f").append(std::to_string(tf.lo)).append(":").append(std::to_string(tf.hi));
    tq.filters.push_back(std::move(tf));
  }
  tq.fingerprint = stable_hash(tenant, canon);
  return tq;
}

// -------------------------------------------------------------- cursors ---

constexpr std::string_view cursor_prefix = "c1.";

void put_u64(std::string& out, std::uint64_t v) {
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
std::uint64_t get_u64(std::string_view s, std::size_t at) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(s[at + i]);
  return v;
}

std::string encode_cursor(const typed_query& tq, const sort_probe& p) {
  std::string raw;
  raw.push_back(static_cast<char>(tq.order * 2 + (tq.desc ? 1 : 0)));
  put_u64(raw, tq.fingerprint);
  put_u64(raw, p.key);
  put_u64(raw, p.id.hi);
  put_u64(raw, p.id.lo);
  raw += p.name;
  put_u64(raw, stable_hash(raw));  // a cursor edited by hand is rejected, not misread
  static constexpr char hex[] = "0123456789abcdef";
  std::string out(cursor_prefix);
  for (unsigned char c : raw) {
    out.push_back(hex[c >> 4]);
    out.push_back(hex[c & 15]);
  }
  return out;
}

std::optional<sort_probe> decode_cursor(const typed_query& tq, std::string_view c) {
  if (!c.starts_with(cursor_prefix)) return std::nullopt;
  c.remove_prefix(cursor_prefix.size());
  if (c.size() % 2 != 0 || c.size() / 2 < 33) return std::nullopt;
  std::string raw;
  for (std::size_t i = 0; i < c.size(); i += 2) {
    auto nib = [](char h) -> int {
      if (h >= '0' && h <= '9') return h - '0';
      if (h >= 'a' && h <= 'f') return h - 'a' + 10;
      return -1;
    };
    int a = nib(c[i]), b = nib(c[i + 1]);
    if (a < 0 || b < 0) return std::nullopt;
    raw.push_back(static_cast<char>(a * 16 + b));
  }
  if (raw.size() < 41 || get_u64(raw, raw.size() - 8) != stable_hash(std::string_view(raw).substr(0, raw.size() - 8)))
    return std::nullopt;
  raw.resize(raw.size() - 8);
  if (static_cast<unsigned char>(raw[0]) != tq.order * 2 + (tq.desc ? 1 : 0)) return std::nullopt;
  if (get_u64(raw, 1) != tq.fingerprint) return std::nullopt;
  sort_probe p;
  p.key = get_u64(raw, 9);
  p.id.hi = get_u64(raw, 17);
  p.id.lo = get_u64(raw, 25);
  p.name = raw.substr(33);
  if (tq.order != o_name && !p.name.empty()) return std::nullopt;
  // The name's key is derived again, so a cursor outlives a change of its code.
  if (tq.order == o_name) p.key = name_sort_key(p.name);
  return p;
}

// ------------------------------------------------------------- planning ---

enum class ckind { any_of, all_of, none_of, range, slots, term };

struct constraint {
  ckind kind = ckind::any_of;
  int field = 0;                     // field_id, or order_id for ranges
  std::vector<const posting*> lists;  // postings of the filter's known values
  bool impossible = false;           // all_of with a value nobody has
  std::vector<std::uint32_t> codes;  // sorted
  std::int64_t lo = 0, hi = 0;
  posting slot_set;
  const q_term* term = nullptr;
  std::size_t estimate = 0;
  bool driver = true;  // can enumerate its matches (a superset of them)
};

}  // namespace

namespace {

using tenant_index = customer_index::tenant_index;

std::int64_t range_value(const record& r, int order) {
  switch (order) {
    case o_created: return r.created_at;
    case o_last_order: return r.last_order_at;
    case o_ltv: return r.lifetime_value;
    default: return r.total_orders;
  }
}

bool has_any(const std::vector<std::uint32_t>& sorted, const std::vector<std::uint32_t>& codes) {
  for (auto c : codes)
    if (std::binary_search(sorted.begin(), sorted.end(), c)) return true;
  return false;
}

bool name_word_prefix(const record& r, std::string_view w) {
  return for_each_word(r.name_key, [&](std::string_view x) { return x.starts_with(w); });
}

bool phone_prefix(const record& r, std::string_view digits) {
  for (auto& p : r.phones) {
    std::string_view d(p);
    if (d.starts_with('+')) d.remove_prefix(1);
    for (std::size_t k = 0; k <= 3 && k < d.size(); ++k)
      if (d.substr(k).starts_with(digits)) return true;
  }
  return false;
}

bool term_matches(const record& r, const q_term& t) {
  if (!t.email.empty()) {
    for (auto& e : r.emails) {
      if (std::string_view(e).starts_with(t.email)) return true;
      auto at = e.rfind('@');
      if (at != std::string::npos && std::string_view(e).substr(at + 1).starts_with(t.email))
        return true;
    }
  }
  if (!t.words.empty()) {
    bool all = true;
    for (auto& w : t.words)
      if (!name_word_prefix(r, w)) {
        all = false;
        break;
      }
    if (all) return true;
  }
  return !t.digits.empty() && phone_prefix(r, t.digits);
}

bool satisfies(const record& r, std::uint32_t slot, const constraint& c) {
  switch (c.kind) {
    case ckind::any_of:
      if (c.field < single_fields)
        return std::binary_search(c.codes.begin(), c.codes.end(), r.single[static_cast<std::size_t>(c.field)]);
      return has_any(c.field == f_city ? r.cities : r.tags, c.codes);
    case ckind::all_of:
      if (c.impossible) return false;
      for (auto code : c.codes)
        if (!std::binary_search(r.tags.begin(), r.tags.end(), code)) return false;
      return true;
    case ckind::none_of:
      if (c.field < single_fields)
        return !std::binary_search(c.codes.begin(), c.codes.end(), r.single[static_cast<std::size_t>(c.field)]);
      return !has_any(c.field == f_city ? r.cities : r.tags, c.codes);
    case ckind::range: {
      auto v = range_value(r, c.field);
      return v >= c.lo && v <= c.hi;
    }
    case ckind::slots:
      return std::binary_search(c.slot_set.begin(), c.slot_set.end(), slot);
    case ckind::term:
      return term_matches(r, *c.term);
  }
  return false;
}

// Positions [first, last) of an order whose values lie in [lo, hi].
std::pair<chunked<sort_entry>::pos, chunked<sort_entry>::pos> range_positions(
    const tenant_index& t, int order, std::int64_t lo, std::int64_t hi) {
  auto& o = t.orders[order];
  auto a = o.partition_point([&](const sort_entry& e) { return e.key < flip(lo); });
  auto b = o.partition_point([&](const sort_entry& e) { return e.key <= flip(hi); });
  return {a, b};
}

// Token lookups of one q term: f(dict, prefix) for each range to read.
template <class F>
void term_ranges(const tenant_index& t, const q_term& q, bool exact_names, F&& f) {
  if (!q.email.empty()) f(t.emails, std::string_view(q.email));
  if (!q.words.empty()) {
    if (q.words.size() == 1 || !exact_names) {
      auto longest = std::max_element(q.words.begin(), q.words.end(),
                                      [](auto& a, auto& b) { return a.size() < b.size(); });
      f(t.names, std::string_view(*longest));
    }
  }
  if (!q.digits.empty()) {
    f(t.phones, phone_range(q.digits, true));
    f(t.phones, phone_range(q.digits, false));
  }
}

std::size_t estimate_term(const tenant_index& t, const q_term& q) {
  std::size_t sum = 0;
  term_ranges(t, q, false, [&](const auto& d, auto prefix) { sum += d.estimate(prefix); });
  return std::min(sum, t.live);
}

void set_bit(bitset& b, std::uint32_t s) { b[s / 64] |= 1ull << (s % 64); }

// Every slot that may satisfy c (a superset), possibly repeated.
template <class F>
void enumerate(const tenant_index& t, const constraint& c, F&& f) {
  switch (c.kind) {
    case ckind::any_of:
      for (auto* p : c.lists)
        for (auto s : *p) f(s);
      return;
    case ckind::all_of: {
      if (c.impossible || c.lists.empty()) return;
      auto* smallest = *std::min_element(c.lists.begin(), c.lists.end(),
                                         [](auto* a, auto* b) { return a->size() < b->size(); });
      for (auto s : *smallest) f(s);
      return;
    }
    case ckind::range: {
      auto [a, b] = range_positions(t, c.field, c.lo, c.hi);
      auto& o = t.orders[c.field];
      for (auto p = a; p < b; o.next(p)) f(o.at(p).slot);
      return;
    }
    case ckind::slots:
      for (auto s : c.slot_set) f(s);
      return;
    case ckind::term:
      term_ranges(t, *c.term, false, [&](const auto& d, auto prefix) {
        d.for_prefix(prefix, [&](const auto& e) {
          d.for_slots(e, f);
          return false;
        });
      });
      return;
    case ckind::none_of:
      return;
  }
}

// The exact set of slots satisfying c, as a bitset (for counting).
bitset exact_bits(const tenant_index& t, const constraint& c) {
  bitset b(t.alive.size(), 0);
  switch (c.kind) {
    case ckind::all_of: {
      if (c.impossible) return b;
      b = t.alive;
      for (auto* p : c.lists) {
        bitset x(t.alive.size(), 0);
        for (auto s : *p) set_bit(x, s);
        for (std::size_t i = 0; i < b.size(); ++i) b[i] &= x[i];
      }
      return b;
    }
    case ckind::none_of: {
      b = t.alive;
      for (auto* p : c.lists)
        for (auto s : *p) b[s / 64] &= ~(1ull << (s % 64));
      return b;
    }
    case ckind::term: {
      const q_term& q = *c.term;
      // Email and phone ranges and a one-word name range are exact; a term of
      // several words needs every word, so intersect their ranges.
      term_ranges(t, q, true, [&](const auto& d, auto prefix) {
        d.for_prefix(prefix, [&](const auto& e) {
          d.for_slots(e, [&](std::uint32_t s) { set_bit(b, s); });
          return false;
        });
      });
      if (q.words.size() > 1) {
        bitset all = t.alive;
        for (auto& w : q.words) {
          bitset x(t.alive.size(), 0);
          t.names.for_prefix(w, [&](const auto& e) {
            t.names.for_slots(e, [&](std::uint32_t s) { set_bit(x, s); });
            return false;
          });
          for (std::size_t i = 0; i < all.size(); ++i) all[i] &= x[i];
        }
        for (std::size_t i = 0; i < b.size(); ++i) b[i] |= all[i];
      }
      return b;
    }
    case ckind::any_of:
      // A single-valued field's common value ("status=active") is cheaper as
      // everyone minus the holders of the other values.
      if (c.field < single_fields && 2 * c.estimate > t.live) {
        b = t.alive;
        auto& postings = t.fields[static_cast<std::size_t>(c.field)].postings;
        for (std::uint32_t code = 0; code < postings.size(); ++code)
          if (!std::binary_search(c.codes.begin(), c.codes.end(), code))
            for (auto s : postings[code]) b[s / 64] &= ~(1ull << (s % 64));
        return b;
      }
      enumerate(t, c, [&](std::uint32_t s) { set_bit(b, s); });
      return b;
    default:
      enumerate(t, c, [&](std::uint32_t s) { set_bit(b, s); });
      return b;
  }
}

class executor {
 public:
  executor(const tenant_index& t, const typed_query& tq, const customer_query& cq, customer_plan plan)
      : t_(t), tq_(tq), cq_(cq), plan_(plan) {}

  result<customer_hits> run() {
    if (!cq_.cursor.empty()) {
      after_ = decode_cursor(tq_, cq_.cursor);
      if (!after_)
        return invalid_param("cursor", "invalid_cursor",
                             "the cursor does not belong to this list query (sort, filters and q must not change)");
    }
    bind();
    customer_hits hits;
    const constraint* best = nullptr;
    double selectivity = 1;
    double n = static_cast<double>(std::max<std::size_t>(t_.live, 1));
    for (auto& c : cs_) {
      selectivity *= std::min(1.0, static_cast<double>(c.estimate) / n);
      if (c.driver && (!best || c.estimate < best->estimate)) best = &c;
    }
    // Walking the sort order costs about limit / selectivity checks;
    // materialising costs the best driver's candidates. A walk that runs far
    // past its expected cost (the filters were correlated) falls back to
    // intersecting the postings as bitsets, which reads no customer records.
    double expected = n * selectivity;
    double walk_cost = static_cast<double>(cq_.limit + 1) * n / std::max(expected, 1.0);
    std::vector<std::uint32_t> page;
    bool more = false;
    if (plan_ == customer_plan::bitsets) {
      from_bits(page, more, hits);
    } else if (plan_ == customer_plan::walk || (plan_ == customer_plan::candidates && !best)) {
      walk(std::numeric_limits<std::size_t>::max(), page, more);
      if (cq_.include_total) hits.total = count(nullptr);
    } else if (best && (plan_ == customer_plan::candidates ||
                        (plan_ == customer_plan::automatic &&
                         record_ns * static_cast<double>(best->estimate) <= hybrid_cost(walk_cost)))) {
      materialise(*best, page, more, hits);
    } else {
      hybrid(walk_cost, page, more, hits);
    }
    hits.ids.reserve(page.size());
    for (auto s : page) hits.ids.push_back(encode_ulid(t_.recs[s].id));
    if (more && !page.empty()) hits.next_cursor = encode_cursor(tq_, t_.probe_of(tq_.order, t_.recs[page.back()]));
    return hits;
  }

 private:

  void bind() {
    std::array<std::int64_t, order_count> lo, hi;
    lo.fill(std::numeric_limits<std::int64_t>::min());
    hi.fill(std::numeric_limits<std::int64_t>::max());
    std::array<bool, order_count> ranged{};
    for (auto& f : tq_.filters) {
      constraint c;
      switch (f.spec->kind) {
        case fkind::categorical: {
          auto& fd = t_.fields[static_cast<std::size_t>(f.spec->id)];
          c.field = f.spec->id;
          c.kind = f.op == "ne" ? ckind::none_of : f.op == "all" ? ckind::all_of : ckind::any_of;
          for (auto& v : f.values) {
            auto code = fd.find(v);
            if (!code) {
              c.impossible = true;
              continue;
            }
            if (std::find(c.codes.begin(), c.codes.end(), *code) != c.codes.end()) continue;
            c.codes.push_back(*code);
            c.lists.push_back(&fd.postings[*code]);
          }
          std::sort(c.codes.begin(), c.codes.end());
          std::size_t sum = 0, mn = std::numeric_limits<std::size_t>::max();
          for (auto* p : c.lists) sum += p->size(), mn = std::min(mn, p->size());
          if (c.kind == ckind::any_of) c.estimate = sum;
          else if (c.kind == ckind::all_of) c.estimate = c.impossible || c.lists.empty() ? 0 : mn;
          else c.estimate = t_.live - std::min(sum, t_.live), c.driver = false;
          break;
        }
        case fkind::range: {
          auto o = f.spec->id;
          lo[o] = std::max(lo[o], f.lo);
          hi[o] = std::min(hi[o], f.hi);
          ranged[o] = true;
          continue;
        }
        case fkind::email:
        case fkind::phone: {
          c.kind = ckind::slots;
          auto collect = [&](auto& d, auto key) {
            if (auto* e = d.exact(key)) d.for_slots(*e, [&](std::uint32_t s) { c.slot_set.push_back(s); });
          };
          if (f.spec->kind == fkind::email) collect(t_.emails, std::string_view(f.values.front()));
          else collect(t_.phones, phone_key(std::string_view(f.values.front()).substr(1), true));
          std::sort(c.slot_set.begin(), c.slot_set.end());
          c.estimate = c.slot_set.size();
          break;
        }
      }
      cs_.push_back(std::move(c));
    }
    for (int o = 0; o < order_count; ++o) {
      if (!ranged[o]) continue;
      constraint c;
      c.kind = ckind::range;
      c.field = o;
      c.lo = lo[o];
      c.hi = hi[o];
      if (c.lo > c.hi) {
        c.estimate = 0;
      } else {
        auto [a, b] = range_positions(t_, o, c.lo, c.hi);
        c.estimate = t_.orders[o].rank(b) - t_.orders[o].rank(a);
      }
      if (o == tq_.order) clamp_ = &cs_.emplace_back(std::move(c)) - &cs_.front();
      else cs_.push_back(std::move(c));
    }
    for (auto& q : tq_.terms) {
      constraint c;
      c.kind = ckind::term;
      c.term = &q;
      c.estimate = estimate_term(t_, q);
      cs_.push_back(std::move(c));
    }
    // Names sort by last name first, and a q term matches name words: its
    // matches bunch together in the name order instead of spreading evenly,
    // so a walk may cross half the order before its first hit.
    correlated_ = tq_.order == o_name && !tq_.terms.empty();
  }

  bool matches(std::uint32_t slot) const {
    const record& r = t_.recs[slot];
    for (auto& c : cs_)
      if (!satisfies(r, slot, c)) return false;
    return true;
  }

  // Three-way order of two customers in the requested order, direction included.
  int compare(std::uint32_t a, std::uint32_t b) const {
    auto& keys = t_.keys[static_cast<std::size_t>(tq_.order)];
    int c;
    if (keys[a] != keys[b]) {
      c = keys[a] < keys[b] ? -1 : 1;
    } else {
      // The same as t_.cmp against a probe of b, without copying b's name:
      // names often share their first 8 bytes, so sorts land here a lot.
      auto& ra = t_.recs[a];
      auto& rb = t_.recs[b];
      c = tq_.order == o_name ? ra.name_key.compare(rb.name_key) : 0;
      c = c != 0 ? (c < 0 ? -1 : 1) : ra.id < rb.id ? -1 : (ra.id == rb.id ? 0 : 1);
    }
    return tq_.desc ? -c : c;
  }
  // Whether the slot comes after the cursor in the requested order.
  bool after_cursor(std::uint32_t s) const {
    if (!after_) return true;
    auto key = t_.keys[static_cast<std::size_t>(tq_.order)][s];
    int c;
    if (key != after_->key) {
      c = key < after_->key ? -1 : 1;
    } else {
      auto& r = t_.recs[s];
      c = t_.cmp(tq_.order, sort_entry{key, r.id, s}, *after_);
    }
    return tq_.desc ? c < 0 : c > 0;
  }

  // Enumerates the driver's candidates, checks every constraint on each, and
  // sorts the few matches.
  void materialise(const constraint& driver, std::vector<std::uint32_t>& page, bool& more,
                   customer_hits& hits) {
    std::vector<std::uint32_t> cand;
    cand.reserve(driver.estimate);
    enumerate(t_, driver, [&](std::uint32_t s) { cand.push_back(s); });
    std::sort(cand.begin(), cand.end());
    cand.erase(std::unique(cand.begin(), cand.end()), cand.end());
    std::vector<std::uint32_t> m;
    std::size_t total = 0;
    for (auto s : cand) {
      if (!t_.is_alive(s) || !matches(s)) continue;
      ++total;
      if (after_cursor(s)) m.push_back(s);
    }
    if (cq_.include_total) hits.total = total;
    take_page(m, page, more);
  }

  void take_page(std::vector<std::uint32_t>& m, std::vector<std::uint32_t>& page, bool& more) const {
    auto k = std::min(m.size(), cq_.limit + 1);
    if (m.size() > 4 * k) {
      // Many matches: their sort keys are read once, in slot order (the
      // order m comes in, so memory is read ahead), and sorted beside the
      // slots; records are read only for ties.
      auto& keys = t_.keys[static_cast<std::size_t>(tq_.order)];
      std::vector<std::pair<std::uint64_t, std::uint32_t>> kv;
      kv.reserve(m.size());
      for (auto s : m) kv.emplace_back(tq_.desc ? ~keys[s] : keys[s], s);
      std::partial_sort(kv.begin(), kv.begin() + static_cast<std::ptrdiff_t>(k), kv.end(), [&](auto& a, auto& b) {
        return a.first != b.first ? a.first < b.first : compare(a.second, b.second) < 0;
      });
      for (std::size_t i = 0; i < k; ++i) m[i] = kv[i].second;
    } else {
      std::partial_sort(m.begin(), m.begin() + static_cast<std::ptrdiff_t>(k), m.end(),
                        [&](auto a, auto b) { return compare(a, b) < 0; });
    }
    more = m.size() > cq_.limit;
    m.resize(std::min(m.size(), cq_.limit));
    page = std::move(m);
  }

  // The matches as the intersection of exact bitsets; records are read only
  // for the matches after the cursor, to sort them.
  void from_bits(std::vector<std::uint32_t>& page, bool& more, customer_hits& hits) const {
    bitset b;
    auto total = count(&b);
    if (cq_.include_total) hits.total = total;
    std::vector<std::uint32_t> m;
    for (std::size_t w = 0; w < b.size(); ++w)
      for (auto bits = b[w]; bits; bits &= bits - 1) {
        auto s = static_cast<std::uint32_t>(w * 64 + static_cast<std::size_t>(std::countr_zero(bits)));
        if (after_cursor(s)) m.push_back(s);
      }
    take_page(m, page, more);
  }

  // Walks the sort order from the cursor, checking each customer; false when
  // more than `budget` customers were looked at (the estimates were wrong).
  bool walk(std::size_t budget, std::vector<std::uint32_t>& page, bool& more) {
    std::vector<const constraint*> all;
    for (auto& c : cs_) all.push_back(&c);
    return walk(budget, page, more, nullptr, all);
  }
  // As above, testing `bits` (when given) and then only `checks`. The budget
  // counts record checks.
  bool walk(std::size_t budget, std::vector<std::uint32_t>& page, bool& more, const bitset* bits,
            const std::vector<const constraint*>& checks,
            std::size_t step_budget = std::numeric_limits<std::size_t>::max()) {
    auto& o = t_.orders[tq_.order];
    using pos = chunked<sort_entry>::pos;
    const constraint* clamp = clamp_ ? &cs_[*clamp_] : nullptr;
    pos p;
    bool valid = true;
    if (!tq_.desc) {
      p = after_ ? o.partition_point([&](const sort_entry& e) { return t_.cmp(tq_.order, e, *after_) <= 0; })
                 : o.begin();
      if (clamp) p = std::max(p, range_positions(t_, tq_.order, clamp->lo, clamp->hi).first);
    } else {
      p = after_ ? o.partition_point([&](const sort_entry& e) { return t_.cmp(tq_.order, e, *after_) < 0; })
                 : o.end();
      if (clamp) p = std::min(p, range_positions(t_, tq_.order, clamp->lo, clamp->hi).second);
      valid = o.prev(p);
    }
    std::size_t seen = 0, steps = 0;
    while (valid && !o.at_end(p)) {
      if (++steps > step_budget) return false;
      auto& e = o.at(p);
      if (clamp && (tq_.desc ? e.key < flip(clamp->lo) : e.key > flip(clamp->hi))) break;
      bool hit = !bits || ((*bits)[e.slot / 64] >> (e.slot % 64)) & 1;
      if (hit && !checks.empty()) {
        if (++seen > budget) return false;
        auto& r = t_.recs[e.slot];
        for (auto* c : checks)
          if (!satisfies(r, e.slot, *c)) {
            hit = false;
            break;
          }
      }
      if (hit) {
        if (page.size() == cq_.limit) {
          more = true;
          return true;
        }
        page.push_back(e.slot);
      }
      if (tq_.desc) valid = o.prev(p);
      else o.next(p);
    }
    more = false;
    return true;
  }

  // Constraints whose bitset costs less to build than checking customer
  // records along the expected walk become one bitset; the walk tests a bit
  // (sequential memory) before reading any record. When the bitset leaves few
  // customers, they are sorted directly instead.
  // Rough costs in ns, from profiles on a 2-core machine: reading a customer
  // record (a cache miss or two) against setting a bit from a posting or a
  // token (sequential memory).
  static constexpr double record_ns = 300;
  double bits_ns(const constraint& c) const {
    double per = c.kind == ckind::term ? 10 : c.kind == ckind::range ? 3 : 2;
    return per * static_cast<double>(c.estimate) + static_cast<double>(t_.alive.size());
  }
  // Which constraints become bitsets, most selective first: a constraint is
  // checked on records only for the walked customers that passed the bitsets
  // chosen before it, so a dense one after a selective one stays a check.
  std::vector<bool> choose_bits(double walk_cost, double* cost) const {
    std::vector<bool> bits(cs_.size(), false);
    std::vector<std::size_t> idx(cs_.size());
    for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = i;
    std::sort(idx.begin(), idx.end(), [&](auto a, auto b) { return cs_[a].estimate < cs_[b].estimate; });
    double n = static_cast<double>(std::max<std::size_t>(t_.live, 1));
    double pass = 1, total = 0;
    for (auto i : idx) {
      auto& c = cs_[i];
      if (clamp_ && *clamp_ == i) continue;  // the walk stays inside its range anyway
      double check = record_ns * walk_cost * pass;
      if (c.kind != ckind::none_of && (plan_ == customer_plan::hybrid || bits_ns(c) < check)) {
        bits[i] = true;
        total += bits_ns(c);
        pass *= std::min(1.0, static_cast<double>(c.estimate) / n);
      } else {
        total += check;
      }
    }
    if (cost) *cost = total;
    return bits;
  }
  double hybrid_cost(double walk_cost) const {
    double cost = 0;
    choose_bits(walk_cost, &cost);
    return cost;
  }

  void hybrid(double walk_cost, std::vector<std::uint32_t>& page, bool& more, customer_hits& hits) {
    std::vector<const constraint*> checks;
    const constraint* clamp_unbitted = nullptr;
    bitset b;
    bool have_bits = false;
    auto chosen = choose_bits(walk_cost, nullptr);
    for (std::size_t i = 0; i < cs_.size(); ++i) {
      auto& c = cs_[i];
      bool clamp = clamp_ && *clamp_ == i;
      bool bits = chosen[i];
      if (!bits) {
        if (!clamp) checks.push_back(&c);  // the walk stays inside the clamp's range
        else clamp_unbitted = &c;
        continue;
      }
      auto x = exact_bits(t_, c);
      if (!have_bits) {
        b = std::move(x);
        have_bits = true;
      } else {
        for (std::size_t w = 0; w < b.size(); ++w) b[w] &= x[w];
      }
    }
    if (!have_bits) {
      auto budget = static_cast<std::size_t>(std::max(16 * walk_cost, 5000.0));
      // A correlated walk's estimate means little: a short try, then the bitsets.
      if (correlated_) budget = std::min<std::size_t>(budget, 2000);
      if (plan_ == customer_plan::hybrid || !walk(budget, page, more, nullptr, checks)) {
        page.clear();
        from_bits(page, more, hits);
      }
      if (cq_.include_total && !hits.total) hits.total = count(nullptr);
      return;
    }
    std::uint64_t upper = 0;
    for (auto w : b) upper += static_cast<std::uint64_t>(std::popcount(w));
    // Sorting what the bitset left (its dense keys: ~40 ns each) against
    // walking the order to fill a page (~15 ns a step), when no record needs
    // reading; with checks left, only when few remain.
    double steps = static_cast<double>(cq_.limit + 1) * static_cast<double>(t_.live) /
                   std::max(1.0, static_cast<double>(upper));
    bool sort_bits = checks.empty() ? 40.0 * static_cast<double>(upper) < 15.0 * steps
                                    : upper <= 4 * (cq_.limit + 1) + 1000;
    if (sort_bits) {
      auto& keys = t_.keys[static_cast<std::size_t>(tq_.order)];
      std::vector<std::uint32_t> m;
      std::uint64_t total = 0;
      for (std::size_t w = 0; w < b.size(); ++w)
        for (auto bits = b[w]; bits; bits &= bits - 1) {
          auto s = static_cast<std::uint32_t>(w * 64 + static_cast<std::size_t>(std::countr_zero(bits)));
          if (clamp_unbitted && (keys[s] < flip(clamp_unbitted->lo) || keys[s] > flip(clamp_unbitted->hi)))
            continue;
          if (!checks.empty()) {
            auto& r = t_.recs[s];
            if (!std::all_of(checks.begin(), checks.end(), [&](auto* c) { return satisfies(r, s, *c); }))
              continue;
          }
          ++total;
          if (after_cursor(s)) m.push_back(s);
        }
      if (cq_.include_total) hits.total = total;
      take_page(m, page, more);
      return;
    }
    auto budget = static_cast<std::size_t>(std::max(16 * walk_cost, 5000.0));
    // Testing a bit costs ~15 ns a step: a correlated walk gives up once it
    // has spent what sorting the bitset's customers would (~40 ns each).
    auto step_budget = correlated_ ? static_cast<std::size_t>(std::max(3.0 * static_cast<double>(upper), 20000.0))
                                   : std::numeric_limits<std::size_t>::max();
    if (!walk(budget, page, more, &b, checks, step_budget)) {
      page.clear();
      from_bits(page, more, hits);
    }
    if (cq_.include_total && !hits.total) {
      if (clamp_unbitted) checks.push_back(clamp_unbitted);
      if (checks.empty()) {
        hits.total = upper;
      } else {
        for (auto* c : checks) {
          auto x = exact_bits(t_, *c);
          for (std::size_t w = 0; w < b.size(); ++w) b[w] &= x[w];
        }
        std::uint64_t n = 0;
        for (auto w : b) n += static_cast<std::uint64_t>(std::popcount(w));
        hits.total = n;
      }
    }
  }

  // The number of all matches, from the postings and orders as bitsets.
  std::uint64_t count(bitset* out) const {
    if (cs_.empty() && !out) return t_.live;
    bitset b = t_.alive;
    for (auto& c : cs_) {
      auto x = exact_bits(t_, c);
      for (std::size_t i = 0; i < b.size(); ++i) b[i] &= x[i];
    }
    std::uint64_t n = 0;
    for (auto w : b) n += static_cast<std::uint64_t>(std::popcount(w));
    if (out) *out = std::move(b);
    return n;
  }

  const tenant_index& t_;
  const typed_query& tq_;
  const customer_query& cq_;
  customer_plan plan_;
  std::vector<constraint> cs_;
  std::optional<std::size_t> clamp_;
  std::optional<sort_probe> after_;
  bool correlated_ = false;
};

}  // namespace

result<customer_hits> customer_index::query(std::string_view tenant, const customer_query& q) const {
  auto tq = check_query(tenant, q);
  if (!tq) return std::move(tq).err();
  auto* t = find(tenant);
  if (!t) {
    if (!q.cursor.empty() && !decode_cursor(*tq, q.cursor))
      return invalid_param("cursor", "invalid_cursor", "the cursor does not belong to this list query");
    customer_hits none;
    if (q.include_total) none.total = 0;
    return none;
  }
  std::shared_lock lock(t->mu);
  return executor(*t, *tq, q, plan_).run();
}

// --------------------------------------------------------------- parser ---

result<customer_query> parse_customer_query(
    const std::vector<std::pair<std::string, std::string>>& params) {
  customer_query q;
  std::vector<field_error> errs;
  std::vector<std::string> seen;
  auto once = [&](const std::string& name) {
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) {
      errs.push_back({name, "duplicate_parameter", name + " is given more than once"});
      return false;
    }
    seen.push_back(name);
    return true;
  };
  for (auto& [name, value] : params) {
    if (name == "q") {
      if (once(name)) q.q = value;
    } else if (name == "sort") {
      if (once(name)) q.sort = value;
    } else if (name == "cursor") {
      if (once(name)) q.cursor = value;
    } else if (name == "limit") {
      if (!once(name)) continue;
      std::size_t n = 0;
      auto r = std::from_chars(value.data(), value.data() + value.size(), n);
      if (value.empty() || r.ec != std::errc{} || r.ptr != value.data() + value.size() || n < 1 || n > 200)
        errs.push_back({name, "invalid_value", "limit is an integer between 1 and 200"});
      else
        q.limit = n;
    } else if (name == "include") {
      if (!once(name)) continue;
      std::string_view v(value);
      while (true) {
        auto comma = v.find(',');
        auto item = v.substr(0, comma);
        if (item == "total") q.include_total = true;
        else {
          errs.push_back({name, "invalid_value", "include takes: total"});
          break;
        }
        if (comma == std::string_view::npos) break;
        v.remove_prefix(comma + 1);
      }
    } else if (name == "consistent_with") {
      continue;  // the HTTP route's business
    } else {
      customer_filter f;
      f.param = name;
      auto open = name.find('[');
      if (open == std::string::npos) {
        f.field = name;
        f.op = "eq";
      } else {
        if (name.back() != ']' || open == 0) {
          errs.push_back({name, "unknown_parameter", "filters are written field[op]=value"});
          continue;
        }
        f.field = name.substr(0, open);
        f.op = name.substr(open + 1, name.size() - open - 2);
      }
      const auto* spec = spec_of(f.field);
      if (!spec) {
        errs.push_back({name, "unknown_parameter", "no such parameter or filter: " + f.field});
        continue;
      }
      if (std::find(spec->ops.begin(), spec->ops.end(), f.op) == spec->ops.end() || f.op.empty()) {
        errs.push_back({name, "unsupported_filter",
                        "operator '" + f.op + "' is not supported on " + f.field});
        continue;
      }
      if (f.op == "in" || f.op == "all") {
        std::string_view v(value);
        while (true) {
          auto comma = v.find(',');
          f.values.emplace_back(v.substr(0, comma));
          if (comma == std::string_view::npos) break;
          v.remove_prefix(comma + 1);
        }
      } else {
        f.values.push_back(value);
      }
      q.filters.push_back(std::move(f));
    }
  }
  if (errs.empty()) {
    // Values, sort and q are checked by the same code the index runs.
    auto checked = check_query("", q);
    if (!checked) return std::move(checked).err();
    return q;
  }
  return error::invalid("invalid_query", "the list query is not valid", std::move(errs));
}

}  // namespace chronicle::projections
