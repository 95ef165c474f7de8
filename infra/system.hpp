#pragma once
// The real clock and entropy source. Thread-safe.
#include "commands/ports/clock.hpp"

namespace chronicle::infra {

class system_clock final : public commands::clock {
 public:
  std::int64_t now_us() override;
};

class system_entropy final : public commands::entropy {
 public:
  std::array<std::uint8_t, 10> random10() override;
};

}  // namespace chronicle::infra
