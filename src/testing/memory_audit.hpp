// MemoryAudit: the audit trail of a MemoryStore::State, with the semantics core's store port gives
// it (core/store/store.hpp): ids assigned in order from 1, pages by id, a filtered query newest
// first, and retention that deletes the oldest events. MemoryStore's unit of work forwards to it.
//
// Thread-safety: none of its own; used by the unit of work, under the store's mutex.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/store/store.hpp"
#include "testing/memory_store.hpp"

namespace keyward::storage {

class MemoryAudit {
 public:
  explicit MemoryAudit(MemoryStore::State& state) : s_(state) {}

  // The UnitOfWork methods of the same names, less the word "Audit".
  core::Result<std::int64_t> Append(const core::AuditEvent& event);
  core::Status SetHash(std::int64_t id, std::string_view prev_hash, std::string_view hash);
  core::Result<std::vector<core::AuditEvent>> List(std::int64_t after_id, int limit) const;
  core::Result<std::optional<core::AuditEvent>> Last() const;
  core::Result<std::vector<core::AuditEvent>> Query(const core::AuditFilter& filter,
                                                    const core::PageRequest& page) const;
  core::Status DeleteThrough(std::int64_t id);

 private:
  MemoryStore::State& s_;
};

}  // namespace keyward::storage
