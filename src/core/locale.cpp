#include "core/locale.hpp"

namespace keyward::core {

std::optional<Locale> ParseLocale(std::string_view text) {
  if (text == "en-US") return Locale::kEnUs;
  if (text == "ja-JP") return Locale::kJaJp;
  return std::nullopt;
}

const char* LocaleName(Locale locale) { return locale == Locale::kJaJp ? "ja-JP" : "en-US"; }

}  // namespace keyward::core
