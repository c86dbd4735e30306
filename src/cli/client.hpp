// The `keyward` command-line client of the native API: `keys`, `permissions`, `roles`,
// `accounts`, `audit` and `whoami` subcommands for a CLI11 App, talking to the server named by
// KEYWARD_URL (default http://127.0.0.1:8080) with the key in KEYWARD_API_KEY; KEYWARD_INSECURE=1
// skips TLS certificate verification for self-signed development certificates.
//
// Exit codes, stored in `exit_code` by the command that ran (see exit_code.hpp):
//   0 success                     4 not found (404; bulk delete: any id not found)
//   1 server or unexpected error  5 conflict (409)
//   2 usage error                 6 invalid input rejected by the server (400, 413)
//   3 refused (401, 403)          7 cannot connect (nothing was sent)
// `audit verify` also exits 1 when the trail's hash chain is broken, and `audit export` when the
// export is cut short.
// With --json a command prints the server's JSON response as is on standard output; a delete,
// answered with no body, prints {"id": "<id>", "status": 204} instead (`keys delete`: its
// {"results": [...]} shape). Otherwise tables and "Field: value" lines for people. Errors go to
// standard error as "keyward: <message>". The API key is never printed; a secret only by
// `keys create`, `keys rotate` and `accounts token create`, a one-time password only by
// `accounts password`. Not thread-safe: commands run on the thread that parses.
#pragma once

#include <functional>
#include <iosfwd>
#include <optional>
#include <string>

namespace CLI {
class App;
class ParseError;
}  // namespace CLI

namespace keyward::cli {

// Where the commands print and how they read the environment (tests substitute both).
struct ClientIo {
  std::ostream* out = nullptr;
  std::ostream* err = nullptr;
  std::function<std::optional<std::string>(const std::string& name)> get_env;
};

// Standard output, standard error and the process environment.
ClientIo ProcessIo();

// Adds the client subcommands to `app`; when one of them runs (CLI11 callback after parse), it
// stores its process exit code in `exit_code`. `app` and `exit_code` must outlive parsing.
// The callbacks never throw.
void AddClientCommands(CLI::App& app, int& exit_code);
void AddClientCommands(CLI::App& app, int& exit_code, ClientIo io);

// For main's catch of CLI::ParseError: prints the error (or the help asked for) as CLI11 does
// and returns the process exit code: 0 for --help, 2 (usage error) for anything else.
int ExitCodeForParseError(const CLI::App& app, const CLI::ParseError& error);

}  // namespace keyward::cli
