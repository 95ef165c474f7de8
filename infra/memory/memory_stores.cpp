#include "infra/memory/memory_stores.hpp"

namespace chronicle::infra {

result<std::optional<commands::stream_snapshot>> memory_state_store::load(std::string_view s) {
  std::lock_guard lock(m_);
  auto it = snaps_.find(s);
  if (it == snaps_.end()) return std::optional<commands::stream_snapshot>{};
  return std::optional{it->second};
}

result<std::optional<commands::idempotency_record>> memory_state_store::find_idempotency(std::string_view k) {
  std::lock_guard lock(m_);
  auto it = idem_.find(k);
  if (it == idem_.end()) return std::optional<commands::idempotency_record>{};
  return std::optional{it->second};
}

status memory_state_store::commit(const commands::state_batch& b) {
  std::lock_guard lock(m_);
  for (auto& [k, v] : b.snapshots) snaps_[k] = v;
  for (auto& [k, v] : b.idempotency) idem_[k] = v;
  for (auto& k : b.released) claims_.erase(k);
  for (auto& [k, v] : b.claims) claims_[k] = v;
  for (auto& s : b.purged_streams) std::erase_if(idem_, [&](auto& kv) { return kv.second.stream == s; });
  for (auto& [tp, off] : b.checkpoint) ckpt_[tp] = off;
  return {};
}

result<std::optional<std::string>> memory_state_store::find_claim(std::string_view k) {
  std::lock_guard lock(m_);
  auto it = claims_.find(k);
  if (it == claims_.end()) return std::optional<std::string>{};
  return std::optional{it->second};
}

result<positions> memory_state_store::checkpoint() {
  std::lock_guard lock(m_);
  return ckpt_;
}

result<std::optional<std::string>> memory_kv::get(std::string_view key) {
  std::lock_guard lock(m_);
  auto it = data_.find(key);
  if (it == data_.end()) return std::optional<std::string>{};
  return std::optional{it->second};
}

status memory_kv::write(const std::vector<projections::kv_write>& batch) {
  std::lock_guard lock(m_);
  for (auto& w : batch) {
    if (w.value) data_[w.key] = *w.value;
    else data_.erase(w.key);
  }
  return {};
}

result<projections::kv_pairs> memory_kv::scan(std::string_view prefix, std::string_view after,
                                              std::size_t limit, bool reverse) {
  std::lock_guard lock(m_);
  projections::kv_pairs out;
  auto in_prefix = [&](const std::string& k) { return k.compare(0, prefix.size(), prefix) == 0; };
  if (!reverse) {
    auto it = after.empty() ? data_.lower_bound(prefix) : data_.upper_bound(after);
    for (; it != data_.end() && in_prefix(it->first) && out.size() < limit; ++it) out.emplace_back(*it);
  } else {
    // Start below the smallest key greater than every key with this prefix.
    std::string end(prefix);
    while (!end.empty() && static_cast<unsigned char>(end.back()) == 0xff) end.pop_back();
    if (!end.empty()) end.back() = static_cast<char>(static_cast<unsigned char>(end.back()) + 1);
    auto it = !after.empty() ? data_.lower_bound(after) : end.empty() ? data_.end() : data_.lower_bound(end);
    while (it != data_.begin() && out.size() < limit) {
      --it;
      if (!in_prefix(it->first)) break;
      out.emplace_back(*it);
    }
  }
  return out;
}

}  // namespace chronicle::infra
