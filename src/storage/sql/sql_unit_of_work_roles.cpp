// Roles and meta settings of SqlUnitOfWork (the audit trail is in
// sql_unit_of_work_audit.cpp).

#include <string>

#include "storage/sql/sql_rows.hpp"
#include "storage/sql/sql_unit_of_work.hpp"

namespace keyward::storage::sql {
namespace {

using core::ErrorCode;
using core::MakeError;
using core::Msg;
using core::Result;
using core::Role;
using core::RoleId;
using core::Status;

constexpr std::string_view kSelectRole =
    "SELECT id, name, description, built_in, scope, attributes FROM roles";

core::Error RoleNotFound(RoleId id) {
  return MakeError(ErrorCode::kNotFound, Msg::kRoleNotFound, {std::to_string(id)});
}

Result<std::optional<Role>> FirstRole(Result<std::vector<Role>> roles) {
  if (!roles) return roles.error();
  if (roles->empty()) return std::optional<Role>();
  return std::optional<Role>(std::move(roles->front()));
}

core::PermissionSet OpenEnded(core::PermissionSet::Scope scope) {
  switch (scope) {
    case core::PermissionSet::Scope::kAll:
      return core::PermissionSet::All();
    case core::PermissionSet::Scope::kAllButTokens:
      return core::PermissionSet::AllButTokens();
    case core::PermissionSet::Scope::kViews:
      return core::PermissionSet::Views();
    case core::PermissionSet::Scope::kExplicit:
      break;
  }
  return core::PermissionSet();
}

}  // namespace

Result<std::vector<Role>> SqlUnitOfWork::ReadRoles(Statement& stmt) {
  std::vector<Role> roles;
  std::vector<bool> explicit_scope;
  for (;;) {
    KW_ASSIGN_OR_RETURN(const bool row, stmt.Step());
    if (!row) break;
    Role role;
    role.id = stmt.Int(0);
    role.name = stmt.Text(1);
    role.description = stmt.Text(2);
    role.built_in = stmt.Int(3) != 0;
    role.attributes = stmt.Text(5);
    const auto scope = ParseScope(stmt.Text(4));
    if (!scope) return core::Internal("role " + std::to_string(role.id) + ": unreadable scope");
    role.permissions = OpenEnded(*scope);
    explicit_scope.push_back(*scope == core::PermissionSet::Scope::kExplicit);
    roles.push_back(std::move(role));
  }
  for (std::size_t i = 0; i < roles.size(); ++i) {
    if (!explicit_scope[i]) continue;
    KW_ASSIGN_OR_RETURN(Statement perms,
                        Prepare("SELECT permission FROM role_permissions WHERE role_id = ?1"
                                " ORDER BY permission",
                                "read role permissions"));
    perms.BindInt(1, roles[i].id);
    std::vector<std::string> names;
    for (;;) {
      KW_ASSIGN_OR_RETURN(const bool row, perms.Step());
      if (!row) break;
      names.push_back(perms.Text(0));
    }
    roles[i].permissions = core::PermissionSet::Of(std::move(names));
  }
  return roles;
}

Result<std::optional<Role>> SqlUnitOfWork::FindRole(RoleId id) {
  KW_ASSIGN_OR_RETURN(Statement stmt,
                      Prepare(std::string(kSelectRole) + " WHERE id = ?1", "find role"));
  stmt.BindInt(1, id);
  return FirstRole(ReadRoles(stmt));
}

Result<std::optional<Role>> SqlUnitOfWork::FindRoleByNameKey(std::string_view name_key) {
  KW_ASSIGN_OR_RETURN(Statement stmt, Prepare(std::string(kSelectRole) + " WHERE name_key = ?1",
                                              "find role by name"));
  stmt.BindText(1, name_key);
  return FirstRole(ReadRoles(stmt));
}

Result<std::vector<Role>> SqlUnitOfWork::ListRoles() {
  KW_ASSIGN_OR_RETURN(Statement stmt,
                      Prepare(std::string(kSelectRole) + " ORDER BY id", "list roles"));
  return ReadRoles(stmt);
}

Status SqlUnitOfWork::CheckRoleNameFree(const std::string& name, RoleId self) {
  KW_ASSIGN_OR_RETURN(
      Statement stmt,
      Prepare("SELECT id FROM roles WHERE name_key = ?1 AND id <> ?2", "check role name"));
  stmt.BindText(1, core::NameKey(name)).BindInt(2, self);
  KW_ASSIGN_OR_RETURN(const bool taken, stmt.Step());
  if (taken) return MakeError(ErrorCode::kAlreadyExists, Msg::kRoleNameTaken, {name});
  return core::Ok();
}

// Ok for a custom role that exists; kNotFound or kReadOnly (built in) otherwise.
Status SqlUnitOfWork::CheckRoleChangeable(RoleId id) {
  KW_ASSIGN_OR_RETURN(Statement stmt,
                      Prepare("SELECT built_in, name FROM roles WHERE id = ?1", "find role"));
  stmt.BindInt(1, id);
  KW_ASSIGN_OR_RETURN(const bool row, stmt.Step());
  if (!row) return RoleNotFound(id);
  if (stmt.Int(0) != 0) return MakeError(ErrorCode::kReadOnly, Msg::kBuiltInRole, {stmt.Text(1)});
  return core::Ok();
}

Result<RoleId> SqlUnitOfWork::InsertRole(const Role& role) {
  KW_RETURN_IF_ERROR(CheckRoleNameFree(role.name, /*self=*/0));
  KW_ASSIGN_OR_RETURN(Statement stmt,
                      Prepare("INSERT INTO roles (name, name_key, description, built_in, scope,"
                              " attributes) VALUES (?1, ?2, ?3, 0, ?4, ?5) RETURNING id",
                              "insert role"));
  stmt.BindText(1, role.name)
      .BindText(2, core::NameKey(role.name))
      .BindText(3, role.description)
      .BindText(4, ScopeName(role.permissions.scope()))
      .BindText(5, role.attributes);
  KW_ASSIGN_OR_RETURN(const bool row, stmt.Step());
  if (!row) return core::Internal("insert role: no id returned");
  const RoleId id = stmt.Int(0);
  KW_RETURN_IF_ERROR(WriteRolePermissions(db_, id, role.permissions));
  return id;
}

Status SqlUnitOfWork::UpdateRole(const Role& role) {
  KW_RETURN_IF_ERROR(CheckRoleChangeable(role.id));
  KW_RETURN_IF_ERROR(CheckRoleNameFree(role.name, role.id));
  KW_ASSIGN_OR_RETURN(Statement stmt,
                      Prepare("UPDATE roles SET name = ?1, name_key = ?2, description = ?3,"
                              " scope = ?4, attributes = ?6 WHERE id = ?5",
                              "update role"));
  stmt.BindText(1, role.name)
      .BindText(2, core::NameKey(role.name))
      .BindText(3, role.description)
      .BindText(4, ScopeName(role.permissions.scope()))
      .BindInt(5, role.id)
      .BindText(6, role.attributes);
  KW_RETURN_IF_ERROR(stmt.Run());
  return WriteRolePermissions(db_, role.id, role.permissions);
}

Status SqlUnitOfWork::DeleteRole(RoleId id) {
  KW_RETURN_IF_ERROR(CheckRoleChangeable(id));
  // Keys and accounts refer to the role; the foreign keys would refuse too, but without naming it.
  KW_ASSIGN_OR_RETURN(Statement users,
                      Prepare("SELECT (SELECT count(*) FROM api_keys WHERE role_id = ?1)"
                              " + (SELECT count(*) FROM accounts WHERE role_id = ?1),"
                              " (SELECT name FROM roles WHERE id = ?1)",
                              "delete role"));
  users.BindInt(1, id);
  KW_ASSIGN_OR_RETURN(const bool row, users.Step());
  if (row && users.Int(0) > 0) {
    return MakeError(ErrorCode::kInUse, Msg::kRoleInUse,
                     {users.Text(1), std::to_string(users.Int(0))});
  }
  KW_ASSIGN_OR_RETURN(Statement stmt, Prepare("DELETE FROM roles WHERE id = ?1", "delete role"));
  return stmt.BindInt(1, id).Run();
}

Result<std::optional<std::string>> SqlUnitOfWork::GetMeta(std::string_view key) {
  KW_ASSIGN_OR_RETURN(Statement stmt,
                      Prepare("SELECT value FROM meta WHERE key = ?1", "read setting"));
  stmt.BindText(1, key);
  KW_ASSIGN_OR_RETURN(const bool row, stmt.Step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(stmt.Text(0));
}

Status SqlUnitOfWork::SetMeta(std::string_view key, std::string_view value) {
  KW_ASSIGN_OR_RETURN(Statement stmt,
                      Prepare("INSERT INTO meta (key, value) VALUES (?1, ?2)"
                              " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                              "write setting"));
  return stmt.BindText(1, key).BindText(2, value).Run();
}

}  // namespace keyward::storage::sql
