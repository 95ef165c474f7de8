#pragma once
// Subcommands of the `chronicle` executable. Each takes its arguments after
// the subcommand name and returns the process exit code (0 ok, 1 failure,
// 2 bad usage), printing errors to stderr.
#include <string>
#include <vector>

#include "api/cli/stack.hpp"

namespace chronicle::cli {

int serve(const std::vector<std::string>& args);
int tenant(const std::vector<std::string>& args);
int key(const std::vector<std::string>& args);
// Folds every read model again from the start of the log (a stopped server's data).
int rebuild(const std::vector<std::string>& args);

// "--name value" or "--name=value" parsing shared by subcommands.
struct arg_reader {
  const std::vector<std::string>& args;
  std::size_t i = 0;
  std::string error;
  bool done() const { return i >= args.size(); }
  // True when args[i] is `name`; stores its value and advances.
  bool take(const std::string& name, std::string& value);
  // Takes one of the flags every stack-opening subcommand shares
  // (--data-dir, --kafka, --kafka-prefix, --kafka-config, --partitions,
  // --master-key-file); false when args[i] is none of them.
  bool take_stack_flag(stack_options& o);
};

int usage_error(const std::string& command, const std::string& what);
// A decimal integer in [0, max] with nothing else around it.
bool parse_uint(const std::string& s, unsigned long long max, unsigned long long& out);
int failure(const std::string& what);

}  // namespace chronicle::cli
