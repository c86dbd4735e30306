#include "http/transport/listener.hpp"

#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <boost/system/system_error.hpp>

#include <chrono>
#include <string>
#include <utility>

namespace keyward::http {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// After an accept error such as "too many open files", a pause instead of a busy loop.
constexpr std::chrono::milliseconds kAcceptRetryDelay{100};

std::string EndpointText(const tcp::endpoint& endpoint) {
  const std::string address = endpoint.address().to_string();
  const std::string port = std::to_string(endpoint.port());
  return endpoint.address().is_v6() ? "[" + address + "]:" + port : address + ":" + port;
}

}  // namespace

Listener::Listener(const std::vector<asio::io_context*>& ios, SessionContext& context)
    : ios_(ios),
      context_(context),
      acceptor_(ios_.front()->get_executor()),
      retry_(ios_.front()->get_executor()) {}

core::Status Listener::Open(const tcp::endpoint& endpoint) {
  boost::system::error_code ec;
  // Each step stops at its first error; the message names the step that failed.
  const char* step = "open";
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) {
    step = "setsockopt";
    acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  }
  // "::" serves IPv4 too, whatever the system default (net.ipv6.bindv6only).
  if (!ec && endpoint.address().is_v6() && endpoint.address().is_unspecified()) {
    step = "setsockopt";
    acceptor_.set_option(asio::ip::v6_only(false), ec);
  }
  if (!ec) {
    step = "bind";
    acceptor_.bind(endpoint, ec);
  }
  if (!ec) {
    step = "listen";
    acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  }
  if (!ec) port_ = acceptor_.local_endpoint(ec).port();
  if (ec) {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    return core::MakeError(core::ErrorCode::kUnavailable, core::Msg::kWrongType,
                           {"the listen address " + EndpointText(endpoint),
                            std::string("usable (") + step + ": " + ec.message() + ")"},
                           "listen");
  }
  return core::Ok();
}

void Listener::Start() {
  asio::post(acceptor_.get_executor(), [this] { Accept(); });
}

void Listener::Close() {
  asio::post(acceptor_.get_executor(), [this] {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    retry_.cancel();
  });
}

void Listener::Accept() {
  if (!acceptor_.is_open()) return;
  asio::io_context& io = *ios_[next_];
  next_ = (next_ + 1) % ios_.size();
  acceptor_.async_accept(
      io, [this](boost::system::error_code ec, Socket socket) { OnAccept(ec, std::move(socket)); });
}

void Listener::OnAccept(boost::system::error_code ec, Socket socket) {
  if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
  if (ec) {
    context_.logger.Warn("accept failed", {{"error", ec.message()}});
    retry_.expires_after(kAcceptRetryDelay);
    retry_.async_wait([this](boost::system::error_code wait_ec) {
      if (!wait_ec) Accept();
    });
    return;
  }
  StartSession(context_, std::move(socket));
  Accept();
}

}  // namespace keyward::http
