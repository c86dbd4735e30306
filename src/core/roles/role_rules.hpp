// Rules every use case that names a role shares: resolving a role named by id or name, and the
// permissions a role holds. Stateless functions; thread-safe.
#pragma once

#include <string_view>

#include "core/permissions.hpp"
#include "core/result.hpp"
#include "core/store/store.hpp"

namespace keyward::core {

// The role named by `text`: a decimal id, else a name (compared as NameKey). Unknown ->
// kInvalidArgument (Msg::kRoleNotFound) naming `field`.
Result<Role> ResolveRole(UnitOfWork& uow, std::string_view text, std::string_view field);

// The permissions of role `id` (empty when the role is gone).
Result<PermissionSet> RolePermissions(UnitOfWork& uow, RoleId id);

}  // namespace keyward::core
