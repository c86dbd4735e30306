#include "core/roles/role_service.hpp"

#include "core/json_text.hpp"
#include "core/store/api_key.hpp"
#include "core/store/audit_record.hpp"

namespace keyward::core {
namespace {

Status ValidateRolePermissions(const std::vector<std::string>& names) {
  if (names.size() > kMaxRolePermissions) {
    return InvalidArgument(Msg::kTooManyItems, "permissions",
                           {"permissions", std::to_string(kMaxRolePermissions)});
  }
  return ValidatePermissions(names);
}

Status CheckRoleNameFree(UnitOfWork& uow, const std::string& name, RoleId self) {
  KW_ASSIGN_OR_RETURN(std::optional<Role> holder, uow.FindRoleByNameKey(NameKey(name)));
  if (holder && holder->id != self) {
    return MakeError(ErrorCode::kAlreadyExists, Msg::kRoleNameTaken, {name}, "name");
  }
  return Ok();
}

// The role `id` for a change: kNotFound, kReadOnly for a built-in role, and escalation rule 2.
Result<Role> ChangeableRole(UnitOfWork& uow, const Principal& caller, RoleId id) {
  KW_ASSIGN_OR_RETURN(std::optional<Role> role, uow.FindRole(id));
  if (!role) return RoleNotFound(std::to_string(id));
  if (role->built_in) {
    return MakeError(ErrorCode::kReadOnly, Msg::kBuiltInRole, {role->name});
  }
  KW_RETURN_IF_ERROR(CheckCanActOn(caller.permissions, role->permissions, "role " + role->name));
  return std::move(*role);
}

}  // namespace

Error RoleNotFound(std::string_view text) {
  std::string echo(text.substr(0, 64));
  return MakeError(ErrorCode::kNotFound, Msg::kRoleNotFound, {echo});
}

Result<std::vector<Role>> RoleService::List(const Principal& caller) const {
  KW_RETURN_IF_ERROR(RequirePermission(caller.permissions, perm::kRolesView));
  return TransactValue<std::vector<Role>>(store_, [](UnitOfWork& uow) { return uow.ListRoles(); });
}

Result<Role> RoleService::Get(const Principal& caller, RoleId id) const {
  KW_RETURN_IF_ERROR(RequirePermission(caller.permissions, perm::kRolesView));
  return TransactValue<Role>(store_, [&](UnitOfWork& uow) -> Result<Role> {
    KW_ASSIGN_OR_RETURN(std::optional<Role> role, uow.FindRole(id));
    if (!role) return RoleNotFound(std::to_string(id));
    return std::move(*role);
  });
}

Result<Role> RoleService::Create(const Principal& caller, const RoleInput& input) const {
  KW_RETURN_IF_ERROR(RequirePermission(caller.permissions, perm::kRolesCreate));
  if (!input.name) return InvalidArgument(Msg::kRequired, "name", {"name"});
  KW_RETURN_IF_ERROR(ValidateName(*input.name, "name"));
  if (input.description) KW_RETURN_IF_ERROR(ValidateDescription(*input.description, "description"));
  if (!input.permissions) return InvalidArgument(Msg::kRequired, "permissions", {"permissions"});
  KW_RETURN_IF_ERROR(ValidateRolePermissions(*input.permissions));
  if (input.attributes) {
    KW_RETURN_IF_ERROR(ValidateAttributes(*input.attributes, kMaxAttributesLength));
  }
  Role role;
  role.name = *input.name;
  role.description = input.description.value_or("");
  role.attributes = input.attributes.value_or("");
  role.permissions = PermissionSet::Of(*input.permissions);
  // Rule 1: nothing the caller lacks.
  KW_RETURN_IF_ERROR(CheckCanGrant(caller.permissions, role.permissions));
  const Time now = clock_.Now();
  return TransactValue<Role>(store_, [&](UnitOfWork& uow) -> Result<Role> {
    KW_RETURN_IF_ERROR(CheckRoleNameFree(uow, role.name, 0));
    KW_ASSIGN_OR_RETURN(RoleId id, uow.InsertRole(role));
    JsonObject details;
    details.Add("name", role.name)
        .Add("description", role.description)
        .Add("permissions", role.permissions.Display());
    KW_RETURN_IF_ERROR(
        AppendAuditEvent(uow, caller, now, "role.create", RoleTarget(id), details.str()));
    KW_ASSIGN_OR_RETURN(std::optional<Role> stored, uow.FindRole(id));
    if (!stored) return Internal("created role vanished");
    return std::move(*stored);
  });
}

Result<Role> RoleService::Update(const Principal& caller, RoleId id, const RoleInput& input) const {
  KW_RETURN_IF_ERROR(RequirePermission(caller.permissions, perm::kRolesEdit));
  if (input.name) KW_RETURN_IF_ERROR(ValidateName(*input.name, "name"));
  if (input.description) KW_RETURN_IF_ERROR(ValidateDescription(*input.description, "description"));
  if (input.attributes) {
    KW_RETURN_IF_ERROR(ValidateAttributes(*input.attributes, kMaxAttributesLength));
  }
  std::optional<PermissionSet> permissions;
  if (input.permissions) {
    KW_RETURN_IF_ERROR(ValidateRolePermissions(*input.permissions));
    permissions = PermissionSet::Of(*input.permissions);
    KW_RETURN_IF_ERROR(CheckCanGrant(caller.permissions, *permissions));
  }
  const Time now = clock_.Now();
  return TransactValue<Role>(store_, [&](UnitOfWork& uow) -> Result<Role> {
    KW_ASSIGN_OR_RETURN(Role role, ChangeableRole(uow, caller, id));
    JsonObject details;
    if (input.name && *input.name != role.name) {
      KW_RETURN_IF_ERROR(CheckRoleNameFree(uow, *input.name, id));
      details.AddChange("name", JsonQuote(role.name), JsonQuote(*input.name));
      role.name = *input.name;
    }
    if (input.description) {
      details.AddStringChange("description", role.description, *input.description);
      role.description = *input.description;
    }
    if (permissions && !(*permissions == role.permissions)) {
      details.AddChange("permissions", JsonValue(role.permissions.Display()),
                        JsonValue(permissions->Display()));
      role.permissions = *permissions;
    }
    if (input.attributes && *input.attributes != role.attributes) {
      // The dialect's own fields: that they changed is recorded, not their (unbounded) text.
      details.Add("attributesChanged", true);
      role.attributes = *input.attributes;
    }
    if (details.empty()) return role;  // nothing changed: nothing to write or audit
    KW_RETURN_IF_ERROR(uow.UpdateRole(role));
    KW_RETURN_IF_ERROR(
        AppendAuditEvent(uow, caller, now, "role.update", RoleTarget(id), details.str()));
    KW_ASSIGN_OR_RETURN(std::optional<Role> stored, uow.FindRole(id));
    if (!stored) return RoleNotFound(std::to_string(id));
    return std::move(*stored);
  });
}

Status RoleService::Delete(const Principal& caller, RoleId id) const {
  KW_RETURN_IF_ERROR(RequirePermission(caller.permissions, perm::kRolesDelete));
  const Time now = clock_.Now();
  return store_.Transact([&](UnitOfWork& uow) -> Status {
    KW_ASSIGN_OR_RETURN(Role role, ChangeableRole(uow, caller, id));
    KW_ASSIGN_OR_RETURN(std::vector<ApiKey> keys, uow.KeysWithRole(id));
    KW_ASSIGN_OR_RETURN(std::vector<Account> accounts, uow.AccountsWithRole(id));
    // An account's token carries its account's role: it is counted as its account.
    std::size_t own_keys = 0;
    for (const ApiKey& key : keys) own_keys += key.source == KeySource::kAccount ? 0 : 1;
    if (own_keys > 0 || !accounts.empty()) {
      return MakeError(ErrorCode::kInUse, Msg::kRoleInUseCounts,
                       {role.name, std::to_string(own_keys), std::to_string(accounts.size())});
    }
    KW_RETURN_IF_ERROR(uow.DeleteRole(id));
    JsonObject details;
    details.Add("name", role.name).Add("permissions", role.permissions.Display());
    return AppendAuditEvent(uow, caller, now, "role.delete", RoleTarget(id), details.str());
  });
}

}  // namespace keyward::core
