// Writing an audit event in the unit of work that makes the change it records, and the target
// names events use ("apikey:42", "account:7", "role:100"). Through a chained store
// (audit/audit_chain.hpp) the event is chained as it is appended. Stateless functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/principal.hpp"
#include "core/result.hpp"
#include "core/store/store.hpp"

namespace keyward::core {

// Appends an audit event as given: `actor` ("apikey:42", "account:7", "anonymous", "system"),
// client `ip` (or empty), `outcome` ("success", "failure") and details (a JSON object's text;
// empty is {}).
Status AppendAuditRecord(UnitOfWork& uow, std::string_view actor, std::string_view ip, Time now,
                         std::string_view action, std::string_view target, std::string_view outcome,
                         std::string details_json);

// Appends an audit event for a change made by `caller`.
Status AppendAuditEvent(UnitOfWork& uow, const Principal& caller, Time now, std::string_view action,
                        std::string_view target, std::string details_json);

// Audit targets: "apikey:42", "account:7", "role:100".
std::string KeyTarget(KeyId id);
std::string AccountTarget(AccountId id);
std::string RoleTarget(RoleId id);

}  // namespace keyward::core
