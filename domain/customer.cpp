#include "domain/customer.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "domain/contact.hpp"
#include "domain/country.hpp"
#include "domain/ids.hpp"
#include "domain/pii.hpp"

namespace chronicle::customers {
namespace {

constexpr std::size_t max_name = 200;

template <std::size_t N>
bool one_of(std::string_view v, const std::string_view (&list)[N]) {
  return std::find(std::begin(list), std::end(list), v) != std::end(list);
}

bool is_token(std::string_view s, std::size_t max) {
  if (s.empty() || s.size() > max) return false;
  for (unsigned char c : s)
    if (!(std::islower(c) || std::isdigit(c) || c == '_' || c == '-')) return false;
  return true;
}

// "en", "en-US", "zh-Hant-TW": a 2–3 letter language, then subtags of 2–8 letters or digits.
bool is_language(std::string_view s) {
  auto dash = s.find('-');
  auto lang = s.substr(0, dash);
  if (lang.size() < 2 || lang.size() > 3) return false;
  for (unsigned char c : lang)
    if (!std::isalpha(c)) return false;
  while (dash != std::string_view::npos) {
    s = s.substr(dash + 1);
    dash = s.find('-');
    auto sub = s.substr(0, dash);
    if (sub.size() < 2 || sub.size() > 8) return false;
    for (unsigned char c : sub)
      if (!std::isalnum(c)) return false;
  }
  return true;
}

bool is_hhmm(std::string_view s) {
  if (s.size() != 5 || s[2] != ':') return false;
  for (int i : {0, 1, 3, 4})
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
  return h < 24 && m < 60;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string at(std::string_view list, std::size_t i, std::string_view member = {}) {
  auto s = std::string(list) + "[" + std::to_string(i) + "]";
  if (!member.empty()) s.append(1, '.').append(member);
  return s;
}

error not_found() { return error::make(errc::not_found, "customer_not_found", "no customer with this id"); }

// The state checks every change but registration shares.
std::optional<error> refuse_change(const customer& s) {
  if (!s.exists) return not_found();
  if (s.erased)
    return error::make(errc::failed_precondition, "customer_erased", "this customer's personal data was erased");
  if (!s.active)
    return error::make(errc::failed_precondition, "customer_inactive",
                       "this customer is deactivated; reactivate it before changing it");
  return std::nullopt;
}

// Validates and normalises; every problem becomes a field error.
struct validator {
  const rules& r;
  std::vector<field_error> errors;

  void fail(std::string field, std::string code, std::string message) {
    errors.push_back({std::move(field), std::move(code), std::move(message)});
  }

  // Trimmed text of at most `max` code points; `required` rejects empty.
  std::string text(std::string_view field, std::string_view v, std::size_t max, bool required) {
    auto t = std::string(trim(v));
    if (t.empty() && required) fail(std::string(field), "required", std::string(field) + " must not be empty");
    else if (utf8_length(t) > max)
      fail(std::string(field), "too_long", std::string(field) + " is longer than " + std::to_string(max) + " characters");
    return t;
  }
  std::optional<std::string> opt_text(std::string_view field, const std::optional<std::string>& v, std::size_t max) {
    if (!v) return std::nullopt;
    return text(field, *v, max, false);
  }
  std::optional<std::string> choice(std::string_view field, const std::optional<std::string>& v,
                                    bool (*ok)(std::string_view), bool clearable) {
    if (!v) return std::nullopt;
    if (v->empty() && clearable) return v;
    if (!ok(*v)) fail(std::string(field), "invalid_value", std::string(field) + " is not one of the accepted values");
    return v;
  }
  std::optional<std::string> birth_date(const std::optional<std::string>& v) {
    if (!v || v->empty()) return v;
    if (!is_date(*v)) fail("date_of_birth", "invalid_format", "date_of_birth must be a real date, YYYY-MM-DD");
    else if (!r.today.empty() && *v > r.today) fail("date_of_birth", "in_future", "date_of_birth is in the future");
    return v;
  }
  void acquired(const acquisition& a) {
    if (!is_date(a.date)) fail("acquisition.date", "invalid_format", "acquisition.date must be a real date, YYYY-MM-DD");
    if (!is_token(a.source, 40))
      fail("acquisition.source", "invalid_format", "acquisition.source is 1 to 40 of a-z, 0-9, _ and -");
  }

  std::vector<email_entry> emails(const std::vector<email_input>& in) {
    std::vector<email_entry> out;
    if (in.size() > max_emails) fail("emails", "too_many", "at most 10 emails");
    int primaries = 0;
    for (std::size_t i = 0; i < in.size(); ++i) {
      email_entry e;
      auto n = normalize_email(in[i].address);
      if (!n) fail(at("emails", i, "address"), "invalid_format", "not a valid email address");
      e.address = n.value_or("");
      e.label = text(at("emails", i, "label"), in[i].label, 60, false);
      e.primary = in[i].primary;
      primaries += e.primary;
      for (auto& prev : out)
        if (n && lower(prev.address) == lower(*n))
          fail(at("emails", i, "address"), "duplicate", "this address appears twice in the list");
      out.push_back(std::move(e));
    }
    if (primaries > 1) fail("emails", "multiple_primary", "at most one email may be primary");
    if (!out.empty() && primaries == 0) out.front().primary = true;
    return out;
  }
  std::vector<phone_entry> phones(const std::vector<phone_input>& in) {
    std::vector<phone_entry> out;
    if (in.size() > max_phones) fail("phones", "too_many", "at most 10 phones");
    int primaries = 0;
    for (std::size_t i = 0; i < in.size(); ++i) {
      phone_entry p;
      auto n = normalize_phone(in[i].number, r.default_country_code);
      if (!n)
        fail(at("phones", i, "number"), "invalid_format",
             "a phone is a number of 8 to 15 digits, optionally starting with +");
      p.number = n.value_or("");
      p.label = text(at("phones", i, "label"), in[i].label, 60, false);
      p.primary = in[i].primary;
      primaries += p.primary;
      for (auto& prev : out)
        if (n && prev.number == *n) fail(at("phones", i, "number"), "duplicate", "this number appears twice in the list");
      out.push_back(std::move(p));
    }
    if (primaries > 1) fail("phones", "multiple_primary", "at most one phone may be primary");
    if (!out.empty() && primaries == 0) out.front().primary = true;
    return out;
  }

  // `prefix` is "addresses[1]." for a list member, empty on the sub-resource.
  address one_address(const address& in, const std::string& prefix) {
    address a = in;
    auto f = [&](std::string_view name) { return prefix + std::string(name); };
    a.label = text(f("label"), in.label, 60, true);
    a.street = text(f("street"), in.street, 200, true);
    a.city = text(f("city"), in.city, 100, true);
    a.region = text(f("region"), in.region, 100, false);
    a.postal_code = text(f("postal_code"), in.postal_code, 20, true);
    a.country = std::string(trim(in.country));
    if (a.country.empty()) fail(f("country"), "required", "country must not be empty");
    else if (!is_country(a.country)) fail(f("country"), "invalid_value", "country must be an ISO 3166-1 alpha-2 code such as US or GB");
    a.delivery_instructions = text(f("delivery_instructions"), in.delivery_instructions, 500, false);
    if (a.latitude.has_value() != a.longitude.has_value())
      fail(f(a.latitude ? "longitude" : "latitude"), "required", "latitude and longitude go together");
    if (a.latitude && !(*a.latitude >= -90 && *a.latitude <= 90))
      fail(f("latitude"), "out_of_range", "latitude is from -90 to 90");
    if (a.longitude && !(*a.longitude >= -180 && *a.longitude <= 180))
      fail(f("longitude"), "out_of_range", "longitude is from -180 to 180");
    return a;
  }

  std::vector<std::string> token_set(const std::string& field, const std::vector<std::string>& in,
                                     bool (*ok)(std::string_view)) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < in.size(); ++i) {
      if (!ok(in[i])) fail(at(field, i), "invalid_value", "not one of the accepted values");
      else if (std::find(out.begin(), out.end(), in[i]) != out.end()) fail(at(field, i), "duplicate", "listed twice");
      else out.push_back(in[i]);
    }
    return out;
  }

  preferences prefs(preferences cur, const preferences_patch& p) {
    if (p.product_interests) {
      if (p.product_interests->size() > max_interests)
        fail("preferences.product_interests", "too_many", "at most 30 product interests");
      cur.product_interests = token_set("preferences.product_interests", *p.product_interests,
                                        [](std::string_view s) { return is_token(s, 40); });
    }
    if (p.delivery_days)
      cur.delivery_days = token_set("preferences.delivery_days", *p.delivery_days,
                                    [](std::string_view s) { return one_of(s, weekdays); });
    if (p.packaging)
      cur.packaging = token_set("preferences.packaging", *p.packaging,
                                [](std::string_view s) { return one_of(s, packagings); });
    if (p.channels)
      cur.channels = token_set("preferences.channels", *p.channels,
                               [](std::string_view s) { return one_of(s, contact_channels); });
    if (p.window) {
      if (p.window->from.empty() && p.window->to.empty()) {
        cur.window.reset();
      } else {
        bool ok = true;
        if (!is_hhmm(p.window->from)) ok = false, fail("preferences.delivery_window.from", "invalid_format", "HH:MM, 00:00 to 23:59");
        if (!is_hhmm(p.window->to)) ok = false, fail("preferences.delivery_window.to", "invalid_format", "HH:MM, 00:00 to 23:59");
        if (ok && !(p.window->from < p.window->to))
          fail("preferences.delivery_window.to", "not_after_from", "the window must end after it starts");
        cur.window = *p.window;
      }
    }
    if (p.preferred_contact) {
      if (!p.preferred_contact->empty() && !one_of(*p.preferred_contact, contact_channels))
        fail("preferences.preferred_contact", "invalid_value", "preferred_contact is email, sms or phone");
      cur.preferred_contact = *p.preferred_contact;
    }
    if (p.language) {
      if (!p.language->empty() && !is_language(*p.language))
        fail("preferences.language", "invalid_format", "a language tag such as en, en-US or nl");
      cur.language = *p.language;
    }
    if (!cur.preferred_contact.empty() && one_of(cur.preferred_contact, contact_channels) &&
        std::find(cur.channels.begin(), cur.channels.end(), cur.preferred_contact) == cur.channels.end())
      fail("preferences.preferred_contact", "not_allowed", "the preferred contact must be one of the allowed channels");
    return cur;
  }

  void tag_ids(const std::vector<std::string>& ids) {
    if (ids.size() > max_tags) fail("tag_ids", "too_many", "at most 50 tags");
    for (std::size_t i = 0; i < ids.size(); ++i)
      if (!is_ulid(ids[i])) fail(at("tag_ids", i), "invalid_format", "a tag id is a ULID");
  }

  error failure() const { return error::invalid("validation_failed", "the customer has invalid fields", errors); }
};

bool type_ok(std::string_view v) { return one_of(v, types); }
bool status_ok(std::string_view v) { return one_of(v, statuses); }
bool stage_ok(std::string_view v) { return one_of(v, stages); }

void identity_required(validator& v, const std::string& first, const std::string& last, const std::string& company) {
  if (first.empty() && last.empty() && company.empty())
    v.fail("first_name", "required", "give at least one of first_name, last_name and company");
}

std::vector<std::string> unique_ids(const std::vector<std::string>& ids) {
  std::vector<std::string> out;
  for (auto& id : ids)
    if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(id);
  return out;
}

const address* find_address(const customer& s, std::string_view id) {
  for (auto& a : s.addresses)
    if (a.id == id) return &a;
  return nullptr;
}

error address_not_found() { return error::make(errc::not_found, "address_not_found", "no address with this id"); }

}  // namespace

std::string customer::display_name() const {
  if (erased) return std::string(erased_text);
  if (first_name.empty() && last_name.empty()) return company;
  if (first_name.empty()) return last_name;
  if (last_name.empty()) return first_name;
  return first_name + " " + last_name;
}
const email_entry* customer::primary_email() const {
  for (auto& e : emails)
    if (e.primary) return &e;
  return nullptr;
}
const phone_entry* customer::primary_phone() const {
  for (auto& p : phones)
    if (p.primary) return &p;
  return nullptr;
}

bool is_date(std::string_view s) noexcept {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  int m = (s[5] - '0') * 10 + (s[6] - '0'), d = (s[8] - '0') * 10 + (s[9] - '0');
  if (y < 1800 || m < 1 || m > 12 || d < 1) return false;
  static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= days[m - 1] + (m == 2 && leap);
}

std::string civil_date(std::int64_t us) {
  // Howard Hinnant's days-to-civil algorithm.
  std::int64_t z = us / 86'400'000'000 - (us % 86'400'000'000 < 0) + 719468;
  std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  auto doe = z - era * 146097;
  auto yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  auto y = yoe + era * 400;
  auto doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  auto mp = (5 * doy + 2) / 153;
  auto d = doy - (153 * mp + 2) / 5 + 1;
  auto m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", static_cast<int>(y), static_cast<int>(m), static_cast<int>(d));
  return buf;
}

result<std::vector<event>> decide(const customer& state, const register_customer& cmd, const rules& r) {
  if (state.exists)
    return error::make(errc::already_exists, "customer_exists", "a customer with this id already exists");
  validator v{r, {}};
  customer_registered e;
  e.id = cmd.id;
  e.first_name = v.opt_text("first_name", cmd.first_name, max_name).value_or("");
  e.last_name = v.opt_text("last_name", cmd.last_name, max_name).value_or("");
  e.company = v.opt_text("company", cmd.company, max_name).value_or("");
  identity_required(v, e.first_name, e.last_name, e.company);
  e.type = v.choice("type", cmd.type, type_ok, true).value_or("");
  e.date_of_birth = v.birth_date(cmd.date_of_birth).value_or("");
  if (cmd.acquired) {
    v.acquired(*cmd.acquired);
    e.acquired = cmd.acquired;
  }
  e.status = v.choice("status", cmd.status, status_ok, false).value_or("prospect");
  e.lifecycle_stage = v.choice("lifecycle_stage", cmd.lifecycle_stage, stage_ok, false).value_or("lead");
  e.marketing_opt_in = cmd.marketing_opt_in.value_or(false);
  e.emails = v.emails(cmd.emails);
  e.phones = v.phones(cmd.phones);
  if (cmd.addresses.size() > max_addresses) v.fail("addresses", "too_many", "at most 20 addresses");
  int defaults = 0;
  for (std::size_t i = 0; i < cmd.addresses.size(); ++i) {
    e.addresses.push_back(v.one_address(cmd.addresses[i], at("addresses", i) + "."));
    defaults += e.addresses.back().is_default;
  }
  if (defaults > 1) v.fail("addresses", "multiple_default", "at most one address may be the default");
  if (!e.addresses.empty() && defaults == 0) e.addresses.front().is_default = true;
  if (cmd.prefs) e.prefs = v.prefs({}, *cmd.prefs);
  v.tag_ids(cmd.tag_ids);
  e.tag_ids = unique_ids(cmd.tag_ids);
  if (!v.errors.empty()) return v.failure();
  return std::vector<event>{std::move(e)};
}

result<std::vector<event>> decide(const customer& state, const update_customer& cmd, const rules& r) {
  if (auto no = refuse_change(state)) return *no;
  validator v{r, {}};
  auto first = v.opt_text("first_name", cmd.first_name, max_name);
  auto last = v.opt_text("last_name", cmd.last_name, max_name);
  auto company = v.opt_text("company", cmd.company, max_name);
  identity_required(v, first.value_or(state.first_name), last.value_or(state.last_name), company.value_or(state.company));
  auto type = v.choice("type", cmd.type, type_ok, true);
  auto dob = v.birth_date(cmd.date_of_birth);
  auto status = v.choice("status", cmd.status, status_ok, false);
  auto stage = v.choice("lifecycle_stage", cmd.lifecycle_stage, stage_ok, false);
  std::optional<std::optional<acquisition>> acq;
  if (cmd.acquired) {
    if (cmd.acquired->date.empty() && cmd.acquired->source.empty()) acq = std::optional<acquisition>{};
    else v.acquired(*cmd.acquired), acq = cmd.acquired;
  }
  std::optional<std::vector<email_entry>> emails;
  std::optional<std::vector<phone_entry>> phones;
  if (cmd.emails) emails = v.emails(*cmd.emails);
  if (cmd.phones) phones = v.phones(*cmd.phones);
  std::optional<preferences> prefs;
  if (cmd.prefs) prefs = v.prefs(state.prefs, *cmd.prefs);
  if (!v.errors.empty()) return v.failure();

  customer_updated u;
  u.id = cmd.id;
  auto changed = [](const std::optional<std::string>& next, const std::string& cur) {
    return next && *next != cur ? next : std::nullopt;
  };
  u.first_name = changed(first, state.first_name);
  u.last_name = changed(last, state.last_name);
  u.company = changed(company, state.company);
  u.type = changed(type, state.type);
  u.date_of_birth = changed(dob, state.date_of_birth);
  u.status = changed(status, state.status);
  u.lifecycle_stage = changed(stage, state.lifecycle_stage);
  if (acq && *acq != state.acquired) u.acquired = acq;
  if (cmd.marketing_opt_in && *cmd.marketing_opt_in != state.marketing_opt_in) u.marketing_opt_in = cmd.marketing_opt_in;
  if (emails && *emails != state.emails) u.emails = std::move(emails);
  if (phones && *phones != state.phones) u.phones = std::move(phones);
  std::vector<event> out;
  if (u.first_name || u.last_name || u.company || u.type || u.date_of_birth || u.status || u.lifecycle_stage ||
      u.acquired || u.marketing_opt_in || u.emails || u.phones)
    out.push_back(std::move(u));
  if (prefs && *prefs != state.prefs) out.push_back(preferences_updated{cmd.id, std::move(*prefs)});
  return out;
}

result<std::vector<event>> decide(const customer& state, const add_address& cmd, const rules& r) {
  if (auto no = refuse_change(state)) return *no;
  if (state.addresses.size() >= max_addresses)
    return error::make(errc::failed_precondition, "too_many_addresses", "a customer has at most 20 addresses");
  validator v{r, {}};
  auto a = v.one_address(cmd.addr, "");
  if (!v.errors.empty()) return v.failure();
  if (state.addresses.empty()) a.is_default = true;
  return std::vector<event>{address_added{cmd.id, std::move(a)}};
}

result<std::vector<event>> decide(const customer& state, const update_address& cmd, const rules& r) {
  if (auto no = refuse_change(state)) return *no;
  auto cur = find_address(state, cmd.address_id);
  if (!cur) return address_not_found();
  auto& p = cmd.patch;
  address next = *cur;
  if (p.label) next.label = *p.label;
  if (p.street) next.street = *p.street;
  if (p.city) next.city = *p.city;
  if (p.region) next.region = *p.region;
  if (p.postal_code) next.postal_code = *p.postal_code;
  if (p.country) next.country = *p.country;
  if (p.delivery_instructions) next.delivery_instructions = *p.delivery_instructions;
  if (p.latitude) next.latitude = *p.latitude;
  if (p.longitude) next.longitude = *p.longitude;
  validator v{r, {}};
  next = v.one_address(next, "");
  if (p.is_default && !*p.is_default && cur->is_default)
    v.fail("default", "default_required", "one address is always the default: make another one the default instead");
  if (!v.errors.empty()) return v.failure();
  std::vector<event> out;
  next.is_default = cur->is_default;
  if (next != *cur) out.push_back(address_updated{cmd.id, next});
  if (p.is_default && *p.is_default && !cur->is_default) out.push_back(default_address_changed{cmd.id, cmd.address_id});
  return out;
}

result<std::vector<event>> decide(const customer& state, const remove_address& cmd, const rules&) {
  if (auto no = refuse_change(state)) return *no;
  auto cur = find_address(state, cmd.address_id);
  if (!cur) return address_not_found();
  std::vector<event> out{address_removed{cmd.id, cmd.address_id}};
  if (cur->is_default)
    for (auto& a : state.addresses)
      if (a.id != cmd.address_id) {
        out.push_back(default_address_changed{cmd.id, a.id});
        break;
      }
  return out;
}

result<std::vector<event>> decide(const customer& state, const tag_customer& cmd, const rules& r) {
  if (auto no = refuse_change(state)) return *no;
  validator v{r, {}};
  v.tag_ids(cmd.tag_ids);
  if (!v.errors.empty()) return v.failure();
  customer_tagged t{cmd.id, {}};
  for (auto& id : unique_ids(cmd.tag_ids))
    if (std::find(state.tags.begin(), state.tags.end(), id) == state.tags.end()) t.tag_ids.push_back(id);
  if (t.tag_ids.empty()) return std::vector<event>{};
  if (state.tags.size() + t.tag_ids.size() > max_tags)
    return error::invalid("validation_failed", "the customer has invalid fields",
                          {{"tag_ids", "too_many", "a customer holds at most 50 tags"}});
  return std::vector<event>{std::move(t)};
}

result<std::vector<event>> decide(const customer& state, const untag_customer& cmd, const rules& r) {
  if (auto no = refuse_change(state)) return *no;
  validator v{r, {}};
  v.tag_ids(cmd.tag_ids);
  if (!v.errors.empty()) return v.failure();
  customer_untagged t{cmd.id, {}};
  for (auto& id : unique_ids(cmd.tag_ids))
    if (std::find(state.tags.begin(), state.tags.end(), id) != state.tags.end()) t.tag_ids.push_back(id);
  if (t.tag_ids.empty()) return std::vector<event>{};
  return std::vector<event>{std::move(t)};
}

result<std::vector<event>> decide(const customer& state, const deactivate_customer& cmd, const rules&) {
  if (!state.exists) return not_found();
  if (state.erased)
    return error::make(errc::failed_precondition, "customer_erased", "this customer's personal data was erased");
  if (!state.active) return std::vector<event>{};
  return std::vector<event>{customer_deactivated{cmd.id}};
}

result<std::vector<event>> decide(const customer& state, const reactivate_customer& cmd, const rules&) {
  if (!state.exists) return not_found();
  if (state.erased)
    return error::make(errc::failed_precondition, "customer_erased", "this customer's personal data was erased");
  if (state.active) return std::vector<event>{};
  return std::vector<event>{customer_reactivated{cmd.id}};
}

result<std::vector<event>> decide(const customer& state, const erase_customer& cmd, const rules&) {
  if (!state.exists) return not_found();
  if (state.erased) return std::vector<event>{};
  return std::vector<event>{subject_erased{cmd.id}};
}

customer evolve(customer s, const event& e, std::int64_t occurred_at) {
  s.updated_at = occurred_at;
  std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, customer_registered>) {
          s.exists = true;
          s.id = x.id;
          s.first_name = x.first_name;
          s.last_name = x.last_name;
          s.company = x.company;
          s.type = x.type;
          s.date_of_birth = x.date_of_birth;
          s.acquired = x.acquired;
          s.status = x.status;
          s.lifecycle_stage = x.lifecycle_stage;
          s.marketing_opt_in = x.marketing_opt_in;
          s.emails = x.emails;
          s.phones = x.phones;
          s.addresses = x.addresses;
          s.prefs = x.prefs;
          s.tags = x.tag_ids;
          s.created_at = occurred_at;
        } else if constexpr (std::is_same_v<T, customer_updated>) {
          if (x.first_name) s.first_name = *x.first_name;
          if (x.last_name) s.last_name = *x.last_name;
          if (x.company) s.company = *x.company;
          if (x.type) s.type = *x.type;
          if (x.date_of_birth) s.date_of_birth = *x.date_of_birth;
          if (x.status) s.status = *x.status;
          if (x.lifecycle_stage) s.lifecycle_stage = *x.lifecycle_stage;
          if (x.acquired) s.acquired = *x.acquired;
          if (x.marketing_opt_in) s.marketing_opt_in = *x.marketing_opt_in;
          if (x.emails) s.emails = *x.emails;
          if (x.phones) s.phones = *x.phones;
        } else if constexpr (std::is_same_v<T, preferences_updated>) {
          s.prefs = x.prefs;
        } else if constexpr (std::is_same_v<T, address_added>) {
          if (x.addr.is_default)
            for (auto& a : s.addresses) a.is_default = false;
          s.addresses.push_back(x.addr);
        } else if constexpr (std::is_same_v<T, address_updated>) {
          for (auto& a : s.addresses)
            if (a.id == x.addr.id) {
              bool d = a.is_default;
              a = x.addr;
              a.is_default = d;
            }
        } else if constexpr (std::is_same_v<T, address_removed>) {
          std::erase_if(s.addresses, [&](const address& a) { return a.id == x.address_id; });
        } else if constexpr (std::is_same_v<T, default_address_changed>) {
          for (auto& a : s.addresses) a.is_default = a.id == x.address_id;
        } else if constexpr (std::is_same_v<T, customer_tagged>) {
          for (auto& id : x.tag_ids)
            if (std::find(s.tags.begin(), s.tags.end(), id) == s.tags.end()) s.tags.push_back(id);
        } else if constexpr (std::is_same_v<T, customer_untagged>) {
          std::erase_if(s.tags, [&](const std::string& t) {
            return std::find(x.tag_ids.begin(), x.tag_ids.end(), t) != x.tag_ids.end();
          });
        } else if constexpr (std::is_same_v<T, customer_deactivated>) {
          s.active = false;
        } else if constexpr (std::is_same_v<T, customer_reactivated>) {
          s.active = true;
        } else if constexpr (std::is_same_v<T, subject_erased>) {
          s.erased = true;
          s.first_name = std::string(erased_text);
          if (!s.last_name.empty()) s.last_name = std::string(erased_text);
          if (!s.company.empty()) s.company = std::string(erased_text);
          s.date_of_birth.clear();
          s.emails.clear();
          s.phones.clear();
          s.addresses.clear();
        }
      },
      e);
  return s;
}

}  // namespace chronicle::customers
