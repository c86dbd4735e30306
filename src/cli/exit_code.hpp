// Process exit codes of the `keyward` client commands, the contract scripts rely on:
//   0  success
//   1  server or unexpected error (5xx, an unexpected status, a malformed response, or the
//      connection failed after the request was sent, so its effect is unknown)
//   2  usage error (bad flags, missing KEYWARD_API_KEY, unusable KEYWARD_URL)
//   3  authentication or authorization refused (401, 403)
//   4  not found (404; a bulk delete with at least one id not found)
//   5  conflict (409)
//   6  invalid input rejected by the server (400, 413)
//   7  cannot connect (name resolution, TCP connect or TLS handshake failed: nothing was sent)
// Pure functions; thread-safe.
#pragma once

#include <string_view>

namespace keyward::cli {

enum ExitCode : int {
  kExitOk = 0,
  kExitFailure = 1,
  kExitUsage = 2,
  kExitRefused = 3,
  kExitNotFound = 4,
  kExitConflict = 5,
  kExitInvalid = 6,
  kExitUnreachable = 7,
};

// Maps the HTTP status of a response to the exit code of the command that received it: 2xx is
// success, the statuses listed above map as listed, anything else is kExitFailure.
ExitCode ExitCodeForStatus(unsigned status);

// The help text that documents the environment and the exit codes, for `--help` footers.
std::string_view ClientHelpFooter();

}  // namespace keyward::cli
