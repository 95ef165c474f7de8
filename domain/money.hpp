#pragma once
#include <cstdint>
#include <string>
namespace chronicle {
struct money {
  std::int64_t amount = 0;   // minor units (cents)
  std::string currency;      // ISO 4217, "USD"
  bool operator==(const money&) const = default;
};
}  // namespace chronicle
