// Paging through lists: the ?limit= and ?cursor= of a list call, and the opaque cursors that
// carry the id below which the next page starts. Stateless functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "core/store/store.hpp"

namespace keyward::core {

inline constexpr int kMaxListLimit = 500;
inline constexpr int kDefaultListLimit = 50;

// A list page from the caller's ?limit= (1..kMaxListLimit, default kDefaultListLimit) and
// ?cursor=; errors name "limit" / "cursor".
Result<PageRequest> ParsePageRequest(const std::optional<std::string>& limit,
                                     const std::optional<std::string>& cursor);

// Opaque list cursors: the id below which the next page starts.
std::string EncodeCursor(std::int64_t before_id);
std::optional<std::int64_t> DecodeCursor(std::string_view cursor);

}  // namespace keyward::core
