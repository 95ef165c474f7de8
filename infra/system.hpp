#pragma once
// The real clock and entropy source. Thread-safe. The entropy feeds ids
// (ULIDs, UUIDv7), which need to be unpredictable and unique, not secret:
// each thread draws from the OS 4 KiB at a time instead of one syscall per
// id. Keys and nonces never come from here (the vault calls libsodium).
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
