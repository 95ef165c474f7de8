// Broken and hostile clients against a real server: connections that send
// their request a byte at a time, connect and say nothing, or pipeline
// requests and never read the answers. None of them may hold up another
// client, and the server drops the slow ones after its request timeout.
#include <boost/test/unit_test.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <cerrno>
#include <chrono>
#include <thread>

#include "support.hpp"

using namespace chronicle::e2e;
using namespace std::chrono_literals;

namespace {

// A raw non-blocking TCP connection to 127.0.0.1:port, closed on destruction.
struct raw_conn {
  int fd = -1;
  explicit raw_conn(std::uint16_t port) {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    BOOST_REQUIRE(fd >= 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    BOOST_REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  }
  ~raw_conn() {
    if (fd >= 0) ::close(fd);
  }
  raw_conn(const raw_conn&) = delete;
  raw_conn& operator=(const raw_conn&) = delete;

  // Sends what the socket takes now; returns the bytes sent.
  std::size_t send_some(std::string_view bytes) {
    auto n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    return n < 0 ? 0 : static_cast<std::size_t>(n);
  }
  // True when the server has closed its side: end of stream or a reset.
  // Any answer bytes waiting are read and dropped.
  bool closed_by_server() {
    char buf[4096];
    for (;;) {
      auto n = ::recv(fd, buf, sizeof buf, 0);
      if (n == 0) return true;
      if (n > 0) continue;
      return errno == ECONNRESET || errno == EPIPE;
    }
  }
  bool wait_closed(std::chrono::seconds within) {
    auto deadline = std::chrono::steady_clock::now() + within;
    while (std::chrono::steady_clock::now() < deadline) {
      if (closed_by_server()) return true;
      pollfd p{fd, POLLIN, 0};
      ::poll(&p, 1, 100);
    }
    return closed_by_server();
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(faults)

BOOST_AUTO_TEST_CASE(slow_stuck_and_non_reading_clients_do_not_block_others) {
  auto dir = temp_dir();
  constexpr int timeout_s = 4;
  server_process s(dir, {"--request-timeout", std::to_string(timeout_s)});

  // Slowloris: a request line and half a header, then one byte at a time.
  std::vector<std::unique_ptr<raw_conn>> slow, silent, greedy;
  for (int i = 0; i < 100; ++i) {
    slow.push_back(std::make_unique<raw_conn>(s.port()));
    slow.back()->send_some("GET /v1/customers HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
  }
  // Half-open: connected, never a byte.
  for (int i = 0; i < 100; ++i) silent.push_back(std::make_unique<raw_conn>(s.port()));
  // Never reading: many pipelined requests for a large document, answers left unread
  // until the socket buffers are full and the server's writes stall.
  std::string pipeline;
  for (int i = 0; i < 400; ++i) pipeline += "GET /v1/openapi.json HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  for (int i = 0; i < 4; ++i) {
    greedy.push_back(std::make_unique<raw_conn>(s.port()));
    BOOST_REQUIRE(greedy.back()->send_some(pipeline) > 0);
  }
  std::atomic<bool> dribbling{true};
  std::thread dribbler([&] {
    while (dribbling.load()) {
      for (auto& c : slow) c->send_some("x");
      std::this_thread::sleep_for(300ms);
    }
  });

  // Meanwhile an ordinary client is served as usual.
  auto started = std::chrono::steady_clock::now();
  {
    http_client c(s.port(), s.admin_key());
    for (int i = 0; i < 100; ++i) {
      BOOST_REQUIRE_EQUAL(c.get("/healthz").status, 200);
      BOOST_REQUIRE_EQUAL(c.get("/v1/customers?limit=5").status, 200);
    }
  }
  auto served_in = std::chrono::steady_clock::now() - started;
  // The slow connections were all still open while it was served, so it
  // really ran alongside them (not after the server had dropped them).
  if (served_in < std::chrono::seconds(timeout_s)) {
    int open = 0;
    for (auto& c : slow) open += !c->closed_by_server();
    for (auto& c : silent) open += !c->closed_by_server();
    BOOST_TEST(open == 200);
  }

  // After the request timeout the server drops them, dribbling or not.
  for (auto& c : slow) BOOST_TEST(c->wait_closed(std::chrono::seconds(timeout_s + 15)));
  for (auto& c : silent) BOOST_TEST(c->wait_closed(std::chrono::seconds(timeout_s + 15)));
  dribbling = false;
  dribbler.join();

  // With writers still stuck on unread answers, the server still answers
  // others and shuts down cleanly within its grace period.
  {
    http_client c(s.port(), s.admin_key());
    BOOST_TEST(c.get("/healthz").status == 200);
  }
  BOOST_TEST(s.terminate(std::chrono::seconds(30)) == 0);
  remove_dir(dir);
}

namespace {

// A small tmpfs mounted for one test, unmounted at the end (needs root).
struct small_fs {
  std::string dir;
  explicit small_fs(int mib) : dir(temp_dir()) {
    auto cmd = "mount -t tmpfs -o size=" + std::to_string(mib) + "m tmpfs " + dir;
    BOOST_REQUIRE_MESSAGE(std::system(cmd.c_str()) == 0, "cannot mount a tmpfs at " << dir);
  }
  ~small_fs() {
    std::system(("umount -l " + dir).c_str());
    remove_dir(dir);
  }
};

// Writes zeros to `path` until the file system refuses; returns the bytes written.
std::uint64_t fill(const std::string& path) {
  auto fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  BOOST_REQUIRE(fd >= 0);
  std::string chunk(1 << 20, '\0');
  std::uint64_t total = 0;
  for (int i = 0; i < 4096; ++i) {
    auto n = ::write(fd, chunk.data(), chunk.size());
    if (n <= 0) break;
    total += static_cast<std::uint64_t>(n);
  }
  ::close(fd);
  return total;
}

std::string customer_body(const std::string& name) { return "{\"first_name\":\"" + name + "\"}"; }

boost::test_tools::assertion_result running_as_root(boost::unit_test::test_unit_id) {
  boost::test_tools::assertion_result r(::geteuid() == 0);
  r.message() << "mounting a small file system needs root";
  return r;
}

}  // namespace

// The data directory's disk fills up: writes get 503 storage_full before
// anything is written, reads go on, nothing acknowledged is lost, and writes
// resume by themselves when space is freed.
BOOST_AUTO_TEST_CASE(a_full_disk_refuses_writes_cleanly_and_recovers_when_space_returns,
                     *boost::unit_test::precondition(running_as_root)) {
  small_fs fs(512);  // RocksDB preallocates about 70 MiB of WAL per store
  auto data = fs.dir + "/data";
  std::vector<std::string> acked;
  std::string key;
  {
    server_process s(data, {"--min-free-mb", "16"});
    key = s.admin_key();
    http_client c(s.port(), key);
    for (int i = 0; i < 20; ++i) {
      auto r = c.post_json("/v1/customers", customer_body("before-" + std::to_string(i)));
      BOOST_REQUIRE_EQUAL(r.status, 201);
      acked.push_back(json_field(r.body, "id").value());
    }
    BOOST_TEST_MESSAGE("filled " << (fill(fs.dir + "/filler") >> 20) << " MiB");
    // Refused up front with a clear problem (the guard looks again within 100 ms).
    response refused;
    for (int i = 0; i < 50; ++i) {
      refused = c.post_json("/v1/customers", customer_body("while-full-" + std::to_string(i)));
      if (refused.status == 201) acked.push_back(json_field(refused.body, "id").value());
      if (refused.status == 503) break;
      std::this_thread::sleep_for(50ms);
    }
    BOOST_TEST(refused.status == 503);
    BOOST_TEST(refused.header("content-type") == "application/problem+json");
    BOOST_TEST(json_field(refused.body, "code").value_or("") == "storage_full");
    BOOST_TEST(refused.body.find("free") != std::string::npos);
    // Reads still work, audited ones included (their small records may use
    // the reserve).
    BOOST_TEST(c.get("/v1/customers/" + acked.front()).status == 200);
    BOOST_TEST(c.get("/v1/api-keys").status == 200);
    BOOST_TEST(c.get("/readyz").status == 200);

    std::filesystem::remove(fs.dir + "/filler");
    response back;
    for (int i = 0; i < 100; ++i) {
      back = c.post_json("/v1/customers", customer_body("after-" + std::to_string(i)));
      if (back.status == 201) break;
      std::this_thread::sleep_for(50ms);
    }
    BOOST_REQUIRE_EQUAL(back.status, 201);
    acked.push_back(json_field(back.body, "id").value());
    BOOST_TEST(s.terminate() == 0);
  }
  // Nothing acknowledged was lost and the log reopens cleanly.
  server_process s(data, {"--min-free-mb", "16"});
  http_client c(s.port(), key);
  for (auto& id : acked) BOOST_TEST(c.get("/v1/customers/" + id).status == 200, id);
  BOOST_TEST(s.terminate() == 0);
}

BOOST_AUTO_TEST_SUITE_END()
