#include "cli/command_wiring.hpp"

namespace keyward::cli {

CLI::App* AddGroup(CLI::App& app, const std::string& name, const std::string& help) {
  auto* group = app.add_subcommand(name, help);
  group->require_subcommand(1);
  group->footer(std::string(ClientHelpFooter()));
  return group;
}

CLI::Option* AddRepeatable(CLI::App* command, const std::string& name,
                           std::vector<std::string>& values, const std::string& help) {
  return command->add_option(name, values, help)
      ->type_size(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

void AddYesFlag(CLI::App* command, bool& yes) {
  command->add_flag("--yes,-y", yes,
                    "Do not ask when this would end the access of the key the command uses "
                    "(needed without a terminal)");
}

void AddListOptions(CLI::App* command, ListState& state) {
  command->add_option("--limit", state.flags.limit, "Items a page (1-500)")
      ->check(CLI::Range(1, 500));
  command->add_option("--cursor", state.flags.cursor, "Start at this nextCursor");
  command->add_flag("--all", state.all, "Follow nextCursor to the end");
}

}  // namespace keyward::cli
