#include "infra/system.hpp"

#include <sodium.h>

#include <chrono>
#include <cstring>

namespace chronicle::infra {

std::int64_t system_clock::now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::array<std::uint8_t, 10> system_entropy::random10() {
  thread_local std::array<std::uint8_t, 4096> pool;
  thread_local std::size_t used = pool.size();
  std::array<std::uint8_t, 10> r;
  if (used + r.size() > pool.size()) {
    randombytes_buf(pool.data(), pool.size());  // thread-safe once sodium_init() has run
    used = 0;
  }
  std::memcpy(r.data(), pool.data() + used, r.size());
  used += r.size();
  return r;
}

}  // namespace chronicle::infra
