#include "schemas/customer_codec.hpp"

#include "domain/pii.hpp"
#include "schemas/detail/json_in.hpp"
#include "schemas/json_writer.hpp"

namespace chronicle::schemas::customer_codec {
namespace d = json::detail;
using namespace chronicle::customers;
using simdjson::dom::element;
using simdjson::dom::object;

namespace {
constexpr std::string_view registered_type = "customer.registered";
constexpr std::string_view updated_type = "customer.updated";
constexpr std::string_view preferences_type = "customer.preferences_updated";
constexpr std::string_view address_added_type = "customer.address_added";
constexpr std::string_view address_updated_type = "customer.address_updated";
constexpr std::string_view address_removed_type = "customer.address_removed";
constexpr std::string_view default_address_type = "customer.default_address_changed";
constexpr std::string_view tagged_type = "customer.tagged";
constexpr std::string_view untagged_type = "customer.untagged";
constexpr std::string_view deactivated_type = "customer.deactivated";
constexpr std::string_view reactivated_type = "customer.reactivated";
constexpr std::string_view erased_type = "subject.erased";

// ---- reading ----------------------------------------------------------------

std::optional<element> member(object o, std::string_view k) {
  element v;
  if (o.at_key(k).get(v) || v.is_null()) return std::nullopt;
  return v;
}
std::string str(object o, std::string_view k) { return d::opt_string(o, k).value_or(""); }
bool flag(object o, std::string_view k) {
  bool b = false;
  if (auto v = member(o, k); v && !v->get(b)) return b;
  return false;
}
std::optional<double> number(object o, std::string_view k) {
  double x;
  if (auto v = member(o, k); v && !v->get(x)) return x;
  return std::nullopt;
}
std::vector<std::string> strings(object o, std::string_view k) {
  std::vector<std::string> out;
  simdjson::dom::array a;
  if (auto v = member(o, k); v && !v->get(a))
    for (element x : a) {
      std::string_view s;
      if (!x.get(s)) out.emplace_back(s);
    }
  return out;
}
template <class F>
void each_object(object o, std::string_view k, F f) {
  simdjson::dom::array a;
  if (auto v = member(o, k); v && !v->get(a))
    for (element x : a) {
      object item;
      if (!x.get(item)) f(item);
    }
}

address address_of(object o) {
  address a;
  a.id = str(o, "id");
  a.label = str(o, "label");
  a.street = str(o, "street");
  a.city = str(o, "city");
  a.region = str(o, "region");
  a.postal_code = str(o, "postal_code");
  a.country = str(o, "country");
  a.latitude = number(o, "latitude");
  a.longitude = number(o, "longitude");
  a.delivery_instructions = str(o, "delivery_instructions");
  a.is_default = flag(o, "default");
  return a;
}
std::vector<email_entry> emails_of(object o, std::string_view k) {
  std::vector<email_entry> out;
  each_object(o, k, [&](object e) { out.push_back({str(e, "address"), str(e, "label"), flag(e, "primary")}); });
  return out;
}
std::vector<phone_entry> phones_of(object o, std::string_view k) {
  std::vector<phone_entry> out;
  each_object(o, k, [&](object e) { out.push_back({str(e, "number"), str(e, "label"), flag(e, "primary")}); });
  return out;
}
preferences prefs_of(object o) {
  preferences p;
  p.product_interests = strings(o, "product_interests");
  p.delivery_days = strings(o, "delivery_days");
  p.packaging = strings(o, "packaging");
  p.channels = strings(o, "channels");
  object w;
  if (auto v = member(o, "delivery_window"); v && !v->get(w)) p.window = delivery_window{str(w, "from"), str(w, "to")};
  p.preferred_contact = str(o, "preferred_contact");
  p.language = str(o, "language");
  return p;
}
std::optional<acquisition> acquisition_of(object o) {
  object a;
  if (auto v = member(o, "acquisition"); v && !v->get(a)) return acquisition{str(a, "date"), str(a, "source")};
  return std::nullopt;
}

// ---- writing ----------------------------------------------------------------

// "key": value, or "key": null when empty.
void text_or_null(json::writer& w, std::string_view k, const std::string& v) {
  w.key(k);
  if (v.empty()) w.null();
  else w.value(v);
}
// For clearing fields in an update: an empty string is written as null.
void nullable(json::writer& w, std::string_view k, const std::optional<std::string>& v) {
  if (v) text_or_null(w, k, *v);
}
void string_list(json::writer& w, std::string_view k, const std::vector<std::string>& v) {
  w.key(k).begin_array();
  for (auto& s : v) w.value(s);
  w.end_array();
}
// In events: absent optional members; in resources: null ones.
void write_emails(json::writer& w, std::string_view k, const std::vector<email_entry>& v, bool resource) {
  w.key(k).begin_array();
  for (auto& e : v) {
    w.begin_object().key("address").value(e.address);
    if (resource) text_or_null(w, "label", e.label);
    else w.field_if("label", e.label);
    w.key("primary").value(e.primary).end_object();
  }
  w.end_array();
}
void write_phones(json::writer& w, std::string_view k, const std::vector<phone_entry>& v, bool resource) {
  w.key(k).begin_array();
  for (auto& p : v) {
    w.begin_object().key("number").value(p.number);
    if (resource) text_or_null(w, "label", p.label);
    else w.field_if("label", p.label);
    w.key("primary").value(p.primary).end_object();
  }
  w.end_array();
}
// The fields of an address; `with_id_default` for snapshots and resources.
void address_fields(json::writer& w, const address& a, bool resource, bool with_id_default) {
  if (with_id_default) w.key("id").value(a.id);
  w.key("label").value(a.label).key("street").value(a.street).key("city").value(a.city);
  if (resource) text_or_null(w, "region", a.region);
  else w.field_if("region", a.region);
  w.key("postal_code").value(a.postal_code).key("country").value(a.country);
  if (a.latitude && a.longitude) w.key("latitude").value(*a.latitude).key("longitude").value(*a.longitude);
  else if (resource) w.key("latitude").null().key("longitude").null();
  if (resource) text_or_null(w, "delivery_instructions", a.delivery_instructions);
  else w.field_if("delivery_instructions", a.delivery_instructions);
  if (with_id_default) w.key("default").value(a.is_default);
}
void write_addresses(json::writer& w, std::string_view k, const std::vector<address>& v, bool resource) {
  w.key(k).begin_array();
  for (auto& a : v) {
    w.begin_object();
    address_fields(w, a, resource, true);
    w.end_object();
  }
  w.end_array();
}
void write_prefs(json::writer& w, std::string_view k, const preferences& p) {
  w.key(k).begin_object();
  string_list(w, "product_interests", p.product_interests);
  string_list(w, "delivery_days", p.delivery_days);
  w.key("delivery_window");
  if (p.window) w.begin_object().key("from").value(p.window->from).key("to").value(p.window->to).end_object();
  else w.null();
  string_list(w, "packaging", p.packaging);
  text_or_null(w, "preferred_contact", p.preferred_contact);
  string_list(w, "channels", p.channels);
  text_or_null(w, "language", p.language);
  w.end_object();
}
void write_acquisition(json::writer& w, const std::optional<acquisition>& a) {
  w.key("acquisition");
  if (a) w.begin_object().key("date").value(a->date).key("source").value(a->source).end_object();
  else w.null();
}

// ---- request bodies -----------------------------------------------------------

error invalid_body(std::vector<field_error> errors) {
  return error::invalid("validation_failed", "the request body has invalid fields", std::move(errors));
}

std::string at(std::string_view list, std::size_t i) { return std::string(list) + "[" + std::to_string(i) + "]"; }


// Calls f(object, "<list>[i].") for each member of an array of objects.
template <class F>
void object_array(element v, const std::string& path, std::vector<field_error>& errors, F f) {
  simdjson::dom::array a;
  if (v.get(a)) return;
  std::size_t i = 0;
  for (element x : a) {
    object o;
    if (x.get(o)) errors.push_back({at(path, i), "invalid_type", "must be an object"});
    else f(o, at(path, i) + ".");
    ++i;
  }
}

void require(object o, std::string_view key, const std::string& prefix, std::vector<field_error>& errors) {
  if (!d::has(o, key)) errors.push_back({prefix + std::string(key), "required", std::string(key) + " is required"});
}

std::vector<email_input> parse_emails(element v, std::vector<field_error>& errors) {
  std::vector<email_input> out;
  object_array(v, "emails", errors, [&](object o, const std::string& p) {
    d::check_fields(o, {{"address", d::kind::string}, {"label", d::kind::string, true}, {"primary", d::kind::boolean}},
                    errors, p);
    require(o, "address", p, errors);
    out.push_back({str(o, "address"), str(o, "label"), flag(o, "primary")});
  });
  return out;
}
std::vector<phone_input> parse_phones(element v, std::vector<field_error>& errors) {
  std::vector<phone_input> out;
  object_array(v, "phones", errors, [&](object o, const std::string& p) {
    d::check_fields(o, {{"number", d::kind::string}, {"label", d::kind::string, true}, {"primary", d::kind::boolean}},
                    errors, p);
    require(o, "number", p, errors);
    out.push_back({str(o, "number"), str(o, "label"), flag(o, "primary")});
  });
  return out;
}

void check_address_fields(object o, const std::string& prefix, std::vector<field_error>& errors) {
  d::check_fields(o,
                  {{"label", d::kind::string},
                   {"street", d::kind::string},
                   {"city", d::kind::string},
                   {"region", d::kind::string, true},
                   {"postal_code", d::kind::string},
                   {"country", d::kind::string},
                   {"latitude", d::kind::number, true},
                   {"longitude", d::kind::number, true},
                   {"delivery_instructions", d::kind::string, true},
                   {"default", d::kind::boolean}},
                  errors, prefix);
}

address parse_address_object(object o, const std::string& prefix, std::vector<field_error>& errors) {
  check_address_fields(o, prefix, errors);
  for (auto k : {"label", "street", "city", "postal_code", "country"}) require(o, k, prefix, errors);
  return address_of(o);
}

preferences_patch parse_prefs(element v, std::vector<field_error>& errors) {
  preferences_patch p;
  object o;
  if (v.get(o)) return p;
  const std::string prefix = "preferences.";
  d::check_fields(o,
                  {{"product_interests", d::kind::array},
                   {"delivery_days", d::kind::array},
                   {"delivery_window", d::kind::object, true},
                   {"packaging", d::kind::array},
                   {"preferred_contact", d::kind::string, true},
                   {"channels", d::kind::array},
                   {"language", d::kind::string, true}},
                  errors, prefix);
  auto list = [&](std::string_view k, std::optional<std::vector<std::string>>& out) {
    if (auto x = member(o, k)) out = d::string_array(*x, prefix + std::string(k), errors);
  };
  list("product_interests", p.product_interests);
  list("delivery_days", p.delivery_days);
  list("packaging", p.packaging);
  list("channels", p.channels);
  if (d::has(o, "delivery_window")) {
    p.window = delivery_window{};
    object w;
    if (auto x = member(o, "delivery_window"); x && !x->get(w)) {
      std::string wp = prefix + "delivery_window.";
      d::check_fields(w, {{"from", d::kind::string}, {"to", d::kind::string}}, errors, wp);
      require(w, "from", wp, errors);
      require(w, "to", wp, errors);
      p.window = delivery_window{str(w, "from"), str(w, "to")};
      // Empty times would read as "clear"; only null clears.
      for (auto [k, v] : {std::pair{"from", &p.window->from}, std::pair{"to", &p.window->to}})
        if (d::has(w, k) && v->empty()) errors.push_back({wp + k, "invalid_format", "HH:MM, 00:00 to 23:59"});
    }
  }
  p.preferred_contact = d::opt_string(o, "preferred_contact");
  p.language = d::opt_string(o, "language");
  return p;
}

std::optional<acquisition> parse_acquisition(object body, std::vector<field_error>& errors) {
  if (!d::has(body, "acquisition")) return std::nullopt;
  object a;
  if (auto x = member(body, "acquisition"); x && !x->get(a)) {
    d::check_fields(a, {{"date", d::kind::string}, {"source", d::kind::string}}, errors, "acquisition.");
    require(a, "date", "acquisition.", errors);
    require(a, "source", "acquisition.", errors);
    acquisition out{str(a, "date"), str(a, "source")};
    // Empty values would read as "clear"; only null clears.
    if (d::has(a, "date") && out.date.empty())
      errors.push_back({"acquisition.date", "invalid_format", "a real date, YYYY-MM-DD"});
    if (d::has(a, "source") && out.source.empty())
      errors.push_back({"acquisition.source", "invalid_format", "1 to 40 of a-z, 0-9, _ and -"});
    return out;
  }
  return acquisition{};  // null: clear
}

}  // namespace

result<register_customer> parse_register(std::string_view body) {
  auto obj = d::parse_object(body, d::thread_parser());
  if (!obj) return std::move(obj).err();
  std::vector<field_error> errors;
  d::check_fields(*obj,
                  {{"first_name", d::kind::string, true},
                   {"last_name", d::kind::string, true},
                   {"company", d::kind::string, true},
                   {"type", d::kind::string, true},
                   {"date_of_birth", d::kind::string, true},
                   {"acquisition", d::kind::object, true},
                   {"status", d::kind::string},
                   {"lifecycle_stage", d::kind::string},
                   {"marketing_opt_in", d::kind::boolean},
                   {"emails", d::kind::array},
                   {"phones", d::kind::array},
                   {"addresses", d::kind::array},
                   {"preferences", d::kind::object},
                   {"tag_ids", d::kind::array}},
                  errors);
  register_customer c;
  c.first_name = d::opt_string(*obj, "first_name");
  c.last_name = d::opt_string(*obj, "last_name");
  c.company = d::opt_string(*obj, "company");
  c.type = d::opt_string(*obj, "type");
  c.date_of_birth = d::opt_string(*obj, "date_of_birth");
  c.status = d::opt_string(*obj, "status");
  c.lifecycle_stage = d::opt_string(*obj, "lifecycle_stage");
  if (auto a = parse_acquisition(*obj, errors); a && !a->date.empty()) c.acquired = a;
  if (d::has(*obj, "marketing_opt_in")) c.marketing_opt_in = flag(*obj, "marketing_opt_in");
  if (auto v = member(*obj, "emails")) c.emails = parse_emails(*v, errors);
  if (auto v = member(*obj, "phones")) c.phones = parse_phones(*v, errors);
  if (auto v = member(*obj, "addresses"))
    object_array(*v, "addresses", errors,
                 [&](object o, const std::string& p) { c.addresses.push_back(parse_address_object(o, p, errors)); });
  if (auto v = member(*obj, "preferences")) c.prefs = parse_prefs(*v, errors);
  if (auto v = member(*obj, "tag_ids")) c.tag_ids = d::string_array(*v, "tag_ids", errors);
  if (!errors.empty()) return invalid_body(std::move(errors));
  return c;
}

result<update_customer> parse_update(std::string_view body) {
  auto obj = d::parse_object(body, d::thread_parser());
  if (!obj) return std::move(obj).err();
  std::vector<field_error> errors;
  d::check_fields(*obj,
                  {{"first_name", d::kind::string, true},
                   {"last_name", d::kind::string, true},
                   {"company", d::kind::string, true},
                   {"type", d::kind::string, true},
                   {"date_of_birth", d::kind::string, true},
                   {"acquisition", d::kind::object, true},
                   {"status", d::kind::string},
                   {"lifecycle_stage", d::kind::string},
                   {"marketing_opt_in", d::kind::boolean},
                   {"emails", d::kind::array, true},
                   {"phones", d::kind::array, true},
                   {"preferences", d::kind::object}},
                  errors);
  update_customer c;
  c.first_name = d::opt_string(*obj, "first_name");
  c.last_name = d::opt_string(*obj, "last_name");
  c.company = d::opt_string(*obj, "company");
  c.type = d::opt_string(*obj, "type");
  c.date_of_birth = d::opt_string(*obj, "date_of_birth");
  c.status = d::opt_string(*obj, "status");
  c.lifecycle_stage = d::opt_string(*obj, "lifecycle_stage");
  c.acquired = parse_acquisition(*obj, errors);
  if (d::has(*obj, "marketing_opt_in")) c.marketing_opt_in = flag(*obj, "marketing_opt_in");
  if (d::has(*obj, "emails")) {
    c.emails.emplace();
    if (auto v = member(*obj, "emails")) c.emails = parse_emails(*v, errors);
  }
  if (d::has(*obj, "phones")) {
    c.phones.emplace();
    if (auto v = member(*obj, "phones")) c.phones = parse_phones(*v, errors);
  }
  if (auto v = member(*obj, "preferences")) c.prefs = parse_prefs(*v, errors);
  if (!errors.empty()) return invalid_body(std::move(errors));
  return c;
}

result<address> parse_address(std::string_view body) {
  auto obj = d::parse_object(body, d::thread_parser());
  if (!obj) return std::move(obj).err();
  std::vector<field_error> errors;
  auto a = parse_address_object(*obj, "", errors);
  if (!errors.empty()) return invalid_body(std::move(errors));
  return a;
}

result<address_patch> parse_address_patch(std::string_view body) {
  auto obj = d::parse_object(body, d::thread_parser());
  if (!obj) return std::move(obj).err();
  std::vector<field_error> errors;
  check_address_fields(*obj, "", errors);
  address_patch p;
  p.label = d::opt_string(*obj, "label");
  p.street = d::opt_string(*obj, "street");
  p.city = d::opt_string(*obj, "city");
  p.region = d::opt_string(*obj, "region");
  p.postal_code = d::opt_string(*obj, "postal_code");
  p.country = d::opt_string(*obj, "country");
  p.delivery_instructions = d::opt_string(*obj, "delivery_instructions");
  if (d::has(*obj, "latitude")) p.latitude = number(*obj, "latitude");
  if (d::has(*obj, "longitude")) p.longitude = number(*obj, "longitude");
  if (d::has(*obj, "default")) p.is_default = flag(*obj, "default");
  if (!errors.empty()) return invalid_body(std::move(errors));
  return p;
}

result<std::vector<std::string>> parse_tag_ids(std::string_view body) {
  auto obj = d::parse_object(body, d::thread_parser());
  if (!obj) return std::move(obj).err();
  std::vector<field_error> errors;
  d::check_fields(*obj, {{"tag_ids", d::kind::array}}, errors);
  require(*obj, "tag_ids", "", errors);
  std::vector<std::string> ids;
  if (auto v = member(*obj, "tag_ids")) ids = d::string_array(*v, "tag_ids", errors);
  if (!errors.empty()) return invalid_body(std::move(errors));
  return ids;
}

// ---- events ---------------------------------------------------------------------

encoded_event encode_event(const event& e) {
  json::writer data, pii;
  encoded_event out;
  out.subject = std::visit([](auto& x) { return x.id; }, e);
  data.begin_object().key("customer_id").value(out.subject);
  pii.begin_object();
  std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, customer_registered>) {
          out.type = registered_type;
          out.schema_version = 2;
          data.field_if("type", x.type).key("status").value(x.status).key("lifecycle_stage").value(x.lifecycle_stage);
          data.key("marketing_opt_in").value(x.marketing_opt_in);
          if (x.acquired) write_acquisition(data, x.acquired);
          write_prefs(data, "preferences", x.prefs);
          string_list(data, "tag_ids", x.tag_ids);
          pii.field_if("first_name", x.first_name).field_if("last_name", x.last_name).field_if("company", x.company);
          pii.field_if("date_of_birth", x.date_of_birth);
          write_emails(pii, "emails", x.emails, false);
          write_phones(pii, "phones", x.phones, false);
          write_addresses(pii, "addresses", x.addresses, false);
        } else if constexpr (std::is_same_v<T, customer_updated>) {
          out.type = updated_type;
          out.schema_version = 2;
          nullable(data, "type", x.type);
          nullable(data, "status", x.status);
          nullable(data, "lifecycle_stage", x.lifecycle_stage);
          if (x.marketing_opt_in) data.key("marketing_opt_in").value(*x.marketing_opt_in);
          if (x.acquired) write_acquisition(data, *x.acquired);
          nullable(pii, "first_name", x.first_name);
          nullable(pii, "last_name", x.last_name);
          nullable(pii, "company", x.company);
          nullable(pii, "date_of_birth", x.date_of_birth);
          if (x.emails) write_emails(pii, "emails", *x.emails, false);
          if (x.phones) write_phones(pii, "phones", *x.phones, false);
        } else if constexpr (std::is_same_v<T, preferences_updated>) {
          out.type = preferences_type;
          write_prefs(data, "preferences", x.prefs);
        } else if constexpr (std::is_same_v<T, address_added>) {
          out.type = address_added_type;
          data.key("address_id").value(x.addr.id).key("default").value(x.addr.is_default);
          address_fields(pii, x.addr, false, false);
        } else if constexpr (std::is_same_v<T, address_updated>) {
          out.type = address_updated_type;
          data.key("address_id").value(x.addr.id);
          address_fields(pii, x.addr, false, false);
        } else if constexpr (std::is_same_v<T, address_removed>) {
          out.type = address_removed_type;
          data.key("address_id").value(x.address_id);
        } else if constexpr (std::is_same_v<T, default_address_changed>) {
          out.type = default_address_type;
          data.key("address_id").value(x.address_id);
        } else if constexpr (std::is_same_v<T, customer_tagged>) {
          out.type = tagged_type;
          string_list(data, "tag_ids", x.tag_ids);
        } else if constexpr (std::is_same_v<T, customer_untagged>) {
          out.type = untagged_type;
          string_list(data, "tag_ids", x.tag_ids);
        } else if constexpr (std::is_same_v<T, customer_deactivated>) {
          out.type = deactivated_type;
        } else if constexpr (std::is_same_v<T, customer_reactivated>) {
          out.type = reactivated_type;
        } else if constexpr (std::is_same_v<T, subject_erased>) {
          out.type = erased_type;
          data.key("subject").value(x.id);
        }
      },
      e);
  data.end_object();
  pii.end_object();
  out.data = data.take();
  out.pii = pii.take();
  if (out.pii == "{}") out.subject.clear();  // nothing personal to seal
  return out;
}

result<event> decode_event(const event_envelope& e) {
  auto bad = [&](std::string what) {
    return error::make(errc::internal, "corrupt_event", e.type + " " + e.id + ": " + what);
  };
  bool v2 = e.type == registered_type || e.type == updated_type;
  if (e.schema_version != 1 && !(v2 && e.schema_version == 2)) return bad("unknown schema version");
  // data and pii are parsed one after the other: copy out of data before the next parse.
  auto& p = d::thread_parser();
  auto dobj = d::parse_object(e.data, p);
  if (!dobj) return bad("data is not an object");
  auto id = d::opt_string(*dobj, "customer_id");
  if (!id || id->empty()) return bad("missing customer_id");
  auto address_id = str(*dobj, "address_id");
  if (e.type == erased_type) return event{subject_erased{*id}};
  if (e.type == preferences_type) {
    object po;
    auto pr = member(*dobj, "preferences");
    if (!pr || pr->get(po)) return bad("missing preferences");
    return event{preferences_updated{*id, prefs_of(po)}};
  }
  if (e.type == address_removed_type) return event{address_removed{*id, address_id}};
  if (e.type == default_address_type) return event{default_address_changed{*id, address_id}};
  if (e.type == tagged_type) return event{customer_tagged{*id, strings(*dobj, "tag_ids")}};
  if (e.type == untagged_type) return event{customer_untagged{*id, strings(*dobj, "tag_ids")}};
  if (e.type == deactivated_type) return event{customer_deactivated{*id}};
  if (e.type == reactivated_type) return event{customer_reactivated{*id}};

  // Events with personal data: read what data holds first.
  bool erased = e.pii == erased_pii;
  if (e.type == registered_type) {
    customer_registered r;
    r.id = *id;
    if (e.schema_version == 1) {
      // v1: company in data, name/email/phone in pii; the name becomes first_name.
      r.company = str(*dobj, "company");
      auto pobj = d::parse_object(erased ? std::string_view("{}") : std::string_view(e.pii), p);
      if (!pobj) return bad("pii is not an object");
      r.first_name = erased ? std::string(erased_text) : str(*pobj, "name");
      if (!erased && r.first_name.empty()) return bad("missing name");
      if (auto em = str(*pobj, "email"); !em.empty()) r.emails.push_back({em, "", true});
      if (auto ph = str(*pobj, "phone"); !ph.empty()) r.phones.push_back({ph, "", true});
      return event{std::move(r)};
    }
    r.type = str(*dobj, "type");
    r.status = str(*dobj, "status");
    r.lifecycle_stage = str(*dobj, "lifecycle_stage");
    r.marketing_opt_in = flag(*dobj, "marketing_opt_in");
    r.acquired = acquisition_of(*dobj);
    if (auto pr = member(*dobj, "preferences")) {
      object po;
      if (!pr->get(po)) r.prefs = prefs_of(po);
    }
    r.tag_ids = strings(*dobj, "tag_ids");
    if (erased) {
      r.first_name = std::string(erased_text);
      return event{std::move(r)};
    }
    auto pobj = d::parse_object(e.pii, p);
    if (!pobj) return bad("pii is not an object");
    r.first_name = str(*pobj, "first_name");
    r.last_name = str(*pobj, "last_name");
    r.company = str(*pobj, "company");
    r.date_of_birth = str(*pobj, "date_of_birth");
    r.emails = emails_of(*pobj, "emails");
    r.phones = phones_of(*pobj, "phones");
    each_object(*pobj, "addresses", [&](object a) { r.addresses.push_back(address_of(a)); });
    return event{std::move(r)};
  }
  if (e.type == updated_type) {
    customer_updated u;
    u.id = *id;
    if (e.schema_version == 1) {
      if (d::has(*dobj, "company")) u.company = str(*dobj, "company");
      if (erased) return event{std::move(u)};
      auto pobj = d::parse_object(e.pii, p);
      if (!pobj) return bad("pii is not an object");
      if (d::has(*pobj, "name")) u.first_name = str(*pobj, "name");
      if (d::has(*pobj, "email")) {
        u.emails.emplace();
        if (auto em = str(*pobj, "email"); !em.empty()) u.emails->push_back({em, "", true});
      }
      if (d::has(*pobj, "phone")) {
        u.phones.emplace();
        if (auto ph = str(*pobj, "phone"); !ph.empty()) u.phones->push_back({ph, "", true});
      }
      return event{std::move(u)};
    }
    if (d::has(*dobj, "type")) u.type = str(*dobj, "type");
    if (d::has(*dobj, "status")) u.status = str(*dobj, "status");
    if (d::has(*dobj, "lifecycle_stage")) u.lifecycle_stage = str(*dobj, "lifecycle_stage");
    if (d::has(*dobj, "marketing_opt_in")) u.marketing_opt_in = flag(*dobj, "marketing_opt_in");
    if (d::has(*dobj, "acquisition")) u.acquired = acquisition_of(*dobj);
    if (erased) return event{std::move(u)};
    auto pobj = d::parse_object(e.pii, p);
    if (!pobj) return bad("pii is not an object");
    for (auto [k, field] : {std::pair{"first_name", &u.first_name}, std::pair{"last_name", &u.last_name},
                            std::pair{"company", &u.company}, std::pair{"date_of_birth", &u.date_of_birth}})
      if (d::has(*pobj, k)) *field = str(*pobj, k);
    if (d::has(*pobj, "emails")) u.emails = emails_of(*pobj, "emails");
    if (d::has(*pobj, "phones")) u.phones = phones_of(*pobj, "phones");
    return event{std::move(u)};
  }
  if (e.type == address_added_type || e.type == address_updated_type) {
    bool is_default = flag(*dobj, "default");
    address a;
    if (erased) {
      a.label = a.street = a.city = a.postal_code = std::string(erased_text);
    } else {
      auto pobj = d::parse_object(e.pii, p);
      if (!pobj) return bad("pii is not an object");
      a = address_of(*pobj);
    }
    a.id = address_id;
    a.is_default = is_default;
    if (a.id.empty()) return bad("missing address_id");
    if (e.type == address_added_type) return event{address_added{*id, std::move(a)}};
    return event{address_updated{*id, std::move(a)}};
  }
  return bad("unknown event type");
}

// ---- snapshots and resources ------------------------------------------------------

std::string encode_state(const customer& c) {
  json::writer w;
  w.begin_object()
      .key("id").value(c.id)
      .key("first_name").value(c.first_name)
      .key("last_name").value(c.last_name)
      .key("company").value(c.company)
      .key("type").value(c.type)
      .key("date_of_birth").value(c.date_of_birth);
  if (c.acquired) write_acquisition(w, c.acquired);
  w.key("status").value(c.status).key("lifecycle_stage").value(c.lifecycle_stage);
  w.key("marketing_opt_in").value(c.marketing_opt_in).key("active").value(c.active);
  write_emails(w, "emails", c.emails, false);
  write_phones(w, "phones", c.phones, false);
  write_addresses(w, "addresses", c.addresses, false);
  write_prefs(w, "preferences", c.prefs);
  string_list(w, "tags", c.tags);
  w.key("created_at").value(c.created_at).key("updated_at").value(c.updated_at);
  if (c.erased) w.key("erased").value(true);
  w.end_object();
  return w.take();
}

result<customer> decode_state(std::string_view text) {
  customer c;
  if (text.empty()) return c;
  auto obj = d::parse_object(text, d::thread_parser());
  if (!obj) return error::make(errc::internal, "corrupt_snapshot", "customer snapshot is not JSON");
  c.exists = true;
  c.id = str(*obj, "id");
  c.first_name = d::has(*obj, "first_name") ? str(*obj, "first_name") : str(*obj, "name");  // v1 snapshots
  c.last_name = str(*obj, "last_name");
  c.company = str(*obj, "company");
  c.type = str(*obj, "type");
  c.date_of_birth = str(*obj, "date_of_birth");
  c.acquired = acquisition_of(*obj);
  if (d::has(*obj, "status")) c.status = str(*obj, "status");
  if (d::has(*obj, "lifecycle_stage")) c.lifecycle_stage = str(*obj, "lifecycle_stage");
  c.marketing_opt_in = flag(*obj, "marketing_opt_in");
  c.active = !d::has(*obj, "active") || flag(*obj, "active");
  if (d::has(*obj, "emails")) c.emails = emails_of(*obj, "emails");
  else if (auto em = str(*obj, "email"); !em.empty()) c.emails.push_back({em, "", true});
  if (d::has(*obj, "phones")) c.phones = phones_of(*obj, "phones");
  else if (auto ph = str(*obj, "phone"); !ph.empty()) c.phones.push_back({ph, "", true});
  each_object(*obj, "addresses", [&](object a) { c.addresses.push_back(address_of(a)); });
  object po;
  if (auto pr = member(*obj, "preferences"); pr && !pr->get(po)) c.prefs = prefs_of(po);
  c.tags = strings(*obj, "tags");
  if ((*obj)["created_at"].get(c.created_at)) c.created_at = 0;
  if ((*obj)["updated_at"].get(c.updated_at)) c.updated_at = 0;
  c.erased = flag(*obj, "erased");
  return c;
}

std::string render_address(const address& a, std::optional<std::uint64_t> version) {
  json::writer w;
  w.begin_object();
  address_fields(w, a, true, true);
  if (version) w.key("version").value(*version);
  w.end_object();
  return w.take();
}

std::string render_addresses(const customer& c) {
  json::writer w;
  w.begin_object();
  write_addresses(w, "items", c.addresses, true);
  w.end_object();
  return w.take();
}

std::string render(const customer& c, std::uint64_t version) {
  json::writer w;
  w.begin_object().key("id").value(c.id).key("display_name").value(c.display_name());
  text_or_null(w, "first_name", c.first_name);
  text_or_null(w, "last_name", c.last_name);
  text_or_null(w, "company", c.company);
  text_or_null(w, "type", c.type);
  text_or_null(w, "date_of_birth", c.date_of_birth);
  if (c.erased) {
    w.key("email").value(erased_text).key("phone").value(erased_text);
  } else {
    auto* e = c.primary_email();
    auto* p = c.primary_phone();
    text_or_null(w, "email", e ? e->address : std::string());
    text_or_null(w, "phone", p ? p->number : std::string());
  }
  write_emails(w, "emails", c.emails, true);
  write_phones(w, "phones", c.phones, true);
  write_addresses(w, "addresses", c.addresses, true);
  write_prefs(w, "preferences", c.prefs);
  string_list(w, "tags", c.tags);
  w.key("status").value(c.status).key("lifecycle_stage").value(c.lifecycle_stage);
  w.key("marketing_opt_in").value(c.marketing_opt_in);
  write_acquisition(w, c.acquired);
  w.key("active").value(c.active).key("erased").value(c.erased);
  w.key("created_at").value(json::format_timestamp(c.created_at))
      .key("updated_at").value(json::format_timestamp(c.updated_at))
      .key("version").value(version)
      .end_object();
  return w.take();
}

}  // namespace chronicle::schemas::customer_codec
