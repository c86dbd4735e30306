// `keyward permissions` and `keyward roles list|show|create|update|delete`: their flags and help.
#include "cli/command_wiring.hpp"
#include "cli/role_commands.hpp"

namespace keyward::cli {
namespace {

void AddRoleCreate(CLI::App* roles, const ClientIo& io, int& exit_code) {
  auto* command = roles->add_subcommand("create", "Create a custom role");
  auto state = Leaf<CreateRoleFlags>(
      command, io, exit_code,
      [](const auto& s, const auto& f, auto& c) { return CreateRole(s, f, c.json); });
  command->add_option("--name", state->name, "Name, unique (1-128 characters)")->required();
  command->add_option("--description", state->description, "Description");
  AddRepeatable(command, "--permission", state->permissions,
                "A permission it grants, e.g. apikeys:view (repeatable; see keyward permissions)")
      ->required();
}

struct UpdateRoleState {
  std::string id;
  UpdateRoleFlags flags;
};

void AddRoleUpdate(CLI::App* roles, const ClientIo& io, int& exit_code) {
  auto* command = roles->add_subcommand("update", "Change a custom role");
  auto state =
      Leaf<UpdateRoleState>(command, io, exit_code, [](const auto& s, const auto& st, auto& c) {
        if (!BuildUpdateRoleBody(st.flags)) {
          return s.UsageError(
              "nothing to update; give at least one of --name, --description, --permission");
        }
        return UpdateRole(s, st.id, st.flags, c.json);
      });
  command->add_option("id", state->id, "Role id")->required();
  command->add_option("--name", state->flags.name, "New name");
  command->add_option("--description", state->flags.description, "New description");
  AddRepeatable(command, "--permission", state->flags.permissions,
                "Replace the role's permissions with these (repeatable)");
}

}  // namespace

void AddPermissionCommand(CLI::App& app, const ClientIo& io, int& exit_code) {
  auto* command = app.add_subcommand("permissions", "List the permissions a role can grant");
  Leaf<NoState>(command, io, exit_code,
                [](const auto& s, const auto&, auto& c) { return ListPermissions(s, c.json); });
}

void AddRoleCommands(CLI::App& app, const ClientIo& io, int& exit_code) {
  auto* roles = AddGroup(app, "roles", "Manage the roles of a Keyward server");
  auto* list = roles->add_subcommand("list", "List roles");
  auto list_state =
      Leaf<ListState>(list, io, exit_code, [](const auto& s, const auto& st, auto& c) {
        return ListRoles(s, st.flags, st.all, c.json);
      });
  AddListOptions(list, *list_state);
  auto* show = roles->add_subcommand("show", "Show a role and its permissions");
  auto show_state = Leaf<IdState>(show, io, exit_code, [](const auto& s, const auto& st, auto& c) {
    return ShowRole(s, st.id, c.json);
  });
  show->add_option("id", show_state->id, "Role id")->required();
  AddRoleCreate(roles, io, exit_code);
  AddRoleUpdate(roles, io, exit_code);
  auto* remove = roles->add_subcommand("delete", "Delete a custom role no key or account uses");
  auto remove_state = Leaf<IdState>(
      remove, io, exit_code,
      [](const auto& s, const auto& st, auto& c) { return DeleteRole(s, st.id, c.json); });
  remove->add_option("id", remove_state->id, "Role id")->required();
}

}  // namespace keyward::cli
