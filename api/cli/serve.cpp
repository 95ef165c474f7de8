// `chronicle serve`: the composition root. Wires the infra adapters into the
// command side, the projections and the HTTP server, in one process.
#include <sodium.h>

#include <charconv>
#include <cstdio>
#include <filesystem>
#include <map>

#include "api/cli/cli.hpp"
#include "api/http/app.hpp"
#include "api/http/server.hpp"
#include "commands/customer_commands.hpp"
#include "commands/executor.hpp"
#include "infra/log/embedded_log.hpp"
#include "infra/log/kafka_log.hpp"
#include "infra/store/rocks_stores.hpp"
#include "infra/system.hpp"
#include "projections/customers.hpp"
#include "projections/runner.hpp"

namespace chronicle::cli {

bool arg_reader::take(const std::string& name, std::string& value) {
  auto& a = args[i];
  if (a == name) {
    if (i + 1 >= args.size()) {
      error = name + " needs a value";
      ++i;
      return true;
    }
    value = args[i + 1];
    i += 2;
    return true;
  }
  if (a.rfind(name + "=", 0) == 0) {
    value = a.substr(name.size() + 1);
    ++i;
    return true;
  }
  return false;
}

namespace {

int fail(const std::string& what) {
  std::fprintf(stderr, "chronicle: %s\n", what.c_str());
  return 1;
}
int usage_error(const std::string& what) {
  std::fprintf(stderr, "chronicle serve: %s (see 'chronicle help')\n", what.c_str());
  return 2;
}

bool parse_uint(const std::string& s, unsigned long long max, unsigned long long& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && p == s.data() + s.size() && !s.empty() && out <= max;
}

}  // namespace

int serve(const std::vector<std::string>& args) {
  std::string data_dir = "./data", listen = "127.0.0.1:8080", kafka, prefix = "chronicle.", value;
  std::map<std::string, std::string> kafka_config;
  unsigned long long partitions = 8, threads = 2;
  arg_reader r{args, 0, {}};
  while (!r.done()) {
    if (r.take("--data-dir", data_dir) || r.take("--listen", listen) || r.take("--kafka", kafka) ||
        r.take("--kafka-prefix", prefix)) {
    } else if (r.take("--kafka-config", value)) {
      auto eq = value.find('=');
      if (eq == std::string::npos || eq == 0) return usage_error("--kafka-config takes KEY=VALUE");
      kafka_config[value.substr(0, eq)] = value.substr(eq + 1);
    } else if (r.take("--partitions", value)) {
      if (!parse_uint(value, 1024, partitions) || partitions == 0) return usage_error("--partitions takes 1 to 1024");
    } else if (r.take("--threads", value)) {
      if (!parse_uint(value, 64, threads) || threads == 0) return usage_error("--threads takes 1 to 64");
    } else {
      return usage_error("unknown option '" + args[r.i] + "'");
    }
    if (!r.error.empty()) return usage_error(r.error);
  }
  auto colon = listen.rfind(':');
  unsigned long long port = 0;
  if (colon == std::string::npos || !parse_uint(listen.substr(colon + 1), 65535, port))
    return usage_error("--listen takes HOST:PORT, e.g. 127.0.0.1:8080");
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);

  if (sodium_init() < 0) return fail("libsodium failed to initialise");
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) return fail("cannot create the data directory " + data_dir + ": " + ec.message());

  std::unique_ptr<commands::event_log> log;
  if (kafka.empty()) {
    auto l = infra::embedded_log::open({data_dir + "/log", static_cast<std::uint32_t>(partitions), true});
    if (!l) return fail(l.err().message);
    log = std::move(*l);
  } else {
    infra::kafka_log_options ko;
    ko.bootstrap = kafka;
    ko.topic_prefix = prefix;
    ko.partitions = static_cast<std::uint32_t>(partitions);
    ko.extra = kafka_config;
    auto l = infra::kafka_log::open(ko);
    if (!l) return fail(l.err().message);
    log = std::move(*l);
  }
  auto state_db = infra::rocks_db::open(data_dir + "/state");
  if (!state_db) return fail(state_db.err().message);
  auto views_db = infra::rocks_db::open(data_dir + "/views");
  if (!views_db) return fail(views_db.err().message);
  infra::rocks_state_store state(*state_db);
  infra::rocks_kv views(*views_db);
  infra::system_clock clock;
  infra::system_entropy entropy;

  commands::executor exec(*log, state, clock, entropy, {commands::customer_commands::kind()});
  if (auto s = exec.start(); !s) return fail("catching up the command side failed: " + s.err().message);

  std::vector<std::unique_ptr<projections::projection>> projs;
  projs.push_back(projections::make_customers_projection());
  projections::runner runner(*log, views, std::move(projs));
  if (auto s = runner.start(); !s) return fail("starting projections failed: " + s.err().message);

  api::app application(exec, views, runner);
  api::server_options so;
  so.host = host;
  so.port = static_cast<std::uint16_t>(port);
  so.threads = threads;
  api::server srv(application, so);
  auto bound = srv.listen();
  if (!bound) return fail(bound.err().message);
  std::printf("chronicle: listening on http://%s:%u (%s log, data in %s)\n", listen.substr(0, colon).c_str(),
              static_cast<unsigned>(*bound), kafka.empty() ? "embedded" : "kafka", data_dir.c_str());
  std::fflush(stdout);

  srv.run();
  exec.stop();
  runner.stop();
  log->close();
  std::fprintf(stderr, "chronicle: stopped\n");
  return 0;
}

}  // namespace chronicle::cli
