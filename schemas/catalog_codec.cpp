#include "schemas/catalog_codec.hpp"

#include "schemas/detail/json_in.hpp"
#include "schemas/json_writer.hpp"

namespace chronicle::schemas::catalog_codec {
namespace d = json::detail;
using namespace chronicle::products;
using simdjson::dom::element;
using simdjson::dom::object;

namespace {

error invalid(std::vector<field_error> errors) {
  return error::invalid("validation_failed", "the request body has invalid fields", std::move(errors));
}
error corrupt(const event_envelope& e, std::string what) {
  return error::make(errc::internal, "corrupt_event", e.type + " " + e.id + ": " + what);
}

std::optional<element> member(object o, std::string_view key) {
  element v;
  if (o.at_key(key).get(v) || v.is_null()) return std::nullopt;
  return v;
}

// An integer member; a value beyond the signed 64-bit range is a field error.
std::optional<std::int64_t> integer(object o, std::string_view key, const std::string& path,
                                    std::vector<field_error>& errors) {
  auto v = member(o, key);
  if (!v) return std::nullopt;
  std::int64_t n = 0;
  if (v->type() == simdjson::dom::element_type::UINT64) {
    errors.push_back({path, "too_large", path + " is too large"});
    return std::nullopt;
  }
  if (v->get(n)) return std::nullopt;  // a wrong type is reported by check_fields
  return n;
}

std::optional<money> parse_money(object o, std::string_view key, std::vector<field_error>& errors) {
  auto v = member(o, key);
  object m;
  if (!v || v->get(m)) return std::nullopt;
  std::string prefix = std::string(key) + ".";
  auto before = errors.size();
  d::check_fields(m, {{"amount", d::kind::integer}, {"currency", d::kind::string}}, errors, prefix);
  if (!d::has(m, "amount")) errors.push_back({prefix + "amount", "required", "amount is required (minor units)"});
  if (!d::has(m, "currency")) errors.push_back({prefix + "currency", "required", "currency is required (ISO 4217)"});
  auto amount = integer(m, "amount", prefix + "amount", errors);
  if (errors.size() != before) return std::nullopt;
  return money{amount.value_or(0), d::opt_string(m, "currency").value_or("")};
}

std::vector<window> parse_windows(element v, std::vector<field_error>& errors) {
  std::vector<window> out;
  simdjson::dom::array a;
  if (v.get(a)) return out;
  std::size_t i = 0;
  for (element x : a) {
    std::string prefix = "unavailable[" + std::to_string(i++) + "].";
    object w;
    if (x.get(w)) {
      errors.push_back({prefix.substr(0, prefix.size() - 1), "invalid_type", "must be an object {from, to}"});
      continue;
    }
    d::check_fields(w, {{"from", d::kind::string}, {"to", d::kind::string}}, errors, prefix);
    if (!d::has(w, "from")) errors.push_back({prefix + "from", "required", "from is required (MM-DD)"});
    if (!d::has(w, "to")) errors.push_back({prefix + "to", "required", "to is required (MM-DD)"});
    out.push_back({d::opt_string(w, "from").value_or(""), d::opt_string(w, "to").value_or("")});
  }
  return out;
}

void write_money(json::writer& w, const money& m) {
  w.begin_object().key("amount").value(m.amount).key("currency").value(m.currency).end_object();
}
void write_windows(json::writer& w, const std::vector<window>& ws) {
  w.begin_array();
  for (auto& x : ws) w.begin_object().key("from").value(x.from).key("to").value(x.to).end_object();
  w.end_array();
}

bool read_money(object o, std::string_view key, money& out) {
  auto v = member(o, key);
  object m;
  if (!v || v->get(m)) return false;
  if (m["amount"].get(out.amount)) return false;
  std::string_view c;
  if (m["currency"].get(c)) return false;
  out.currency = std::string(c);
  return true;
}
std::optional<std::vector<window>> read_windows(object o, std::string_view key) {
  auto v = member(o, key);
  simdjson::dom::array a;
  if (!v || v->get(a)) return std::nullopt;
  std::vector<window> out;
  for (element x : a) {
    object w;
    if (x.get(w)) continue;
    out.push_back({d::opt_string(w, "from").value_or(""), d::opt_string(w, "to").value_or("")});
  }
  return out;
}
std::int64_t read_int(object o, std::string_view key) {
  std::int64_t n = 0;
  if (o[key].get(n)) return 0;
  return n;
}

}  // namespace

result<create_product> parse_create(std::string_view body) {
  auto obj = d::parse_object(body, d::thread_parser());
  if (!obj) return std::move(obj).err();
  std::vector<field_error> errors;
  d::check_fields(*obj,
                  {{"sku", d::kind::string},
                   {"name", d::kind::string},
                   {"unit", d::kind::string},
                   {"price", d::kind::object},
                   {"active", d::kind::boolean},
                   {"unavailable", d::kind::array, true},
                   {"description", d::kind::string, true}},
                  errors);
  for (auto k : {"sku", "name", "unit", "price"})
    if (!d::has(*obj, k)) errors.push_back({k, "required", std::string(k) + " is required"});
  create_product c;
  if (auto p = parse_money(*obj, "price", errors)) c.price = *p;
  if (auto v = member(*obj, "unavailable")) c.unavailable = parse_windows(*v, errors);
  if (!errors.empty()) return invalid(std::move(errors));
  c.sku = d::opt_string(*obj, "sku").value_or("");
  c.name = d::opt_string(*obj, "name").value_or("");
  c.unit = d::opt_string(*obj, "unit").value_or("");
  bool active = true;
  if (auto v = member(*obj, "active"); v && !v->get(active)) c.active = active;
  c.description = d::opt_string(*obj, "description");
  return c;
}

result<update_product> parse_update(std::string_view body) {
  auto obj = d::parse_object(body, d::thread_parser());
  if (!obj) return std::move(obj).err();
  std::vector<field_error> errors;
  if (d::has(*obj, "sku")) errors.push_back({"sku", "immutable", "the SKU of a product cannot change"});
  for (auto k : {"id", "stock"})
    if (d::has(*obj, k)) errors.push_back({k, "read_only", std::string(k) + " cannot be changed through PATCH"});
  // Fields reported above are passed as `any` so they are not reported twice.
  d::check_fields(*obj,
                  {{"name", d::kind::string},
                   {"unit", d::kind::string},
                   {"price", d::kind::object},
                   {"active", d::kind::boolean},
                   {"unavailable", d::kind::array, true},
                   {"description", d::kind::string, true},
                   {"sku", d::kind::any, true},
                   {"id", d::kind::any, true},
                   {"stock", d::kind::any, true}},
                  errors);
  update_product u;
  u.price = parse_money(*obj, "price", errors);
  if (auto v = member(*obj, "unavailable")) u.unavailable = parse_windows(*v, errors);
  else if (d::is_null(*obj, "unavailable")) u.unavailable = std::vector<window>{};
  if (!errors.empty()) return invalid(std::move(errors));
  u.name = d::opt_string(*obj, "name");
  u.unit = d::opt_string(*obj, "unit");
  u.description = d::opt_string(*obj, "description");
  if (auto v = member(*obj, "active")) {
    bool b = true;
    if (!v->get(b)) u.active = b;
  }
  return u;
}

result<stock_command> parse_stock(std::string_view body) {
  auto obj = d::parse_object(body, d::thread_parser());
  if (!obj) return std::move(obj).err();
  std::vector<field_error> errors;
  d::check_fields(*obj, {{"action", d::kind::string}, {"quantity", d::kind::integer}, {"reason", d::kind::string, true}},
                  errors);
  auto action = d::opt_string(*obj, "action");
  if (!action) errors.push_back({"action", "required", "action is required: receive or adjust"});
  else if (*action != "receive" && *action != "adjust" && d::has(*obj, "action"))
    errors.push_back({"action", "invalid_value", "action must be receive or adjust"});
  if (!d::has(*obj, "quantity")) errors.push_back({"quantity", "required", "quantity is required"});
  auto quantity = integer(*obj, "quantity", "quantity", errors);
  auto reason = d::opt_string(*obj, "reason");
  if (action && *action == "adjust" && (!reason || reason->empty()))
    errors.push_back({"reason", "required", "an adjustment needs a reason"});
  if (!errors.empty()) return invalid(std::move(errors));
  if (*action == "receive") return stock_command{receive_stock{"", quantity.value_or(0), reason}};
  return stock_command{adjust_stock{"", quantity.value_or(0), reason.value_or("")}};
}

encoded_event encode_event(const event& e) {
  json::writer w;
  encoded_event out;
  std::visit(
      [&](const auto& ev) {
        using T = std::decay_t<decltype(ev)>;
        w.begin_object();
        if constexpr (std::is_same_v<T, product_created>) {
          out.type = "product.created";
          w.key("id").value(ev.id).key("sku").value(ev.sku).key("name").value(ev.name).key("unit").value(ev.unit)
              .key("price");
          write_money(w, ev.price);
          w.key("active").value(ev.active).key("unavailable");
          write_windows(w, ev.unavailable);
          w.field_if("description", ev.description);
        } else if constexpr (std::is_same_v<T, product_updated>) {
          out.type = "product.updated";
          w.key("id").value(ev.id);
          if (ev.name) w.key("name").value(*ev.name);
          if (ev.unit) w.key("unit").value(*ev.unit);
          if (ev.price) {
            w.key("price");
            write_money(w, *ev.price);
          }
          if (ev.active) w.key("active").value(*ev.active);
          if (ev.unavailable) {
            w.key("unavailable");
            write_windows(w, *ev.unavailable);
          }
          if (ev.description) {
            w.key("description");
            if (ev.description->empty()) w.null();
            else w.value(*ev.description);
          }
        } else if constexpr (std::is_same_v<T, stock_received>) {
          out.type = "stock.received";
          w.key("product_id").value(ev.product_id).key("quantity").value(ev.quantity).field_if("reason", ev.reason);
        } else if constexpr (std::is_same_v<T, stock_adjusted>) {
          out.type = "stock.adjusted";
          w.key("product_id").value(ev.product_id).key("delta").value(ev.delta).key("reason").value(ev.reason);
        } else if constexpr (std::is_same_v<T, stock_reserved>) {
          out.type = "stock.reserved";
          w.key("product_id").value(ev.product_id).key("order_id").value(ev.order_id)
              .key("quantity").value(ev.quantity).key("unit_price");
          write_money(w, ev.unit_price);
        } else if constexpr (std::is_same_v<T, stock_released>) {
          out.type = "stock.released";
          w.key("product_id").value(ev.product_id).key("order_id").value(ev.order_id)
              .key("quantity").value(ev.quantity);
        } else if constexpr (std::is_same_v<T, stock_committed>) {
          out.type = "stock.committed";
          w.key("product_id").value(ev.product_id).key("order_id").value(ev.order_id)
              .key("quantity").value(ev.quantity);
        } else if constexpr (std::is_same_v<T, stock_restocked>) {
          out.type = "stock.restocked";
          w.key("product_id").value(ev.product_id).key("order_id").value(ev.order_id)
              .key("return_id").value(ev.return_id).key("quantity").value(ev.quantity);
        }
        w.end_object();
      },
      e);
  out.data = w.take();
  out.pii = "{}";
  return out;
}

result<event> decode_event(const event_envelope& e) {
  if (e.schema_version != 1) return corrupt(e, "unknown schema version");
  auto o = d::parse_object(e.data, d::thread_parser());
  if (!o) return corrupt(e, "data is not an object");
  if (e.type == "product.created" || e.type == "product.updated") {
    auto id = d::opt_string(*o, "id");
    if (!id || id->empty()) return corrupt(e, "missing id");
    if (e.type == "product.created") {
      product_created c;
      c.id = *id;
      auto sku = d::opt_string(*o, "sku"), name = d::opt_string(*o, "name"), unit = d::opt_string(*o, "unit");
      if (!sku || !name || !unit || !read_money(*o, "price", c.price)) return corrupt(e, "missing fields");
      c.sku = *sku;
      c.name = *name;
      c.unit = *unit;
      bool active = true;
      if (!(*o)["active"].get(active)) c.active = active;
      c.unavailable = read_windows(*o, "unavailable").value_or(std::vector<window>{});
      c.description = d::opt_string(*o, "description").value_or("");
      return event{std::move(c)};
    }
    product_updated u;
    u.id = *id;
    u.name = d::opt_string(*o, "name");
    u.unit = d::opt_string(*o, "unit");
    u.description = d::opt_string(*o, "description");
    money m;
    if (read_money(*o, "price", m)) u.price = m;
    bool active = true;
    if (!(*o)["active"].get(active)) u.active = active;
    u.unavailable = read_windows(*o, "unavailable");
    return event{std::move(u)};
  }
  auto pid = d::opt_string(*o, "product_id");
  if (!pid || pid->empty()) return corrupt(e, "missing product_id");
  auto order = d::opt_string(*o, "order_id").value_or("");
  auto quantity = read_int(*o, "quantity");
  if (e.type == "stock.received") return event{stock_received{*pid, quantity, d::opt_string(*o, "reason").value_or("")}};
  if (e.type == "stock.adjusted")
    return event{stock_adjusted{*pid, read_int(*o, "delta"), d::opt_string(*o, "reason").value_or("")}};
  if (order.empty()) return corrupt(e, "missing order_id");
  if (e.type == "stock.reserved") {
    stock_reserved r{*pid, order, quantity, {}};
    if (!read_money(*o, "unit_price", r.unit_price)) return corrupt(e, "missing unit_price");
    return event{std::move(r)};
  }
  if (e.type == "stock.released") return event{stock_released{*pid, order, quantity}};
  if (e.type == "stock.committed") return event{stock_committed{*pid, order, quantity}};
  if (e.type == "stock.restocked")
    return event{stock_restocked{*pid, order, d::opt_string(*o, "return_id").value_or(""), quantity}};
  return corrupt(e, "unknown catalog event");
}

std::string encode_state(const product& p) {
  if (!p.exists) return {};
  json::writer w;
  w.begin_object().key("id").value(p.id).key("sku").value(p.sku).key("name").value(p.name)
      .key("unit").value(p.unit).key("description").value(p.description).key("price");
  write_money(w, p.price);
  w.key("active").value(p.active).key("unavailable");
  write_windows(w, p.unavailable);
  w.key("on_hand").value(p.on_hand).key("reservations").value(p.reservations.records());
  w.key("restocked_returns").begin_array();
  for (auto& r : p.restocked_returns) w.value(r);
  w.end_array().key("created_at").value(p.created_at).key("updated_at").value(p.updated_at).end_object();
  return w.take();
}

result<product> decode_state(std::string_view text) {
  product p;
  if (text.empty()) return p;
  auto o = d::parse_object(text, d::thread_parser());
  if (!o) return error::make(errc::internal, "corrupt_snapshot", "product snapshot is not JSON");
  p.exists = true;
  p.id = d::opt_string(*o, "id").value_or("");
  p.sku = d::opt_string(*o, "sku").value_or("");
  p.name = d::opt_string(*o, "name").value_or("");
  p.unit = d::opt_string(*o, "unit").value_or("");
  p.description = d::opt_string(*o, "description").value_or("");
  (void)read_money(*o, "price", p.price);
  bool active = true;
  if (!(*o)["active"].get(active)) p.active = active;
  p.unavailable = read_windows(*o, "unavailable").value_or(std::vector<window>{});
  p.on_hand = read_int(*o, "on_hand");
  // The ledger's records; an object {order: quantity} in snapshots written
  // before the ledger.
  std::string_view ledger;
  object res;
  if (!(*o)["reservations"].get(ledger)) {
    if (!p.reservations.assign(ledger))
      return error::make(errc::internal, "corrupt_snapshot", "product snapshot has malformed reservations");
  } else if (!(*o)["reservations"].get(res)) {
    for (auto [k, v] : res) {
      std::int64_t q = 0;
      if (!v.get(q)) p.reservations.set(k, q);
    }
  }
  simdjson::dom::array rs;
  if (!(*o)["restocked_returns"].get(rs))
    for (element x : rs) {
      std::string_view s;
      if (!x.get(s)) p.restocked_returns.emplace(s);
    }
  p.created_at = read_int(*o, "created_at");
  p.updated_at = read_int(*o, "updated_at");
  return p;
}

std::string render_money(const money& m) {
  json::writer w;
  write_money(w, m);
  return w.take();
}

std::string render(const product& p, std::uint64_t version) {
  json::writer w;
  w.begin_object().key("id").value(p.id).key("sku").value(p.sku).key("name").value(p.name)
      .key("unit").value(p.unit).key("description");
  if (p.description.empty()) w.null();
  else w.value(p.description);
  w.key("price");
  write_money(w, p.price);
  w.key("active").value(p.active).key("unavailable");
  write_windows(w, p.unavailable);
  w.key("stock").begin_object().key("on_hand").value(p.on_hand).key("reserved").value(p.reserved())
      .key("available").value(p.available()).end_object();
  w.key("created_at").value(json::format_timestamp(p.created_at))
      .key("updated_at").value(json::format_timestamp(p.updated_at))
      .key("version").value(version)
      .end_object();
  return w.take();
}

}  // namespace chronicle::schemas::catalog_codec
