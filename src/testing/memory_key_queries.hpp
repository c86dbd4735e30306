// The key queries of MemoryStore's unit of work, as core's store port defines them
// (core/store/store.hpp): which keys a KeyFilter matches, and the buckets CountKeys counts a key
// in. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/store/store.hpp"

namespace keyward::storage {

// `text` with ASCII letters lowered (KeyFilter::q compares ASCII letters without case).
std::string LowerQuery(std::string_view text);

// Whether `key` matches `filter`; `lowered_q` is LowerQuery(filter.q), lowered once per list.
bool MatchesFilter(const core::ApiKey& key, const core::KeyFilter& filter,
                   const std::string& lowered_q);

// Adds `key` to the buckets of `counts` it falls in at `bounds`.
void CountKey(const core::ApiKey& key, const core::KeyCountBounds& bounds, core::KeyCounts& counts);

}  // namespace keyward::storage
