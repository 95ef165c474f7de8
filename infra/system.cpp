#include "infra/system.hpp"

#include <sodium.h>

#include <chrono>

namespace chronicle::infra {

std::int64_t system_clock::now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::array<std::uint8_t, 10> system_entropy::random10() {
  std::array<std::uint8_t, 10> r;
  randombytes_buf(r.data(), r.size());  // thread-safe once sodium_init() has run
  return r;
}

}  // namespace chronicle::infra
