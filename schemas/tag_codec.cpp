#include "schemas/tag_codec.hpp"

#include "schemas/detail/json_in.hpp"
#include "schemas/json_writer.hpp"

namespace chronicle::schemas::tag_codec {
namespace d = json::detail;
using namespace chronicle::tags;

namespace {
error invalid(std::vector<field_error> errors) {
  return error::invalid("validation_failed", "the request body has invalid fields", std::move(errors));
}
error corrupt(const event_envelope& e, std::string what) {
  return error::make(errc::internal, "corrupt_event", e.type + " " + e.id + ": " + what);
}
}  // namespace

result<create_tag> parse_create(std::string_view body) {
  auto obj = d::parse_object(body, d::thread_parser());
  if (!obj) return std::move(obj).err();
  std::vector<field_error> errors;
  d::check_fields(*obj, {{"name", d::kind::string}, {"colour", d::kind::string}, {"description", d::kind::string, true}},
                  errors);
  if (!d::has(*obj, "name")) errors.push_back({"name", "required", "name is required"});
  if (!errors.empty()) return invalid(std::move(errors));
  create_tag c;
  c.name = d::opt_string(*obj, "name").value_or("");
  c.colour = d::opt_string(*obj, "colour").value_or(std::string(default_colour));
  c.description = d::opt_string(*obj, "description");
  return c;
}

result<update_tag> parse_update(std::string_view body) {
  auto obj = d::parse_object(body, d::thread_parser());
  if (!obj) return std::move(obj).err();
  std::vector<field_error> errors;
  d::check_fields(*obj, {{"name", d::kind::string}, {"colour", d::kind::string}, {"description", d::kind::string, true}},
                  errors);
  if (!errors.empty()) return invalid(std::move(errors));
  update_tag u;
  u.name = d::opt_string(*obj, "name");
  u.colour = d::opt_string(*obj, "colour");
  u.description = d::opt_string(*obj, "description");
  return u;
}

encoded_event encode_event(const event& e) {
  json::writer w;
  encoded_event out;
  if (auto* c = std::get_if<tag_created>(&e)) {
    out.type = "tag.created";
    w.begin_object().key("tag_id").value(c->id).key("name").value(c->name).key("colour").value(c->colour)
        .field_if("description", c->description).end_object();
  } else if (auto* u = std::get_if<tag_updated>(&e)) {
    out.type = "tag.updated";
    w.begin_object().key("tag_id").value(u->id);
    if (u->name) w.key("name").value(*u->name);
    if (u->colour) w.key("colour").value(*u->colour);
    if (u->description) {
      w.key("description");
      if (u->description->empty()) w.null();
      else w.value(*u->description);
    }
    w.end_object();
  } else {
    out.type = "tag.deleted";
    w.begin_object().key("tag_id").value(std::get<tag_deleted>(e).id).end_object();
  }
  out.data = w.take();
  out.pii = "{}";
  return out;
}

result<event> decode_event(const event_envelope& e) {
  if (e.schema_version != 1) return corrupt(e, "unknown schema version");
  auto o = d::parse_object(e.data, d::thread_parser());
  if (!o) return corrupt(e, "data is not an object");
  auto id = d::opt_string(*o, "tag_id");
  if (!id || id->empty()) return corrupt(e, "missing tag_id");
  if (e.type == "tag.created") {
    auto name = d::opt_string(*o, "name"), colour = d::opt_string(*o, "colour");
    if (!name || !colour) return corrupt(e, "missing name or colour");
    return event{tag_created{*id, *name, *colour, d::opt_string(*o, "description").value_or("")}};
  }
  if (e.type == "tag.updated")
    return event{tag_updated{*id, d::opt_string(*o, "name"), d::opt_string(*o, "colour"), d::opt_string(*o, "description")}};
  if (e.type == "tag.deleted") return event{tag_deleted{*id}};
  return corrupt(e, "unknown tag event");
}

std::string encode_state(const tag& t) {
  if (!t.exists) return {};
  json::writer w;
  w.begin_object().key("id").value(t.id).key("name").value(t.name).key("colour").value(t.colour)
      .key("description").value(t.description).key("created_at").value(t.created_at)
      .key("updated_at").value(t.updated_at);
  if (t.deleted) w.key("deleted").value(true);
  w.end_object();
  return w.take();
}

result<tag> decode_state(std::string_view text) {
  tag t;
  if (text.empty()) return t;
  auto o = d::parse_object(text, d::thread_parser());
  if (!o) return error::make(errc::internal, "corrupt_snapshot", "tag snapshot is not JSON");
  t.exists = true;
  t.id = d::opt_string(*o, "id").value_or("");
  t.name = d::opt_string(*o, "name").value_or("");
  t.colour = d::opt_string(*o, "colour").value_or("");
  t.description = d::opt_string(*o, "description").value_or("");
  if ((*o)["created_at"].get(t.created_at)) t.created_at = 0;
  if ((*o)["updated_at"].get(t.updated_at)) t.updated_at = 0;
  bool deleted = false;
  if (!(*o)["deleted"].get(deleted)) t.deleted = deleted;
  return t;
}

std::string render(const tag& t, std::uint64_t version) {
  json::writer w;
  w.begin_object().key("id").value(t.id).key("name").value(t.name).key("colour").value(t.colour).key("description");
  if (t.description.empty()) w.null();
  else w.value(t.description);
  w.key("created_at").value(json::format_timestamp(t.created_at))
      .key("updated_at").value(json::format_timestamp(t.updated_at))
      .key("version").value(version)
      .end_object();
  return w.take();
}

}  // namespace chronicle::schemas::tag_codec
