#include "schemas/order_template_codec.hpp"

#include "schemas/detail/json_in.hpp"
#include "schemas/json_writer.hpp"

namespace chronicle::schemas::order_template_codec {
namespace d = json::detail;
using namespace chronicle::order_templates;
using simdjson::dom::element;
using simdjson::dom::object;

namespace {

error invalid(std::vector<field_error> errors) {
  return error::invalid("validation_failed", "the request body has invalid fields", std::move(errors));
}
error corrupt(const event_envelope& e, std::string what) {
  return error::make(errc::internal, "corrupt_event", e.type + " " + e.id + ": " + what);
}

// The items array of a request body; shape errors go to `errors` (values
// are the domain's to judge).
std::vector<item> parse_items(element v, std::vector<field_error>& errors) {
  std::vector<item> out;
  simdjson::dom::array a;
  if (v.get(a)) return out;
  std::size_t i = 0;
  for (element x : a) {
    auto at = "items[" + std::to_string(i++) + "]";
    object o;
    if (x.get(o)) {
      errors.push_back({at, "invalid_type", "must be an object {product_id, quantity}"});
      continue;
    }
    auto before = errors.size();
    d::check_fields(o, {{"product_id", d::kind::string}, {"quantity", d::kind::integer}}, errors, at + ".");
    if (!d::has(o, "product_id")) errors.push_back({at + ".product_id", "required", "product_id is required"});
    if (!d::has(o, "quantity")) errors.push_back({at + ".quantity", "required", "quantity is required"});
    if (errors.size() != before) continue;
    item it;
    it.product_id = d::opt_string(o, "product_id").value_or("");
    if (o["quantity"].get(it.quantity)) {
      errors.push_back({at + ".quantity", "out_of_range", "quantity must be an integer from 1 to 100000"});
      continue;
    }
    out.push_back(std::move(it));
  }
  return out;
}

void write_items(json::writer& w, const std::vector<item>& items) {
  w.begin_array();
  for (auto& it : items)
    w.begin_object().key("product_id").value(it.product_id).key("quantity").value(it.quantity).end_object();
  w.end_array();
}

bool read_items(element v, std::vector<item>& out) {
  simdjson::dom::array a;
  if (v.get(a)) return false;
  for (element x : a) {
    object o;
    if (x.get(o)) return false;
    item it;
    std::string_view pid;
    if (o["product_id"].get(pid) || o["quantity"].get(it.quantity)) return false;
    it.product_id = std::string(pid);
    out.push_back(std::move(it));
  }
  return true;
}

}  // namespace

result<create_template> parse_create(std::string_view body) {
  auto obj = d::parse_object(body, d::thread_parser());
  if (!obj) return std::move(obj).err();
  std::vector<field_error> errors;
  d::check_fields(*obj,
                  {{"name", d::kind::string},
                   {"customer_id", d::kind::string, true},
                   {"items", d::kind::array},
                   {"notes", d::kind::string, true}},
                  errors);
  if (!d::has(*obj, "name")) errors.push_back({"name", "required", "name is required"});
  if (!d::has(*obj, "items")) errors.push_back({"items", "required", "items is required: [{product_id, quantity}]"});
  create_template c;
  element items;
  if (!(*obj)["items"].get(items)) c.items = parse_items(items, errors);
  if (!errors.empty()) return invalid(std::move(errors));
  c.name = d::opt_string(*obj, "name").value_or("");
  if (!d::is_null(*obj, "customer_id")) c.customer_id = d::opt_string(*obj, "customer_id");
  c.notes = d::opt_string(*obj, "notes");
  return c;
}

result<update_template> parse_update(std::string_view body) {
  auto obj = d::parse_object(body, d::thread_parser());
  if (!obj) return std::move(obj).err();
  std::vector<field_error> errors;
  d::check_fields(*obj, {{"name", d::kind::string}, {"items", d::kind::array}, {"notes", d::kind::string, true}},
                  errors);
  update_template u;
  element items;
  if (!(*obj)["items"].get(items)) u.items = parse_items(items, errors);
  if (!errors.empty()) return invalid(std::move(errors));
  u.name = d::opt_string(*obj, "name");
  u.notes = d::opt_string(*obj, "notes");
  return u;
}

encoded_event encode_event(const event& e) {
  json::writer w;
  encoded_event out;
  if (auto* c = std::get_if<template_created>(&e)) {
    out.type = "template.created";
    w.begin_object().key("id").value(c->id).key("name").value(c->name).field_if("customer_id", c->customer_id);
    w.key("items");
    write_items(w, c->items);
    w.field_if("notes", c->notes).end_object();
  } else if (auto* u = std::get_if<template_updated>(&e)) {
    out.type = "template.updated";
    w.begin_object().key("id").value(u->id);
    if (u->name) w.key("name").value(*u->name);
    if (u->items) {
      w.key("items");
      write_items(w, *u->items);
    }
    if (u->notes) {
      w.key("notes");
      if (u->notes->empty()) w.null();
      else w.value(*u->notes);
    }
    w.end_object();
  } else {
    out.type = "template.deleted";
    w.begin_object().key("id").value(std::get<template_deleted>(e).id).end_object();
  }
  out.data = w.take();
  out.pii = "{}";
  return out;
}

result<event> decode_event(const event_envelope& e) {
  if (e.schema_version != 1) return corrupt(e, "unknown schema version");
  auto o = d::parse_object(e.data, d::thread_parser());
  if (!o) return corrupt(e, "data is not an object");
  auto id = d::opt_string(*o, "id");
  if (!id || id->empty()) return corrupt(e, "missing id");
  if (e.type == "template.created") {
    template_created c;
    c.id = *id;
    auto name = d::opt_string(*o, "name");
    element items;
    if (!name || (*o)["items"].get(items) || !read_items(items, c.items)) return corrupt(e, "missing name or items");
    c.name = *name;
    c.customer_id = d::opt_string(*o, "customer_id").value_or("");
    c.notes = d::opt_string(*o, "notes").value_or("");
    return event{std::move(c)};
  }
  if (e.type == "template.updated") {
    template_updated u;
    u.id = *id;
    u.name = d::opt_string(*o, "name");
    u.notes = d::opt_string(*o, "notes");
    element items;
    if (!(*o)["items"].get(items)) {
      u.items.emplace();
      if (!read_items(items, *u.items)) return corrupt(e, "malformed items");
    }
    return event{std::move(u)};
  }
  if (e.type == "template.deleted") return event{template_deleted{*id}};
  return corrupt(e, "unknown template event");
}

std::string encode_state(const order_template& t) {
  if (!t.exists) return {};
  json::writer w;
  w.begin_object().key("id").value(t.id).key("name").value(t.name).key("customer_id").value(t.customer_id);
  w.key("items");
  write_items(w, t.items);
  w.key("notes").value(t.notes).key("created_at").value(t.created_at).key("updated_at").value(t.updated_at);
  if (t.deleted) w.key("deleted").value(true);
  w.end_object();
  return w.take();
}

result<order_template> decode_state(std::string_view text) {
  order_template t;
  if (text.empty()) return t;
  auto o = d::parse_object(text, d::thread_parser());
  if (!o) return error::make(errc::internal, "corrupt_snapshot", "order template snapshot is not JSON");
  t.exists = true;
  t.id = d::opt_string(*o, "id").value_or("");
  t.name = d::opt_string(*o, "name").value_or("");
  t.customer_id = d::opt_string(*o, "customer_id").value_or("");
  t.notes = d::opt_string(*o, "notes").value_or("");
  element items;
  if ((*o)["items"].get(items) || !read_items(items, t.items))
    return error::make(errc::internal, "corrupt_snapshot", "order template snapshot has malformed items");
  if ((*o)["created_at"].get(t.created_at)) t.created_at = 0;
  if ((*o)["updated_at"].get(t.updated_at)) t.updated_at = 0;
  bool deleted = false;
  if (!(*o)["deleted"].get(deleted)) t.deleted = deleted;
  return t;
}

std::string render(const order_template& t, std::uint64_t version) {
  json::writer w;
  w.begin_object().key("id").value(t.id).key("name").value(t.name).key("customer_id");
  if (t.customer_id.empty()) w.null();
  else w.value(t.customer_id);
  w.key("items");
  write_items(w, t.items);
  w.key("notes");
  if (t.notes.empty()) w.null();
  else w.value(t.notes);
  w.key("created_at").value(json::format_timestamp(t.created_at))
      .key("updated_at").value(json::format_timestamp(t.updated_at))
      .key("version").value(version)
      .end_object();
  return w.take();
}

}  // namespace chronicle::schemas::order_template_codec
