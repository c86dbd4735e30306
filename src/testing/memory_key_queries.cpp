#include "testing/memory_key_queries.hpp"

namespace keyward::storage {
namespace {

using core::ApiKey;

bool MatchesQuery(const ApiKey& key, const std::string& lowered_q) {
  if (lowered_q.empty()) return true;
  return LowerQuery(key.name).find(lowered_q) != std::string::npos ||
         LowerQuery(key.description).find(lowered_q) != std::string::npos;
}

}  // namespace

std::string LowerQuery(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool MatchesFilter(const ApiKey& key, const core::KeyFilter& filter, const std::string& lowered_q) {
  if (filter.status && key.StatusAt(filter.now) != *filter.status) return false;
  if (filter.role && key.role_id != *filter.role) return false;
  if (filter.source && key.source != *filter.source) return false;
  if (filter.expires_before && !(key.expires_at && *key.expires_at < *filter.expires_before)) {
    return false;
  }
  if (filter.last_used_before && key.last_used_at &&
      *key.last_used_at >= *filter.last_used_before) {
    return false;
  }
  if (filter.secret_rotated_before && key.SecretIssuedAt() >= *filter.secret_rotated_before) {
    return false;
  }
  return MatchesQuery(key, lowered_q);
}

void CountKey(const ApiKey& key, const core::KeyCountBounds& bounds, core::KeyCounts& counts) {
  switch (key.StatusAt(bounds.now)) {
    case core::KeyStatus::kDisabled:
      ++counts.disabled;
      break;
    case core::KeyStatus::kExpired:
      ++counts.expired;
      break;
    case core::KeyStatus::kLockedOut:
      ++counts.locked_out;
      break;
    case core::KeyStatus::kEnabled:
      ++counts.enabled;
      break;
  }
  if (key.expires_at && *key.expires_at > bounds.now && *key.expires_at <= bounds.expires_until) {
    ++counts.expiring;
  }
  if (!key.last_used_at || *key.last_used_at < bounds.used_before) ++counts.unused;
  if (key.SecretIssuedAt() < bounds.secret_issued_before) ++counts.stale_secret;
}

}  // namespace keyward::storage
