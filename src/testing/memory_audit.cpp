#include "testing/memory_audit.hpp"

#include <algorithm>
#include <limits>
#include <string>
#include <utility>

namespace keyward::storage {
namespace {

using core::AuditEvent;
using core::ErrorCode;
using core::MakeError;
using core::Msg;
using core::Result;
using core::Status;

bool MatchesAuditFilter(const AuditEvent& e, const core::AuditFilter& filter) {
  if (filter.since && e.time < *filter.since) return false;
  if (filter.until && e.time >= *filter.until) return false;
  if (!filter.actor.empty() && e.actor != filter.actor) return false;
  if (!filter.action.empty() && e.action != filter.action) return false;
  return filter.target.empty() || e.target == filter.target;
}

}  // namespace

Result<std::int64_t> MemoryAudit::Append(const AuditEvent& event) {
  AuditEvent stored = event;
  stored.id = s_.next_audit_id++;
  s_.audit.push_back(std::move(stored));
  return s_.audit.back().id;
}

Status MemoryAudit::SetHash(std::int64_t id, std::string_view prev_hash, std::string_view hash) {
  auto it = std::lower_bound(s_.audit.begin(), s_.audit.end(), id,
                             [](const AuditEvent& e, std::int64_t v) { return e.id < v; });
  if (it == s_.audit.end() || it->id != id) {
    return MakeError(ErrorCode::kNotFound, Msg::kStoreError,
                     {"no audit event " + std::to_string(id)});
  }
  it->prev_hash = std::string(prev_hash);
  it->hash = std::string(hash);
  return core::Ok();
}

Result<std::vector<AuditEvent>> MemoryAudit::List(std::int64_t after_id, int limit) const {
  std::vector<AuditEvent> out;
  if (limit <= 0) return out;
  auto it = std::upper_bound(s_.audit.begin(), s_.audit.end(), after_id,
                             [](std::int64_t id, const AuditEvent& e) { return id < e.id; });
  for (; it != s_.audit.end() && out.size() < static_cast<std::size_t>(limit); ++it) {
    out.push_back(*it);
  }
  return out;
}

Result<std::optional<AuditEvent>> MemoryAudit::Last() const {
  if (s_.audit.empty()) return std::optional<AuditEvent>();
  return std::optional<AuditEvent>(s_.audit.back());
}

Result<std::vector<AuditEvent>> MemoryAudit::Query(const core::AuditFilter& filter,
                                                   const core::PageRequest& page) const {
  std::vector<AuditEvent> out;
  if (page.limit <= 0) return out;
  const std::int64_t before = page.before_id.value_or(std::numeric_limits<std::int64_t>::max());
  for (auto it = s_.audit.rbegin(); it != s_.audit.rend(); ++it) {
    if (it->id >= before || !MatchesAuditFilter(*it, filter)) continue;
    out.push_back(*it);
    if (out.size() >= static_cast<std::size_t>(page.limit)) break;
  }
  return out;
}

Status MemoryAudit::DeleteThrough(std::int64_t id) {
  auto end = std::upper_bound(s_.audit.begin(), s_.audit.end(), id,
                              [](std::int64_t v, const AuditEvent& e) { return v < e.id; });
  s_.audit.erase(s_.audit.begin(), end);
  return core::Ok();
}

}  // namespace keyward::storage
