// Batch: audit events in commit order, shared between the forwarder's queue and every destination
// sending them (never copied per destination). The events are immutable once queued.
#pragma once

#include <memory>
#include <vector>

#include "core/store/audit_event.hpp"

namespace keyward::siem {

using Batch = std::vector<std::shared_ptr<const core::AuditEvent>>;

}  // namespace keyward::siem
