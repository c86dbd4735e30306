// `keyward accounts list|create|show|update|enable|disable|unlock|delete|password|token`: their
// flags and help.
#include "cli/account_commands.hpp"
#include "cli/command_wiring.hpp"
#include "cli/expiry.hpp"

namespace keyward::cli {
namespace {

// docs/api.md's access levels, checked here so a typo is a usage error before anything is sent.
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
  bool yes = false;
};

void AddAccountUpdate(CLI::App* accounts, const ClientIo& io, int& exit_code) {
  auto* command = accounts->add_subcommand("update", "Change an account's settings");
  auto state =
      Leaf<UpdateAccountState>(command, io, exit_code, [](const auto& s, const auto& st, auto& c) {
        if (!BuildUpdateAccountBody(st.flags)) {
          return s.UsageError(
              "nothing to update; give at least one of --email, --role, "
              "--access-level, --given-name, --surname, --description, --locale, "
              "--time-zone");
        }
        // A console-only account's token no longer authenticates (docs/api.md).
        if (st.flags.access_level == "console_only") {
          const int go =
              ConfirmOwnAccess(s, st.yes, OwnTarget::kAccount, {st.id}, "make console-only");
          if (go != kExitOk) return go;
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
  AddYesFlag(command, state->yes);
}

// A command that takes only an account id and runs `run` with it. With a non-empty
// `own_access_verb`, it asks first when the account is the caller's own (ConfirmOwnAccess) and
// takes --yes.
void AddIdCommand(CLI::App* parent, const std::string& name, const std::string& help,
                  const ClientIo& io, int& exit_code,
                  std::function<int(const ApiSession&, const std::string&, bool)> run,
                  const std::string& own_access_verb = {}) {
  auto* command = parent->add_subcommand(name, help);
  auto state = Leaf<IdState>(
      command, io, exit_code,
      [run = std::move(run), own_access_verb](const auto& s, const auto& st, auto& c) {
        if (!own_access_verb.empty()) {
          const int go = ConfirmOwnAccess(s, st.yes, OwnTarget::kAccount, {st.id}, own_access_verb);
          if (go != kExitOk) return go;
        }
        return run(s, st.id, c.json);
      });
  command->add_option("id", state->id, "Account id")->required();
  if (!own_access_verb.empty()) AddYesFlag(command, state->yes);
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
        std::optional<std::string> expires_at;
        if (st.expires_at) {
          auto expiry = ResolveExpiresAt(*st.expires_at, std::nullopt);
          if (!expiry.value) return s.UsageError(expiry.problem);
          expires_at = expiry.value;
        }
        return CreateAccountToken(s, st.id, expires_at, c.json);
      });
  create->add_option("id", state->id, "Account id")->required();
  create->add_option("--expires-at", state->expires_at,
                     "Expiry, RFC 3339; without an offset it is read in UTC");
  AddIdCommand(token, "delete", "Delete the account's token", io, exit_code, DeleteAccountToken,
               "delete the token of");
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
    const std::string name = action;
    AddIdCommand(
        accounts, name, help, io, exit_code,
        [name](const ApiSession& s, const std::string& id, bool json) {
          return ChangeAccountState(s, id, name, json);
        },
        name == "disable" ? "disable" : "");
  }
  AddIdCommand(accounts, "delete", "Delete an account and its token", io, exit_code, DeleteAccount,
               "delete");
  AddIdCommand(accounts, "password",
               "Set a one-time password, printed once; the user changes it at first sign-in", io,
               exit_code, ResetAccountPassword);
  AddAccountToken(accounts, io, exit_code);
}

}  // namespace keyward::cli
