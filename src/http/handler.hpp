// The seam between the HTTP transport (server.hpp: sockets, limits, TLS, threads) and the
// application (router and handlers). The transport parses a request, applies its limits, and
// first offers it to TryInline on the I/O thread; a request TryInline declines goes to Handle on
// a worker thread, because handlers may block on the store. Handlers must be thread-safe.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <optional>

namespace keyward::http {

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;

struct RequestContext {
  boost::asio::ip::address peer;  // the socket peer (IPv4-mapped IPv6 is left to core to fold)
  bool tls = false;
  std::chrono::steady_clock::time_point received;
};

class Handler {
 public:
  virtual ~Handler() = default;
  // Produces the response for `request`. Runs on a worker thread; may block. Must not throw
  // (the transport answers 500 if it does, and logs it).
  virtual Response Handle(const Request& request, const RequestContext& context) = 0;

  // Answers `request` on the I/O thread when it can without blocking; nullopt hands it to
  // Handle on the worker pool instead. Runs on an I/O thread, so it must never wait (no store,
  // no lock held for long, no sleep): an I/O thread that waits stalls every connection it
  // serves. The answer gets the same finishing touches, limits, metrics and access log as one
  // from Handle. Must not throw (the transport answers 500 if it does, and logs it). The default
  // declines everything.
  virtual std::optional<Response> TryInline(const Request& /*request*/,
                                            const RequestContext& /*context*/) {
    return std::nullopt;
  }
};

}  // namespace keyward::http
