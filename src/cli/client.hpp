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
// With --json (which every command takes) a command prints the server's JSON response as is on
// standard output; a delete, answered with no body, prints {"id": "<id>", "status": 204} instead
// (`keys delete`: its {"results": [...]} shape). Otherwise tables and "Field: value" lines for
// people. Errors go to standard error as "keyward: <message>" and, with --json, also to standard
// output as {"error": {"code", "message"}} (error_report.hpp). A command that would end the
// caller's own access asks first (own_access.hpp; --yes skips the question). The API key is never
// printed; a secret only by
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

// Where the commands print, read an answer and the environment (tests substitute them).
struct ClientIo {
  std::ostream* out = nullptr;
  std::ostream* err = nullptr;
  std::function<std::optional<std::string>(const std::string& name)> get_env;
  std::istream* in = nullptr;   // answers to a confirmation; nullptr: none can be read
  bool in_is_terminal = false;  // whether a person can answer on `in`
};

// Standard output, standard error, the process environment and standard input.
ClientIo ProcessIo();

// Adds the client subcommands to `app`; when one of them runs (CLI11 callback after parse), it
// stores its process exit code in `exit_code`. `app` and `exit_code` must outlive parsing.
// The callbacks never throw.
void AddClientCommands(CLI::App& app, int& exit_code);
void AddClientCommands(CLI::App& app, int& exit_code, ClientIo io);

// For main's catch of CLI::ParseError: prints the error (or the help asked for) as CLI11 does
// and returns the process exit code: 0 for --help and --version, 2 (usage error) for anything
// else. With `json` (--json was on the command line), a usage error is also printed on `out` as
// {"error": {"code": "usage", "message"}}.
int ExitCodeForParseError(const CLI::App& app, const CLI::ParseError& error);
int ExitCodeForParseError(const CLI::App& app, const CLI::ParseError& error, bool json,
                          std::ostream& out);

// Whether `--json` is among the arguments (before a "--"), for ExitCodeForParseError.
bool HasJsonFlag(int argc, const char* const* argv);

}  // namespace keyward::cli
