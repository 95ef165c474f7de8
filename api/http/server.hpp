#pragma once
// The HTTP/1.1 server (Boost.Beast, C++20 coroutines). It owns connections,
// timeouts, body limits and graceful shutdown; every request goes to `app`.
// Shutdown on SIGTERM/SIGINT: stop accepting, close idle connections, let
// in-flight requests finish (bounded by shutdown_grace), then return.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <string>

#include "api/http/app.hpp"

namespace chronicle::api {

struct server_options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;            // 0: any free port
  std::size_t body_limit = 1 << 20;     // bytes; larger bodies get 413
  std::chrono::seconds header_timeout{30};  // idle keep-alive or slow headers
  std::chrono::seconds body_timeout{30};
  std::chrono::seconds write_timeout{30};
  std::size_t threads = 2;
  std::chrono::seconds shutdown_grace{10};
  std::size_t max_connections = 10000;
};

// One request read from `bytes` exactly as a session reads it from a socket
// (same parser, limits and translation), for tests and fuzzing of the request
// path without a network. `request` is set for a complete request; `rejection`
// for one the server would answer with a problem without running the app
// (malformed: 400, too large: 413/431, bad target or query: 400); neither when
// the bytes end before the request does.
struct parsed_request {
  std::optional<http_request> request;
  std::optional<http_response> rejection;
};
parsed_request parse_request_bytes(std::string_view bytes, std::size_t body_limit = 1 << 20);

class server {
 public:
  server(app& a, server_options opts);
  ~server();
  // Binds and listens; returns the bound port.
  result<std::uint16_t> listen();
  // Serves until SIGTERM/SIGINT or stop(), then shuts down gracefully.
  void run();
  // Starts a graceful shutdown; safe from any thread.
  void stop();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace chronicle::api
