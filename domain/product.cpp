#include "domain/product.hpp"

#include <charconv>

#include <algorithm>
#include <iterator>
#include <cctype>

#include "domain/contact.hpp"
#include "domain/customer.hpp"

namespace chronicle::products {
namespace {

constexpr std::size_t max_sku = 64;
constexpr std::size_t max_name = 200;
constexpr std::size_t max_unit = 40;
constexpr std::size_t max_description = 2000;
constexpr std::size_t max_reason = 200;

// ISO 4217 alphabetic codes in current use, sorted.
constexpr std::string_view currencies[] = {
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN", "BHD", "BIF",
    "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHF", "CLP", "CNY", "COP", "CRC",
    "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS",
    "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD",
    "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL",
    "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MYR", "MZN", "NAD",
    "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD",
    "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP",
    "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "UYU", "UZS", "VES",
    "VND", "VUV", "WST", "XAF", "XCD", "XOF", "XPF", "YER", "ZAR", "ZMW", "ZWG", "ZWL"};

struct validator {
  std::vector<field_error> errors;
  void fail(std::string field, std::string code, std::string message) {
    errors.push_back({std::move(field), std::move(code), std::move(message)});
  }

  std::optional<std::string> text(const char* field, const std::optional<std::string>& v, std::size_t max,
                                  bool required) {
    if (!v) return std::nullopt;
    auto t = std::string(trim(*v));
    if (t.empty() && required) fail(field, "required", std::string(field) + " must not be empty");
    else if (utf8_length(t) > max)
      fail(field, "too_long", std::string(field) + " is longer than " + std::to_string(max) + " characters");
    else return t;
    return std::nullopt;
  }
  std::optional<std::string> sku(const std::string& v) {
    auto k = sku_key(v);
    if (k.empty()) fail("sku", "required", "sku is required");
    else if (k.size() > max_sku) fail("sku", "too_long", "sku is longer than 64 characters");
    else if (!std::all_of(k.begin(), k.end(), [](char c) {
               return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
             }))
      fail("sku", "invalid_format", "sku is letters, digits, '-', '_' and '.' only");
    else return k;
    return std::nullopt;
  }
  void price(const money& m) {
    if (m.amount < 0) fail("price.amount", "negative", "price.amount must be zero or more (minor units)");
    else if (m.amount > max_amount) fail("price.amount", "too_large", "price.amount is larger than 10^12");
    if (!is_currency(m.currency))
      fail("price.currency", "invalid_currency", "price.currency must be an ISO 4217 code in upper case, e.g. USD");
  }
  void windows(const std::vector<window>& ws) {
    if (ws.size() > max_windows) fail("unavailable", "too_many", "at most 12 availability windows");
    for (std::size_t i = 0; i < ws.size(); ++i) {
      auto at = "unavailable[" + std::to_string(i) + "].";
      if (!is_month_day(ws[i].from)) fail(at + "from", "invalid_format", "from must be a day of the year, MM-DD");
      if (!is_month_day(ws[i].to)) fail(at + "to", "invalid_format", "to must be a day of the year, MM-DD");
    }
  }
  void quantity(const char* field, std::int64_t q) {
    if (q <= 0) fail(field, "not_positive", std::string(field) + " must be a positive integer");
    else if (q > max_quantity) fail(field, "too_large", std::string(field) + " is larger than 10^9");
  }
  error failure(std::string_view what) const {
    return error::invalid("validation_failed", "the " + std::string(what) + " has invalid fields", errors);
  }
};

error not_found(const std::string& id) {
  auto message = "no product " + id + " in the catalog";
  return {errc::not_found, "product_not_found", message, {{"product_id", "not_found", message}}, {}, std::nullopt};
}

std::string units(std::int64_t n) { return std::to_string(n) + (n == 1 ? " unit" : " units"); }

}  // namespace

std::int64_t product::reserved() const noexcept { return reservations.total(); }

bool valid_order_ref(std::string_view order) {
  return !order.empty() && order.find_first_of("=;") == std::string_view::npos;
}

std::size_t reservation_ledger::find(std::string_view order, bool& found) const {
  found = false;
  std::size_t pos = 0;
  while (pos < records_.size()) {
    auto eq = records_.find('=', pos);
    auto id = std::string_view(records_).substr(pos, eq - pos);
    if (id >= order) {
      found = id == order;
      return pos;
    }
    pos = records_.find(';', eq) + 1;
  }
  return pos;
}

std::int64_t reservation_ledger::get(std::string_view order) const {
  bool found = false;
  auto pos = find(order, found);
  if (!found) return 0;
  auto digits = pos + order.size() + 1;
  std::int64_t q = 0;
  std::from_chars(records_.data() + digits, records_.data() + records_.find(';', digits), q);
  return q;
}

bool reservation_ledger::contains(std::string_view order) const {
  bool found = false;
  find(order, found);
  return found;
}

void reservation_ledger::set(std::string_view order, std::int64_t quantity) {
  bool found = false;
  auto pos = find(order, found);
  if (found) {
    auto digits = pos + order.size() + 1;
    auto end = records_.find(';', digits);
    std::int64_t held = 0;
    std::from_chars(records_.data() + digits, records_.data() + end, held);
    total_ -= held;
    records_.erase(pos, end + 1 - pos);
  }
  if (quantity <= 0) return;
  std::string rec(order);
  rec.push_back('=');
  rec += std::to_string(quantity);
  rec.push_back(';');
  records_.insert(pos, rec);
  total_ += quantity;
}

bool reservation_ledger::assign(std::string_view text) {
  records_.clear();
  total_ = 0;
  std::string_view previous;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto eq = text.find('=', pos);
    auto end = text.find(';', pos);
    if (eq == std::string_view::npos || end == std::string_view::npos || eq > end || eq == pos) break;
    auto id = text.substr(pos, eq - pos);
    std::int64_t q = 0;
    auto [p, ec] = std::from_chars(text.data() + eq + 1, text.data() + end, q);
    if (ec != std::errc{} || p != text.data() + end || q <= 0 || (!previous.empty() && id <= previous)) break;
    previous = id;
    total_ += q;
    pos = end + 1;
  }
  if (pos != text.size()) {
    total_ = 0;
    return false;
  }
  records_.assign(text);
  return true;
}

std::string sku_key(std::string_view sku) {
  std::string out(trim(sku));
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool is_currency(std::string_view code) noexcept {
  return std::binary_search(std::begin(currencies), std::end(currencies), code);
}

bool is_month_day(std::string_view s) noexcept {
  if (s.size() != 5 || s[2] != '-') return false;
  for (int i : {0, 1, 3, 4})
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  int m = (s[0] - '0') * 10 + (s[1] - '0'), d = (s[3] - '0') * 10 + (s[4] - '0');
  static constexpr int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m >= 1 && m <= 12 && d >= 1 && d <= days[m - 1];
}

const window* unavailable_on(const std::vector<window>& windows, std::string_view md) noexcept {
  for (auto& w : windows) {
    bool inside = w.from <= w.to ? (md >= w.from && md <= w.to) : (md >= w.from || md <= w.to);
    if (inside) return &w;
  }
  return nullptr;
}

result<std::vector<event>> decide(const product& state, const create_product& cmd) {
  if (state.exists)
    return error::make(errc::already_exists, "product_exists", "a product with this id already exists");
  validator v;
  auto sku = v.sku(cmd.sku);
  auto name = v.text("name", cmd.name, max_name, true);
  auto unit = v.text("unit", cmd.unit, max_unit, true);
  v.price(cmd.price);
  v.windows(cmd.unavailable);
  auto description = v.text("description", cmd.description, max_description, false);
  if (!v.errors.empty()) return v.failure("product");
  return std::vector<event>{product_created{cmd.id, *sku, *name, *unit, cmd.price, cmd.active, cmd.unavailable,
                                            description.value_or("")}};
}

result<std::vector<event>> decide(const product& state, const update_product& cmd) {
  if (!state.exists) return not_found(cmd.id);
  validator v;
  auto name = v.text("name", cmd.name, max_name, true);
  auto unit = v.text("unit", cmd.unit, max_unit, true);
  auto description = v.text("description", cmd.description, max_description, false);
  if (cmd.price) v.price(*cmd.price);
  if (cmd.unavailable) v.windows(*cmd.unavailable);
  if (!v.errors.empty()) return v.failure("product");
  product_updated u{cmd.id};
  if (name && *name != state.name) u.name = name;
  if (unit && *unit != state.unit) u.unit = unit;
  if (description && *description != state.description) u.description = description;
  if (cmd.price && *cmd.price != state.price) u.price = cmd.price;
  if (cmd.active && *cmd.active != state.active) u.active = cmd.active;
  if (cmd.unavailable && *cmd.unavailable != state.unavailable) u.unavailable = cmd.unavailable;
  if (!u.name && !u.unit && !u.description && !u.price && !u.active && !u.unavailable) return std::vector<event>{};
  return std::vector<event>{std::move(u)};
}

result<std::vector<event>> decide(const product& state, const receive_stock& cmd) {
  if (!state.exists) return not_found(cmd.product_id);
  validator v;
  v.quantity("quantity", cmd.quantity);
  auto reason = v.text("reason", cmd.reason, max_reason, false);
  if (!v.errors.empty()) return v.failure("stock change");
  if (state.on_hand + cmd.quantity > max_quantity)
    return error::invalid("validation_failed", "the stock change has invalid fields",
                          {{"quantity", "too_large", "on hand would exceed 10^9 units"}});
  return std::vector<event>{stock_received{cmd.product_id, cmd.quantity, reason.value_or("")}};
}

result<std::vector<event>> decide(const product& state, const adjust_stock& cmd) {
  if (!state.exists) return not_found(cmd.product_id);
  validator v;
  if (cmd.delta == 0) v.fail("quantity", "zero", "quantity must not be zero: a positive count adds, a negative removes");
  else if (cmd.delta > max_quantity || cmd.delta < -max_quantity)
    v.fail("quantity", "too_large", "quantity is beyond ±10^9");
  auto reason = v.text("reason", std::optional<std::string>(cmd.reason), max_reason, true);
  if (!v.errors.empty()) return v.failure("stock change");
  if (cmd.delta < 0 && -cmd.delta > state.available()) {
    error e{errc::failed_precondition, "stock_below_zero",
            "adjusting " + state.sku + " by " + std::to_string(cmd.delta) + " would leave less than nothing: " +
                units(state.available()) + " available (" + std::to_string(state.on_hand) + " on hand, " +
                std::to_string(state.reserved()) + " reserved)",
            {{"quantity", "stock_below_zero", "at most " + units(state.available()) + " can be removed"}}, {},
            state.available()};
    return e;
  }
  if (state.on_hand + cmd.delta > max_quantity)
    return error::invalid("validation_failed", "the stock change has invalid fields",
                          {{"quantity", "too_large", "on hand would exceed 10^9 units"}});
  return std::vector<event>{stock_adjusted{cmd.product_id, cmd.delta, *reason}};
}

result<std::vector<event>> decide(const product& state, const reserve_stock& cmd) {
  if (!state.exists) return not_found(cmd.product_id);
  validator v;
  if (cmd.order_id.empty()) v.fail("order_id", "required", "order_id is required");
  else if (!valid_order_ref(cmd.order_id)) v.fail("order_id", "invalid_format", "order_id may not contain '=' or ';'");
  if (cmd.quantity < 0) v.fail("quantity", "negative", "quantity must be zero or more");
  else if (cmd.quantity > max_quantity) v.fail("quantity", "too_large", "quantity is larger than 10^9");
  if (!customers::is_date(cmd.on_date)) v.fail("on_date", "invalid_format", "the date must be YYYY-MM-DD");
  if (!v.errors.empty()) return v.failure("reservation");
  std::int64_t held = state.reservations.get(cmd.order_id);
  if (cmd.quantity == held) return std::vector<event>{};
  if (cmd.quantity == 0)
    return std::vector<event>{stock_released{cmd.product_id, cmd.order_id, held}};
  if (cmd.quantity > held) {
    auto refuse = [&](std::string code, std::string message, std::optional<std::int64_t> available = std::nullopt) {
      return error{errc::failed_precondition, code, message, {{"product_id", code, message}}, {}, available};
    };
    if (!state.active)
      return refuse("product_inactive", "product " + state.sku + " (" + state.name + ") is not sold at the moment");
    if (auto* w = unavailable_on(state.unavailable, std::string_view(cmd.on_date).substr(5)))
      return refuse("out_of_season", "product " + state.sku + " (" + state.name + ") is not available from " +
                                         w->from + " to " + w->to + " (requested for " + cmd.on_date + ")");
    auto more = cmd.quantity - held;
    if (more > state.available())
      return refuse("insufficient_stock",
                    "not enough of " + state.sku + " (" + state.name + "): " + std::to_string(more) + " requested, " +
                        std::to_string(state.available()) + " available",
                    state.available());
  }
  return std::vector<event>{stock_reserved{cmd.product_id, cmd.order_id, cmd.quantity, state.price}};
}

result<std::vector<event>> decide(const product& state, const release_stock& cmd) {
  if (!state.exists) return not_found(cmd.product_id);
  auto held = state.reservations.get(cmd.order_id);
  if (held == 0) return std::vector<event>{};
  return std::vector<event>{stock_released{cmd.product_id, cmd.order_id, held}};
}

result<std::vector<event>> decide(const product& state, const commit_stock& cmd) {
  if (!state.exists) return not_found(cmd.product_id);
  auto held = state.reservations.get(cmd.order_id);
  if (held == 0) return std::vector<event>{};
  return std::vector<event>{stock_committed{cmd.product_id, cmd.order_id, held}};
}

result<std::vector<event>> decide(const product& state, const restock& cmd) {
  if (!state.exists) return not_found(cmd.product_id);
  validator v;
  if (cmd.order_id.empty()) v.fail("order_id", "required", "order_id is required");
  if (cmd.return_id.empty()) v.fail("return_id", "required", "return_id is required");
  v.quantity("quantity", cmd.quantity);
  if (!v.errors.empty()) return v.failure("restock");
  if (state.restocked_returns.count(cmd.return_id)) return std::vector<event>{};
  return std::vector<event>{stock_restocked{cmd.product_id, cmd.order_id, cmd.return_id, cmd.quantity}};
}

product evolve(product s, const event& e, std::int64_t at) {
  std::visit(
      [&](const auto& ev) {
        using T = std::decay_t<decltype(ev)>;
        if constexpr (std::is_same_v<T, product_created>) {
          s.exists = true;
          s.id = ev.id;
          s.sku = ev.sku;
          s.name = ev.name;
          s.unit = ev.unit;
          s.price = ev.price;
          s.active = ev.active;
          s.unavailable = ev.unavailable;
          s.description = ev.description;
          s.created_at = at;
        } else if constexpr (std::is_same_v<T, product_updated>) {
          if (ev.name) s.name = *ev.name;
          if (ev.unit) s.unit = *ev.unit;
          if (ev.description) s.description = *ev.description;
          if (ev.price) s.price = *ev.price;
          if (ev.active) s.active = *ev.active;
          if (ev.unavailable) s.unavailable = *ev.unavailable;
        } else if constexpr (std::is_same_v<T, stock_received>) {
          s.on_hand += ev.quantity;
        } else if constexpr (std::is_same_v<T, stock_adjusted>) {
          s.on_hand += ev.delta;
        } else if constexpr (std::is_same_v<T, stock_reserved>) {
          s.reservations.set(ev.order_id, ev.quantity);
        } else if constexpr (std::is_same_v<T, stock_released>) {
          s.reservations.erase(ev.order_id);
        } else if constexpr (std::is_same_v<T, stock_committed>) {
          s.reservations.erase(ev.order_id);
          s.on_hand -= ev.quantity;
        } else if constexpr (std::is_same_v<T, stock_restocked>) {
          s.on_hand += ev.quantity;
          s.restocked_returns.insert(ev.return_id);
        }
      },
      e);
  s.updated_at = at;
  return s;
}

}  // namespace chronicle::products
