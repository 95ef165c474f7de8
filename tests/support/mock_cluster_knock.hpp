#pragma once
// librdkafka 2.0.2's mock cluster sometimes misses the wake-up for a control
// call (topic create, broker down, destroy) and serves it only at its next
// 1 s poll timeout. Any socket activity wakes it too, so while such a call is
// pending, knock on one of its brokers' ports. Shared by the contract tests
// and chronicle-kafka-mock.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <future>

namespace chronicle::testing {

inline void knock(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::close(fd);
}

// Runs `call` and knocks every 5 ms until it returns; returns its result.
template <class F>
auto served_promptly(std::uint16_t port, F call) {
  auto pending = std::async(std::launch::async, call);
  while (pending.wait_for(std::chrono::milliseconds(5)) != std::future_status::ready) knock(port);
  return pending.get();
}

}  // namespace chronicle::testing
