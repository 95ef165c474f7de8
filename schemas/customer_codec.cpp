#include "schemas/customer_codec.hpp"

#include "domain/pii.hpp"
#include "schemas/detail/json_in.hpp"
#include "schemas/json_writer.hpp"

namespace chronicle::schemas::customer_codec {
namespace d = json::detail;
using namespace chronicle::customers;

namespace {
constexpr std::string_view registered_type = "customer.registered";
constexpr std::string_view updated_type = "customer.updated";
constexpr std::string_view erased_type = "subject.erased";

// For clearing fields: an empty string is written as null.
void nullable(json::writer& w, std::string_view k, const std::optional<std::string>& v) {
  if (!v) return;
  w.key(k);
  if (v->empty()) w.null();
  else w.value(*v);
}
}  // namespace

result<register_customer> parse_register(std::string_view body) {
  auto obj = d::parse_object(body, d::thread_parser());
  if (!obj) return std::move(obj).err();
  std::vector<field_error> errors;
  d::check_fields(*obj,
                  {{"name", d::kind::string},
                   {"company", d::kind::string, true},
                   {"email", d::kind::string, true},
                   {"phone", d::kind::string, true}},
                  errors);
  if (!d::has(*obj, "name")) errors.push_back({"name", "required", "name is required"});
  if (!errors.empty()) return error::invalid("validation_failed", "the request body has invalid fields", errors);
  register_customer c;
  c.name = d::opt_string(*obj, "name").value_or("");
  c.company = d::opt_string(*obj, "company");
  c.email = d::opt_string(*obj, "email");
  c.phone = d::opt_string(*obj, "phone");
  return c;
}

result<update_customer> parse_update(std::string_view body) {
  auto obj = d::parse_object(body, d::thread_parser());
  if (!obj) return std::move(obj).err();
  std::vector<field_error> errors;
  d::check_fields(*obj,
                  {{"name", d::kind::string},
                   {"company", d::kind::string, true},
                   {"email", d::kind::string, true},
                   {"phone", d::kind::string, true}},
                  errors);
  if (!errors.empty()) return error::invalid("validation_failed", "the request body has invalid fields", errors);
  update_customer c;
  c.name = d::opt_string(*obj, "name");
  c.company = d::opt_string(*obj, "company");
  c.email = d::opt_string(*obj, "email");
  c.phone = d::opt_string(*obj, "phone");
  return c;
}

encoded_event encode_event(const event& e) {
  json::writer data, pii;
  encoded_event out;
  if (auto* r = std::get_if<customer_registered>(&e)) {
    out.type = registered_type;
    data.begin_object().key("customer_id").value(r->id).field_if("company", r->company).end_object();
    pii.begin_object().key("name").value(r->name).field_if("email", r->email).field_if("phone", r->phone).end_object();
    out.subject = r->id;
  } else if (auto* x = std::get_if<subject_erased>(&e)) {
    out.type = erased_type;
    data.begin_object().key("customer_id").value(x->id).key("subject").value(x->id).end_object();
    pii.begin_object().end_object();
  } else {
    auto& u = std::get<customer_updated>(e);
    out.type = updated_type;
    out.subject = u.id;
    data.begin_object().key("customer_id").value(u.id);
    nullable(data, "company", u.company);
    data.end_object();
    pii.begin_object();
    if (u.name) pii.key("name").value(*u.name);
    nullable(pii, "email", u.email);
    nullable(pii, "phone", u.phone);
    pii.end_object();
  }
  out.data = data.take();
  out.pii = pii.take();
  return out;
}

result<event> decode_event(const event_envelope& e) {
  auto bad = [&](std::string what) {
    return error::make(errc::internal, "corrupt_event", e.type + " " + e.id + ": " + what);
  };
  if (e.schema_version != 1) return bad("unknown schema version");
  // data and pii are parsed one after the other: copy out before the next parse.
  auto& p = d::thread_parser();
  auto dobj = d::parse_object(e.data, p);
  if (!dobj) return bad("data is not an object");
  auto id = d::opt_string(*dobj, "customer_id");
  auto company = d::opt_string(*dobj, "company");
  bool has_company = d::has(*dobj, "company");
  if (!id || id->empty()) return bad("missing customer_id");
  if (e.type == erased_type) return event{subject_erased{*id}};
  if (e.pii == erased_pii) {
    // The subject's key is gone: personal fields read as "[erased]".
    if (e.type == registered_type)
      return event{customer_registered{*id, std::string(erased_text), company.value_or(""), "", ""}};
    if (e.type == updated_type) {
      customer_updated u{*id, {}, {}, {}, {}};
      if (has_company) u.company = company;
      return event{std::move(u)};
    }
  }
  auto pobj = d::parse_object(e.pii, p);
  if (!pobj) return bad("pii is not an object");
  if (e.type == registered_type) {
    auto name = d::opt_string(*pobj, "name");
    if (!name) return bad("missing name");
    return event{customer_registered{*id, *name, company.value_or(""),
                                     d::opt_string(*pobj, "email").value_or(""),
                                     d::opt_string(*pobj, "phone").value_or("")}};
  }
  if (e.type == updated_type) {
    customer_updated u{*id, {}, {}, {}, {}};
    u.name = d::opt_string(*pobj, "name");
    if (has_company) u.company = company;
    u.email = d::opt_string(*pobj, "email");
    u.phone = d::opt_string(*pobj, "phone");
    return event{std::move(u)};
  }
  return bad("unknown event type");
}

std::string encode_state(const customer& c) {
  json::writer w;
  w.begin_object()
      .key("id").value(c.id)
      .key("name").value(c.name)
      .key("company").value(c.company)
      .key("email").value(c.email)
      .key("phone").value(c.phone)
      .key("created_at").value(c.created_at)
      .key("updated_at").value(c.updated_at);
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
  c.id = d::opt_string(*obj, "id").value_or("");
  c.name = d::opt_string(*obj, "name").value_or("");
  c.company = d::opt_string(*obj, "company").value_or("");
  c.email = d::opt_string(*obj, "email").value_or("");
  c.phone = d::opt_string(*obj, "phone").value_or("");
  if ((*obj)["created_at"].get(c.created_at)) c.created_at = 0;
  if ((*obj)["updated_at"].get(c.updated_at)) c.updated_at = 0;
  bool erased = false;
  if (!(*obj)["erased"].get(erased)) c.erased = erased;
  return c;
}

std::string render(const customer& c, std::uint64_t version) {
  json::writer w;
  w.begin_object().key("id").value(c.id).key("name").value(c.name);
  auto opt = [&](std::string_view k, const std::string& v) {
    w.key(k);
    if (v.empty()) w.null();
    else w.value(v);
  };
  opt("company", c.company);
  if (c.erased) {
    w.key("email").value(erased_text).key("phone").value(erased_text);
  } else {
    opt("email", c.email);
    opt("phone", c.phone);
  }
  w.key("erased").value(c.erased);
  w.key("created_at").value(json::format_timestamp(c.created_at))
      .key("updated_at").value(json::format_timestamp(c.updated_at))
      .key("version").value(version)
      .end_object();
  return w.take();
}

}  // namespace chronicle::schemas::customer_codec
