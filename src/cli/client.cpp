#include "cli/client.hpp"

#include <unistd.h>
#include <CLI/CLI.hpp>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <sstream>

#include "cli/command_wiring.hpp"
#include "cli/commands.hpp"
#include "cli/duration.hpp"
#include "cli/error_report.hpp"
#include "cli/expiry.hpp"

namespace keyward::cli {
namespace {

void AddKeyList(CLI::App* keys, const ClientIo& io, int& exit_code) {
  auto* command = keys->add_subcommand("list", "List API keys, newest first");
  auto state = Leaf<ListState>(command, io, exit_code, [](const auto& s, const auto& st, auto& c) {
    return ListKeys(s, st.flags, st.all, c.json);
  });
  command->add_option("--status", state->flags.status, "Only keys with this status")
      ->check(CLI::IsMember({"enabled", "disabled", "expired", "locked_out"}));
  command->add_option("--role", state->flags.role, "Only keys with this role (id or name)");
  command->add_option("--source", state->flags.source, "Only keys from this source")
      ->check(CLI::IsMember({"api", "console", "account", "import"}));
  command->add_option("-q", state->flags.query, "Only keys whose name or description has TEXT");
  AddListOptions(command, *state);
}

void AddKeyCreate(CLI::App* keys, const ClientIo& io, int& exit_code) {
  auto* command = keys->add_subcommand("create", "Create an API key; prints its secret once");
  auto state =
      Leaf<CreateKeyFlags>(command, io, exit_code, [](const auto& s, const auto& f, auto& c) {
        CreateKeyFlags flags = f;
        if (flags.expires_at) {
          auto expiry = ResolveExpiresAt(*flags.expires_at, flags.time_zone);
          if (!expiry.value) return s.UsageError(expiry.problem);
          flags.expires_at = expiry.value;
        }
        return CreateKey(s, flags, c.json);
      });
  command->add_option("--name", state->name, "Name, unique (1-128 characters)")->required();
  command->add_option("--description", state->description, "Description");
  command->add_option("--role", state->role, "Role, id or name")->required();
  command->add_option("--locale", state->locale, "Language of its messages: en-US or ja-JP");
  command->add_option("--time-zone", state->time_zone, "IANA time zone, e.g. Asia/Tokyo");
  command->add_option("--expires-at", state->expires_at,
                      "Expiry, RFC 3339 (cannot be changed later); without an offset it is read "
                      "in --time-zone, else UTC, and sent with that offset");
  AddRepeatable(command, "--allow-ip", state->allowed_ips,
                "Accept calls only from this public IPv4 address or CIDR (repeatable)");
  command->add_flag("--disabled", state->disabled, "Create it disabled");
}

void AddKeyShow(CLI::App* keys, const ClientIo& io, int& exit_code) {
  auto* command = keys->add_subcommand("show", "Show an API key");
  auto state = Leaf<IdState>(command, io, exit_code, [](const auto& s, const auto& st, auto& c) {
    return ShowKey(s, st.id, c.json);
  });
  command->add_option("id", state->id, "Key id")->required();
}

struct UpdateState {
  std::string id;
  UpdateKeyFlags flags;
};

void AddKeyUpdate(CLI::App* keys, const ClientIo& io, int& exit_code) {
  auto* command = keys->add_subcommand("update", "Change an API key's settings");
  auto state =
      Leaf<UpdateState>(command, io, exit_code, [](const auto& s, const auto& st, auto& c) {
        if (!BuildUpdateBody(st.flags)) {
          return s.UsageError(
              "nothing to update; give at least one of --name, --description, "
              "--role, --locale, --time-zone, --allow-ip, --clear-allowlist");
        }
        return UpdateKey(s, st.id, st.flags, c.json);
      });
  auto& flags = state->flags;
  command->add_option("id", state->id, "Key id")->required();
  command->add_option("--name", flags.name, "New name");
  command->add_option("--description", flags.description, "New description");
  command->add_option("--role", flags.role, "New role, id or name");
  command->add_option("--locale", flags.locale, "en-US or ja-JP");
  command->add_option("--time-zone", flags.time_zone, "IANA time zone");
  auto* allow = AddRepeatable(command, "--allow-ip", flags.allowed_ips,
                              "Replace the allowlist with these addresses/CIDRs (repeatable)");
  command->add_flag("--clear-allowlist", flags.clear_allowlist, "Accept calls from any address")
      ->excludes(allow);
}

void AddKeyStateChanges(CLI::App* keys, const ClientIo& io, int& exit_code) {
  const std::pair<const char*, const char*> actions[] = {
      {"enable", "Enable an API key"},
      {"disable", "Disable an API key"},
      {"lock", "Lock an API key out until unlocked"},
      {"unlock", "Unlock an API key and clear its failed attempts"}};
  for (const auto& [action, help] : actions) {
    const std::string name = action;
    // Disabling or locking the caller's own key ends its access; enabling and unlocking do not.
    const bool guarded = name == "disable" || name == "lock";
    auto* command = keys->add_subcommand(name, help);
    auto state = Leaf<IdState>(
        command, io, exit_code, [name, guarded](const auto& s, const auto& st, auto& c) {
          if (guarded) {
            const int go = ConfirmOwnAccess(s, st.yes, OwnTarget::kKey, {st.id}, name);
            if (go != kExitOk) return go;
          }
          return ChangeKeyState(s, st.id, name, c.json);
        });
    command->add_option("id", state->id, "Key id")->required();
    if (guarded) AddYesFlag(command, state->yes);
  }
}

struct RotateState {
  std::string id;
  std::optional<std::string> grace_period;  // a duration (duration.hpp), checked when parsed
  bool yes = false;
};

void AddKeyRotate(CLI::App* keys, const ClientIo& io, int& exit_code) {
  auto* command = keys->add_subcommand("rotate", "Replace an API key's secret; prints it once");
  auto state =
      Leaf<RotateState>(command, io, exit_code, [](const auto& s, const auto& st, auto& c) {
        std::optional<long long> grace;
        if (st.grace_period) grace = ParseDuration(*st.grace_period).value();
        if (grace.value_or(0) == 0) {
          const int go = ConfirmOwnAccess(s, st.yes, OwnTarget::kKey, {st.id},
                                          "rotate without a grace period");
          if (go != kExitOk) return go;
        }
        return RotateKey(s, st.id, grace, c.json);
      });
  command->add_option("id", state->id, "Key id")->required();
  command
      ->add_option("--grace-period", state->grace_period,
                   "How long the old secret keeps working: seconds, or a duration such as 90s, "
                   "15m, 1h, 7d (at most 7 days; default 0)")
      ->check(DurationValidator(kMaxGracePeriodSeconds));
  AddYesFlag(command, state->yes);
}

struct DeleteState {
  std::vector<std::string> ids;
  bool yes = false;
};

void AddKeyDelete(CLI::App* keys, const ClientIo& io, int& exit_code) {
  auto* command = keys->add_subcommand("delete", "Delete API keys (exit 4 if any id is unknown)");
  auto state =
      Leaf<DeleteState>(command, io, exit_code, [](const auto& s, const auto& st, auto& c) {
        const int go = ConfirmOwnAccess(s, st.yes, OwnTarget::kKey, st.ids, "delete");
        return go != kExitOk ? go : DeleteKeys(s, st.ids, c.json);
      });
  command->add_option("id", state->ids, "Key ids")->required();
  AddYesFlag(command, state->yes);
}

void AddAuditFilters(CLI::App* command, AuditFilterFlags& filters) {
  command->add_option("--since", filters.since,
                      "Only events at or after this RFC 3339 time (no offset: the key's zone)");
  command->add_option("--until", filters.until, "Only events before this RFC 3339 time");
  command->add_option("--actor", filters.actor, "Only events by this actor, e.g. apikey:1");
  command->add_option("--action", filters.action, "Only this action, e.g. apikey.create");
  command->add_option("--target", filters.target, "Only events on this target, e.g. apikey:42");
}

struct AuditListState {
  AuditFilterFlags filters;
  ListState list;
};

struct AuditExportState {
  AuditFilterFlags filters;
  std::string format = "jsonl";
  std::optional<std::string> output;
};

void AddAudit(CLI::App& app, const ClientIo& io, int& exit_code) {
  auto* audit =
      AddGroup(app, "audit", "List, export and verify the audit trail of a Keyward server");
  auto* list = audit->add_subcommand("list", "List audit events, newest first");
  auto list_state =
      Leaf<AuditListState>(list, io, exit_code, [](const auto& s, const auto& st, auto& c) {
        return ListAudit(s, st.filters, st.list.flags, st.list.all, c.json);
      });
  AddAuditFilters(list, list_state->filters);
  AddListOptions(list, list_state->list);

  auto* exported = audit->add_subcommand(
      "export", "Export audit events, oldest first, as they arrive (JSON lines or CSV)");
  auto export_state =
      Leaf<AuditExportState>(exported, io, exit_code, [](const auto& s, const auto& st, auto&) {
        return ExportAudit(s, st.filters, st.format, st.output);
      });
  exported->add_option("--format", export_state->format, "jsonl (default) or csv")
      ->check(CLI::IsMember({"jsonl", "csv"}));
  exported->add_option("--output,-o", export_state->output,
                       "Write to this file (complete or not at all) instead of standard output");
  AddAuditFilters(exported, export_state->filters);

  auto* verify = audit->add_subcommand(
      "verify", "Check the audit trail's hash chain (exit 1 if it is broken)");
  Leaf<NoState>(verify, io, exit_code,
                [](const auto& s, const auto&, auto& c) { return VerifyAudit(s, c.json); });
}

}  // namespace

ClientIo ProcessIo() {
  return {&std::cout, &std::cerr,
          [](const std::string& name) -> std::optional<std::string> {
            const char* value = std::getenv(name.c_str());
            if (value == nullptr) return std::nullopt;
            return std::string(value);
          },
          &std::cin, ::isatty(STDIN_FILENO) == 1};
}

void AddClientCommands(CLI::App& app, int& exit_code) {
  AddClientCommands(app, exit_code, ProcessIo());
}

void AddClientCommands(CLI::App& app, int& exit_code, ClientIo io) {
  auto* keys = AddGroup(app, "keys", "Manage the API keys of a Keyward server");
  AddKeyList(keys, io, exit_code);
  AddKeyCreate(keys, io, exit_code);
  AddKeyShow(keys, io, exit_code);
  AddKeyUpdate(keys, io, exit_code);
  AddKeyStateChanges(keys, io, exit_code);
  AddKeyRotate(keys, io, exit_code);
  AddKeyDelete(keys, io, exit_code);
  AddPermissionCommand(app, io, exit_code);
  AddRoleCommands(app, io, exit_code);
  AddAccountCommands(app, io, exit_code);
  AddAudit(app, io, exit_code);
  auto* whoami = app.add_subcommand("whoami", "Show the API key in KEYWARD_API_KEY");
  Leaf<NoState>(whoami, io, exit_code,
                [](const auto& s, const auto&, auto& c) { return WhoAmI(s, c.json); });
}

int ExitCodeForParseError(const CLI::App& app, const CLI::ParseError& error) {
  const int printed = app.exit(error);
  return printed == 0 ? kExitOk : kExitUsage;
}

int ExitCodeForParseError(const CLI::App& app, const CLI::ParseError& error, bool json,
                          std::ostream& out) {
  const int code = ExitCodeForParseError(app, error);
  if (code == kExitOk || !json) return code;
  std::ostringstream ignored;
  return ReportError(out, ignored, true, "usage", error.what(), code);
}

bool HasJsonFlag(int argc, const char* const* argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--") return false;
    if (arg == "--json") return true;
  }
  return false;
}

}  // namespace keyward::cli
