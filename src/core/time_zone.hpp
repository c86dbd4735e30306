// Time zones and RFC 3339 times: validation of IANA names, rendering a time in a caller's zone
// with its offset, and reading a time with or without an offset. Backed by date/tz on the OS
// tz database. Thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/result.hpp"

namespace keyward::core {

// Ok when `name` is an IANA zone in the tz database ("UTC", "Asia/Tokyo", ...). Error
// kInvalidArgument with Msg::kTimeZoneInvalid (field left empty for the caller to set).
Status ValidateTimeZone(std::string_view name);

// `t` in `zone` as RFC 3339 with second precision: "2026-11-22T15:00:00+09:00"; "Z" when the zone
// is UTC (or Etc/UTC). An unknown zone renders as UTC.
std::string FormatTime(Time t, std::string_view zone);

// Reads an RFC 3339 time. With an offset ("Z", "+09:00") the offset rules; without one the
// local time is read in `zone`. Fractional seconds are accepted and truncated. A local time that
// does not exist in `zone` -> kInvalidArgument (Msg::kTimeNonexistent); an ambiguous one takes
// the earlier instant. Instants before 1970 or from 9999-01-01 on, which could not render with a
// four-digit year in every zone, and any other bad text -> kInvalidArgument (Msg::kTimeInvalid).
Result<Time> ParseTime(std::string_view text, std::string_view zone);

// ParseTime for a request field or query parameter: its errors name `field`.
Result<Time> ParseTimeField(std::string_view text, std::string_view zone, std::string_view field);

}  // namespace keyward::core
