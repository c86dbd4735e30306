// The ids of keys, roles and accounts, and how the API writes them. Thread-safe functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace keyward::core {

using RoleId = std::int64_t;
using KeyId = std::int64_t;
using AccountId = std::int64_t;

// Parses a decimal id as written in the API ("42"): 1..2^63-1, digits only, no leading zero.
std::optional<std::int64_t> ParseId(std::string_view text);

}  // namespace keyward::core
