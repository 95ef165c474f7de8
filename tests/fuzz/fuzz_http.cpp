// Fuzz target: the whole request path of the server without a socket. The
// bytes are read as one HTTP/1.1 request exactly as a connection reads them
// (api::parse_request_bytes: same parser, limits and translation), then
// routed, authenticated, authorised and handled by the real app on the real
// stack (embedded log, RocksDB stores, vault) in a temporary data directory.
// The seed corpus carries a valid admin key (see below), so mutations reach
// the handlers behind authentication too.
//
// Every input must end in a well-formed answer: a status in 200..599 and, for
// errors, a problem+json body; within a bounded time (a handler that never
// answers is a bug and aborts the run).
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <memory>
#include <string>
#include <unistd.h>

#include "api/cli/stack.hpp"
#include "api/http/app.hpp"
#include "api/http/server.hpp"
#include "commands/access_commands.hpp"

namespace {

using namespace chronicle;

// The fixed admin key of the fuzzing tenant "demo": the seeds use it.
constexpr std::string_view key_id = "01KFZZ00000000000000000000";
constexpr std::string_view key_secret = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

struct harness {
  std::string dir;
  std::unique_ptr<cli::stack> st;
  std::unique_ptr<api::app> app;

  harness() {
    dir = (std::filesystem::temp_directory_path() / ("chronicle-fuzz-" + std::to_string(::getpid()))).string();
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    ::setenv("CHRONICLE_MASTER_KEY", "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", 1);
    cli::stack_options o;
    o.data_dir = dir;
    o.partitions = 2;
    auto s = cli::stack::open(o);
    if (!s) abort_with("opening the stack: " + s.err().message);
    st = std::move(*s);
    commands::command_meta meta{.tenant = "demo", .actor = "fuzz", .actor_role = "system"};
    auto t = st->run(commands::access_commands::create_tenant(meta, {"demo", "Demo"}));
    if (!t) abort_with("creating the tenant: " + t.err().message);
    auto k = st->run(commands::access_commands::issue_key(
        meta, {std::string(key_id), "demo", "", st->vault().blind_index("", "api_key", std::string(key_secret)), "fuzz",
               access::role::admin}));
    if (!k) abort_with("issuing the key: " + k.err().message);
    app = std::make_unique<api::app>(api::app_services{st->exec(), st->views(), st->runner(), st->vault(), st->audit(),
                                                       st->entropy(), [this] { return st->purge_storage(); }, {}, {},
                                                       &st->customers_index()},
                                     api::app_options{std::chrono::milliseconds(50)});
  }
  ~harness() {
    app.reset();
    if (st) st->close();
    st.reset();
    std::filesystem::remove_all(dir);
  }
  [[noreturn]] static void abort_with(const std::string& what) {
    std::fprintf(stderr, "fuzz_http: %s\n", what.c_str());
    std::abort();
  }
};

harness& h() {
  static harness instance;
  return instance;
}

// CHRONICLE_FUZZ_TRACE=1: print each answer's status and code (to see what
// a corpus reaches, e.g. `fuzz_http corpus/http/*`).
void check(const api::http_response& r) {
  static const bool trace = std::getenv("CHRONICLE_FUZZ_TRACE") != nullptr;
  if (trace) std::fprintf(stderr, "fuzz_http: %d %.120s\n", r.status, r.body.c_str());
  if (r.status < 200 || r.status > 599) harness::abort_with("status out of range: " + std::to_string(r.status));
  if (r.status >= 400 && r.content_type != "application/problem+json")
    harness::abort_with("an error without problem+json: " + std::to_string(r.status) + " " + r.body);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  h();  // destroyed (stack closed, directory removed) at exit
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto parsed = api::parse_request_bytes(std::string_view(reinterpret_cast<const char*>(data), size), 64 * 1024);
  if (parsed.rejection) check(*parsed.rejection);
  if (!parsed.request) return 0;
  auto& app = *h().app;
  auto p = app.prepare(*parsed.request);
  if (p.rejection) {
    check(*p.rejection);
    return 0;
  }
  std::promise<api::http_response> done;
  auto answer = done.get_future();
  app.handle(*parsed.request, p, [&done](api::http_response r) { done.set_value(std::move(r)); });
  if (answer.wait_for(std::chrono::seconds(20)) != std::future_status::ready)
    harness::abort_with("a request got no answer within 20 s");
  check(answer.get());
  return 0;
}
