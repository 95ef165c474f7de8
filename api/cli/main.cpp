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
      "  serve                      run the HTTP API, command side and projections in one process\n"
      "            --listen HOST:PORT    address to serve on (default 127.0.0.1:8080; port 0 = any)\n"
      "            --threads N           HTTP threads (default 2)\n"
      "            --request-timeout S   seconds a connection gets to send a request or stay idle (default 30)\n"
      "  tenant create NAME         create a tenant (NAME: 1-32 of a-z, 0-9, _) [--display-name TEXT]\n"
      "                             [--country XX] (ISO alpha-2, default US: how national phone numbers are read)\n"
      "  tenant list                list tenants\n"
      "  key create --tenant T --role R [--customer ID] [--label TEXT]\n"
      "                             issue an API key (roles: admin, staff, analyst, auditor, portal);\n"
      "                             the key is printed once on stdout\n"
      "  key list --tenant T        list a tenant's keys (never the secrets)\n"
      "  key revoke KEY_ID          revoke a key\n"
      "  rebuild                    fold every read model again from the start of the log; prints\n"
      "                             events/s and peak memory (the old views are kept until it is done)\n"
      "\n"
      "  options of every command above:\n"
      "            --data-dir DIR        where the embedded log, stores and key vault live (default ./data)\n"
      "            --kafka BOOTSTRAP     use Kafka as the event log instead of the embedded log\n"
      "            --kafka-prefix P      topic name prefix (default \"chronicle.\")\n"
      "            --kafka-config K=V    extra librdkafka setting (repeatable)\n"
      "            --partitions N        partitions per topic (default 8; fixed once data exists)\n"
      "            --min-free-mb N       refuse writes (503) below N MiB free in the data dir (default 256; 0: off)\n"
      "            --master-key-file F   the vault's master key (default: $CHRONICLE_MASTER_KEY,\n"
      "                                  else DIR/master.key, created on first run with mode 0600)\n"
      "  tenant, key and rebuild work on a stopped server's data directory (it is locked while serving).\n"
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
  if (cmd == "tenant") return chronicle::cli::tenant(args);
  if (cmd == "key") return chronicle::cli::key(args);
  if (cmd == "rebuild") return chronicle::cli::rebuild(args);
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
