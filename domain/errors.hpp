#pragma once
// Chronicle's vocabulary of failure, shared by every layer. Expected failures
// travel as values (`result<T>`); the HTTP edge maps `errc` to status codes in
// exactly one place (api/http/problem.cpp).
#include <cstdint>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

namespace chronicle {

enum class errc {
  ok = 0,
  invalid_argument,     // bad input: 400
  not_found,            // 404
  already_exists,       // uniqueness: 409
  failed_precondition,  // a business rule said no: 409 / 422
  version_conflict,     // If-Match is stale: 412
  idempotency_mismatch, // same Idempotency-Key, different body: 422
  unauthenticated,      // 401
  permission_denied,    // 403
  unavailable,          // infrastructure down, retry later: 503
  timeout,              // a bounded wait ran out: 503
  internal,             // a bug or corrupt data: 500
};

const std::error_category& chronicle_category() noexcept;
inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), chronicle_category()};
}

// One rejected field of a request or command.
struct field_error {
  std::string field;    // JSON pointer-ish path: "email", "items/0/quantity"
  std::string code;     // stable, machine-readable: "invalid_format", "required"
  std::string message;  // for people
};

struct error {
  errc kind = errc::internal;
  std::string code;     // stable, machine-readable: "customer_not_found"
  std::string message;  // for people
  std::vector<field_error> fields;
  // For a uniqueness conflict: the id of the entity holding the value. The
  // HTTP edge shows it only to roles allowed to see that entity.
  std::string existing_id;
  // For a shortage (insufficient_stock, stock_below_zero): how many units
  // are available, shown as "available" in the problem.
  std::optional<std::int64_t> available = std::nullopt;
  // For an invalid transition: the verbs the entity's current state accepts
  // (the HTTP edge shows them as "allowed").
  std::vector<std::string> allowed;

  static error invalid(std::string code, std::string message,
                       std::vector<field_error> fields = {}) {
    return {errc::invalid_argument, std::move(code), std::move(message), std::move(fields), {}, std::nullopt, {}};
  }
  static error make(errc kind, std::string code, std::string message) {
    return {kind, std::move(code), std::move(message), {}, {}, std::nullopt, {}};
  }
  static error transition(std::string message, std::vector<std::string> allowed) {
    return {errc::failed_precondition, "invalid_transition", std::move(message), {}, {}, std::nullopt,
            std::move(allowed)};
  }
};

}  // namespace chronicle

template <>
struct std::is_error_code_enum<chronicle::errc> : std::true_type {};
