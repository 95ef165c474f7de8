#pragma once
// A std::map kv_store and an envelope builder: enough to run a projection in
// a unit test, event by event, and read its views back through its queries.
#include <algorithm>
#include <map>
#include <string>

#include "domain/envelope.hpp"
#include "domain/ids.hpp"
#include "projections/ports/kv_store.hpp"
#include "projections/projection.hpp"
#include "schemas/encoded_event.hpp"

namespace chronicle::test {

struct map_kv final : projections::kv_store {
  std::map<std::string, std::string> m;
  result<std::optional<std::string>> get(std::string_view k) override {
    auto it = m.find(std::string(k));
    return it == m.end() ? std::optional<std::string>{} : std::optional<std::string>{it->second};
  }
  status write(const std::vector<projections::kv_write>& b) override {
    for (auto& w : b) {
      if (w.value) m[w.key] = *w.value;
      else m.erase(w.key);
    }
    return {};
  }
  result<projections::kv_pairs> scan(std::string_view prefix, std::string_view after, std::size_t limit,
                                     bool reverse) override {
    projections::kv_pairs out;
    for (auto& [k, v] : m) {
      if (!k.starts_with(prefix)) continue;
      if (!after.empty() && (reverse ? k >= after : k <= after)) continue;
      out.emplace_back(k, v);
    }
    if (reverse) std::reverse(out.begin(), out.end());
    if (out.size() > limit) out.resize(limit);
    return out;
  }
  status compact() override { return {}; }
};

// Feeds encoded events to one projection as the runner would, one batch per
// event, keeping each stream's version.
struct projection_feed {
  projections::projection& p;
  map_kv& kv;
  std::string tenant = "acme_farm";
  std::map<std::string, std::uint64_t> versions;
  status apply(const schemas::encoded_event& ev, std::string_view category, std::string_view id, std::int64_t at) {
    event_envelope e;
    e.id = make_uuid_v7(static_cast<std::uint64_t>(at / 1000), {1, 2, 3, 4, 5, 6, 7, 8, 9, 0});
    e.type = ev.type;
    e.schema_version = ev.schema_version;
    e.tenant = tenant;
    e.stream = stream_name(category, tenant, id);
    e.stream_version = ++versions[e.stream];
    e.occurred_at = at;
    e.actor = "key_01";
    e.data = ev.data;
    e.pii = ev.pii;
    last = e;
    projections::view_batch b(kv);
    if (auto s = p.apply(e, b); !s) return s;
    return kv.write(b.take());
  }
  // Delivers the last event again, as a redelivery after a crash would.
  status apply_again() {
    projections::view_batch b(kv);
    if (auto s = p.apply(last, b); !s) return s;
    return kv.write(b.take());
  }
  event_envelope last;
};

}  // namespace chronicle::test
