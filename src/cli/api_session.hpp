// One command's connection to the server: reads KEYWARD_URL, KEYWARD_API_KEY and
// KEYWARD_INSECURE, sends requests, and reports every failure on standard error in plain words
// with the exit code of exit_code.hpp, so commands only deal with successful replies.
// Thread-compatible.
#pragma once

#include <boost/json/value.hpp>
#include <ostream>
#include <string>
#include <string_view>
#include <variant>

#include "cli/client.hpp"
#include "cli/http_client.hpp"

namespace keyward::cli {

// A successful (2xx) response: its body as received, and parsed (null when empty).
struct Reply {
  unsigned status = 0;
  std::string raw;
  boost::json::value json;
};

class ApiSession {
 public:
  // Reads the environment through `io`; a non-empty `url_override` (--url) replaces
  // KEYWARD_URL. On a missing API key or an unusable URL, prints why and returns kExitUsage.
  static std::variant<ApiSession, int> Open(const ClientIo& io, const std::string& url_override);

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

  std::ostream& out() const { return *io_.out; }
  std::ostream& err() const { return *io_.err; }

 private:
  ApiSession(ClientIo io, HttpClient client);

  ClientIo io_;
  HttpClient client_;
};

// Prints `reply.raw` as one JSON document on `out`, ending in a newline.
void PrintRaw(std::ostream& out, const Reply& reply);

}  // namespace keyward::cli
