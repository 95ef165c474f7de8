#include "schemas/envelope_codec.hpp"

#include "domain/ids.hpp"
#include "schemas/detail/json_in.hpp"
#include "schemas/json_writer.hpp"

namespace chronicle::schemas {

std::string encode_envelope(const event_envelope& e) {
  json::writer w;
  w.begin_object()
      .key("id").value(e.id)
      .key("type").value(e.type)
      .key("schema_version").value(e.schema_version)
      .key("tenant").value(e.tenant)
      .key("stream").value(e.stream)
      .key("stream_version").value(e.stream_version)
      .key("occurred_at").value(json::format_timestamp(e.occurred_at))
      .key("actor").value(e.actor)
      .key("command_id").value(e.command_id);
  w.field_if("actor_role", e.actor_role);
  w.field_if("command_hash", e.command_hash);
  w.field_if("correlation_id", e.correlation_id);
  w.field_if("causation_id", e.causation_id);
  w.key("data").raw(e.data.empty() ? "{}" : e.data);
  w.key("pii").raw(e.pii.empty() ? "{}" : e.pii);
  w.end_object();
  return w.take();
}

result<event_envelope> decode_envelope(std::string_view text) {
  auto& p = json::detail::thread_parser();
  auto obj = json::detail::parse_object(text, p);
  if (!obj) return error::make(errc::internal, "corrupt_event", "stored event is not a JSON object: " + obj.err().message);
  auto o = *obj;
  event_envelope e;
  auto str = [&](std::string_view k, std::string& out, bool required) -> bool {
    std::string_view s;
    auto err = o[k].get(s);
    if (err) return !required;
    out.assign(s);
    return true;
  };
  std::string occurred;
  std::int64_t ver = 0;
  std::uint64_t sv = 0;
  simdjson::dom::element data, pii;
  bool ok = str("id", e.id, true) && str("type", e.type, true) && str("tenant", e.tenant, true) &&
            str("stream", e.stream, true) && str("occurred_at", occurred, true) &&
            str("actor", e.actor, true) && str("command_id", e.command_id, true) &&
            str("command_hash", e.command_hash, false) && str("actor_role", e.actor_role, false) &&
            str("correlation_id", e.correlation_id, false) &&
            str("causation_id", e.causation_id, false) && !o["schema_version"].get(ver) &&
            !o["stream_version"].get(sv) && !o["data"].get(data) && !o["pii"].get(pii) &&
            data.is_object() && pii.is_object() && json::parse_timestamp(occurred, e.occurred_at);
  if (!ok) return error::make(errc::internal, "corrupt_event", "stored event misses envelope fields");
  e.schema_version = static_cast<int>(ver);
  e.stream_version = sv;
  e.data = simdjson::minify(data);
  e.pii = simdjson::minify(pii);
  return e;
}

std::string request_hash(std::string_view method, std::string_view path, std::string_view body) {
  auto a = stable_hash(method, path);
  auto b = stable_hash(body, path);
  auto c = stable_hash(body, method);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(a ^ b),
                static_cast<unsigned long long>(c));
  return buf;
}

}  // namespace chronicle::schemas
