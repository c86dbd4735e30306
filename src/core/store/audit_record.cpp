#include "core/store/audit_record.hpp"

namespace keyward::core {

Status AppendAuditRecord(UnitOfWork& uow, std::string_view actor, std::string_view ip, Time now,
                         std::string_view action, std::string_view target, std::string_view outcome,
                         std::string details_json) {
  AuditEvent event;
  event.time = now;
  event.actor = std::string(actor);
  event.action = std::string(action);
  event.target = std::string(target);
  event.ip = std::string(ip);
  event.outcome = std::string(outcome);
  event.details_json = details_json.empty() ? "{}" : std::move(details_json);
  KW_ASSIGN_OR_RETURN(std::int64_t id, uow.AppendAudit(event));
  (void)id;
  return Ok();
}

Status AppendAuditEvent(UnitOfWork& uow, const Principal& caller, Time now, std::string_view action,
                        std::string_view target, std::string details_json) {
  return AppendAuditRecord(uow, caller.actor, caller.ip, now, action, target, "success",
                           std::move(details_json));
}

std::string KeyTarget(KeyId id) { return "apikey:" + std::to_string(id); }

std::string AccountTarget(AccountId id) { return "account:" + std::to_string(id); }

std::string RoleTarget(RoleId id) { return "role:" + std::to_string(id); }

}  // namespace keyward::core
