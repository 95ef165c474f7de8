#include "projections/tags.hpp"

#include <algorithm>
#include <charconv>

#include "projections/view_value.hpp"
#include "schemas/tag_codec.hpp"

namespace chronicle::projections {
namespace codec = schemas::tag_codec;

namespace {

constexpr std::string_view cursor_tag = "g1.";

std::string view_key(std::string_view tenant, std::string_view id) {
  std::string k = "tags/v/";
  k.append(tenant).append(1, '/').append(id);
  return k;
}
std::string name_prefix(std::string_view tenant) { return "tags/n/" + std::string(tenant) + "/"; }
std::string name_key(std::string_view tenant, const tags::tag& t) {
  auto k = name_prefix(tenant) + tags::name_key(t.name);
  k.push_back('\0');
  return k + t.id;
}

std::string encode_view(std::uint64_t version, const tags::tag& t) {
  return versioned(version, codec::encode_state(t));
}
result<tag_row> decode_view(std::string_view v) {
  auto parts = split_versioned(v, "tag");
  if (!parts) return std::move(parts).err();
  auto t = codec::decode_state(parts->second);
  if (!t) return std::move(t).err();
  return tag_row{parts->first, std::move(*t)};
}


class tags_projection final : public projection {
 public:
  std::string name() const override { return "tags"; }
  std::vector<std::string> topics() const override { return {std::string(tags::topic)}; }

  status apply(const event_envelope& e, view_batch& batch) override {
    if (e.type.rfind("tag.", 0) != 0) return {};
    auto ev = codec::decode_event(e);
    if (!ev) return std::move(ev).err();
    auto id = std::visit([](auto& x) { return x.id; }, *ev);
    auto key = view_key(e.tenant, id);
    tags::tag state;
    auto cur = batch.get(key);
    if (!cur) return std::move(cur).err();
    std::uint64_t version = 0;
    if (*cur) {
      auto d = decode_view(**cur);
      if (!d) return std::move(d).err();
      version = d->version;
      state = std::move(d->tag);
    } else if (!std::holds_alternative<tags::tag_created>(*ev)) {
      return {};  // deleted already: nothing to show
    }
    if (version >= e.stream_version) return {};
    if (state.exists) batch.del(name_key(e.tenant, state));
    state = tags::evolve(std::move(state), *ev, e.occurred_at);
    if (state.deleted) {
      batch.del(std::move(key));
      return {};
    }
    batch.put(name_key(e.tenant, state), id);
    batch.put(std::move(key), encode_view(e.stream_version, state));
    return {};
  }
};

}  // namespace

std::unique_ptr<projection> make_tags_projection() { return std::make_unique<tags_projection>(); }

namespace tag_queries {

result<std::optional<tag_row>> get(kv_store& kv, std::string_view tenant, std::string_view id) {
  if (id.empty() || id.find('/') != std::string_view::npos) return std::optional<tag_row>{};
  auto v = kv.get(view_key(tenant, id));
  if (!v) return std::move(v).err();
  if (!*v) return std::optional<tag_row>{};
  auto d = decode_view(**v);
  if (!d) return std::move(d).err();
  return std::optional{std::move(*d)};
}

result<tag_page> list(kv_store& kv, std::string_view tenant, std::string_view cursor, std::size_t limit) {
  auto prefix = name_prefix(tenant);
  std::string after;
  if (!cursor.empty()) {
    std::string suffix;
    if (cursor.substr(0, cursor_tag.size()) != cursor_tag || !unhex(cursor.substr(cursor_tag.size()), suffix) ||
        suffix.find('\0') == std::string::npos)
      return error::invalid("invalid_cursor", "the cursor is not one this server issued",
                            {{"cursor", "invalid_cursor", "use next_cursor from a previous page"}});
    after = prefix + suffix;
  }
  auto rows = kv.scan(prefix, after, limit + 1);
  if (!rows) return std::move(rows).err();
  tag_page page;
  for (std::size_t i = 0; i < rows->size() && i < limit; ++i) {
    auto t = get(kv, tenant, (*rows)[i].second);
    if (!t) return std::move(t).err();
    if (*t) page.items.push_back(std::move(**t));
  }
  if (rows->size() > limit)
    page.next_cursor = std::string(cursor_tag) + hex(std::string_view((*rows)[limit - 1].first).substr(prefix.size()));
  return page;
}

result<std::vector<tag_row>> resolve(kv_store& kv, std::string_view tenant, const std::vector<std::string>& ids) {
  std::vector<tag_row> out;
  std::vector<std::string_view> seen;
  for (auto& id : ids) {
    if (std::find(seen.begin(), seen.end(), id) != seen.end()) continue;
    seen.push_back(id);
    auto t = get(kv, tenant, id);
    if (!t) return std::move(t).err();
    if (*t) out.push_back(std::move(**t));
  }
  return out;
}

}  // namespace tag_queries
}  // namespace chronicle::projections
