#pragma once
// Validation and normalisation of contact values. Normalised forms are what
// gets stored, compared and indexed: an email with a lower-cased domain, a
// phone in E.164 ("+14155550123").
#include <optional>
#include <string>
#include <string_view>

namespace chronicle {

// nullopt when `raw` is not a plausible address.
std::optional<std::string> normalize_email(std::string_view raw);

// Accepts "+1 (415) 555-0123", "0044 20 7946 0958", "020 7946 0958" (national
// numbers take `default_country_code`, digits only, e.g. "44"; a national
// trunk "0" is dropped). nullopt when not 8–15 digits after normalising.
std::optional<std::string> normalize_phone(std::string_view raw,
                                           std::string_view default_country_code = "1");

// Removes leading/trailing ASCII white space.
std::string_view trim(std::string_view s) noexcept;

// Number of Unicode code points in valid UTF-8 (the codec has checked validity).
std::size_t utf8_length(std::string_view s) noexcept;

}  // namespace chronicle
