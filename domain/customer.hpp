#pragma once
// The customer aggregate: pure decide/evolve. No I/O, clock or randomness:
// ids and times are passed in, so a replay of the same events always yields
// the same state.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "domain/result.hpp"

namespace chronicle::customers {

inline constexpr std::string_view category = "customer";
inline constexpr std::string_view topic = "customers";

struct customer {
  bool exists = false;
  bool erased = false;  // personal data destroyed (GDPR erasure)
  std::string id;
  std::string name;
  std::string company;  // empty: none
  std::string email;    // normalised; empty: none
  std::string phone;    // E.164; empty: none
  std::int64_t created_at = 0;  // µs since the epoch, UTC
  std::int64_t updated_at = 0;
};

// Commands (imperative). Optional fields: nullopt = not given; for
// update_customer an empty string clears the field (JSON null on the wire).
struct register_customer {
  std::string id;  // assigned by the command side (ULID)
  std::string name;
  std::optional<std::string> company, email, phone;
};
struct update_customer {
  std::string id;
  std::optional<std::string> name, company, email, phone;
};
struct erase_customer {
  std::string id;
};

// Events (past tense). Values are already validated and normalised.
struct customer_registered {
  std::string id, name, company, email, phone;
};
struct customer_updated {
  std::string id;
  std::optional<std::string> name, company, email, phone;
};
// The person's key is destroyed with this event: every sealed copy of their
// personal data becomes unreadable. Orders and amounts stay.
struct subject_erased {
  std::string id;
};
using event = std::variant<customer_registered, customer_updated, subject_erased>;

struct rules {
  std::string default_country_code = "1";  // for national phone numbers
};

result<std::vector<event>> decide(const customer& state, const register_customer& cmd,
                                  const rules& r = {});
// An update that changes nothing yields no event.
result<std::vector<event>> decide(const customer& state, const update_customer& cmd,
                                  const rules& r = {});
// Erasing twice yields no second event.
result<std::vector<event>> decide(const customer& state, const erase_customer& cmd);
customer evolve(customer state, const event& e, std::int64_t occurred_at);

}  // namespace chronicle::customers
