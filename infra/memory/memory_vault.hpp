#pragma once
// In-memory fake of the key vault for tests: "sealing" stores the plaintext
// in a table and writes a reference, so destroy() really makes it unreadable.
// No cryptography. Thread-safety: all methods may be called from any thread.
#include <map>
#include <mutex>
#include <set>

#include "commands/ports/pii_vault.hpp"

namespace chronicle::infra {

class memory_vault final : public commands::pii_vault {
 public:
  result<std::string> seal(std::string_view tenant, std::string_view subject, std::string_view plaintext) override;
  result<std::optional<std::string>> open(std::string_view tenant, std::string_view pii) override;
  std::string blind_index(std::string_view tenant, std::string_view purpose, std::string_view value) override;
  status sync() override { return {}; }
  status destroy(std::string_view tenant, std::string_view subject) override;
  status compact() override { return {}; }

 private:
  std::mutex m_;
  std::map<std::uint64_t, std::pair<std::string, std::string>> sealed_;  // ref → (tenant/subject, plaintext)
  std::set<std::string> destroyed_;
  std::uint64_t next_ = 1;
};

}  // namespace chronicle::infra
