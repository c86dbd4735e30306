// Locale: the language of the messages a caller receives. Plain enum; thread-safe functions.
#pragma once

#include <optional>
#include <string_view>

namespace keyward::core {

enum class Locale { kEnUs, kJaJp };

// "en-US" or "ja-JP" exactly; anything else is nullopt.
std::optional<Locale> ParseLocale(std::string_view text);
const char* LocaleName(Locale locale);

}  // namespace keyward::core
