#pragma once
// Personal data is sealed per data subject (crypto-shredding, DESIGN.md §6).
// This is the reading half, shared by the command side (catch-up) and the
// projections; commands/ports/pii_vault.hpp adds sealing and destruction.
// Thread-safety: implementations are safe to call from any thread.
#include <optional>
#include <string>
#include <string_view>

#include "domain/result.hpp"

namespace chronicle {

// What an event's `pii` becomes once its subject's key is destroyed.
inline constexpr std::string_view erased_pii = R"({"erased":true})";
inline constexpr std::string_view erased_text = "[erased]";

class pii_reader {
 public:
  virtual ~pii_reader() = default;
  // The plaintext JSON object of a sealed `pii` object; nullopt when the
  // subject's key was destroyed. Plain (unsealed) objects are returned as is.
  virtual result<std::optional<std::string>> open(std::string_view tenant, std::string_view pii) = 0;
  // A keyed hash (hex) of a normalised personal value, stable per tenant and
  // purpose: uniqueness claims, pseudonyms, API key digests.
  virtual std::string blind_index(std::string_view tenant, std::string_view purpose,
                                  std::string_view value) = 0;
};

}  // namespace chronicle
