#include "core/roles/role_rules.hpp"

#include "core/ids.hpp"

namespace keyward::core {

Result<Role> ResolveRole(UnitOfWork& uow, std::string_view text, std::string_view field) {
  std::optional<Role> role;
  if (const std::optional<std::int64_t> id = ParseId(text)) {
    KW_ASSIGN_OR_RETURN(role, uow.FindRole(*id));
  } else if (!text.empty()) {
    KW_ASSIGN_OR_RETURN(role, uow.FindRoleByNameKey(NameKey(text)));
  }
  if (!role) return InvalidArgument(Msg::kRoleNotFound, std::string(field), {std::string(text)});
  return std::move(*role);
}

Result<PermissionSet> RolePermissions(UnitOfWork& uow, RoleId id) {
  KW_ASSIGN_OR_RETURN(std::optional<Role> role, uow.FindRole(id));
  if (!role) return PermissionSet();
  return role->permissions;
}

}  // namespace keyward::core
