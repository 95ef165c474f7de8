#pragma once
// The request handler: routes an http_request to the command side or the
// read models and produces an http_response. Knows nothing of sockets.
//
// Thread-safety: handle() may be called concurrently from any thread; `done`
// is called exactly once, possibly on another thread (command completions).
#include <chrono>
#include <functional>
#include <optional>

#include "api/http/message.hpp"
#include "api/http/metrics.hpp"
#include "commands/executor.hpp"
#include "projections/ports/kv_store.hpp"
#include "projections/runner.hpp"

namespace chronicle::api {

struct app_options {
  std::string tenant = "demo";  // until API keys scope requests to their tenant
  std::chrono::milliseconds consistency_wait{2000};
};

class app {
 public:
  app(commands::executor& exec, projections::kv_store& views, projections::runner& runner,
      app_options opts = {});

  // Route index into route_table() (size() when unmatched).
  std::size_t route_of(const http_request& req) const;

  // A read that must wait for the projections first: the position token it
  // carries (consistent_with or Consistency-Token), or a 400 for a bad one.
  struct wait_for {
    std::optional<positions> token;
    std::optional<http_response> rejection;
  };
  wait_for consistency(const http_request& req) const;

  void handle(const http_request& req, std::function<void(http_response)> done);

  projections::runner& runner() { return runner_; }
  const app_options& options() const { return opts_; }
  http_metrics& metrics() { return metrics_; }

 private:
  struct route_args;
  void register_customer(const http_request& req, std::function<void(http_response)> done);
  void update_customer(const http_request& req, std::string id, std::function<void(http_response)> done);
  http_response get_customer(const http_request& req, const std::string& id);
  http_response list_customers(const http_request& req);
  http_response ready();
  http_response metrics_text();

  commands::executor& exec_;
  projections::kv_store& views_;
  projections::runner& runner_;
  app_options opts_;
  http_metrics metrics_;
};

}  // namespace chronicle::api
