#include "domain/order.hpp"

#include <algorithm>
#include <limits>

#include "domain/contact.hpp"
#include "domain/country.hpp"

namespace chronicle::orders {
namespace {

template <std::size_t N>
bool one_of(std::string_view v, const std::string_view (&set)[N]) {
  return std::find(std::begin(set), std::end(set), v) != std::end(set);
}
template <std::size_t N>
std::string listed(const std::string_view (&set)[N]) {
  std::string s;
  for (auto v : set) s += (s.empty() ? "" : ", ") + std::string(v);
  return s;
}
std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s.empty() ? "none" : s;
}
std::string at(std::string_view list, std::size_t i, std::string_view member) {
  return std::string(list) + "[" + std::to_string(i) + "]." + std::string(member);
}

error invalid(std::vector<field_error> errors, std::string_view what = "order") {
  return error::invalid("validation_failed", "the " + std::string(what) + " has invalid fields", std::move(errors));
}
error order_not_found() { return error::make(errc::not_found, "order_not_found", "no order with this id"); }
error return_not_found() { return error::make(errc::not_found, "return_not_found", "no return with this id on this order"); }

// A modification refused at this stage: the same problem as an invalid
// transition, listing what the order still accepts.
error not_at_stage(const order& s, std::string_view what) {
  return error::transition("the order is " + s.status + ": " + std::string(what) + " can no longer change",
                           allowed_verbs(s.status));
}

bool is_date(std::string_view s) { return customers::is_date(s); }

bool text_ok(std::string_view field, const std::string& v, std::size_t max, std::vector<field_error>& errors) {
  if (utf8_length(v) > max) {
    errors.push_back({std::string(field), "too_long",
                      std::string(field) + " is longer than " + std::to_string(max) + " characters"});
    return false;
  }
  return true;
}

void check_date(std::string_view field, const std::string& date, const std::string& today,
                std::vector<field_error>& errors) {
  if (date.empty()) errors.push_back({std::string(field), "required", std::string(field) + " is required"});
  else if (!is_date(date))
    errors.push_back({std::string(field), "invalid_format", std::string(field) + " must be a date, YYYY-MM-DD"});
  else if (!today.empty() && date < today)
    errors.push_back({std::string(field), "in_the_past", std::string(field) + " must not be before " + today});
}

// Validates and prices the items; `currency` is the order's (empty: taken from the first item).
std::vector<line> price(const std::vector<priced_item>& items, std::string& currency, std::int64_t& subtotal,
                        std::vector<field_error>& errors) {
  std::vector<line> out;
  subtotal = 0;
  if (items.empty()) errors.push_back({"items", "required", "an order has at least one item"});
  if (items.size() > max_lines)
    errors.push_back({"items", "too_many", "an order has at most " + std::to_string(max_lines) + " items"});
  bool overflow = false;
  for (std::size_t i = 0; i < items.size(); ++i) {
    auto& it = items[i];
    if (it.product_id.empty()) errors.push_back({at("items", i, "product_id"), "required", "product_id is required"});
    for (std::size_t j = 0; j < i; ++j)
      if (!it.product_id.empty() && items[j].product_id == it.product_id) {
        errors.push_back({at("items", i, "product_id"), "duplicate", "this product is listed twice; give one line with the whole quantity"});
        break;
      }
    if (it.quantity < 1 || it.quantity > max_quantity)
      errors.push_back({at("items", i, "quantity"), "out_of_range",
                        "quantity is from 1 to " + std::to_string(max_quantity)});
    if (it.unit_price.amount < 0)
      errors.push_back({at("items", i, "unit_price"), "out_of_range", "a price is not negative"});
    if (currency.empty()) currency = it.unit_price.currency;
    else if (it.unit_price.currency != currency)
      errors.push_back({at("items", i, "product_id"), "currency_mismatch",
                        "this product is priced in " + it.unit_price.currency + ", the order in " + currency});
    line l{it.product_id, it.sku, it.name, it.unit, it.quantity, it.unit_price, {0, it.unit_price.currency}};
    if (it.quantity > 0 && it.unit_price.amount > 0 &&
        it.unit_price.amount > std::numeric_limits<std::int64_t>::max() / it.quantity)
      overflow = true;
    else l.line_total.amount = it.unit_price.amount * it.quantity;
    if (subtotal > std::numeric_limits<std::int64_t>::max() - l.line_total.amount) overflow = true;
    else subtotal += l.line_total.amount;
    out.push_back(std::move(l));
  }
  if (overflow) errors.push_back({"items", "out_of_range", "the order total is too large"});
  return out;
}

return_rec* find_return_mut(order& s, std::string_view id) {
  for (auto& r : s.returns)
    if (r.id == id) return &r;
  return nullptr;
}

}  // namespace

std::vector<field_error> check_address(address& a, const std::string& prefix) {
  std::vector<field_error> errors;
  auto f = [&](std::string_view name) { return prefix + std::string(name); };
  auto text = [&](std::string_view name, std::string& v, std::size_t max, bool required) {
    v = std::string(trim(v));
    if (v.empty() && required) errors.push_back({f(name), "required", std::string(name) + " must not be empty"});
    else if (utf8_length(v) > max)
      errors.push_back({f(name), "too_long", std::string(name) + " is longer than " + std::to_string(max) + " characters"});
  };
  text("label", a.label, 60, false);
  text("street", a.street, 200, true);
  text("city", a.city, 100, true);
  text("region", a.region, 100, false);
  text("postal_code", a.postal_code, 20, true);
  a.country = std::string(trim(a.country));
  if (a.country.empty()) errors.push_back({f("country"), "required", "country must not be empty"});
  else if (!is_country(a.country))
    errors.push_back({f("country"), "invalid_value", "country must be an ISO 3166-1 alpha-2 code such as US or GB"});
  text("delivery_instructions", a.delivery_instructions, 500, false);
  if (a.latitude.has_value() != a.longitude.has_value())
    errors.push_back({f(a.latitude ? "longitude" : "latitude"), "required", "latitude and longitude go together"});
  if (a.latitude && !(*a.latitude >= -90 && *a.latitude <= 90))
    errors.push_back({f("latitude"), "out_of_range", "latitude is from -90 to 90"});
  if (a.longitude && !(*a.longitude >= -180 && *a.longitude <= 180))
    errors.push_back({f("longitude"), "out_of_range", "longitude is from -180 to 180"});
  a.is_default = false;
  return errors;
}

std::vector<std::string> allowed_verbs(std::string_view status) {
  if (status == "pending") return {"confirm", "cancel"};
  if (status == "confirmed") return {"process", "cancel"};
  if (status == "processing") return {"ready", "cancel"};
  if (status == "ready") return {"dispatch", "cancel"};
  if (status == "out_for_delivery") return {"deliver"};
  return {};
}

std::string_view target_status(std::string_view verb) {
  if (verb == "confirm") return "confirmed";
  if (verb == "process") return "processing";
  if (verb == "ready") return "ready";
  if (verb == "dispatch") return "out_for_delivery";
  if (verb == "deliver") return "delivered";
  if (verb == "cancel") return "cancelled";
  return {};
}

std::string_view advanced_type(std::string_view status) {
  if (status == "confirmed") return "order.confirmed";
  if (status == "processing") return "order.processing";
  if (status == "ready") return "order.ready";
  if (status == "out_for_delivery") return "order.dispatched";
  if (status == "delivered") return "order.delivered";
  return {};
}

std::vector<std::string> allowed_return_verbs(std::string_view status) {
  if (status == "requested") return {"approve", "decline"};
  if (status == "approved") return {"receive"};
  if (status == "received") return {"refund"};
  return {};
}

bool items_changeable(std::string_view status) noexcept { return status == "pending" || status == "confirmed"; }
bool date_changeable(std::string_view status) noexcept {
  return status == "pending" || status == "confirmed" || status == "processing" || status == "ready";
}

std::int64_t delivered_quantity(const order& s, std::string_view product_id) {
  if (s.status != "delivered") return 0;
  for (auto& l : s.lines)
    if (l.product_id == product_id) return l.quantity;
  return 0;
}

std::int64_t returned_quantity(const order& s, std::string_view product_id) {
  std::int64_t n = 0;
  for (auto& r : s.returns)
    if (r.status != "declined")
      for (auto& i : r.items)
        if (i.product_id == product_id) n += i.quantity;
  return n;
}

const return_rec* find_return(const order& s, std::string_view id) {
  for (auto& r : s.returns)
    if (r.id == id) return &r;
  return nullptr;
}

result<std::vector<event>> decide(const order& s, const place_order& cmd) {
  if (s.exists) return error::make(errc::already_exists, "order_exists", "an order with this id exists");
  std::vector<field_error> errors;
  if (cmd.customer_id.empty()) errors.push_back({"customer_id", "required", "customer_id is required"});
  order_placed e;
  e.id = cmd.id;
  e.customer_id = cmd.customer_id;
  e.lines = price(cmd.items, e.currency, e.subtotal, errors);
  e.total = e.subtotal;
  e.delivery_address = cmd.delivery_address;
  for (auto& f : check_address(e.delivery_address, "delivery_address.")) errors.push_back(std::move(f));
  check_date("requested_delivery_date", cmd.requested_delivery_date, cmd.today, errors);
  e.requested_delivery_date = cmd.requested_delivery_date;
  e.notes = std::string(trim(cmd.notes));
  text_ok("notes", e.notes, max_notes, errors);
  e.template_id = cmd.template_id;
  if (!errors.empty()) return invalid(std::move(errors));
  return std::vector<event>{std::move(e)};
}

result<std::vector<event>> decide(const order& s, const transition& cmd, std::int64_t now) {
  if (!s.exists) return order_not_found();
  auto to = target_status(cmd.verb);
  if (to.empty())
    return error::invalid("validation_failed", "unknown action",
                          {{"action", "invalid_value", "action must be one of " + listed(verbs)}});
  auto allowed = allowed_verbs(s.status);
  if (std::find(allowed.begin(), allowed.end(), cmd.verb) == allowed.end())
    return error::transition("cannot " + cmd.verb + " an order that is " + s.status + "; allowed: " + joined(allowed),
                             std::move(allowed));
  if (cmd.verb == "cancel") {
    auto reason = std::string(trim(cmd.reason));
    std::vector<field_error> errors;
    text_ok("reason", reason, max_reason, errors);
    if (!errors.empty()) return invalid(std::move(errors), "cancellation");
    return std::vector<event>{order_cancelled{s.id, reason, s.status}};
  }
  return std::vector<event>{order_advanced{s.id, std::string(to), now}};
}

result<std::vector<event>> decide(const order& s, const change_items& cmd) {
  if (!s.exists) return order_not_found();
  if (!items_changeable(s.status)) return not_at_stage(s, "items");
  std::vector<field_error> errors;
  std::string currency = s.currency;
  items_changed e;
  e.id = s.id;
  e.lines = price(cmd.items, currency, e.subtotal, errors);
  e.total = e.subtotal;
  if (!errors.empty()) return invalid(std::move(errors));
  if (e.lines == s.lines) return std::vector<event>{};
  return std::vector<event>{std::move(e)};
}

result<std::vector<event>> decide(const order& s, const change_address& cmd) {
  if (!s.exists) return order_not_found();
  if (!items_changeable(s.status)) return not_at_stage(s, "the delivery address");
  address a = cmd.delivery_address;
  auto errors = check_address(a, "delivery_address.");
  if (!errors.empty()) return invalid(std::move(errors));
  return std::vector<event>{address_changed{s.id, s.customer_id, std::move(a)}};
}

result<std::vector<event>> decide(const order& s, const change_delivery_date& cmd) {
  if (!s.exists) return order_not_found();
  if (!date_changeable(s.status)) return not_at_stage(s, "the delivery date");
  std::vector<field_error> errors;
  check_date("requested_delivery_date", cmd.requested_delivery_date, cmd.today, errors);
  if (!errors.empty()) return invalid(std::move(errors));
  if (cmd.requested_delivery_date == s.requested_delivery_date) return std::vector<event>{};
  return std::vector<event>{delivery_date_changed{s.id, cmd.requested_delivery_date}};
}

result<std::vector<event>> decide(const order& s, const change_notes& cmd) {
  if (!s.exists) return order_not_found();
  std::vector<field_error> errors;
  auto notes = std::string(trim(cmd.notes));
  text_ok("notes", notes, max_notes, errors);
  if (!errors.empty()) return invalid(std::move(errors));
  return std::vector<event>{notes_changed{s.id, s.customer_id, std::move(notes)}};
}

result<std::vector<event>> decide(const order& s, const request_return& cmd) {
  if (!s.exists) return order_not_found();
  if (s.status != "delivered")
    return error::transition("a return can be requested only once the order is delivered; it is " + s.status,
                             allowed_verbs(s.status));
  std::vector<field_error> errors;
  if (cmd.items.empty()) errors.push_back({"items", "required", "a return has at least one item"});
  for (std::size_t i = 0; i < cmd.items.size(); ++i) {
    auto& it = cmd.items[i];
    bool dup = false;
    for (std::size_t j = 0; j < i; ++j) dup = dup || cmd.items[j].product_id == it.product_id;
    if (dup) {
      errors.push_back({at("items", i, "product_id"), "duplicate", "this product is listed twice"});
      continue;
    }
    bool on_order = std::any_of(s.lines.begin(), s.lines.end(), [&](auto& l) { return l.product_id == it.product_id; });
    if (!on_order) {
      errors.push_back({at("items", i, "product_id"), "not_on_order", "this product is not on the order"});
      continue;
    }
    auto left = delivered_quantity(s, it.product_id) - returned_quantity(s, it.product_id);
    if (it.quantity < 1)
      errors.push_back({at("items", i, "quantity"), "out_of_range", "quantity is at least 1"});
    else if (it.quantity > left)
      errors.push_back({at("items", i, "quantity"), "exceeds_delivered",
                        "at most " + std::to_string(left) + " can still be returned (delivered minus already returned)"});
  }
  auto reason = std::string(trim(cmd.reason));
  if (reason.empty()) errors.push_back({"reason", "required", "reason is required"});
  else text_ok("reason", reason, max_reason, errors);
  if (!errors.empty()) return invalid(std::move(errors), "return");
  return std::vector<event>{return_requested{s.id, cmd.return_id, cmd.items, reason}};
}

namespace {
result<const return_rec*> return_for(const order& s, std::string_view return_id, std::string_view verb) {
  if (!s.exists) return order_not_found();
  auto r = find_return(s, return_id);
  if (!r) return return_not_found();
  auto allowed = allowed_return_verbs(r->status);
  if (std::find(allowed.begin(), allowed.end(), verb) == allowed.end())
    return error::transition("cannot " + std::string(verb) + " a return that is " + r->status + "; allowed: " +
                                 joined(allowed),
                             std::move(allowed));
  return r;
}
}  // namespace

result<std::vector<event>> decide(const order& s, const approve_return& cmd) {
  auto r = return_for(s, cmd.return_id, "approve");
  if (!r) return std::move(r).err();
  return std::vector<event>{return_approved{s.id, cmd.return_id}};
}

result<std::vector<event>> decide(const order& s, const decline_return& cmd) {
  auto r = return_for(s, cmd.return_id, "decline");
  if (!r) return std::move(r).err();
  std::vector<field_error> errors;
  auto reason = std::string(trim(cmd.reason));
  if (reason.empty()) errors.push_back({"reason", "required", "reason is required"});
  else text_ok("reason", reason, max_reason, errors);
  if (!errors.empty()) return invalid(std::move(errors), "decline");
  return std::vector<event>{return_declined{s.id, cmd.return_id, reason}};
}

result<std::vector<event>> decide(const order& s, const receive_return& cmd) {
  auto r = return_for(s, cmd.return_id, "receive");
  if (!r) return std::move(r).err();
  return std::vector<event>{return_received{s.id, cmd.return_id, cmd.restock}};
}

result<std::vector<event>> decide(const order& s, const issue_refund& cmd) {
  if (!s.exists) return order_not_found();
  if (s.status != "delivered")
    return error::transition("a refund is issued only once the order is delivered; it is " + s.status,
                             allowed_verbs(s.status));
  if (!cmd.return_id.empty()) {
    auto r = return_for(s, cmd.return_id, "refund");
    if (!r) return std::move(r).err();
  }
  std::vector<field_error> errors;
  if (cmd.amount.amount < 1) errors.push_back({"amount.amount", "out_of_range", "a refund is at least 1 minor unit"});
  if (cmd.amount.currency != s.currency)
    errors.push_back({"amount.currency", "currency_mismatch", "the order is in " + s.currency});
  if (!one_of(cmd.method, refund_methods))
    errors.push_back({"method", "invalid_value", "method must be one of " + listed(refund_methods)});
  auto reason = std::string(trim(cmd.reason));
  text_ok("reason", reason, max_reason, errors);
  if (!errors.empty()) return invalid(std::move(errors), "refund");
  auto left = s.total - s.refunded;
  if (cmd.amount.amount > left) {
    auto e = error::make(errc::failed_precondition, "refund_exceeds_paid",
                         "refunds may not exceed the order total of " + std::to_string(s.total) + " " + s.currency +
                             "; " + std::to_string(s.refunded) + " is refunded, at most " + std::to_string(left) +
                             " is left");
    e.fields.push_back({"amount.amount", "exceeds_paid", "at most " + std::to_string(left) + " can still be refunded"});
    return e;
  }
  return std::vector<event>{refund_issued{s.id, cmd.refund_id, cmd.return_id, cmd.amount, cmd.method, reason}};
}

order evolve(order s, const event& ev) {
  std::visit(
      [&](auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, order_placed>) {
          s.exists = true;
          s.id = e.id;
          s.customer_id = e.customer_id;
          s.status = "pending";
          s.lines = e.lines;
          s.currency = e.currency;
          s.subtotal = e.subtotal;
          s.total = e.total;
          s.requested_delivery_date = e.requested_delivery_date;
          s.template_id = e.template_id;
        } else if constexpr (std::is_same_v<T, order_advanced>) {
          s.status = e.status;
        } else if constexpr (std::is_same_v<T, order_cancelled>) {
          s.status = "cancelled";
        } else if constexpr (std::is_same_v<T, items_changed>) {
          s.lines = e.lines;
          s.subtotal = e.subtotal;
          s.total = e.total;
        } else if constexpr (std::is_same_v<T, delivery_date_changed>) {
          s.requested_delivery_date = e.requested_delivery_date;
        } else if constexpr (std::is_same_v<T, return_requested>) {
          s.returns.push_back({e.return_id, e.items, e.reason, "requested", false});
          s.last = e.return_id;
        } else if constexpr (std::is_same_v<T, return_approved>) {
          if (auto r = find_return_mut(s, e.return_id)) r->status = "approved";
          s.last = e.return_id;
        } else if constexpr (std::is_same_v<T, return_declined>) {
          if (auto r = find_return_mut(s, e.return_id)) r->status = "declined";
          s.last = e.return_id;
        } else if constexpr (std::is_same_v<T, return_received>) {
          if (auto r = find_return_mut(s, e.return_id)) {
            r->status = "received";
            r->restock = e.restock;
          }
          s.last = e.return_id;
        } else if constexpr (std::is_same_v<T, refund_issued>) {
          s.refunds.push_back({e.refund_id, e.return_id, e.method, e.reason, e.amount});
          s.refunded += e.amount.amount;
          if (!e.return_id.empty())
            if (auto r = find_return_mut(s, e.return_id)) r->status = "refunded";
          s.last = e.refund_id;
        }
        // address_changed, notes_changed: personal data stays out of the state.
      },
      ev);
  return s;
}

}  // namespace chronicle::orders
