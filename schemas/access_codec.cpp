#include "schemas/access_codec.hpp"

#include "schemas/detail/json_in.hpp"
#include "schemas/json_writer.hpp"

namespace chronicle::schemas::access_codec {
namespace d = json::detail;
using namespace chronicle::access;

namespace {
std::string str(simdjson::dom::object o, std::string_view k) { return d::opt_string(o, k).value_or(""); }
}  // namespace

encoded_event encode_event(const event& e) {
  json::writer w;
  encoded_event out;
  if (auto* t = std::get_if<tenant_created>(&e)) {
    out.type = "tenant.created";
    out.schema_version = 2;
    w.begin_object().key("tenant_id").value(t->id).key("name").value(t->name)
        .key("default_country").value(t->default_country).end_object();
  } else if (auto* k = std::get_if<api_key_issued>(&e)) {
    out.type = "api_key.issued";
    w.begin_object()
        .key("key_id").value(k->id)
        .key("tenant_id").value(k->tenant)
        .key("role").value(role_name(k->role))
        .field_if("customer_id", k->customer_id)
        .key("secret_hash").value(k->secret_hash)
        .field_if("label", k->label)
        .end_object();
  } else {
    out.type = "api_key.revoked";
    w.begin_object().key("key_id").value(std::get<api_key_revoked>(e).id).end_object();
  }
  out.data = w.take();
  out.pii = "{}";
  return out;
}

result<event> decode_event(const event_envelope& e) {
  auto o = d::parse_object(e.data, d::thread_parser());
  if (!o) return error::make(errc::internal, "corrupt_event", e.type + " " + e.id + ": data is not an object");
  // tenant.created v1 has no default country: those tenants were US.
  if (e.type == "tenant.created")
    return event{tenant_created{str(*o, "tenant_id"), str(*o, "name"),
                                e.schema_version >= 2 ? str(*o, "default_country") : std::string("US")}};
  if (e.type == "api_key.issued") {
    auto r = parse_role(str(*o, "role"));
    if (!r) return error::make(errc::internal, "corrupt_event", "api_key.issued with an unknown role");
    return event{api_key_issued{str(*o, "key_id"), str(*o, "tenant_id"), str(*o, "customer_id"),
                                str(*o, "secret_hash"), str(*o, "label"), *r}};
  }
  if (e.type == "api_key.revoked") return event{api_key_revoked{str(*o, "key_id")}};
  return error::make(errc::internal, "corrupt_event", "unknown access event " + e.type);
}

std::string encode_tenant(const tenant& t) {
  if (!t.exists) return {};
  json::writer w;
  w.begin_object().key("id").value(t.id).key("name").value(t.name).key("default_country").value(t.default_country).end_object();
  return w.take();
}

result<tenant> decode_tenant(std::string_view json) {
  tenant t;
  if (json.empty()) return t;
  auto o = d::parse_object(json, d::thread_parser());
  if (!o) return error::make(errc::internal, "corrupt_snapshot", "tenant snapshot is not JSON");
  t.exists = true;
  t.id = str(*o, "id");
  t.name = str(*o, "name");
  if (auto c = str(*o, "default_country"); !c.empty()) t.default_country = c;
  return t;
}

std::string encode_key(const api_key& k) {
  if (!k.exists) return {};
  json::writer w;
  w.begin_object()
      .key("id").value(k.id)
      .key("tenant").value(k.tenant)
      .key("role").value(role_name(k.role))
      .key("customer_id").value(k.customer_id)
      .key("secret_hash").value(k.secret_hash)
      .key("label").value(k.label)
      .key("revoked").value(k.revoked)
      .key("created_at").value(k.created_at)
      .key("revoked_at").value(k.revoked_at)
      .end_object();
  return w.take();
}

result<api_key> decode_key(std::string_view json) {
  api_key k;
  if (json.empty()) return k;
  auto o = d::parse_object(json, d::thread_parser());
  if (!o) return error::make(errc::internal, "corrupt_snapshot", "api key snapshot is not JSON");
  k.exists = true;
  k.id = str(*o, "id");
  k.tenant = str(*o, "tenant");
  k.role = parse_role(str(*o, "role")).value_or(role::staff);
  k.customer_id = str(*o, "customer_id");
  k.secret_hash = str(*o, "secret_hash");
  k.label = str(*o, "label");
  bool revoked = false;
  if (!(*o)["revoked"].get(revoked)) k.revoked = revoked;
  if ((*o)["created_at"].get(k.created_at)) k.created_at = 0;
  if ((*o)["revoked_at"].get(k.revoked_at)) k.revoked_at = 0;
  return k;
}

result<create_key_body> parse_create_key(std::string_view body) {
  auto o = d::parse_object(body, d::thread_parser());
  if (!o) return std::move(o).err();
  std::vector<field_error> errors;
  d::check_fields(*o, {{"role", d::kind::string}, {"customer_id", d::kind::string, true}, {"label", d::kind::string, true}},
                  errors);
  create_key_body b;
  auto role = d::opt_string(*o, "role");
  if (!role) errors.push_back({"role", "required", "role is required"});
  else if (auto r = parse_role(*role)) b.role = *r;
  else if (errors.empty()) errors.push_back({"role", "invalid_value", "role is one of admin, staff, analyst, auditor, portal"});
  b.customer_id = d::opt_string(*o, "customer_id").value_or("");
  b.label = d::opt_string(*o, "label").value_or("");
  if (!errors.empty()) return error::invalid("validation_failed", "the request body has invalid fields", errors);
  return b;
}

std::string render_key(const api_key& k, std::string_view secret) {
  json::writer w;
  w.begin_object().key("id").value(k.id).key("role").value(role_name(k.role));
  w.key("customer_id");
  if (k.customer_id.empty()) w.null();
  else w.value(k.customer_id);
  w.key("label").value(k.label);
  w.key("revoked").value(k.revoked);
  w.key("created_at").value(json::format_timestamp(k.created_at));
  if (!secret.empty()) w.key("key").value(secret);
  w.end_object();
  return w.take();
}

}  // namespace chronicle::schemas::access_codec
