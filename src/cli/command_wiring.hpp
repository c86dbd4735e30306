// How a client subcommand is wired into CLI11, shared by the files that add them (client.cpp,
// role_cli.cpp, account_cli.cpp): the options every command takes, a leaf command's callback, and
// the option shapes several commands share. Internal to src/cli. Not thread-safe, like parsing.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cli/api_session.hpp"
#include "cli/client.hpp"
#include "cli/error_report.hpp"
#include "cli/exit_code.hpp"
#include "cli/own_access.hpp"
#include "cli/request_builder.hpp"

namespace keyward::cli {

// The options every client command takes.
struct Common {
  bool json = false;
  std::string url;
};

// Wires one leaf command: its --json and --url, its help footer, and a callback that opens a
// session and runs `run` with it, turning anything thrown into exit code 1. Returns the state
// the command's own options fill in, alive as long as the command.
template <typename State>
std::shared_ptr<State> Leaf(
    CLI::App* command, const ClientIo& io, int& exit_code,
    std::function<int(const ApiSession&, const State&, const Common&)> run) {
  auto state = std::make_shared<State>();
  auto common = std::make_shared<Common>();
  command->add_flag("--json", common->json,
                    "Print the server's JSON response as is; errors too, as {\"error\": {...}}");
  command->add_option("--url", common->url,
                      "Server base URL (default: $KEYWARD_URL, else http://127.0.0.1:8080)");
  command->footer(std::string(ClientHelpFooter()));
  command->callback([io, &exit_code, state, common, run = std::move(run)] {
    try {
      auto session = ApiSession::Open(io, common->url, common->json);
      if (const int* code = std::get_if<int>(&session)) {
        exit_code = *code;
        return;
      }
      exit_code = run(std::get<ApiSession>(session), *state, *common);
    } catch (const std::exception& e) {
      exit_code = ReportError(*io.out, *io.err, common->json, "failure",
                              std::string("unexpected error: ") + e.what(), kExitFailure);
    }
  });
  return state;
}

// Adds a command group (`keys`, `roles`, ...) that needs one of its subcommands.
CLI::App* AddGroup(CLI::App& app, const std::string& name, const std::string& help);

// A repeatable option taking one value an occurrence, so `--allow-ip A 42` leaves 42 alone.
CLI::Option* AddRepeatable(CLI::App* command, const std::string& name,
                           std::vector<std::string>& values, const std::string& help);

struct ListState {
  ListFlags flags;
  bool all = false;
};

// --limit, --cursor and --all.
void AddListOptions(CLI::App* command, ListState& state);

struct IdState {
  std::string id;
  bool yes = false;  // --yes, on the commands that take it (AddYesFlag)
};

// --yes: go ahead without asking when the command ends the caller's own access (own_access.hpp).
void AddYesFlag(CLI::App* command, bool& yes);

struct NoState {};

// `keyward permissions` and `keyward roles ...` (role_cli.cpp).
void AddPermissionCommand(CLI::App& app, const ClientIo& io, int& exit_code);
void AddRoleCommands(CLI::App& app, const ClientIo& io, int& exit_code);

// `keyward accounts ...` (account_cli.cpp).
void AddAccountCommands(CLI::App& app, const ClientIo& io, int& exit_code);

}  // namespace keyward::cli
