#include "cli/expiry.hpp"

#include "core/time_zone.hpp"

namespace keyward::cli {
namespace {

bool EndsInOffset(const std::string& text) {
  if (text.empty()) return false;
  if (text.back() == 'Z' || text.back() == 'z') return true;
  const std::size_t n = text.size();
  return n >= 6 && (text[n - 6] == '+' || text[n - 6] == '-') && text[n - 3] == ':';
}

}  // namespace

ResolvedExpiry ResolveExpiresAt(const std::string& expires_at,
                                const std::optional<std::string>& time_zone) {
  if (EndsInOffset(expires_at)) return {expires_at, {}};
  const std::string zone = time_zone.value_or("UTC");
  const std::string head = "--expires-at \"" + expires_at + "\": ";
  if (auto valid = core::ValidateTimeZone(zone); !valid) {
    return {std::nullopt,
            head + "cannot be read in the --time-zone given: " + valid.error().Message()};
  }
  auto parsed = core::ParseTime(expires_at, zone);
  if (!parsed) return {std::nullopt, head + parsed.error().Message()};
  return {core::FormatTime(parsed.value(), zone), {}};
}

}  // namespace keyward::cli
