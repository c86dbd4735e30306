// Server: the HTTP(S) transport of `keyward serve`. It listens on one address, reads requests
// with Boost.Beast under the limits of ServerOptions, takes the Handler's inline answer when it
// has one that needs no waiting (Handler::TryInlineHead, then Handler::TryInline, on the I/O
// thread), else hands the request to Handler::Handle on a worker thread pool (handlers may block
// on the store; the I/O threads never run Handle), and writes the response back on the
// connection's I/O thread.
//
// Threads: io_threads I/O threads, each running an io_context of its own. The listener (on the
// first) hands accepted connections to the io_contexts in turn, and a connection stays on its
// io_context for its whole life, so nothing of a connection needs a strand; the worker pool
// posts each answer back to the connection's io_context.
//
// Per connection: HTTP/1.1 and 1.0, keep-alive, one request at a time (pipelined requests wait
// in the read buffer and are answered in order). Limits answer and then close the connection:
// a header block over header_limit → 431, a body over body_limit → 413 (JSON error), a request
// not complete within read_timeout of its first byte → 408, a header section not complete within
// header_timeout → 408 (for a new connection, counted from its accept: TLS handshake, wait and
// header together), malformed HTTP → 400, a request whose framing is unsound or that sends
// trailer fields → 400 (request_framing.hpp). A keep-alive connection with no request for
// idle_timeout is closed silently, as is a new connection that sends nothing within
// header_timeout. At max_connections, or at max_connections_per_address from one client address
// (IPv4-mapped IPv6 counted as IPv4; loopback too; the ranges of unlimited_peers exempt), a new
// connection is accepted and closed at once, without a response (a response would cost a TLS
// handshake under the very load the limit guards against); clients see the connection close and
// may retry.
//
// Thread-safety: Start(), port() and Run() are called from one thread; Stop() from any thread
// (a signal_set handler or another thread) at any time after construction.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/net/ip.hpp"
#include "core/result.hpp"
#include "http/handler.hpp"
#include "http/logger.hpp"
#include "http/metrics.hpp"

namespace keyward::http {

struct ServerOptions {
  // An IPv4 or IPv6 address ("127.0.0.1", "0.0.0.0", "::1", "[::]"), or a host name that
  // resolves to one (the first address is used).
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;  // 0: an ephemeral port, see Server::port()
  int io_threads = 1;
  int worker_threads = 4;
  // HTTPS when both are given: PEM certificate chain and PEM private key. TLS 1.2 and later.
  std::optional<std::string> tls_cert_file, tls_key_file;
  std::size_t header_limit = 16 * 1024;   // request line and headers, bytes
  std::size_t body_limit = 64 * 1024;     // decoded body, bytes (Content-Length or chunked)
  std::chrono::seconds read_timeout{30};  // whole request from its first byte; also each write
                                          // and the TLS handshake
  std::chrono::seconds idle_timeout{60};  // between requests on a keep-alive connection
  // A request's header section, from its first byte; for a new connection, from its accept.
  std::chrono::seconds header_timeout{10};
  std::size_t max_connections = 1024;
  std::size_t max_connections_per_address = 256;
  // Peers exempt from max_connections_per_address: the trusted proxies, which carry many
  // clients' connections.
  std::vector<core::Ipv4Range> unlimited_peers;
  bool access_log = false;  // one log line per request: method, path (no query), status, time
};

class Server {
 public:
  // `handler`, `logger` and `metrics` must outlive the Server.
  Server(ServerOptions options, Handler& handler, Logger& logger, Metrics& metrics);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Loads the TLS files if any, then binds and listens. Errors name what failed: the host that
  // is not an address, the address:port that cannot be bound (e.g. in use), the TLS file that
  // cannot be loaded. Call once, before Run().
  core::Status Start();

  // The port listened on: after a successful Start(), the real one (also when 0 was asked for);
  // before, the configured one.
  std::uint16_t port() const;

  // Serves until Stop(): runs the I/O on io_threads threads (the caller's among them) and
  // returns once the listener is closed and every connection has finished. Call once, after a
  // successful Start(); returns at once if Start() failed or was not called.
  void Run();

  // Graceful stop: stops accepting, closes idle connections, lets requests already being read
  // or handled complete and their responses be written (then closes those connections); a
  // streamed response (an audit export) is cut at its next chunk, visibly truncated. After
  // that Run() returns. Thread-safe and idempotent; may be called before Run() (Run() then
  // returns as soon as it has wound down). Not async-signal-safe: call it from a
  // boost::asio::signal_set handler, not from a raw signal handler.
  void Stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace keyward::http
