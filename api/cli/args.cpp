// Argument parsing and error reporting shared by the subcommands.
#include <charconv>
#include <cstdio>

#include "api/cli/cli.hpp"

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

bool parse_uint(const std::string& s, unsigned long long max, unsigned long long& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && p == s.data() + s.size() && !s.empty() && out <= max;
}

bool arg_reader::take_stack_flag(stack_options& o) {
  std::string v;
  if (take("--data-dir", o.data_dir) || take("--kafka", o.kafka) || take("--kafka-prefix", o.kafka_prefix) ||
      take("--master-key-file", o.master_key_file))
    return true;
  if (take("--kafka-config", v)) {
    auto eq = v.find('=');
    if (eq == std::string::npos || eq == 0) error = "--kafka-config takes KEY=VALUE";
    else o.kafka_config[v.substr(0, eq)] = v.substr(eq + 1);
    return true;
  }
  if (take("--min-free-mb", v)) {
    unsigned long long n = 0;
    if (!parse_uint(v, 1ull << 30, n)) error = "--min-free-mb takes a number of MiB (0 turns the check off)";
    o.min_free_mb = n;
    return true;
  }
  if (take("--partitions", v)) {
    unsigned long long n = 0;
    if (!parse_uint(v, 1024, n) || n == 0) error = "--partitions takes 1 to 1024";
    o.partitions = static_cast<std::uint32_t>(n);
    return true;
  }
  return false;
}

int usage_error(const std::string& command, const std::string& what) {
  std::fprintf(stderr, "chronicle %s: %s (see 'chronicle help')\n", command.c_str(), what.c_str());
  return 2;
}

int failure(const std::string& what) {
  std::fprintf(stderr, "chronicle: %s\n", what.c_str());
  return 1;
}

}  // namespace chronicle::cli
