#include "schemas/order_codec.hpp"

#include "domain/pii.hpp"
#include "schemas/detail/json_in.hpp"

namespace chronicle::schemas::order_codec {
namespace d = json::detail;
using namespace chronicle::orders;
using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

namespace {

error invalid(std::vector<field_error> errors) {
  return error::invalid("validation_failed", "the request body has invalid fields", std::move(errors));
}
error corrupt(const event_envelope& e, std::string what) {
  return error::make(errc::internal, "corrupt_event", e.type + " " + e.id + ": " + what);
}

std::string str(object o, std::string_view k) { return d::opt_string(o, k).value_or(""); }
std::optional<element> member(object o, std::string_view k) {
  element v;
  if (o[k].get(v)) return std::nullopt;
  return v;
}
std::int64_t int_of(object o, std::string_view k) {
  std::int64_t v = 0;
  if (auto m = member(o, k); m && !m->get(v)) return v;
  return 0;
}
bool flag(object o, std::string_view k) {
  bool b = false;
  if (auto m = member(o, k); m && !m->get(b)) return b;
  return false;
}
std::optional<double> number(object o, std::string_view k) {
  double x = 0;
  if (auto m = member(o, k); m && !m->get(x)) return x;
  return std::nullopt;
}
money money_of(object o, std::string_view k) {
  money m;
  object x;
  if (auto v = member(o, k); v && !v->get(x)) {
    m.amount = int_of(x, "amount");
    m.currency = str(x, "currency");
  }
  return m;
}
template <class F>
void each_object(object o, std::string_view k, F f) {
  array a;
  if (auto v = member(o, k); v && !v->get(a))
    for (element x : a) {
      object item;
      if (!x.get(item)) f(item);
    }
}

address address_of(object o) {
  address a;
  a.id = str(o, "source_address_id");
  a.label = str(o, "label");
  a.street = str(o, "street");
  a.city = str(o, "city");
  a.region = str(o, "region");
  a.postal_code = str(o, "postal_code");
  a.country = str(o, "country");
  a.latitude = number(o, "latitude");
  a.longitude = number(o, "longitude");
  a.delivery_instructions = str(o, "delivery_instructions");
  return a;
}
address erased_address() {
  address a;
  a.street = a.city = a.postal_code = std::string(erased_text);
  return a;
}

// The stored form: absent members are left out.
void address_fields(json::writer& w, const address& a) {
  w.field_if("source_address_id", a.id).field_if("label", a.label).key("street").value(a.street)
      .key("city").value(a.city).field_if("region", a.region).key("postal_code").value(a.postal_code)
      .key("country").value(a.country);
  if (a.latitude && a.longitude) w.key("latitude").value(*a.latitude).key("longitude").value(*a.longitude);
  w.field_if("delivery_instructions", a.delivery_instructions);
}

line line_of(object o) {
  return {str(o, "product_id"), str(o, "sku"), str(o, "name"), str(o, "unit"), int_of(o, "quantity"),
          money_of(o, "unit_price"), money_of(o, "line_total")};
}
std::vector<line> lines_of(object o) {
  std::vector<line> out;
  each_object(o, "lines", [&](object l) { out.push_back(line_of(l)); });
  return out;
}
std::vector<return_item> return_items_of(object o) {
  std::vector<return_item> out;
  each_object(o, "items", [&](object i) { out.push_back({str(i, "product_id"), int_of(i, "quantity")}); });
  return out;
}
void write_lines(json::writer& w, const std::vector<line>& lines) {
  w.key("lines").begin_array();
  for (auto& l : lines) write_line(w, l);
  w.end_array();
}
void write_return_items(json::writer& w, const std::vector<return_item>& items) {
  w.key("items").begin_array();
  for (auto& i : items) w.begin_object().key("product_id").value(i.product_id).key("quantity").value(i.quantity).end_object();
  w.end_array();
}

// ---- request helpers ----
const std::initializer_list<d::field> address_fields_in = {
    {"label", d::kind::string, true},       {"street", d::kind::string},
    {"city", d::kind::string},              {"region", d::kind::string, true},
    {"postal_code", d::kind::string},       {"country", d::kind::string},
    {"latitude", d::kind::number, true},    {"longitude", d::kind::number, true},
    {"delivery_instructions", d::kind::string, true}};

std::optional<address> parse_address_in(object parent, std::vector<field_error>& errors) {
  auto v = member(parent, "delivery_address");
  object o;
  if (!v || v->get(o)) return std::nullopt;
  d::check_fields(o, address_fields_in, errors, "delivery_address.");
  for (auto k : {"street", "city", "postal_code", "country"})
    if (!d::has(o, k))
      errors.push_back({"delivery_address." + std::string(k), "required", std::string(k) + " is required"});
  auto a = address_of(o);
  a.id.clear();
  return a;
}

// An array of {product_id, quantity}; field errors name "items[i].member".
template <class Item>
std::vector<Item> parse_items(object parent, std::vector<field_error>& errors) {
  std::vector<Item> out;
  array a;
  auto v = member(parent, "items");
  if (!v || v->get(a)) return out;
  std::size_t i = 0;
  for (element x : a) {
    std::string prefix = "items[" + std::to_string(i++) + "].";
    object o;
    if (x.get(o)) {
      errors.push_back({prefix.substr(0, prefix.size() - 1), "invalid_type", "an item is an object"});
      continue;
    }
    d::check_fields(o, {{"product_id", d::kind::string}, {"quantity", d::kind::integer}}, errors, prefix);
    for (auto k : {"product_id", "quantity"})
      if (!d::has(o, k)) errors.push_back({prefix + k, "required", std::string(k) + " is required"});
    std::int64_t q = 0;
    if (auto m = member(o, "quantity"); m && m->get(q)) {
      std::uint64_t big = 0;
      if (!m->get(big)) q = std::numeric_limits<std::int64_t>::max();
    }
    out.push_back({str(o, "product_id"), q});
  }
  return out;
}

result<object> body_object(std::string_view body) { return d::parse_object(body, d::thread_parser()); }

}  // namespace

void write_money(json::writer& w, std::string_view key, const money& m) {
  w.key(key).begin_object().key("amount").value(m.amount).key("currency").value(m.currency).end_object();
}
void write_line(json::writer& w, const line& l) {
  w.begin_object().key("product_id").value(l.product_id).key("sku").value(l.sku).key("name").value(l.name)
      .key("unit").value(l.unit).key("quantity").value(l.quantity);
  write_money(w, "unit_price", l.unit_price);
  write_money(w, "line_total", l.line_total);
  w.end_object();
}
void write_address(json::writer& w, std::string_view key, const address& a) {
  auto opt = [&](std::string_view k, const std::string& v) {
    w.key(k);
    if (v.empty()) w.null();
    else w.value(v);
  };
  w.key(key).begin_object();
  opt("label", a.label);
  w.key("street").value(a.street).key("city").value(a.city);
  opt("region", a.region);
  w.key("postal_code").value(a.postal_code).key("country").value(a.country);
  if (a.latitude && a.longitude) w.key("latitude").value(*a.latitude).key("longitude").value(*a.longitude);
  else w.key("latitude").null().key("longitude").null();
  opt("delivery_instructions", a.delivery_instructions);
  w.end_object();
}

// ---- request bodies ------------------------------------------------------------

result<place_body> parse_place(std::string_view body) {
  auto o = body_object(body);
  if (!o) return std::move(o).err();
  std::vector<field_error> errors;
  d::check_fields(*o,
                  {{"customer_id", d::kind::string},
                   {"items", d::kind::array},
                   {"delivery_address", d::kind::object, true},
                   {"requested_delivery_date", d::kind::string, true},
                   {"notes", d::kind::string, true}},
                  errors);
  for (auto k : {"customer_id", "items"})
    if (!d::has(*o, k)) errors.push_back({k, "required", std::string(k) + " is required"});
  place_body p;
  p.customer_id = str(*o, "customer_id");
  p.items = parse_items<item_input>(*o, errors);
  p.delivery_address = parse_address_in(*o, errors);
  if (d::has(*o, "requested_delivery_date") && !d::is_null(*o, "requested_delivery_date"))
    p.requested_delivery_date = str(*o, "requested_delivery_date");
  p.notes = str(*o, "notes");
  if (!errors.empty()) return invalid(std::move(errors));
  return p;
}

result<patch_body> parse_patch(std::string_view body) {
  auto o = body_object(body);
  if (!o) return std::move(o).err();
  std::vector<field_error> errors;
  d::check_fields(*o,
                  {{"items", d::kind::array},
                   {"delivery_address", d::kind::object},
                   {"requested_delivery_date", d::kind::string},
                   {"notes", d::kind::string, true}},
                  errors);
  patch_body p;
  if (d::has(*o, "items")) p.items = parse_items<item_input>(*o, errors);
  p.delivery_address = parse_address_in(*o, errors);
  p.requested_delivery_date = d::opt_string(*o, "requested_delivery_date");
  p.notes = d::opt_string(*o, "notes");
  if (errors.empty() && !p.items && !p.delivery_address && !p.requested_delivery_date && !p.notes)
    errors.push_back({"", "empty_patch", "give at least one of items, delivery_address, requested_delivery_date, notes"});
  if (!errors.empty()) return invalid(std::move(errors));
  return p;
}

result<bool> parse_empty(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return true;
  auto o = body_object(body);
  if (!o) return std::move(o).err();
  std::vector<field_error> errors;
  d::check_fields(*o, {}, errors);
  if (!errors.empty()) return invalid(std::move(errors));
  return true;
}

result<std::string> parse_transition(std::string_view body, bool with_reason) {
  if (!with_reason) {
    auto e = parse_empty(body);
    if (!e) return std::move(e).err();
    return std::string{};
  }
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return std::string{};
  auto o = body_object(body);
  if (!o) return std::move(o).err();
  std::vector<field_error> errors;
  d::check_fields(*o, {{"reason", d::kind::string, true}}, errors);
  if (!errors.empty()) return invalid(std::move(errors));
  return str(*o, "reason");
}

result<return_body> parse_return(std::string_view body) {
  auto o = body_object(body);
  if (!o) return std::move(o).err();
  std::vector<field_error> errors;
  d::check_fields(*o, {{"items", d::kind::array}, {"reason", d::kind::string}}, errors);
  for (auto k : {"items", "reason"})
    if (!d::has(*o, k)) errors.push_back({k, "required", std::string(k) + " is required"});
  return_body r;
  r.items = parse_items<return_item>(*o, errors);
  r.reason = str(*o, "reason");
  if (!errors.empty()) return invalid(std::move(errors));
  return r;
}

result<std::string> parse_decline(std::string_view body) {
  auto o = body_object(body);
  if (!o) return std::move(o).err();
  std::vector<field_error> errors;
  d::check_fields(*o, {{"reason", d::kind::string}}, errors);
  if (!d::has(*o, "reason")) errors.push_back({"reason", "required", "reason is required"});
  if (!errors.empty()) return invalid(std::move(errors));
  return str(*o, "reason");
}

result<bool> parse_receive(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return false;
  auto o = body_object(body);
  if (!o) return std::move(o).err();
  std::vector<field_error> errors;
  d::check_fields(*o, {{"restock", d::kind::boolean}}, errors);
  if (!errors.empty()) return invalid(std::move(errors));
  return flag(*o, "restock");
}

result<refund_body> parse_refund(std::string_view body) {
  auto o = body_object(body);
  if (!o) return std::move(o).err();
  std::vector<field_error> errors;
  d::check_fields(*o,
                  {{"amount", d::kind::object},
                   {"method", d::kind::string},
                   {"reason", d::kind::string, true},
                   {"return_id", d::kind::string, true}},
                  errors);
  for (auto k : {"amount", "method"})
    if (!d::has(*o, k)) errors.push_back({k, "required", std::string(k) + " is required"});
  refund_body r;
  object m;
  if (auto v = member(*o, "amount"); v && !v->get(m)) {
    d::check_fields(m, {{"amount", d::kind::integer}, {"currency", d::kind::string}}, errors, "amount.");
    for (auto k : {"amount", "currency"})
      if (!d::has(m, k)) errors.push_back({"amount." + std::string(k), "required", std::string(k) + " is required"});
    r.amount.amount = int_of(m, "amount");
    r.amount.currency = str(m, "currency");
  }
  r.method = str(*o, "method");
  r.reason = str(*o, "reason");
  r.return_id = str(*o, "return_id");
  if (!errors.empty()) return invalid(std::move(errors));
  return r;
}

// ---- events ----------------------------------------------------------------------

namespace {
constexpr std::string_view types[] = {
    "order.placed",          "order.confirmed",     "order.processing",        "order.ready",
    "order.dispatched",      "order.delivered",     "order.cancelled",         "order.items_changed",
    "order.address_changed", "order.notes_changed", "order.delivery_date_changed", "return.requested",
    "return.approved",       "return.declined",     "return.received",         "refund.issued"};
}

bool is_order_type(std::string_view type) noexcept {
  for (auto t : types)
    if (t == type) return true;
  return false;
}

encoded_event encode_event(const event& ev) {
  json::writer data, pii;
  encoded_event out;
  data.begin_object();
  pii.begin_object();
  std::visit(
      [&](auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, order_placed>) {
          out.type = "order.placed";
          out.subject = e.customer_id;
          data.key("id").value(e.id).key("customer_id").value(e.customer_id);
          write_lines(data, e.lines);
          data.key("requested_delivery_date").value(e.requested_delivery_date);
          write_money(data, "subtotal", {e.subtotal, e.currency});
          write_money(data, "total", {e.total, e.currency});
          data.key("currency").value(e.currency).field_if("template_id", e.template_id);
          pii.key("delivery_address").begin_object();
          address_fields(pii, e.delivery_address);
          pii.end_object().key("notes").value(e.notes);
        } else if constexpr (std::is_same_v<T, order_advanced>) {
          out.type = std::string(advanced_type(e.status));
          data.key("id").value(e.id).key("at").value(json::format_timestamp(e.at));
        } else if constexpr (std::is_same_v<T, order_cancelled>) {
          out.type = "order.cancelled";
          data.key("id").value(e.id).key("reason").value(e.reason).key("from_status").value(e.from_status);
        } else if constexpr (std::is_same_v<T, items_changed>) {
          out.type = "order.items_changed";
          data.key("id").value(e.id);
          write_lines(data, e.lines);
          auto currency = e.lines.empty() ? std::string() : e.lines.front().unit_price.currency;
          write_money(data, "subtotal", {e.subtotal, currency});
          write_money(data, "total", {e.total, currency});
        } else if constexpr (std::is_same_v<T, address_changed>) {
          out.type = "order.address_changed";
          out.subject = e.customer_id;
          data.key("id").value(e.id).key("customer_id").value(e.customer_id);
          pii.key("delivery_address").begin_object();
          address_fields(pii, e.delivery_address);
          pii.end_object();
        } else if constexpr (std::is_same_v<T, delivery_date_changed>) {
          out.type = "order.delivery_date_changed";
          data.key("id").value(e.id).key("requested_delivery_date").value(e.requested_delivery_date);
        } else if constexpr (std::is_same_v<T, notes_changed>) {
          out.type = "order.notes_changed";
          out.subject = e.customer_id;
          data.key("id").value(e.id).key("customer_id").value(e.customer_id);
          pii.key("notes").value(e.notes);
        } else if constexpr (std::is_same_v<T, return_requested>) {
          out.type = "return.requested";
          data.key("order_id").value(e.order_id).key("return_id").value(e.return_id);
          write_return_items(data, e.items);
          data.key("reason").value(e.reason);
        } else if constexpr (std::is_same_v<T, return_approved>) {
          out.type = "return.approved";
          data.key("order_id").value(e.order_id).key("return_id").value(e.return_id);
        } else if constexpr (std::is_same_v<T, return_declined>) {
          out.type = "return.declined";
          data.key("order_id").value(e.order_id).key("return_id").value(e.return_id).key("reason").value(e.reason);
        } else if constexpr (std::is_same_v<T, return_received>) {
          out.type = "return.received";
          data.key("order_id").value(e.order_id).key("return_id").value(e.return_id).key("restock").value(e.restock);
        } else if constexpr (std::is_same_v<T, refund_issued>) {
          out.type = "refund.issued";
          data.key("order_id").value(e.order_id).key("refund_id").value(e.refund_id).field_if("return_id", e.return_id);
          write_money(data, "amount", e.amount);
          data.key("method").value(e.method).key("reason").value(e.reason);
        }
      },
      ev);
  data.end_object();
  pii.end_object();
  out.data = data.take();
  out.pii = pii.take();
  if (out.pii == "{}") out.subject.clear();
  return out;
}

result<event> decode_event(const event_envelope& e) {
  if (e.schema_version != 1) return corrupt(e, "unknown schema version");
  auto& p = d::thread_parser();
  auto o = d::parse_object(e.data, p);
  if (!o) return corrupt(e, "data is not an object");
  auto id = str(*o, "id"), customer = str(*o, "customer_id");
  auto order_id = str(*o, "order_id"), return_id = str(*o, "return_id");
  const auto& t = e.type;
  // Everything in `data` is copied out before `pii` is parsed with the same parser.
  if (t == "order.placed" || t == "order.address_changed" || t == "order.notes_changed") {
    if (id.empty() || customer.empty()) return corrupt(e, "missing id or customer_id");
    order_placed placed;
    if (t == "order.placed") {
      placed.id = id;
      placed.customer_id = customer;
      placed.lines = lines_of(*o);
      placed.requested_delivery_date = str(*o, "requested_delivery_date");
      placed.subtotal = money_of(*o, "subtotal").amount;
      placed.total = money_of(*o, "total").amount;
      placed.currency = str(*o, "currency");
      placed.template_id = str(*o, "template_id");
      if (placed.lines.empty() || placed.currency.empty()) return corrupt(e, "missing lines or currency");
    }
    address a;
    std::string notes;
    if (e.pii == erased_pii) {
      a = erased_address();
      notes = std::string(erased_text);
    } else {
      auto q = d::parse_object(e.pii, p);
      if (!q) return corrupt(e, "pii is not an object");
      object ao;
      if (auto v = member(*q, "delivery_address"); v && !v->get(ao)) a = address_of(ao);
      notes = str(*q, "notes");
    }
    if (t == "order.placed") {
      placed.delivery_address = std::move(a);
      placed.notes = std::move(notes);
      return event{std::move(placed)};
    }
    if (t == "order.address_changed") return event{address_changed{id, customer, std::move(a)}};
    return event{notes_changed{id, customer, std::move(notes)}};
  }
  if (t == "order.confirmed" || t == "order.processing" || t == "order.ready" || t == "order.dispatched" ||
      t == "order.delivered") {
    std::int64_t at = 0;
    if (id.empty() || !json::parse_timestamp(str(*o, "at"), at)) return corrupt(e, "missing id or at");
    std::string status = t == "order.confirmed"    ? "confirmed"
                         : t == "order.processing" ? "processing"
                         : t == "order.ready"      ? "ready"
                         : t == "order.dispatched" ? "out_for_delivery"
                                                   : "delivered";
    return event{order_advanced{id, status, at}};
  }
  if (t == "order.cancelled") return event{order_cancelled{id, str(*o, "reason"), str(*o, "from_status")}};
  if (t == "order.items_changed") {
    auto lines = lines_of(*o);
    if (id.empty() || lines.empty()) return corrupt(e, "missing id or lines");
    return event{items_changed{id, std::move(lines), money_of(*o, "subtotal").amount, money_of(*o, "total").amount}};
  }
  if (t == "order.delivery_date_changed") return event{delivery_date_changed{id, str(*o, "requested_delivery_date")}};
  if (order_id.empty()) return corrupt(e, "missing order_id");
  if (t == "return.requested") return event{return_requested{order_id, return_id, return_items_of(*o), str(*o, "reason")}};
  if (t == "return.approved") return event{return_approved{order_id, return_id}};
  if (t == "return.declined") return event{return_declined{order_id, return_id, str(*o, "reason")}};
  if (t == "return.received") return event{return_received{order_id, return_id, flag(*o, "restock")}};
  if (t == "refund.issued")
    return event{refund_issued{order_id, str(*o, "refund_id"), return_id, money_of(*o, "amount"), str(*o, "method"),
                               str(*o, "reason")}};
  return corrupt(e, "unknown order event");
}

// ---- snapshot --------------------------------------------------------------------

std::string encode_state(const order& s) {
  if (!s.exists) return {};
  json::writer w;
  w.begin_object().key("id").value(s.id).key("customer_id").value(s.customer_id).key("status").value(s.status);
  write_lines(w, s.lines);
  w.key("currency").value(s.currency).key("subtotal").value(s.subtotal).key("total").value(s.total)
      .key("refunded").value(s.refunded).key("requested_delivery_date").value(s.requested_delivery_date)
      .key("template_id").value(s.template_id).key("last").value(s.last).key("returns").begin_array();
  for (auto& r : s.returns) {
    w.begin_object().key("id").value(r.id);
    write_return_items(w, r.items);
    w.key("reason").value(r.reason).key("status").value(r.status).key("restock").value(r.restock).end_object();
  }
  w.end_array().key("refunds").begin_array();
  for (auto& r : s.refunds) {
    w.begin_object().key("id").value(r.id).key("return_id").value(r.return_id).key("method").value(r.method)
        .key("reason").value(r.reason);
    write_money(w, "amount", r.amount);
    w.end_object();
  }
  w.end_array().end_object();
  return w.take();
}

result<order> decode_state(std::string_view text) {
  order s;
  if (text.empty()) return s;
  auto o = d::parse_object(text, d::thread_parser());
  if (!o) return error::make(errc::internal, "corrupt_snapshot", "order snapshot is not JSON");
  s.exists = true;
  s.id = str(*o, "id");
  s.customer_id = str(*o, "customer_id");
  s.status = str(*o, "status");
  s.lines = lines_of(*o);
  s.currency = str(*o, "currency");
  s.subtotal = int_of(*o, "subtotal");
  s.total = int_of(*o, "total");
  s.refunded = int_of(*o, "refunded");
  s.requested_delivery_date = str(*o, "requested_delivery_date");
  s.template_id = str(*o, "template_id");
  s.last = str(*o, "last");
  each_object(*o, "returns", [&](object r) {
    s.returns.push_back({str(r, "id"), return_items_of(r), str(r, "reason"), str(r, "status"), flag(r, "restock")});
  });
  each_object(*o, "refunds", [&](object r) {
    s.refunds.push_back({str(r, "id"), str(r, "return_id"), str(r, "method"), str(r, "reason"), money_of(r, "amount")});
  });
  return s;
}

}  // namespace chronicle::schemas::order_codec

// ---- documents -------------------------------------------------------------------

namespace chronicle::schemas::order_codec {
namespace {
void opt(json::writer& w, std::string_view k, const std::string& v) {
  w.key(k);
  if (v.empty()) w.null();
  else w.value(v);
}
void opt_time(json::writer& w, std::string_view k, std::int64_t us) {
  w.key(k);
  if (us == 0) w.null();
  else w.value(json::format_timestamp(us));
}
bool time_of(object o, std::string_view k, std::int64_t& us) {
  auto s = d::opt_string(o, k);
  us = 0;
  if (!s || s->empty()) return true;
  return json::parse_timestamp(*s, us);
}
error corrupt_doc(std::string what) { return error::make(errc::internal, "corrupt_view", "orders view: " + what); }

void write_return_body(json::writer& w, const return_doc& r) {
  w.key("id").value(r.id).key("status").value(r.status);
  write_return_items(w, r.items);
  w.key("reason").value(r.reason);
  opt(w, "decline_reason", r.decline_reason);
  w.key("restock").value(r.restock);
  opt_time(w, "requested_at", r.requested_at);
  opt_time(w, "approved_at", r.approved_at);
  opt_time(w, "declined_at", r.declined_at);
  opt_time(w, "received_at", r.received_at);
  opt_time(w, "refunded_at", r.refunded_at);
}
return_doc return_doc_of(object r) {
  return_doc x;
  x.id = str(r, "id");
  x.status = str(r, "status");
  x.items = return_items_of(r);
  x.reason = str(r, "reason");
  x.decline_reason = str(r, "decline_reason");
  x.restock = flag(r, "restock");
  time_of(r, "requested_at", x.requested_at);
  time_of(r, "approved_at", x.approved_at);
  time_of(r, "declined_at", x.declined_at);
  time_of(r, "received_at", x.received_at);
  time_of(r, "refunded_at", x.refunded_at);
  return x;
}
}  // namespace

std::size_t stamp_of(std::string_view status) {
  if (status == "confirmed") return 1;
  if (status == "processing") return 2;
  if (status == "ready") return 3;
  if (status == "out_for_delivery") return 4;
  if (status == "delivered") return 5;
  if (status == "cancelled") return 6;
  return 0;
}

std::string render(const order_doc& o) {
  json::writer w;
  w.begin_object().key("id").value(o.id).key("customer_id").value(o.customer_id).key("status").value(o.status);
  write_lines(w, o.lines);
  write_money(w, "subtotal", {o.subtotal, o.currency});
  write_money(w, "total", {o.total, o.currency});
  write_money(w, "refunded", {o.refunded, o.currency});
  w.key("currency").value(o.currency);
  write_address(w, "delivery_address", o.delivery_address);
  w.key("requested_delivery_date").value(o.requested_delivery_date);
  opt(w, "notes", o.notes);
  opt(w, "template_id", o.template_id);
  opt(w, "cancel_reason", o.cancel_reason);
  w.key("timestamps").begin_object();
  for (std::size_t i = 0; i < 7; ++i) opt_time(w, stamp_names[i], o.at[i]);
  w.end_object().key("returns").begin_array();
  for (auto& r : o.returns) {
    w.begin_object();
    write_return_body(w, r);
    w.end_object();
  }
  w.end_array().key("refunds").begin_array();
  for (auto& r : o.refunds) {
    w.begin_object().key("id").value(r.id);
    opt(w, "return_id", r.return_id);
    write_money(w, "amount", r.amount);
    w.key("method").value(r.method).key("reason").value(r.reason)
        .key("issued_at").value(json::format_timestamp(r.issued_at)).end_object();
  }
  w.end_array().key("history").begin_array();
  for (auto& h : o.history)
    w.begin_object().key("at").value(json::format_timestamp(h.at)).key("type").value(h.type)
        .key("actor").value(h.actor).key("summary").value(h.summary).key("details").raw(h.details.empty() ? "{}" : h.details)
        .end_object();
  w.end_array().key("version").value(o.version).key("created_at").value(json::format_timestamp(o.at[0]))
      .key("updated_at").value(json::format_timestamp(o.updated_at)).end_object();
  return w.take();
}

std::string render_return(const order_doc& o, const return_doc& r) {
  json::writer w;
  w.begin_object();
  write_return_body(w, r);
  w.key("order_id").value(o.id).key("customer_id").value(o.customer_id).key("refunds").begin_array();
  for (auto& f : o.refunds)
    if (f.return_id == r.id) {
      w.begin_object().key("id").value(f.id);
      write_money(w, "amount", f.amount);
      w.key("method").value(f.method).key("issued_at").value(json::format_timestamp(f.issued_at)).end_object();
    }
  w.end_array().key("order_version").value(o.version).end_object();
  return w.take();
}

result<order_doc> parse_order_doc(std::string_view text) {
  auto o = d::parse_object(text, d::thread_parser());
  if (!o) return corrupt_doc("an order is not JSON");
  order_doc x;
  x.id = str(*o, "id");
  x.customer_id = str(*o, "customer_id");
  x.status = str(*o, "status");
  x.lines = lines_of(*o);
  x.subtotal = money_of(*o, "subtotal").amount;
  x.total = money_of(*o, "total").amount;
  x.refunded = money_of(*o, "refunded").amount;
  x.currency = str(*o, "currency");
  object a;
  if (auto v = member(*o, "delivery_address"); v && !v->get(a)) x.delivery_address = address_of(a);
  x.requested_delivery_date = str(*o, "requested_delivery_date");
  x.notes = str(*o, "notes");
  x.template_id = str(*o, "template_id");
  x.cancel_reason = str(*o, "cancel_reason");
  object ts;
  if (auto v = member(*o, "timestamps"); v && !v->get(ts))
    for (std::size_t i = 0; i < 7; ++i)
      if (!time_of(ts, stamp_names[i], x.at[i])) return corrupt_doc("bad timestamp");
  each_object(*o, "returns", [&](object r) { x.returns.push_back(return_doc_of(r)); });
  each_object(*o, "refunds", [&](object r) {
    refund_doc f{str(r, "id"), str(r, "return_id"), str(r, "method"), str(r, "reason"), money_of(r, "amount"), 0};
    time_of(r, "issued_at", f.issued_at);
    x.refunds.push_back(std::move(f));
  });
  each_object(*o, "history", [&](object h) {
    history_entry e;
    time_of(h, "at", e.at);
    e.type = str(h, "type");
    e.actor = str(h, "actor");
    e.summary = str(h, "summary");
    if (auto v = member(h, "details")) e.details = simdjson::minify(*v);
    x.history.push_back(std::move(e));
  });
  std::uint64_t version = 0;
  if (auto v = member(*o, "version"); v && !v->get(version)) x.version = version;
  if (!time_of(*o, "updated_at", x.updated_at)) return corrupt_doc("bad updated_at");
  if (x.id.empty()) return corrupt_doc("an order without id");
  return x;
}

}  // namespace chronicle::schemas::order_codec
