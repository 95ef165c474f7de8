#include "projections/access.hpp"

#include "schemas/access_codec.hpp"

namespace chronicle::projections {
namespace codec = schemas::access_codec;

namespace {

std::string key_key(std::string_view id) { return "access/k/" + std::string(id); }

class access_projection final : public projection {
 public:
  std::string name() const override { return "access"; }
  std::vector<std::string> topics() const override { return {std::string(access::topic)}; }

  status apply(const event_envelope& e, view_batch& batch) override {
    if (e.type != "tenant.created" && e.type != "api_key.issued" && e.type != "api_key.revoked") return {};
    auto ev = codec::decode_event(e);
    if (!ev) return std::move(ev).err();
    if (auto* t = std::get_if<access::tenant_created>(&*ev)) {
      batch.put("access/t/" + t->id, t->name);
      batch.put("access/tc/" + t->id, t->default_country);
      return {};
    }
    std::string id = std::holds_alternative<access::api_key_issued>(*ev) ? std::get<access::api_key_issued>(*ev).id
                                                                          : std::get<access::api_key_revoked>(*ev).id;
    auto cur = batch.get(key_key(id));
    if (!cur) return std::move(cur).err();
    auto key = codec::decode_key(cur->value_or(""));
    if (!key) return std::move(key).err();
    auto next = access::evolve(*key, *ev, e.occurred_at);
    batch.put(key_key(id), codec::encode_key(next));
    batch.put("access/tk/" + next.tenant + "/" + id, "");
    return {};
  }
};

}  // namespace

std::unique_ptr<projection> make_access_projection() { return std::make_unique<access_projection>(); }

namespace access_queries {

result<std::optional<access::api_key>> find_key(kv_store& kv, std::string_view key_id) {
  auto v = kv.get(key_key(key_id));
  if (!v) return std::move(v).err();
  if (!*v) return std::optional<access::api_key>{};
  auto k = codec::decode_key(**v);
  if (!k) return std::move(k).err();
  return std::optional{std::move(*k)};
}

result<std::vector<access::api_key>> list_keys(kv_store& kv, std::string_view tenant) {
  auto prefix = "access/tk/" + std::string(tenant) + "/";
  auto rows = kv.scan(prefix, "", 10000);
  if (!rows) return std::move(rows).err();
  std::vector<access::api_key> out;
  for (auto& [k, v] : *rows) {
    auto key = find_key(kv, std::string_view(k).substr(prefix.size()));
    if (!key) return std::move(key).err();
    if (*key) out.push_back(std::move(**key));
  }
  return out;
}

result<bool> tenant_exists(kv_store& kv, std::string_view tenant) {
  auto v = kv.get("access/t/" + std::string(tenant));
  if (!v) return std::move(v).err();
  return v->has_value();
}

result<std::string> tenant_country(kv_store& kv, std::string_view tenant) {
  auto v = kv.get("access/tc/" + std::string(tenant));
  if (!v) return std::move(v).err();
  return v->value_or("US");
}

result<std::vector<std::string>> tenants(kv_store& kv) {
  auto rows = kv.scan("access/t/", "", 100000);
  if (!rows) return std::move(rows).err();
  std::vector<std::string> out;
  for (auto& [k, v] : *rows) out.push_back(k.substr(9));
  return out;
}

}  // namespace access_queries
}  // namespace chronicle::projections
