#include "core/roles/master_administrator.hpp"

namespace keyward::core {

bool IsLiveMasterKey(const ApiKey& key, Time now) {
  return key.role_id == kMasterAdministratorRoleId && key.enabled && !key.account_suspended &&
         !key.ExpiredAt(now) && !(key.locked && !key.unlock_at);
}

bool IsLiveMasterAccount(const Account& account) {
  return account.role_id == kMasterAdministratorRoleId && account.enabled &&
         HasConsoleAccess(account.access_level) && !account.password_hash.empty();
}

Status CheckMasterAdministratorRemains(UnitOfWork& uow, Time now) {
  KW_ASSIGN_OR_RETURN(std::vector<ApiKey> masters, uow.KeysWithRole(kMasterAdministratorRoleId));
  for (const ApiKey& key : masters) {
    if (IsLiveMasterKey(key, now)) return Ok();
  }
  KW_ASSIGN_OR_RETURN(std::vector<Account> accounts,
                      uow.AccountsWithRole(kMasterAdministratorRoleId));
  for (const Account& account : accounts) {
    if (IsLiveMasterAccount(account)) return Ok();
  }
  return MakeError(ErrorCode::kLastMasterAdministrator, Msg::kLastMasterAdministrator);
}

}  // namespace keyward::core
