#include "domain/customer.hpp"

#include "domain/contact.hpp"
#include "domain/pii.hpp"

namespace chronicle::customers {
namespace {

constexpr std::size_t max_name = 200;

// Validates and normalises one optional text field; an empty result clears.
struct validator {
  const rules& r;
  std::vector<field_error> errors;

  std::optional<std::string> name(const std::optional<std::string>& v, bool required) {
    if (!v) {
      if (required) errors.push_back({"name", "required", "name is required"});
      return std::nullopt;
    }
    auto t = std::string(trim(*v));
    if (t.empty()) {
      errors.push_back({"name", "required", "name must not be empty"});
      return std::nullopt;
    }
    if (utf8_length(t) > max_name) {
      errors.push_back({"name", "too_long", "name is longer than 200 characters"});
      return std::nullopt;
    }
    return t;
  }
  std::optional<std::string> company(const std::optional<std::string>& v) {
    if (!v) return std::nullopt;
    auto t = std::string(trim(*v));
    if (utf8_length(t) > max_name) {
      errors.push_back({"company", "too_long", "company is longer than 200 characters"});
      return std::nullopt;
    }
    return t;
  }
  std::optional<std::string> email(const std::optional<std::string>& v) {
    if (!v) return std::nullopt;
    if (trim(*v).empty()) return std::string{};
    auto n = normalize_email(*v);
    if (!n) errors.push_back({"email", "invalid_format", "email is not a valid address"});
    return n;
  }
  std::optional<std::string> phone(const std::optional<std::string>& v) {
    if (!v) return std::nullopt;
    if (trim(*v).empty()) return std::string{};
    auto n = normalize_phone(*v, r.default_country_code);
    if (!n)
      errors.push_back({"phone", "invalid_format",
                        "phone must be a number of 8 to 15 digits, optionally starting with +"});
    return n;
  }
  error failure() const {
    return error::invalid("validation_failed", "the customer has invalid fields", errors);
  }
};

}  // namespace

result<std::vector<event>> decide(const customer& state, const register_customer& cmd,
                                  const rules& r) {
  if (state.exists)
    return error::make(errc::already_exists, "customer_exists",
                       "a customer with this id already exists");
  validator v{r, {}};
  auto name = v.name(cmd.name, true);
  auto company = v.company(cmd.company);
  auto email = v.email(cmd.email);
  auto phone = v.phone(cmd.phone);
  if (!v.errors.empty()) return v.failure();
  return std::vector<event>{customer_registered{cmd.id, *name, company.value_or(""),
                                                email.value_or(""), phone.value_or("")}};
}

result<std::vector<event>> decide(const customer& state, const update_customer& cmd,
                                  const rules& r) {
  if (!state.exists)
    return error::make(errc::not_found, "customer_not_found", "no customer with this id");
  if (state.erased)
    return error::make(errc::failed_precondition, "customer_erased", "this customer's personal data was erased");
  validator v{r, {}};
  auto name = cmd.name ? v.name(cmd.name, true) : std::nullopt;
  auto company = v.company(cmd.company);
  auto email = v.email(cmd.email);
  auto phone = v.phone(cmd.phone);
  if (!v.errors.empty()) return v.failure();
  customer_updated u{cmd.id, {}, {}, {}, {}};
  auto changed = [](const std::optional<std::string>& next, const std::string& cur) {
    return next && *next != cur ? next : std::nullopt;
  };
  u.name = changed(name, state.name);
  u.company = changed(company, state.company);
  u.email = changed(email, state.email);
  u.phone = changed(phone, state.phone);
  if (!u.name && !u.company && !u.email && !u.phone) return std::vector<event>{};
  return std::vector<event>{std::move(u)};
}

result<std::vector<event>> decide(const customer& state, const erase_customer& cmd) {
  if (!state.exists)
    return error::make(errc::not_found, "customer_not_found", "no customer with this id");
  if (state.erased) return std::vector<event>{};
  return std::vector<event>{subject_erased{cmd.id}};
}

customer evolve(customer s, const event& e, std::int64_t at) {
  if (auto* r = std::get_if<customer_registered>(&e)) {
    s.exists = true;
    s.id = r->id;
    s.name = r->name;
    s.company = r->company;
    s.email = r->email;
    s.phone = r->phone;
    s.created_at = s.updated_at = at;
  } else if (auto* u = std::get_if<customer_updated>(&e)) {
    if (u->name) s.name = *u->name;
    if (u->company) s.company = *u->company;
    if (u->email) s.email = *u->email;
    if (u->phone) s.phone = *u->phone;
    s.updated_at = at;
  } else if (std::holds_alternative<subject_erased>(e)) {
    s.erased = true;
    s.name = std::string(erased_text);
    s.email.clear();
    s.phone.clear();
    s.updated_at = at;
  }
  return s;
}

}  // namespace chronicle::customers
