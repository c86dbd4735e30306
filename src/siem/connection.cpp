#include "siem/connection.hpp"

#include <openssl/ssl.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <utility>

namespace keyward::siem {
namespace {

namespace asio = boost::asio;
using boost::system::error_code;

// How often a running operation looks at the abort flag.
constexpr std::chrono::milliseconds kAbortPoll{50};

bool IsIpLiteral(const std::string& host) {
  error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

}  // namespace

error_code RunBounded(asio::io_context& ioc, const SendLimits& limits,
                      const std::function<void(OnDone)>& start,
                      const std::function<void()>& cancel) {
  bool done = false;
  error_code result;
  ioc.restart();
  start([&done, &result](error_code ec) {
    done = true;
    result = ec;
  });
  while (!done && !ioc.stopped()) {
    const SteadyTime now = std::chrono::steady_clock::now();
    const bool aborted = limits.abort != nullptr && limits.abort->load();
    if (aborted || now >= limits.deadline) break;
    ioc.run_for(std::min<std::chrono::steady_clock::duration>(kAbortPoll, limits.deadline - now));
  }
  if (done) return result;
  // Cancelling completes the operation with operation_aborted; run it so that its handler,
  // which refers to this frame, has finished before we return.
  cancel();
  ioc.restart();
  ioc.run();
  return asio::error::timed_out;
}

core::Result<std::shared_ptr<asio::ssl::context>> MakeClientTlsContext(bool insecure,
                                                                       const std::string& ca_file) {
  auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
  ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                   asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                   asio::ssl::context::no_tlsv1_1 | asio::ssl::context::no_compression);
  error_code ec;
  if (insecure) {
    ctx->set_verify_mode(asio::ssl::verify_none, ec);
    return ctx;
  }
  ctx->set_verify_mode(asio::ssl::verify_peer, ec);
  if (ca_file.empty()) {
    ctx->set_default_verify_paths(ec);
    if (ec) return core::Unavailable("cannot load the system's trust store: " + ec.message());
  } else {
    ctx->load_verify_file(ca_file, ec);
    if (ec) {
      return core::MakeError(core::ErrorCode::kInvalidArgument, core::Msg::kFilterInvalid,
                             {"the CA file (a readable PEM file)", ca_file});
    }
  }
  return ctx;
}

StreamConnection::StreamConnection(std::shared_ptr<asio::ssl::context> tls, bool verify_host,
                                   std::string host, std::uint16_t port)
    : tls_(std::move(tls)), verify_host_(verify_host), host_(std::move(host)), port_(port) {}

core::Error StreamConnection::Failure(std::string_view step, const error_code& ec) const {
  const bool v6 = host_.find(':') != std::string::npos;
  std::string where = v6 ? "[" + host_ + "]" : host_;
  return core::Unavailable(std::string(step) + " " + where + ":" + std::to_string(port_) + ": " +
                           ec.message());
}

core::Status StreamConnection::Connect(const SendLimits& limits) {
  Close();
  asio::ip::tcp::resolver resolver(ioc_);
  asio::ip::tcp::resolver::results_type endpoints;
  error_code ec = RunBounded(
      ioc_, limits,
      [&](OnDone done) {
        resolver.async_resolve(host_, std::to_string(port_),
                               [&endpoints, done](error_code e, auto results) {
                                 endpoints = std::move(results);
                                 done(e);
                               });
      },
      [&] { resolver.cancel(); });
  if (ec) return Failure("resolve", ec);

  if (tls_) {
    tls_stream_ = std::make_unique<TlsStream>(ioc_, *tls_);
  } else {
    socket_ = std::make_unique<Socket>(ioc_);
  }
  ec = RunBounded(
      ioc_, limits,
      [&](OnDone done) {
        asio::async_connect(LowestLayer(), endpoints,
                            [done](error_code e, const asio::ip::tcp::endpoint&) { done(e); });
      },
      [&] { Cancel(); });
  if (ec) {
    Close();
    return Failure("connect", ec);
  }
  if (!tls_stream_) return core::Ok();

  if (!IsIpLiteral(host_)) SSL_set_tlsext_host_name(tls_stream_->native_handle(), host_.c_str());
  if (verify_host_) tls_stream_->set_verify_callback(asio::ssl::host_name_verification(host_));
  ec = RunBounded(
      ioc_, limits,
      [&](OnDone done) {
        tls_stream_->async_handshake(asio::ssl::stream_base::client,
                                     [done](error_code e) { done(e); });
      },
      [&] { Cancel(); });
  if (ec) {
    Close();
    return Failure("TLS handshake with", ec);
  }
  return core::Ok();
}

core::Status StreamConnection::Write(std::string_view data, const SendLimits& limits) {
  if (!is_open()) return core::Unavailable("write: not connected");
  error_code ec = RunBounded(
      ioc_, limits,
      [&](OnDone done) {
        Visit([&](auto& stream) {
          asio::async_write(stream, asio::buffer(data.data(), data.size()),
                            [done](error_code e, std::size_t) { done(e); });
        });
      },
      [&] { Cancel(); });
  if (ec) {
    Close();
    return Failure("write to", ec);
  }
  return core::Ok();
}

bool StreamConnection::PeerClosed() {
  if (!is_open()) return true;
  Socket& socket = LowestLayer();
  error_code ec;
  socket.non_blocking(true, ec);
  char byte = 0;
  const std::size_t n = socket.receive(asio::buffer(&byte, 1), asio::socket_base::message_peek, ec);
  error_code ignored;
  socket.non_blocking(false, ignored);
  if (ec == asio::error::would_block) return false;
  if (ec) return true;  // EOF, reset
  // Unasked bytes: a plain-text peer is closing (an HTTP server's parting 408, say). Under TLS
  // they are usually session tickets, which say nothing about the connection.
  return n > 0 && !tls_stream_;
}

void StreamConnection::Cancel() {
  error_code ignored;
  if (is_open()) LowestLayer().close(ignored);
}

void StreamConnection::Close() {
  if (!is_open()) return;
  error_code ignored;
  LowestLayer().close(ignored);
  tls_stream_.reset();
  socket_.reset();
}

}  // namespace keyward::siem
