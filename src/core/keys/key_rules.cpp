#include "core/keys/key_rules.hpp"

#include "core/roles/role_rules.hpp"

namespace keyward::core {

Status CheckCanActOnKey(UnitOfWork& uow, const Principal& caller, const ApiKey& key) {
  KW_ASSIGN_OR_RETURN(PermissionSet target, RolePermissions(uow, key.role_id));
  return CheckCanActOn(caller.permissions, target, "API key " + std::to_string(key.id));
}

Error KeyNotFound(KeyId id) {
  return MakeError(ErrorCode::kNotFound, Msg::kKeyNotFound, {std::to_string(id)});
}

Status CheckNameFree(UnitOfWork& uow, const std::string& name, KeyId self) {
  KW_ASSIGN_OR_RETURN(std::optional<KeyId> holder, uow.FindKeyIdByNameKey(NameKey(name)));
  if (holder && *holder != self) {
    return MakeError(ErrorCode::kAlreadyExists, Msg::kKeyNameTaken, {name}, "name");
  }
  return Ok();
}

}  // namespace keyward::core
