// The locale and the time zone a key or an account carries, read from a request's fields: each
// error names the field ("locale", "timeZone"). Stateless functions; thread-safe.
#pragma once

#include <string>

#include "core/locale.hpp"
#include "core/result.hpp"

namespace keyward::core {

// "en-US" or "ja-JP"; anything else -> kInvalidArgument (Msg::kLocaleInvalid) naming "locale".
Result<Locale> ParseLocaleField(const std::string& text);

// Ok for an IANA zone name; anything else -> kInvalidArgument naming "timeZone".
Status ValidateTimeZoneField(const std::string& zone);

}  // namespace keyward::core
