#pragma once
// The request handler: authenticates, authorises, routes an http_request to
// the command side or the read models and produces an http_response. Knows
// nothing of sockets.
//
// Thread-safety: prepare() and handle() may be called concurrently from any
// thread; `done` is called exactly once, possibly on another thread.
#include <chrono>
#include <functional>
#include <optional>

#include "api/http/message.hpp"
#include "api/http/metrics.hpp"
#include "commands/audit.hpp"
#include "commands/executor.hpp"
#include "commands/thread_pool.hpp"
#include "domain/access.hpp"
#include "projections/customer_index.hpp"
#include "projections/ports/kv_store.hpp"
#include "projections/runner.hpp"

namespace chronicle::api {

struct app_services {
  commands::executor& exec;
  projections::kv_store& views;
  projections::runner& runner;
  commands::pii_vault& vault;
  commands::audit_trail& audit;
  commands::entropy& entropy;
  // Rewrites the storage files so erased personal data is gone from disk.
  std::function<status()> purge_storage;
  // Runs rare, blocking work (waiting for views, compaction) off the I/O
  // threads; the app creates it when left empty.
  std::shared_ptr<commands::thread_pool> slow;
  // Whether every tag id names a tag of the tenant, asked before a customer
  // is tagged. Left empty, any well-formed id is accepted (tags as a tenant
  // resource plug in here); an error result is the answer to the request.
  // The app fills it in when left empty: the tags read model must know them.
  std::function<status(std::string_view tenant, const std::vector<std::string>& tag_ids)> check_tags;
  // The in-memory search index behind GET /v1/customers (q, filters, sorts).
  // Left empty, the list is newest first only, and any other parameter is 400.
  projections::customer_index* customers_index = nullptr;
  // Flushes and compactions running or pending per store, for /metrics
  // (chronicle_storage_background_jobs); left empty, the gauge is absent.
  std::function<std::vector<std::pair<std::string, std::uint64_t>>()> storage_jobs;
};

struct app_options {
  std::chrono::milliseconds consistency_wait{2000};
};

// What the server learns before running a request: who asks, whether the
// request is already refused, and the position to wait for first.
struct prepared {
  std::size_t route = 0;  // index into route_table(), or its size when unmatched
  std::optional<access::principal> who;
  std::optional<http_response> rejection;
  std::optional<positions> wait_for;
};

class app {
 public:
  app(app_services services, app_options opts = {});

  prepared prepare(const http_request& req);
  // REQUIRES: !p.rejection.
  void handle(const http_request& req, const prepared& p, std::function<void(http_response)> done);

  projections::runner& runner() { return s_.runner; }
  const app_options& options() const { return opts_; }
  http_metrics& metrics() { return metrics_; }

 private:
  result<access::principal> authenticate(const http_request& req);
  http_response ready();
  http_response metrics_text();

  app_services s_;
  app_options opts_;
  http_metrics metrics_;
};

}  // namespace chronicle::api
