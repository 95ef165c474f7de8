#pragma once
// In-memory fakes of the state store and the read-model store, for tests.
// Thread-safety: all methods may be called from any thread.
#include <map>
#include <mutex>

#include "commands/ports/state_store.hpp"
#include "projections/ports/kv_store.hpp"

namespace chronicle::infra {

class memory_state_store final : public commands::state_store {
 public:
  result<std::optional<commands::stream_snapshot>> load(std::string_view stream) override;
  result<std::optional<commands::idempotency_record>> find_idempotency(std::string_view key) override;
  status commit(const commands::state_batch& batch) override;
  result<positions> checkpoint() override;
  result<std::optional<std::string>> find_claim(std::string_view key) override;
  status compact() override { return {}; }

 private:
  std::mutex m_;
  std::map<std::string, std::string, std::less<>> claims_;
  std::map<std::string, commands::stream_snapshot, std::less<>> snaps_;
  std::map<std::string, commands::idempotency_record, std::less<>> idem_;
  positions ckpt_;
};

class memory_kv final : public projections::kv_store {
 public:
  result<std::optional<std::string>> get(std::string_view key) override;
  status write(const std::vector<projections::kv_write>& batch) override;
  result<projections::kv_pairs> scan(std::string_view prefix, std::string_view after,
                                     std::size_t limit, bool reverse) override;
  status compact() override { return {}; }

 private:
  std::mutex m_;
  std::map<std::string, std::string, std::less<>> data_;
};

}  // namespace chronicle::infra
