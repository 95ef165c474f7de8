// chronicle-kafka-mock: runs librdkafka's mock Kafka cluster with every
// Chronicle topic created, for tests that start `chronicle serve --kafka`.
// Prints the bootstrap string as its first line of output and runs until
// SIGTERM or SIGINT, which only the main thread receives (sigwait). SIGUSR1
// takes every broker down (connections refused, as when the cluster is
// unreachable) and SIGUSR2 brings them back, with their data.
//
//   chronicle-kafka-mock [--brokers N] [--partitions N] [--prefix P]
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <unistd.h>

#include <atomic>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "domain/log.hpp"
#include "support/mock_cluster_knock.hpp"

namespace {

struct flags {
  int brokers = 3;
  int partitions = 8;
  std::string prefix = "chronicle.";
};

std::optional<int> parse_int(std::string_view s, int lo, int hi) {
  int v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size() || v < lo || v > hi) return std::nullopt;
  return v;
}

int usage(const std::string& why) {
  std::fprintf(stderr,
               "chronicle-kafka-mock: %s\n"
               "usage: chronicle-kafka-mock [--brokers N (1-16, default 3)] [--partitions N (1-1024, default 8)]"
               " [--prefix P (default \"chronicle.\")]\n",
               why.c_str());
  return 2;
}

// Accepts "--name value" and "--name=value".
std::optional<std::string> parse(int argc, char** argv, flags& f) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    std::string name(arg), value;
    bool has_value = false;
    if (auto eq = arg.find('='); arg.starts_with("--") && eq != std::string_view::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
      has_value = true;
    }
    if (name != "--brokers" && name != "--partitions" && name != "--prefix") return "unknown flag " + std::string(arg);
    if (!has_value) {
      if (i + 1 >= argc) return "flag " + name + " needs a value";
      value = argv[++i];
    }
    if (name == "--prefix") {
      f.prefix = value;
    } else if (name == "--brokers") {
      auto v = parse_int(value, 1, 16);
      if (!v) return "--brokers must be a number from 1 to 16, not \"" + value + "\"";
      f.brokers = *v;
    } else {
      auto v = parse_int(value, 1, 1024);
      if (!v) return "--partitions must be a number from 1 to 1024, not \"" + value + "\"";
      f.partitions = *v;
    }
  }
  return std::nullopt;
}

using chronicle::testing::served_promptly;

std::uint16_t first_port(std::string_view bootstrap) {
  auto first = bootstrap.substr(0, bootstrap.find(','));
  return parse_int(first.substr(first.rfind(':') + 1), 1, 65535).value_or(0);
}

}  // namespace

int main(int argc, char** argv) {
  flags f;
  if (auto why = parse(argc, argv, f)) return usage(*why);

  // Block the stop signals before librdkafka starts its threads, so they all
  // inherit the mask and sigwait() below is the only receiver.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGUSR1);
  sigaddset(&stop, SIGUSR2);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);

  char errstr[512];
  auto* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof errstr);
  // The handle only does the mock's bookkeeping; it never connects anywhere.
  auto* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (!rk) {
    rd_kafka_conf_destroy(conf);
    std::fprintf(stderr, "chronicle-kafka-mock: cannot create a librdkafka handle: %s\n", errstr);
    return 1;
  }
  auto* mc = rd_kafka_mock_cluster_new(rk, f.brokers);
  if (!mc) {
    std::fprintf(stderr, "chronicle-kafka-mock: cannot start the mock cluster\n");
    rd_kafka_destroy(rk);
    return 1;
  }
  // The mock cannot create topics through the Admin API (and a lookup by name
  // would auto-create one with 4 partitions), so the topics exist up front.
  std::string bootstrap = rd_kafka_mock_cluster_bootstraps(mc);
  auto port = first_port(bootstrap);
  int replicas = f.brokers < 3 ? f.brokers : 3;
  for (auto t : chronicle::all_topics) {
    auto name = f.prefix + std::string(t);
    rd_kafka_resp_err_t err{};
    served_promptly(port, [&] { err = rd_kafka_mock_topic_create(mc, name.c_str(), f.partitions, replicas); });
    if (err) {
      std::fprintf(stderr, "chronicle-kafka-mock: cannot create topic %s: %s\n", name.c_str(), rd_kafka_err2str(err));
      served_promptly(port, [&] { rd_kafka_mock_cluster_destroy(mc); });
      rd_kafka_destroy(rk);
      return 1;
    }
  }

  std::printf("%s\n", bootstrap.c_str());
  std::fflush(stdout);

  int sig = 0;
  for (;;) {
    if (sigwait(&stop, &sig) != 0) continue;
    if (sig != SIGUSR1 && sig != SIGUSR2) break;
    bool up = sig == SIGUSR2;
    for (int b = 1; b <= f.brokers; ++b)
      served_promptly(port, [&] {
        return up ? rd_kafka_mock_broker_set_up(mc, b) : rd_kafka_mock_broker_set_down(mc, b);
      });
    std::fprintf(stderr, "chronicle-kafka-mock: brokers %s\n", up ? "up" : "down");
  }
  std::fprintf(stderr, "chronicle-kafka-mock: %s, stopping\n", strsignal(sig));
  served_promptly(port, [&] { rd_kafka_mock_cluster_destroy(mc); });
  rd_kafka_destroy(rk);
  return 0;
}
