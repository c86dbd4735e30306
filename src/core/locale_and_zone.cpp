#include "core/locale_and_zone.hpp"

#include "core/time_zone.hpp"

namespace keyward::core {

Result<Locale> ParseLocaleField(const std::string& text) {
  const std::optional<Locale> locale = ParseLocale(text);
  if (!locale) return InvalidArgument(Msg::kLocaleInvalid, "locale", {text});
  return *locale;
}

Status ValidateTimeZoneField(const std::string& zone) {
  if (Status st = ValidateTimeZone(zone); !st) return st.error().WithField("timeZone");
  return Ok();
}

}  // namespace keyward::core
