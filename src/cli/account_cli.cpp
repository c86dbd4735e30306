// `keyward accounts list|create|show|update|enable|disable|unlock|delete|password|token`: their
// flags and help.
#include "cli/account_commands.hpp"
#include "cli/command_wiring.hpp"

namespace keyward::cli {
namespace {

// API.md's access levels, checked here so a typo is a usage error before anything is sent.
const std::vector<std::string> kAccessLevels = {"console_and_api", "api_only", "console_only"};

void AddProfileOptions(CLI::App* command, AccountProfileFlags& profile) {
  command->add_option("--given-name", profile.given_name, "Given name");
  command->add_option("--surname", profile.surname, "Surname");
  command->add_option("--description", profile.description, "Description");
  command->add_option("--locale", profile.locale, "Language of its messages: en-US or ja-JP");
  command->add_option("--time-zone", profile.time_zone, "IANA time zone, e.g. Asia/Tokyo");
}

void AddAccountCreate(CLI::App* accounts, const ClientIo& io, int& exit_code) {
  auto* command = accounts->add_subcommand("create", "Create a local account");
  auto state = Leaf<CreateAccountFlags>(
      command, io, exit_code,
      [](const auto& s, const auto& f, auto& c) { return CreateAccount(s, f, c.json); });
  command->add_option("--email", state->email, "Email address, unique")->required();
  command->add_option("--role", state->role, "Role, id or name")->required();
  command
      ->add_option("--access-level", state->access_level,
                   "console_and_api, api_only or console_only")
      ->required()
      ->check(CLI::IsMember(kAccessLevels));
  AddProfileOptions(command, state->profile);
  command->add_flag("--disabled", state->disabled, "Create it disabled");
}

struct UpdateAccountState {
  std::string id;
  UpdateAccountFlags flags;
};

void AddAccountUpdate(CLI::App* accounts, const ClientIo& io, int& exit_code) {
  auto* command = accounts->add_subcommand("update", "Change an account's settings");
  auto state = Leaf<UpdateAccountState>(
      command, io, exit_code, [io](const auto& s, const auto& st, auto& c) {
        if (!BuildUpdateAccountBody(st.flags)) {
          *io.err << "keyward: nothing to update; give at least one of --email, --role, "
                     "--access-level, --given-name, --surname, --description, --locale, "
                     "--time-zone\n";
          return static_cast<int>(kExitUsage);
        }
        return UpdateAccount(s, st.id, st.flags, c.json);
      });
  auto& flags = state->flags;
  command->add_option("id", state->id, "Account id")->required();
  command->add_option("--email", flags.email, "New email address");
  command->add_option("--role", flags.role, "New role, id or name");
  command
      ->add_option("--access-level", flags.access_level,
                   "console_and_api, api_only or console_only")
      ->check(CLI::IsMember(kAccessLevels));
  AddProfileOptions(command, flags.profile);
}

// A command that takes only an account id and runs `run` with it.
void AddIdCommand(CLI::App* parent, const std::string& name, const std::string& help,
                  const ClientIo& io, int& exit_code,
                  std::function<int(const ApiSession&, const std::string&, bool)> run) {
  auto* command = parent->add_subcommand(name, help);
  auto state = Leaf<IdState>(command, io, exit_code,
                             [run = std::move(run)](const auto& s, const auto& st, auto& c) {
                               return run(s, st.id, c.json);
                             });
  command->add_option("id", state->id, "Account id")->required();
}

struct TokenCreateState {
  std::string id;
  std::optional<std::string> expires_at;
};

void AddAccountToken(CLI::App* accounts, const ClientIo& io, int& exit_code) {
  auto* token = accounts->add_subcommand("token", "An account's authentication token");
  token->require_subcommand(1);
  token->footer(std::string(ClientHelpFooter()));
  auto* create = token->add_subcommand(
      "create", "Issue the account's token (an API key with its role); prints its secret once");
  auto state =
      Leaf<TokenCreateState>(create, io, exit_code, [](const auto& s, const auto& st, auto& c) {
        return CreateAccountToken(s, st.id, st.expires_at, c.json);
      });
  create->add_option("id", state->id, "Account id")->required();
  create->add_option("--expires-at", state->expires_at, "Expiry, RFC 3339");
  AddIdCommand(token, "delete", "Delete the account's token", io, exit_code, DeleteAccountToken);
}

}  // namespace

void AddAccountCommands(CLI::App& app, const ClientIo& io, int& exit_code) {
  auto* accounts = AddGroup(app, "accounts", "Manage the accounts of a Keyward server");
  auto* list = accounts->add_subcommand("list", "List accounts, newest first");
  auto list_state =
      Leaf<ListState>(list, io, exit_code, [](const auto& s, const auto& st, auto& c) {
        return ListAccounts(s, st.flags, st.all, c.json);
      });
  AddListOptions(list, *list_state);
  AddAccountCreate(accounts, io, exit_code);
  AddIdCommand(accounts, "show", "Show an account", io, exit_code, ShowAccount);
  AddAccountUpdate(accounts, io, exit_code);
  const std::pair<const char*, const char*> actions[] = {
      {"enable", "Enable an account"},
      {"disable", "Disable an account (its sessions end and its token stops working)"},
      {"unlock", "Unlock an account locked out of sign-in by wrong passwords"}};
  for (const auto& [action, help] : actions) {
    AddIdCommand(
        accounts, action, help, io, exit_code,
        [name = std::string(action)](const ApiSession& s, const std::string& id, bool json) {
          return ChangeAccountState(s, id, name, json);
        });
  }
  AddIdCommand(accounts, "delete", "Delete an account and its token", io, exit_code, DeleteAccount);
  AddIdCommand(accounts, "password",
               "Set a one-time password, printed once; the user changes it at first sign-in", io,
               exit_code, ResetAccountPassword);
  AddAccountToken(accounts, io, exit_code);
}

}  // namespace keyward::cli
