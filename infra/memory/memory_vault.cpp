#include "infra/memory/memory_vault.hpp"

#include <charconv>

#include "domain/ids.hpp"

namespace chronicle::infra {

result<std::string> memory_vault::seal(std::string_view tenant, std::string_view subject, std::string_view plaintext) {
  std::lock_guard lock(m_);
  auto who = std::string(tenant) + "/" + std::string(subject);
  if (destroyed_.count(who)) return error::make(errc::failed_precondition, "subject_erased", "the subject was erased");
  auto ref = next_++;
  sealed_[ref] = {who, std::string(plaintext)};
  return R"({"sealed":"memory","ref":)" + std::to_string(ref) + "}";
}

result<std::optional<std::string>> memory_vault::open(std::string_view, std::string_view pii) {
  constexpr std::string_view marker = R"({"sealed":"memory","ref":)";
  if (pii.substr(0, marker.size()) != marker) return std::optional<std::string>{std::string(pii)};
  std::uint64_t ref = 0;
  std::from_chars(pii.data() + marker.size(), pii.data() + pii.size(), ref);
  std::lock_guard lock(m_);
  auto it = sealed_.find(ref);
  if (it == sealed_.end()) return error::make(errc::internal, "unknown_sealed_ref", "no such sealed value");
  if (destroyed_.count(it->second.first)) return std::optional<std::string>{};
  return std::optional<std::string>{it->second.second};
}

std::string memory_vault::blind_index(std::string_view tenant, std::string_view purpose, std::string_view value) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx",
                static_cast<unsigned long long>(stable_hash(std::string(tenant) + "/" + std::string(purpose), value)));
  return buf;
}

status memory_vault::destroy(std::string_view tenant, std::string_view subject) {
  std::lock_guard lock(m_);
  destroyed_.insert(std::string(tenant) + "/" + std::string(subject));
  return {};
}

}  // namespace chronicle::infra
