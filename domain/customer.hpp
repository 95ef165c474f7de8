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

// Enumerated values travel as their lower-case names; these lists are the
// accepted ones (the codec and the JSON Schemas carry the same lists).
inline constexpr std::string_view types[] = {"household", "restaurant", "retailer", "wholesale", "other"};
inline constexpr std::string_view statuses[] = {"prospect", "active", "inactive", "churned"};
inline constexpr std::string_view stages[] = {"lead", "customer", "loyal", "at_risk", "lost"};
inline constexpr std::string_view weekdays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
inline constexpr std::string_view packagings[] = {"compostable", "returnable_crates", "plastic_free", "standard"};
inline constexpr std::string_view contact_channels[] = {"email", "sms", "phone"};

inline constexpr std::size_t max_emails = 10, max_phones = 10, max_addresses = 20, max_tags = 50,
                             max_interests = 30;

struct email_entry {
  std::string address;  // normalised
  std::string label;    // empty: none
  bool primary = false;
  bool operator==(const email_entry&) const = default;
};
struct phone_entry {
  std::string number;  // E.164
  std::string label;
  bool primary = false;
  bool operator==(const phone_entry&) const = default;
};
struct address {
  std::string id;  // ULID, assigned by the command side
  std::string label, street, city, region, postal_code, country;  // region: empty = none
  std::optional<double> latitude, longitude;                      // both or neither
  std::string delivery_instructions;                              // empty: none
  bool is_default = false;
  bool operator==(const address&) const = default;
};
struct delivery_window {
  std::string from, to;  // "HH:MM", from < to
  bool operator==(const delivery_window&) const = default;
};
struct preferences {
  std::vector<std::string> product_interests, delivery_days, packaging, channels;
  std::optional<delivery_window> window;
  std::string preferred_contact;  // empty: none
  std::string language;           // empty: none
  bool operator==(const preferences&) const = default;
};
struct acquisition {
  std::string date;    // YYYY-MM-DD
  std::string source;  // [a-z0-9_-]{1,40}
  bool operator==(const acquisition&) const = default;
};

struct customer {
  bool exists = false;
  bool erased = false;  // personal data destroyed (GDPR erasure)
  bool active = true;   // false after deactivate_customer
  std::string id;
  std::string first_name, last_name, company;  // empty: none; at least one is set
  std::string type;                            // one of `types`; empty: not given
  std::string date_of_birth;                   // YYYY-MM-DD; empty: none
  std::optional<customers::acquisition> acquired;
  std::string status = "prospect";
  std::string lifecycle_stage = "lead";
  bool marketing_opt_in = false;
  std::vector<email_entry> emails;  // exactly one primary when not empty
  std::vector<phone_entry> phones;
  std::vector<address> addresses;  // exactly one default when not empty
  customers::preferences prefs;
  std::vector<std::string> tags;  // tag ids, in the order they were added
  std::int64_t created_at = 0;    // µs since the epoch, UTC
  std::int64_t updated_at = 0;

  // "first last" when either is set, else the company; "[erased]" once erased.
  std::string display_name() const;
  const email_entry* primary_email() const;
  const phone_entry* primary_phone() const;
};

// ---- commands (imperative) -------------------------------------------------
// Optional fields: nullopt = not given. In updates an empty string clears an
// optional text field (JSON null on the wire).

struct email_input {
  std::string address, label;
  bool primary = false;
};
struct phone_input {
  std::string number, label;
  bool primary = false;
};
// A merge patch of the preferences: nullopt = unchanged; for the nullable
// members an empty value (or a window of two empty strings) clears.
struct preferences_patch {
  std::optional<std::vector<std::string>> product_interests, delivery_days, packaging, channels;
  std::optional<delivery_window> window;
  std::optional<std::string> preferred_contact, language;
};

struct register_customer {
  std::string id;  // assigned by the command side (ULID)
  std::optional<std::string> first_name, last_name, company, type, date_of_birth, status, lifecycle_stage;
  std::optional<acquisition> acquired;
  std::optional<bool> marketing_opt_in;
  std::vector<email_input> emails;
  std::vector<phone_input> phones;
  std::vector<address> addresses;  // ids assigned by the command side
  std::optional<preferences_patch> prefs;
  std::vector<std::string> tag_ids;
};
struct update_customer {
  std::string id;
  std::optional<std::string> first_name, last_name, company, type, date_of_birth, status, lifecycle_stage;
  // Set with an empty date and source: clear.
  std::optional<acquisition> acquired;
  std::optional<bool> marketing_opt_in;
  std::optional<std::vector<email_input>> emails;  // replaces the list
  std::optional<std::vector<phone_input>> phones;
  std::optional<preferences_patch> prefs;
};
struct address_patch {
  std::optional<std::string> label, street, city, region, postal_code, country, delivery_instructions;
  // nullopt inside: clear. The result must have both or neither.
  std::optional<std::optional<double>> latitude, longitude;
  std::optional<bool> is_default;
};
struct add_address {
  std::string id;
  address addr;  // addr.id assigned by the command side
};
struct update_address {
  std::string id, address_id;
  address_patch patch;
};
struct remove_address {
  std::string id, address_id;
};
struct tag_customer {
  std::string id;
  std::vector<std::string> tag_ids;
};
struct untag_customer {
  std::string id;
  std::vector<std::string> tag_ids;
};
struct deactivate_customer {
  std::string id;
};
struct reactivate_customer {
  std::string id;
};
struct erase_customer {
  std::string id;
};

// ---- events (past tense) ---------------------------------------------------
// Values are validated and normalised; each event carries what changed.

struct customer_registered {
  std::string id;
  std::string first_name, last_name, company, type, date_of_birth;
  std::optional<acquisition> acquired;
  std::string status = "prospect", lifecycle_stage = "lead";
  bool marketing_opt_in = false;
  std::vector<email_entry> emails;
  std::vector<phone_entry> phones;
  std::vector<address> addresses;
  preferences prefs;
  std::vector<std::string> tag_ids;
};
// Changed profile fields only; an empty string clears an optional one.
struct customer_updated {
  std::string id;
  std::optional<std::string> first_name, last_name, company, type, date_of_birth, status, lifecycle_stage;
  std::optional<std::optional<acquisition>> acquired;
  std::optional<bool> marketing_opt_in;
  std::optional<std::vector<email_entry>> emails;
  std::optional<std::vector<phone_entry>> phones;
};
struct preferences_updated {
  std::string id;
  preferences prefs;  // the whole preferences after the change
};
struct address_added {
  std::string id;
  address addr;  // a default address makes every other one non-default
};
struct address_updated {
  std::string id;
  address addr;  // the whole address after the change; `is_default` is not changed by it
};
struct address_removed {
  std::string id, address_id;
};
struct default_address_changed {
  std::string id, address_id;
};
struct customer_tagged {
  std::string id;
  std::vector<std::string> tag_ids;  // only ids not held before
};
struct customer_untagged {
  std::string id;
  std::vector<std::string> tag_ids;  // only ids held before
};
struct customer_deactivated {
  std::string id;
};
struct customer_reactivated {
  std::string id;
};
// The person's key is destroyed with this event: every sealed copy of their
// personal data becomes unreadable. Orders and amounts stay.
struct subject_erased {
  std::string id;
};
using event = std::variant<customer_registered, customer_updated, preferences_updated, address_added,
                           address_updated, address_removed, default_address_changed, customer_tagged,
                           customer_untagged, customer_deactivated, customer_reactivated, subject_erased>;

struct rules {
  std::string default_country_code = "1";  // calling code for national phone numbers
  std::string today;                       // YYYY-MM-DD; empty: dates are not checked against it
};

result<std::vector<event>> decide(const customer& state, const register_customer& cmd, const rules& r = {});
// An update that changes nothing yields no event.
result<std::vector<event>> decide(const customer& state, const update_customer& cmd, const rules& r = {});
result<std::vector<event>> decide(const customer& state, const add_address& cmd, const rules& r = {});
result<std::vector<event>> decide(const customer& state, const update_address& cmd, const rules& r = {});
result<std::vector<event>> decide(const customer& state, const remove_address& cmd, const rules& r = {});
// Tagging with a tag already held, or untagging one not held, yields no event.
result<std::vector<event>> decide(const customer& state, const tag_customer& cmd, const rules& r = {});
result<std::vector<event>> decide(const customer& state, const untag_customer& cmd, const rules& r = {});
result<std::vector<event>> decide(const customer& state, const deactivate_customer& cmd, const rules& r = {});
result<std::vector<event>> decide(const customer& state, const reactivate_customer& cmd, const rules& r = {});
// Erasing twice yields no second event.
result<std::vector<event>> decide(const customer& state, const erase_customer& cmd, const rules& r = {});
customer evolve(customer state, const event& e, std::int64_t occurred_at);

// "YYYY-MM-DD" of a time in µs since the epoch (UTC).
std::string civil_date(std::int64_t us);
// True for a real calendar date written YYYY-MM-DD.
bool is_date(std::string_view s) noexcept;

}  // namespace chronicle::customers
