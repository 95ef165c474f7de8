#pragma once
// Countries: ISO 3166-1 alpha-2 codes and their international calling codes,
// for addresses and for reading national phone numbers with a tenant's
// default country. A fixed table: adding a country is a code change, and a
// replay never depends on an external list.
#include <optional>
#include <string_view>

namespace chronicle {

// The calling code ("44" for "GB") of an upper-case alpha-2 code in the
// table; nullopt for anything else.
std::optional<std::string_view> calling_code(std::string_view alpha2) noexcept;
inline bool is_country(std::string_view alpha2) noexcept { return calling_code(alpha2).has_value(); }

}  // namespace chronicle
