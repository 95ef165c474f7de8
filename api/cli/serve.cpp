// `chronicle serve`: the whole system in one process, with the HTTP API.
#include <charconv>
#include <cstdio>

#include "api/cli/cli.hpp"
#include "api/http/app.hpp"
#include "api/http/server.hpp"
#include "commands/access_commands.hpp"
#include "projections/access.hpp"

namespace chronicle::cli {

namespace {

// First start on an empty data directory: a "demo" tenant and an admin key,
// so a new user can make a request straight away.
status bootstrap(stack& s) {
  auto tenants = projections::access_queries::tenants(s.views());
  if (!tenants) return std::move(tenants).err();
  if (!tenants->empty()) return {};
  commands::command_meta meta{.tenant = "demo", .actor = "system", .actor_role = "system"};
  auto t = s.run(commands::access_commands::create_tenant(meta, {"demo", "Demo", "US"}));
  if (!t) return std::move(t).err();
  auto key = commands::access_commands::generate_key(s.exec(), s.entropy());
  auto k = s.run(commands::access_commands::issue_key(
      meta, {key.id, "demo", "", s.vault().blind_index("", "api_key", key.secret), "bootstrap", access::role::admin}));
  if (!k) return std::move(k).err();
  std::printf("chronicle: created tenant demo; admin API key (shown once, keep it): %s\n", key.full.c_str());
  std::fflush(stdout);
  return {};
}

}  // namespace

int serve(const std::vector<std::string>& args) {
#ifdef CHRONICLE_BENCH_UNAUDITED_READS
  std::fprintf(stderr, "chronicle: WARNING: benchmark build, profile reads are NOT audited; never use it for real data\n");
#endif
  stack_options so;
  std::string listen = "127.0.0.1:8080", value;
  unsigned long long threads = 2, request_timeout = 30;
  arg_reader r{args, 0, {}};
  while (!r.done()) {
    if (r.take_stack_flag(so) || r.take("--listen", listen)) {
    } else if (r.take("--threads", value)) {
      if (!parse_uint(value, 64, threads) || threads == 0) return usage_error("serve", "--threads takes 1 to 64");
    } else if (r.take("--request-timeout", value)) {
      if (!parse_uint(value, 3600, request_timeout) || request_timeout == 0)
        return usage_error("serve", "--request-timeout takes 1 to 3600 (seconds)");
    } else {
      return usage_error("serve", "unknown option '" + args[r.i] + "'");
    }
    if (!r.error.empty()) return usage_error("serve", r.error);
  }
  auto colon = listen.rfind(':');
  unsigned long long port = 0;
  if (colon == std::string::npos || !parse_uint(listen.substr(colon + 1), 65535, port))
    return usage_error("serve", "--listen takes HOST:PORT, e.g. 127.0.0.1:8080");
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);

  auto opened = stack::open(so);
  if (!opened) return failure(opened.err().message);
  auto& s = **opened;
  if (auto st = s.wait_caught_up(std::chrono::seconds(600)); !st) return failure(st.err().message);
  if (auto st = bootstrap(s); !st) return failure("creating the demo tenant: " + st.err().message);

  api::app application({s.exec(), s.views(), s.runner(), s.vault(), s.audit(), s.entropy(),
                         [&s] { return s.purge_storage(); }, nullptr, {}, &s.customers_index(),
                         [&s] { return s.background_jobs(); }});
  api::server_options o;
  o.host = host;
  o.port = static_cast<std::uint16_t>(port);
  o.threads = threads;
  // A connection gets this long to send a request's headers (or to stay idle
  // between requests) and again for its body; slow or stuck clients are
  // dropped after it and never hold up others.
  o.header_timeout = o.body_timeout = std::chrono::seconds(request_timeout);
  api::server srv(application, o);
  auto bound = srv.listen();
  if (!bound) return failure(bound.err().message);
  std::printf("chronicle: listening on http://%s:%u (%s log, data in %s)\n", listen.substr(0, colon).c_str(),
              static_cast<unsigned>(*bound), so.kafka.empty() ? "embedded" : "kafka", so.data_dir.c_str());
  std::fflush(stdout);

  srv.run();
  s.close();
  std::fprintf(stderr, "chronicle: stopped\n");
  return 0;
}

}  // namespace chronicle::cli
