// A bare Boost.Beast server that answers every request with one constant response: the ceiling
// of what Beast itself costs per request on this machine, to show beside nginx and Keyward in an
// HTTP benchmark run. It is written as Beast's own examples are (http::async_read of a whole
// request, http::async_write of a response message, one shared_ptr per connection), on one
// io_context run by one thread, with no limits, timeouts, routing or logging. The answer is the
// head of a Keyward /v1/authz answer to a valid key (the same fields, an empty body), so that
// the bytes on the wire match.
//
// Usage: beast_constant ADDRESS PORT    (e.g. beast_constant 127.0.0.1 8081; runs until killed)
// Prints "listening on ADDRESS:PORT" once it accepts connections.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <utility>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Socket = asio::basic_stream_socket<tcp, asio::io_context::executor_type>;

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  explicit Connection(Socket socket) : socket_(std::move(socket)) {}

  void Read() {
    request_ = {};
    bhttp::async_read(socket_, buffer_, request_,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        if (!ec) self->Write();
                      });
  }

 private:
  void Write() {
    response_ = {bhttp::status::ok, request_.version()};
    response_.set("X-Keyward-Outcome", "VALID");
    response_.set("X-Keyward-Key-Id", "2");
    response_.set("X-Keyward-Key-Name", "bench");
    response_.set("X-Keyward-Role", "Auditor");
    response_.set(bhttp::field::cache_control, "no-store");
    response_.set("X-Content-Type-Options", "nosniff");
    response_.keep_alive(request_.keep_alive());
    response_.prepare_payload();
    bhttp::async_write(socket_, response_,
                       [self = shared_from_this()](beast::error_code ec, std::size_t) {
                         if (!ec && self->response_.keep_alive()) self->Read();
                       });
  }

  Socket socket_;
  beast::flat_buffer buffer_;
  bhttp::request<bhttp::string_body> request_;
  bhttp::response<bhttp::string_body> response_;
};

class Acceptor {
 public:
  Acceptor(asio::io_context& io, const tcp::endpoint& endpoint) : io_(io), acceptor_(io) {
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(asio::socket_base::max_listen_connections);
  }

  void Accept() {
    acceptor_.async_accept(io_, [this](beast::error_code ec, Socket socket) {
      if (!ec) {
        socket.set_option(tcp::no_delay(true), ec);
        std::make_shared<Connection>(std::move(socket))->Read();
      }
      Accept();
    });
  }

 private:
  asio::io_context& io_;
  asio::basic_socket_acceptor<tcp, asio::io_context::executor_type> acceptor_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: beast_constant ADDRESS PORT\n");
    return 2;
  }
  try {
    asio::io_context io(1);
    const tcp::endpoint endpoint(asio::ip::make_address(argv[1]),
                                 static_cast<unsigned short>(std::atoi(argv[2])));
    Acceptor acceptor(io, endpoint);
    acceptor.Accept();
    std::printf("listening on %s:%s\n", argv[1], argv[2]);
    std::fflush(stdout);
    io.run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "beast_constant: %s\n", e.what());
    return 1;
  }
  return 0;
}
