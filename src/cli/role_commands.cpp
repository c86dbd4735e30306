#include "cli/role_commands.hpp"

#include "cli/command_support.hpp"
#include "cli/render.hpp"
#include "cli/table.hpp"

namespace keyward::cli {

namespace json = boost::json;

int ListPermissions(const ApiSession& session, bool json) {
  // One page holds every permission: the list is short and fixed by the server.
  return ListPages(
      session, "/v1/permissions", [](const std::optional<std::string>&) { return Query(); },
      /*all=*/false, json, RenderPermissionTable, "No permissions.");
}

int ListRoles(const ApiSession& session, const ListFlags& flags, bool all, bool json) {
  return List(session, "/v1/roles", flags, all, json, RenderRoleTable, "No roles.");
}

int ShowRole(const ApiSession& session, const std::string& id, bool json) {
  return CallAndPrint(session, Get(RolePath(id)), json, RenderRoleDetails);
}

int CreateRole(const ApiSession& session, const CreateRoleFlags& flags, bool json) {
  return CallAndPrint(
      session, Post("/v1/roles", BuildCreateRoleBody(flags)), json, [](const json::object& role) {
        return "Created role " + Field(role, "id") + ".\n" + RenderRoleDetails(role);
      });
}

int UpdateRole(const ApiSession& session, const std::string& id, const UpdateRoleFlags& flags,
               bool json) {
  return CallAndPrint(session, Patch(RolePath(id), BuildUpdateRoleBody(flags).value()), json,
                      [](const json::object& role) {
                        return "Updated role " + Field(role, "id") + ".\n" +
                               RenderRoleDetails(role);
                      });
}

int DeleteRole(const ApiSession& session, const std::string& id, bool json) {
  return DeleteAndReport(session, RolePath(id), id, json, "Deleted role " + Printable(id) + ".");
}

}  // namespace keyward::cli
