#include "cli/duration.hpp"

#include <string>

namespace keyward::cli {
namespace {

// Past this the value is a typo, and the arithmetic stays far from overflow.
constexpr long long kLongestSeconds = 10LL * 366 * 24 * 60 * 60;

std::optional<long long> UnitSeconds(char unit) {
  switch (unit) {
    case 's':
      return 1;
    case 'm':
      return 60;
    case 'h':
      return 60 * 60;
    case 'd':
      return 24 * 60 * 60;
    default:
      return std::nullopt;
  }
}

}  // namespace

std::optional<long long> ParseDuration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  long long total = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    long long number = 0;
    const std::size_t start = pos;
    for (; pos < text.size() && text[pos] >= '0' && text[pos] <= '9'; ++pos) {
      number = number * 10 + (text[pos] - '0');
      if (number > kLongestSeconds) return std::nullopt;
    }
    if (pos == start) return std::nullopt;
    long long unit = 1;
    if (pos < text.size()) {
      const auto seconds = UnitSeconds(text[pos]);
      if (!seconds) return std::nullopt;
      unit = *seconds;
      ++pos;
    } else if (start != 0) {
      return std::nullopt;  // "1h30": a bare number only stands alone
    }
    total += number * unit;
    if (total > kLongestSeconds) return std::nullopt;
  }
  return total;
}

CLI::Validator DurationValidator(long long max_seconds) {
  return CLI::Validator(
      [max_seconds](std::string& value) -> std::string {
        const auto seconds = ParseDuration(value);
        if (!seconds) {
          return "\"" + value +
                 "\" is not a duration; give seconds or a number with s, m, h or d, e.g. 90s, "
                 "15m, 1h, 7d";
        }
        if (*seconds > max_seconds) {
          return "\"" + value + "\" is longer than the most allowed, " +
                 std::to_string(max_seconds) + " seconds (" + std::to_string(max_seconds / 86400) +
                 " days)";
        }
        return {};
      },
      "DURATION");
}

}  // namespace keyward::cli
