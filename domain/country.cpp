#include "domain/country.hpp"

#include <array>
#include <utility>

namespace chronicle {
namespace {
// Looked up linearly: the table is small and read once per command.
constexpr std::array<std::pair<std::string_view, std::string_view>, 72> table{{
    {"AE", "971"}, {"AR", "54"},  {"AT", "43"},  {"AU", "61"},  {"BE", "32"},  {"BG", "359"},
    {"BR", "55"},  {"CA", "1"},   {"CH", "41"},  {"CL", "56"},  {"CN", "86"},  {"CO", "57"},
    {"CY", "357"}, {"CZ", "420"}, {"DE", "49"},  {"DK", "45"},  {"EE", "372"}, {"EG", "20"},
    {"ES", "34"},  {"FI", "358"}, {"FR", "33"},  {"GB", "44"},  {"GR", "30"},  {"HK", "852"},
    {"HR", "385"}, {"HU", "36"},  {"ID", "62"},  {"IE", "353"}, {"IL", "972"}, {"IN", "91"},
    {"IS", "354"}, {"IT", "39"},  {"JP", "81"},  {"KE", "254"}, {"KR", "82"},  {"LI", "423"},
    {"LT", "370"}, {"LU", "352"}, {"LV", "371"}, {"MA", "212"}, {"MC", "377"}, {"MT", "356"},
    {"MX", "52"},  {"MY", "60"},  {"NG", "234"}, {"NL", "31"},  {"NO", "47"},  {"NZ", "64"},
    {"PE", "51"},  {"PH", "63"},  {"PK", "92"},  {"PL", "48"},  {"PR", "1"},   {"PT", "351"},
    {"RO", "40"},  {"RS", "381"}, {"SA", "966"}, {"SE", "46"},  {"SG", "65"},  {"SI", "386"},
    {"SK", "421"}, {"TH", "66"},  {"TR", "90"},  {"TW", "886"}, {"UA", "380"}, {"US", "1"},
    {"UY", "598"}, {"VN", "84"},  {"ZA", "27"},  {"GH", "233"}, {"EC", "593"}, {"CR", "506"},
}};
}  // namespace

std::optional<std::string_view> calling_code(std::string_view alpha2) noexcept {
  if (alpha2.size() != 2) return std::nullopt;
  for (auto& [code, cc] : table)
    if (code == alpha2) return cc;
  return std::nullopt;
}

}  // namespace chronicle
