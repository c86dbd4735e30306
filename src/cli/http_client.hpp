// A small synchronous HTTP/1.1 client for Keyward's native API: one connection per request,
// http or https (certificate and host name verified against the system's trust store unless told
// otherwise), a bearer token on every request, a connect timeout and an overall deadline.
// An HttpClient is immutable once built; Send() may be called from several threads at once.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace keyward::cli {

// Where the server is, parsed from KEYWARD_URL ("https://keys.example.com/keyward").
struct ServerUrl {
  bool tls = false;
  std::string host;         // for name resolution and certificate checks: no IPv6 brackets
  bool host_is_ip = false;  // an IP literal gets no SNI and is checked as an IP address
  std::string port;         // "443", "80" or as given
  std::string host_header;  // Host: header value, e.g. "[::1]:8080"
  std::string base_path;    // percent-encoded path prefix without trailing '/', often empty
  std::string text;         // the URL as given, for messages
};

// Parses `text` as an http:// or https:// URL with a host, optionally a port and a path prefix,
// and no credentials, query or fragment. Returns the ServerUrl, or a sentence saying what is wrong.
std::variant<ServerUrl, std::string> ParseServerUrl(std::string_view text);

enum class Method { kGet, kPost, kPatch, kDelete };

struct HttpRequest {
  Method method = Method::kGet;
  std::string path;  // under the base path, percent-encoded, e.g. "/v1/apikeys/42"
  std::vector<std::pair<std::string, std::string>> query;  // plain text; encoded when sent
  std::optional<std::string> body;                         // JSON text; none sends no body
};

struct HttpResponse {
  unsigned status = 0;
  std::string reason;
  std::string body;  // Stream(): empty for a 2xx response, whose body went to the sink
};

// Receives a streamed response body a piece at a time, as it arrives; returns false to stop
// reading (Stream() then reports a TransportFailure).
using BodySink = std::function<bool(std::string_view piece)>;

// The exchange did not produce a response. `request_sent` tells whether the server may have
// received the request (so its effect is unknown) or surely did not (resolve, connect or TLS
// handshake failed).
struct TransportFailure {
  bool request_sent = false;
  std::string reason;
};

struct HttpClientOptions {
  bool verify_peer = true;  // false skips certificate verification (KEYWARD_INSECURE=1)
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds total_timeout{30'000};
};

class HttpClient {
 public:
  // `api_key` is sent as "Authorization: Bearer <api_key>" and never appears in any message.
  HttpClient(ServerUrl server, std::string api_key, HttpClientOptions options = {});

  const ServerUrl& server() const { return server_; }

  // Returns the request target (base path, path, encoded query) that Send() puts on the wire.
  std::string Target(const HttpRequest& request) const;

  // Sends `request` with "Connection: close" and waits for the whole response, at most the total
  // timeout. Any status is a response; only failing to get one is a TransportFailure.
  std::variant<HttpResponse, TransportFailure> Send(const HttpRequest& request) const;

  // Like Send(), but the body of a 2xx response goes to `sink` as it arrives, whatever its size,
  // instead of into HttpResponse::body (other statuses' bodies, error messages, are read whole).
  // The total timeout applies to each wait for more bytes, not to the whole exchange, so a long
  // download goes on as long as the server keeps sending. A body cut short (the connection ended
  // before its end, e.g. a chunked body without its last chunk), or a sink that returns false,
  // is a TransportFailure with request_sent set; `sink` may then have received part of the body.
  std::variant<HttpResponse, TransportFailure> Stream(const HttpRequest& request,
                                                      const BodySink& sink) const;

 private:
  std::variant<HttpResponse, TransportFailure> Perform(const HttpRequest& request,
                                                       const BodySink* sink) const;

  ServerUrl server_;
  std::string api_key_;
  HttpClientOptions options_;
};

}  // namespace keyward::cli
