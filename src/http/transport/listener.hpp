// Listener: accepts connections on one TCP endpoint and starts a Session for each, each on its
// own strand. Thread-safety: Open() and Start() before the io_context runs, from one thread;
// Close() from any thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdint>

#include "core/result.hpp"
#include "http/transport/session.hpp"

namespace keyward::http {

class Listener {
 public:
  // `io` and `context` must outlive the Listener.
  Listener(boost::asio::io_context& io, SessionContext& context);

  // Opens, binds and listens on `endpoint` (SO_REUSEADDR, so a restart does not wait for
  // TIME_WAIT). On error, names the endpoint and the system's reason (e.g. address in use).
  core::Status Open(const boost::asio::ip::tcp::endpoint& endpoint);

  // Starts accepting; the accept loop runs until Close().
  void Start();

  // Stops accepting and closes the listening socket. Returns at once; idempotent.
  void Close();

  // The bound port, or 0 before Open() succeeded.
  std::uint16_t port() const { return port_; }

 private:
  void Accept();
  void OnAccept(boost::system::error_code ec, boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& io_;
  SessionContext& context_;
  boost::asio::ip::tcp::acceptor acceptor_;  // on a strand: Close() races the accept loop
  boost::asio::steady_timer retry_;          // backs off after an accept error (e.g. EMFILE)
  std::uint16_t port_ = 0;
};

}  // namespace keyward::http
