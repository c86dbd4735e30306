// Listener: accepts connections on one TCP endpoint and starts a Session for each, handing the
// connections to the I/O threads' io_contexts in turn (round robin), so that each connection
// lives on one io_context, run by one thread, for its whole life. The accept loop itself runs on
// the first io_context.
// Thread-safety: Open() and Start() before the io_contexts run, from one thread; Close() from
// any thread.
#pragma once

#include <boost/asio/basic_socket_acceptor.hpp>
#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/result.hpp"
#include "http/transport/session.hpp"

namespace keyward::http {

class Listener {
 public:
  // `ios` (at least one) and `context` must outlive the Listener; the listening socket lives on
  // ios.front().
  Listener(const std::vector<boost::asio::io_context*>& ios, SessionContext& context);

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
  using Executor = boost::asio::io_context::executor_type;

  void Accept();
  void OnAccept(boost::system::error_code ec, Socket socket);

  std::vector<boost::asio::io_context*> ios_;
  std::size_t next_ = 0;  // the io_context of the next accepted connection
  SessionContext& context_;
  // On ios_.front(), whose one thread runs the accept loop and Close(): no strand needed.
  boost::asio::basic_socket_acceptor<boost::asio::ip::tcp, Executor> acceptor_;
  // Backs off after an accept error (e.g. EMFILE).
  boost::asio::basic_waitable_timer<std::chrono::steady_clock,
                                    boost::asio::wait_traits<std::chrono::steady_clock>, Executor>
      retry_;
  std::uint16_t port_ = 0;
};

}  // namespace keyward::http
