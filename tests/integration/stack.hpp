#pragma once
// A command side and projections wired to in-memory or RocksDB adapters, for
// tests that drive commands and read the views without HTTP.
#include <filesystem>
#include <future>
#include <random>

#include "commands/customer_commands.hpp"
#include "commands/executor.hpp"
#include "infra/log/embedded_log.hpp"
#include "infra/memory/memory_log.hpp"
#include "infra/memory/memory_stores.hpp"
#include "infra/memory/memory_vault.hpp"
#include "infra/store/rocks_stores.hpp"
#include "infra/system.hpp"
#include "projections/customers.hpp"
#include "projections/runner.hpp"

namespace chronicle::testing {

// A fresh directory under the system temp dir, removed at the end.
struct temp_dir {
  std::filesystem::path path;
  temp_dir() {
    std::random_device rd;
    path = std::filesystem::temp_directory_path() / ("chronicle-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path);
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::string sub(const std::string& name) const { return (path / name).string(); }
};

// A deterministic clock: each reading advances one millisecond.
struct step_clock final : commands::clock {
  std::atomic<std::int64_t> t{1'780'000'000'000'000};
  std::int64_t now_us() override { return t.fetch_add(1000); }
};

inline result<commands::command_outcome> run(commands::executor& ex, commands::command_request req) {
  std::promise<result<commands::command_outcome>> p;
  auto f = p.get_future();
  ex.submit(std::move(req), [&p](result<commands::command_outcome> r) { p.set_value(std::move(r)); });
  return f.get();
}

inline commands::command_meta meta(std::string key = {}, std::string hash = {}) {
  return {.tenant = "acme", .actor = "test", .actor_role = "staff", .idempotency_key = std::move(key),
          .request_hash = std::move(hash), .correlation_id = {}};
}

inline customers::register_customer new_customer(commands::executor& ex, std::string name,
                                                  std::optional<std::string> email = std::nullopt) {
  customers::register_customer c;
  c.id = ex.new_id();
  c.name = std::move(name);
  c.email = std::move(email);
  return c;
}

}  // namespace chronicle::testing
