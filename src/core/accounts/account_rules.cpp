#include "core/accounts/account_rules.hpp"

#include "core/roles/master_administrator.hpp"
#include "core/roles/role_rules.hpp"

namespace keyward::core {

// Escalation rule 2 for an account: its role's permissions must be within the caller's.
Status CheckCanActOnAccount(UnitOfWork& uow, const Principal& caller, const Account& account) {
  KW_ASSIGN_OR_RETURN(PermissionSet target, RolePermissions(uow, account.role_id));
  return CheckCanActOn(caller.permissions, target, "account " + std::to_string(account.id));
}

std::string TokenName(AccountId id) {
  return "Authentication token of account " + std::to_string(id);
}

bool TokenSuspended(const Account& account) {
  return !account.enabled || !HasApiAccess(account.access_level);
}

// Makes the account's token follow it: role, locale, time zone, suspension. Written through the
// unit of work so the key index sees it in commit order.
Status SyncToken(UnitOfWork& uow, const Account& account) {
  KW_ASSIGN_OR_RETURN(std::optional<ApiKey> token, uow.FindAccountToken(account.id));
  if (!token) return Ok();
  ApiKey next = *token;
  next.role_id = account.role_id;
  next.locale = account.locale;
  next.time_zone = account.time_zone;
  next.account_suspended = TokenSuspended(account);
  if (next.role_id == token->role_id && next.locale == token->locale &&
      next.time_zone == token->time_zone && next.account_suspended == token->account_suspended) {
    return Ok();
  }
  return uow.UpdateKey(next);
}

// Whether the account, or its token, is a live Master Administrator credential now.
Result<bool> HoldsMasterCredential(UnitOfWork& uow, const Account& account, Time now) {
  if (IsLiveMasterAccount(account)) return true;
  KW_ASSIGN_OR_RETURN(std::optional<ApiKey> token, uow.FindAccountToken(account.id));
  return token && IsLiveMasterKey(*token, now);
}

}  // namespace keyward::core
