// `--expires-at` as the client sends it: a time given without an offset is read in the
// `--time-zone` of the same command (UTC when there is none) and sent with that zone's offset, so
// what is meant on the command line is what the server stores, whatever the calling key's zone.
// Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <variant>

namespace keyward::cli {

// The text to send as "expiresAt", or why `expires_at` cannot be read (a message that names
// --expires-at and the value; a usage error).
struct ResolvedExpiry {
  std::optional<std::string> value;
  std::string problem;  // set when value is nullopt
};

// `expires_at` unchanged when it ends in an offset ("Z", "+09:00"): the server checks it. Else the
// RFC 3339 local time read in `time_zone` (or UTC) and rendered with its offset
// ("2026-12-31T23:59:59" in Asia/Tokyo -> "2026-12-31T23:59:59+09:00"); an ambiguous local time
// takes the earlier instant, as the server does, and one that does not exist there is a problem.
ResolvedExpiry ResolveExpiresAt(const std::string& expires_at,
                                const std::optional<std::string>& time_zone);

}  // namespace keyward::cli
