#include "cli/exit_code.hpp"

namespace keyward::cli {

ExitCode ExitCodeForStatus(unsigned status) {
  if (status >= 200 && status < 300) return kExitOk;
  switch (status) {
    case 400:
    case 413:
      return kExitInvalid;
    case 401:
    case 403:
      return kExitRefused;
    case 404:
      return kExitNotFound;
    case 409:
      return kExitConflict;
    default:
      // 3xx (redirects are not followed), 429, 5xx and anything unforeseen: the request did not
      // do what was asked, and no more specific code says why.
      return kExitFailure;
  }
}

std::string_view ClientHelpFooter() {
  return R"(Environment:
  KEYWARD_URL       server base URL, may include a path prefix (default http://127.0.0.1:8080)
  KEYWARD_API_KEY   the API key the commands authenticate with (required)
  KEYWARD_INSECURE  set to 1 to skip TLS certificate verification (self-signed dev certs only)
Exit codes:
  0 success                          4 not found (404)
  1 server or unexpected error       5 conflict (409)
  2 usage error                      6 invalid input rejected by the server (400, 413)
  3 authentication refused (401/403) 7 cannot connect to the server (nothing was sent)
With --json, the server's JSON response is printed as is on standard output.)";
}

}  // namespace keyward::cli
