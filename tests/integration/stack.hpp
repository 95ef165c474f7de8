#pragma once
// A command side and projections wired to in-memory or RocksDB adapters, for
// tests that drive commands and read the views without HTTP.
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <future>
#include <random>

#include "commands/activity_commands.hpp"
#include "commands/customer_commands.hpp"
#include "commands/order_commands.hpp"
#include "commands/tag_commands.hpp"
#include "commands/executor.hpp"
#include "infra/log/embedded_log.hpp"
#include "infra/memory/memory_log.hpp"
#include "infra/memory/memory_stores.hpp"
#include "infra/memory/memory_vault.hpp"
#include "infra/store/rocks_stores.hpp"
#include "infra/system.hpp"
#include "projections/activity.hpp"
#include "projections/customers.hpp"
#include "projections/orders.hpp"
#include "projections/tags.hpp"
#include "projections/timeline.hpp"
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
  c.first_name = std::move(name);
  if (email) c.emails.push_back({std::move(*email), "", true});
  return c;
}

// The command side on in-memory adapters, caught up and ready for commands.
struct memory_side {
  infra::memory_log log{4};
  infra::memory_state_store state;
  infra::memory_vault vault;
  step_clock clock;
  infra::system_entropy entropy;
  commands::executor ex{log, state, vault, clock, entropy,
                        {commands::customer_commands::kind(vault), commands::tag_commands::kind(),
                         commands::activity_commands::kind(), commands::order_commands::kind()}};
  memory_side() { BOOST_REQUIRE(ex.start().ok()); }
  // Registers a customer named `name` and returns the outcome.
  commands::command_outcome add(std::string name) {
    auto r = run(ex, commands::customer_commands::register_customer(meta(), new_customer(ex, std::move(name))));
    BOOST_REQUIRE(r.ok());
    return *r;
  }
};

}  // namespace chronicle::testing
