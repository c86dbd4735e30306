// StreamConnection: one client connection, plain TCP or TLS, for the stream transports (syslog
// over TCP or TLS, HEC over http or https). Every operation is bounded by SendLimits: a deadline
// and an abort flag, so a destination that does not answer never holds its worker longer than
// the I/O timeout, nor a stopping forwarder longer than its drain deadline. Operations run on a
// private io_context on the caller's thread.
// Not thread-safe: one worker thread owns a connection.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "siem/send_limits.hpp"

namespace keyward::siem {

// Runs `start`, which begins one asynchronous operation on `ioc` and arranges for the function it
// is given to be called with the operation's result. Returns that result, or
// boost::asio::error::timed_out after calling `cancel` (which must make the operation complete)
// when `limits` run out first.
using OnDone = std::function<void(boost::system::error_code)>;
boost::system::error_code RunBounded(boost::asio::io_context& ioc, const SendLimits& limits,
                                     const std::function<void(OnDone)>& start,
                                     const std::function<void()>& cancel);

// A TLS client context: TLS 1.2 or later, peer verified against `ca_file` (PEM) or, when that is
// empty, the system's trust store; nothing verified when `insecure`. Errors name the CA file.
core::Result<std::shared_ptr<boost::asio::ssl::context>> MakeClientTlsContext(
    bool insecure, const std::string& ca_file);

class StreamConnection {
 public:
  using Socket = boost::asio::ip::tcp::socket;
  using TlsStream = boost::asio::ssl::stream<Socket>;

  // `tls` null: plain TCP. Otherwise TLS with SNI and, unless `verify_host` is false, the
  // certificate checked against `host` (a name, or an IP address).
  StreamConnection(std::shared_ptr<boost::asio::ssl::context> tls, bool verify_host,
                   std::string host, std::uint16_t port);

  bool is_open() const { return socket_ != nullptr || tls_stream_ != nullptr; }

  // Resolves, connects and (TLS) handshakes. Errors are kUnavailable with the step that failed.
  core::Status Connect(const SendLimits& limits);

  // Writes all of `data`. On error the connection is closed.
  core::Status Write(std::string_view data, const SendLimits& limits);

  // Whether the peer has closed the connection or sent something unasked (which a syslog
  // receiver never does, and an HTTP server only does when it is closing). Does not block.
  bool PeerClosed();

  void Close();

  // Makes a pending operation complete with operation_aborted (for RunBounded's `cancel`); the
  // connection is unusable afterwards and must be closed.
  void Cancel();

  // Calls `f` with the stream (Socket& or TlsStream&) to run protocol code on it, e.g. Beast's
  // HTTP reads. Precondition: is_open().
  template <typename F>
  auto Visit(F&& f) {
    if (tls_stream_) return f(*tls_stream_);
    return f(*socket_);
  }

  boost::asio::io_context& io_context() { return ioc_; }

  // An error carrying `step` and `ec` for the log, e.g. "connect tcp://host:514: refused".
  core::Error Failure(std::string_view step, const boost::system::error_code& ec) const;

 private:
  Socket& LowestLayer() { return tls_stream_ ? tls_stream_->next_layer() : *socket_; }

  boost::asio::io_context ioc_;
  std::shared_ptr<boost::asio::ssl::context> tls_;
  bool verify_host_;
  std::string host_;
  std::uint16_t port_;
  // While connected, exactly one of these is set.
  std::unique_ptr<Socket> socket_;
  std::unique_ptr<TlsStream> tls_stream_;
};

}  // namespace keyward::siem
