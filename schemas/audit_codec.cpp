#include "schemas/audit_codec.hpp"

#include "domain/ids.hpp"
#include "schemas/detail/json_in.hpp"
#include "schemas/json_writer.hpp"

namespace chronicle::schemas::audit_codec {
namespace d = json::detail;

namespace {
error corrupt(const event_envelope& e, std::string what) {
  return error::make(errc::internal, "corrupt_event", e.type + " " + e.id + ": " + what);
}
}  // namespace

std::string encode_recorded(const std::vector<recorded>& entries) {
  json::writer w;
  w.begin_object().key("entries").begin_array();
  for (auto& r : entries)
    w.begin_object()
        .key("id").value(r.id)
        .key("at").value(r.at)
        .key("subject").value(r.subject)
        .key("actor").value(r.actor)
        .key("role").value(r.role)
        .key("action").value(r.action)
        .key("route").value(r.route)
        .end_object();
  w.end_array().end_object();
  return w.take();
}

result<std::vector<recorded>> decode_recorded(const event_envelope& e) {
  if (e.schema_version != 1 && e.schema_version != 2) return corrupt(e, "unknown schema version");
  auto obj = d::parse_object(e.data, d::thread_parser());
  if (!obj) return corrupt(e, "data is not an object");
  simdjson::dom::array list;
  if ((*obj)["entries"].get(list)) return corrupt(e, "data.entries is not an array");
  std::vector<recorded> out;
  out.reserve(list.size());
  for (auto item : list) {
    simdjson::dom::object o;
    if (item.get(o)) return corrupt(e, "an entry is not an object");
    recorded r;
    for (auto [name, field] : {std::pair{"id", &r.id}, std::pair{"subject", &r.subject}, std::pair{"actor", &r.actor},
                               std::pair{"role", &r.role}, std::pair{"action", &r.action},
                               std::pair{"route", &r.route}}) {
      auto v = d::opt_string(o, name);
      if (!v || d::is_null(o, name)) return corrupt(e, std::string("an entry misses ") + name);
      *field = std::move(*v);
    }
    if (o["at"].get(r.at)) return corrupt(e, "an entry misses at");
    // The subject and id become part of read-model keys: only ids may get there.
    if (!is_ulid(r.subject)) return corrupt(e, "subject is not a customer id");
    if (r.id.size() != 36) return corrupt(e, "an entry id is not a UUID");
    if (r.actor.empty() || r.action.empty() || r.route.empty()) return corrupt(e, "empty actor, action or route");
    out.push_back(std::move(r));
  }
  return out;
}

result<std::string> customer_subject(const event_envelope& e) {
  if (e.schema_version != 1 && e.schema_version != 2) return corrupt(e, "unknown schema version");
  auto obj = d::parse_object(e.data, d::thread_parser());
  if (!obj) return corrupt(e, "data is not an object");
  auto id = d::opt_string(*obj, "customer_id");
  if (!id || !is_ulid(*id)) return corrupt(e, "customer_id is missing or not an id");
  return std::move(*id);
}

}  // namespace chronicle::schemas::audit_codec
