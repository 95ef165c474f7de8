// `chronicle rebuild`: throws the read models away and folds them again from
// the first event of the log, the way a changed projection is rolled out and
// the way a damaged view store is repaired. The old views are kept aside
// until the new ones have caught up, so an interrupted or failed rebuild
// leaves them in place.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <system_error>

#include "api/cli/cli.hpp"

namespace chronicle::cli {

namespace fs = std::filesystem;

int rebuild(const std::vector<std::string>& args) {
  stack_options so;
  arg_reader r{args, 0, {}};
  while (!r.done()) {
    if (!r.take_stack_flag(so)) return usage_error("rebuild", "unknown option '" + args[r.i] + "'");
    if (!r.error.empty()) return usage_error("rebuild", r.error);
  }
  auto views = fs::path(so.data_dir) / "views";
  auto aside = fs::path(so.data_dir) / "views.before-rebuild";
  std::error_code ec;
  if (!fs::exists(fs::path(so.data_dir) / "state", ec))
    return failure("no Chronicle data in " + so.data_dir + " (--data-dir)");
  if (fs::exists(aside, ec))
    return failure("an earlier rebuild did not finish: " + aside.string() +
                   " holds the views from before it; move it back to " + views.string() + " or delete it");
  // A running server holds the lock of the state store: opening it first
  // refuses the rebuild before any view is touched.
  {
    auto probe = stack::open(so);
    if (!probe) return failure(probe.err().message);
    (*probe)->close();
  }
  if (fs::exists(views, ec)) {
    fs::rename(views, aside, ec);
    if (ec) return failure("cannot move " + views.string() + " aside: " + ec.message());
  }
  auto restore = [&](const std::string& why) {
    std::error_code e;
    fs::remove_all(views, e);
    if (fs::exists(aside, e)) fs::rename(aside, views, e);
    return failure(why + (e ? " (and restoring the old views failed: " + e.message() + ")" : "; the old views are back"));
  };

  auto started = std::chrono::steady_clock::now();
  auto s = stack::open(so);
  if (!s) return restore(s.err().message);
  if (auto st = (*s)->wait_caught_up(std::chrono::hours(6)); !st) {
    (*s)->close();
    return restore(st.err().message);
  }
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  auto events = (*s)->runner().current().applied_events;
  (*s)->close();
  fs::remove_all(aside, ec);
  if (ec) std::fprintf(stderr, "chronicle: rebuilt, but %s could not be removed: %s\n", aside.c_str(), ec.message().c_str());

  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  std::printf("rebuilt the read models from %llu events in %.1f s (%.0f events/s); peak memory %ld MiB\n",
              static_cast<unsigned long long>(events), seconds, seconds > 0 ? static_cast<double>(events) / seconds : 0.0,
              ru.ru_maxrss / 1024);
  return 0;
}

}  // namespace chronicle::cli
