#include "domain/errors.hpp"

namespace chronicle {
namespace {
class category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "chronicle"; }
  std::string message(int v) const override {
    switch (static_cast<errc>(v)) {
      case errc::ok: return "ok";
      case errc::invalid_argument: return "invalid argument";
      case errc::not_found: return "not found";
      case errc::already_exists: return "already exists";
      case errc::failed_precondition: return "failed precondition";
      case errc::version_conflict: return "version conflict";
      case errc::idempotency_mismatch: return "idempotency key reused with a different request";
      case errc::unauthenticated: return "unauthenticated";
      case errc::permission_denied: return "permission denied";
      case errc::unavailable: return "unavailable";
      case errc::timeout: return "timeout";
      case errc::internal: return "internal error";
    }
    return "unknown";
  }
};
}  // namespace

const std::error_category& chronicle_category() noexcept {
  static const category c;
  return c;
}
}  // namespace chronicle
