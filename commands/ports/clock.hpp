#pragma once
// Ports for time and randomness, so handlers stay deterministic under test.
#include <array>
#include <cstdint>

namespace chronicle::commands {

class clock {
 public:
  virtual ~clock() = default;
  virtual std::int64_t now_us() = 0;  // µs since the epoch, UTC
};

class entropy {
 public:
  virtual ~entropy() = default;
  virtual std::array<std::uint8_t, 10> random10() = 0;  // thread-safe
};

}  // namespace chronicle::commands
