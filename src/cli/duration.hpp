// Durations on the command line (`keys rotate --grace-period`): plain seconds ("3600") or numbers
// with a unit, s, m, h or d ("90s", "15m", "1h", "7d"), several in a row adding up ("1h30m").
// Pure; thread-safe.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string_view>

namespace keyward::cli {

// The longest grace period docs/api.md allows a rotation: 7 days.
inline constexpr long long kMaxGracePeriodSeconds = 7LL * 24 * 60 * 60;

// Returns the seconds `text` stands for, or nullopt when it is not a duration (empty, a sign,
// another unit, a number without digits, or more than 10 years).
std::optional<long long> ParseDuration(std::string_view text);

// A CLI11 check for an option holding a duration of at most `max_seconds`; its message names the
// value (CLI11 puts the option's name before it), so a bad one is a usage error (exit 2).
CLI::Validator DurationValidator(long long max_seconds);

}  // namespace keyward::cli
