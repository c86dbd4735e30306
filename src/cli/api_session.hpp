// One command's connection to the server: reads KEYWARD_URL, KEYWARD_API_KEY and
// KEYWARD_INSECURE, sends requests, and reports every failure on standard error in plain words
// (with --json, also as an error document on standard output: error_report.hpp) with the exit
// code of exit_code.hpp, so commands only deal with successful replies. Thread-compatible.
#pragma once

#include <boost/json/value.hpp>
#include <ostream>
#include <string>
#include <string_view>
#include <variant>

#include "cli/client.hpp"
#include "cli/http_client.hpp"

namespace keyward::cli {

// The server the CLI calls when neither --url nor KEYWARD_URL names one (`keyward serve`'s default
// --listen); the server's first-start lines say how to point the CLI elsewhere.
inline constexpr std::string_view kDefaultUrl = "http://127.0.0.1:8080";

// A successful (2xx) response: its body as received, and parsed (null when empty).
struct Reply {
  unsigned status = 0;
  std::string raw;
  boost::json::value json;
};

class ApiSession {
 public:
  // Reads the environment through `io`; a non-empty `url_override` (--url) replaces
  // KEYWARD_URL; `json` (--json) makes every failure an error document on standard output too.
  // On a missing API key or an unusable URL, reports why and returns kExitUsage.
  static std::variant<ApiSession, int> Open(const ClientIo& io, const std::string& url_override,
                                            bool json);

  // Sends `request`. Returns the reply to a 2xx response whose body is empty or JSON; otherwise
  // prints what went wrong and returns the exit code for it.
  std::variant<Reply, int> Call(const HttpRequest& request) const;

  // Sends `request` and hands the body of a 2xx response to `sink` as it arrives (a download of
  // any size). Returns kExitOk once the whole body has arrived; otherwise prints what went wrong
  // (a refusal, or a body cut short: `sink` then got only part of it) and returns its exit code.
  int Stream(const HttpRequest& request, const BodySink& sink) const;

  // Prints "keyward: the server's response <what>" and returns kExitFailure, for replies that do
  // not have the shape the API promises.
  int BadResponse(std::string_view what) const;

  // Reports a failure found by the command itself (ReportError with this session's --json) and
  // returns `exit_code`.
  int Fail(std::string_view code, std::string_view message, int exit_code) const;

  // Reports a usage error (code "usage") and returns kExitUsage.
  int UsageError(std::string_view message) const;

  std::ostream& out() const { return *io_.out; }
  std::ostream& err() const { return *io_.err; }
  const ClientIo& io() const { return io_; }
  bool json() const { return json_; }

 private:
  ApiSession(ClientIo io, HttpClient client, bool json);

  // Reports a request that failed on the way (TransportFailure) and returns its exit code.
  int TransportError(const TransportFailure& failure) const;

  ClientIo io_;
  HttpClient client_;
  bool json_;
};

// Prints `reply.raw` as one JSON document on `out`, ending in a newline.
void PrintRaw(std::ostream& out, const Reply& reply);

}  // namespace keyward::cli
