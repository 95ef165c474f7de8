// chronicle: the command-line entry point. Dispatches to subcommands.
#include <cstdio>
#include <string>
#include <vector>

#include "api/cli/cli.hpp"

namespace {
void usage(std::FILE* out) {
  std::fputs(
      "usage: chronicle <command> [options]\n"
      "\n"
      "commands:\n"
      "  serve     run the HTTP API, command side and projections in one process\n"
      "            --data-dir DIR        where the embedded log and stores live (default ./data)\n"
      "            --listen HOST:PORT    address to serve on (default 127.0.0.1:8080; port 0 = any)\n"
      "            --kafka BOOTSTRAP     use Kafka as the event log instead of the embedded log\n"
      "            --kafka-prefix P      topic name prefix (default \"chronicle.\")\n"
      "            --kafka-config K=V    extra librdkafka setting (repeatable)\n"
      "            --partitions N        partitions per topic (default 8; fixed once data exists)\n"
      "            --threads N           HTTP threads (default 2)\n"
      "  version   print the version\n"
      "  help      print this text\n",
      out);
}
}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    usage(stderr);
    return 2;
  }
  auto cmd = args.front();
  args.erase(args.begin());
  if (cmd == "serve") return chronicle::cli::serve(args);
  if (cmd == "version" || cmd == "--version") {
    std::puts("chronicle 0.1.0");
    return 0;
  }
  if (cmd == "help" || cmd == "--help" || cmd == "-h") {
    usage(stdout);
    return 0;
  }
  std::fprintf(stderr, "chronicle: unknown command '%s'\n\n", cmd.c_str());
  usage(stderr);
  return 2;
}
