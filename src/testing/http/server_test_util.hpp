// Test helpers for the Server tests (header-only, test code only): a handler that answers what
// it was asked, a Server running on its own thread on 127.0.0.1 and an ephemeral port, and a
// raw HTTP client whose every operation gives up after a few seconds, so a broken server fails
// a test instead of hanging it. Not thread-safe; one test thread.
#pragma once

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>

#include "http/handler.hpp"
#include "http/logger.hpp"
#include "http/metrics.hpp"
#include "http/transport/server.hpp"

namespace keyward::http::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

using ClientResponse = bhttp::response<bhttp::string_body>;

// How long any one client operation may take before the test gives up on it.
inline constexpr std::chrono::seconds kClientTimeout{5};

// Answers "<METHOD> <target> tls=<0|1> body=<size>" with 200, except:
// /throw throws; /slow sleeps 300 ms (and sets slow_started first).
class EchoHandler : public Handler {
 public:
  Response Handle(const Request& request, const RequestContext& context) override {
    calls.fetch_add(1);
    const std::string target(request.target());
    if (target == "/throw") throw std::runtime_error("boom");
    if (target == "/slow") {
      slow_started.store(true);
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
    }
    Response response{bhttp::status::ok, request.version()};
    response.set(bhttp::field::content_type, "text/plain");
    response.set(bhttp::field::server, "leaky/1.0");  // the transport must remove it
    response.body() = std::string(request.method_string()) + " " + target +
                      " tls=" + (context.tls ? "1" : "0") +
                      " body=" + std::to_string(request.body().size());
    return response;
  }

  std::atomic<int> calls{0};
  std::atomic<bool> slow_started{false};
};

// A started Server over a `HandlerT` running on a thread of its own until Stop() or destruction.
template <class HandlerT>
class BasicRunningServer {
 public:
  explicit BasicRunningServer(ServerOptions options = {}) : logger_(log_) {
    options.host = options.host.empty() ? "127.0.0.1" : options.host;
    options.port = 0;
    options.io_threads = std::max(options.io_threads, 1);
    server_ = std::make_unique<Server>(std::move(options), handler, logger_, metrics);
    const core::Status status = server_->Start();
    if (!status) throw std::runtime_error("Start failed: " + status.error().Message());
    thread_ = std::thread([this] {
      server_->Run();
      finished_.set_value();
    });
  }

  ~BasicRunningServer() { Stop(); }

  std::uint16_t port() const { return server_->port(); }
  Server& server() { return *server_; }

  // Asks the server to stop and reports whether Run() returned within `timeout`.
  bool Stop(std::chrono::seconds timeout = std::chrono::seconds(10)) {
    if (!thread_.joinable()) return true;
    server_->Stop();
    auto finished = finished_.get_future();
    if (finished.wait_for(timeout) != std::future_status::ready) {
      thread_.detach();  // the test fails; leaking the thread beats hanging
      return false;
    }
    thread_.join();
    return true;
  }

  // The log lines written so far. Only after Stop(): the server thread writes to it.
  std::string log() const { return log_.str(); }

  HandlerT handler;
  Metrics metrics;

 private:
  std::ostringstream log_;
  Logger logger_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
  std::promise<void> finished_;
};

using RunningServer = BasicRunningServer<EchoHandler>;

// Starts `server` (already stopped, or about to be), runs it on a thread of its own and reports
// whether Run() returned within 10 s; a Run() that hangs is left behind rather than hang the suite.
inline bool RunReturns(Server& server) {
  std::promise<void> finished;
  std::thread runner([&server, &finished] {
    server.Run();
    finished.set_value();
  });
  const bool returned =
      finished.get_future().wait_for(std::chrono::seconds(10)) == std::future_status::ready;
  if (!returned) runner.detach();  // a failure; leaking the thread beats hanging the suite
  if (returned) runner.join();
  return returned;
}

// A plain-TCP client speaking raw bytes, with a time limit on each operation.
class Client {
 public:
  // `source`: the local address to connect from (e.g. "127.0.0.2"), else the system's choice.
  explicit Client(std::uint16_t port, const char* host = "127.0.0.1",
                  const char* source = nullptr) {
    if (source != nullptr) {
      const asio::ip::address from = asio::ip::make_address(source);
      stream_.socket().open(from.is_v4() ? asio::ip::tcp::v4() : asio::ip::tcp::v6());
      stream_.socket().bind(asio::ip::tcp::endpoint(from, 0));
    }
    stream_.expires_after(kClientTimeout);
    stream_.async_connect(asio::ip::tcp::endpoint(asio::ip::make_address(host), port),
                          [this](beast::error_code ec) { error_ = ec; });
    Run();
    if (error_) throw std::runtime_error("connect failed: " + error_.message());
  }

  // Sends `bytes` as they are; returns false on a write error.
  bool Send(const std::string& bytes) {
    stream_.expires_after(kClientTimeout);
    asio::async_write(stream_, asio::buffer(bytes),
                      [this](beast::error_code ec, std::size_t) { error_ = ec; });
    Run();
    return !error_;
  }

  // Reads one response, or nullopt on error, close or timeout.
  std::optional<ClientResponse> Read() {
    ClientResponse response;
    stream_.expires_after(kClientTimeout);
    bhttp::async_read(stream_, buffer_, response,
                      [this](beast::error_code ec, std::size_t) { error_ = ec; });
    Run();
    if (error_) return std::nullopt;
    return response;
  }

  // Reads the response to a HEAD request: headers only, whatever its Content-Length says.
  std::optional<ClientResponse> ReadHead() {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.skip(true);
    stream_.expires_after(kClientTimeout);
    bhttp::async_read(stream_, buffer_, parser,
                      [this](beast::error_code ec, std::size_t) { error_ = ec; });
    Run();
    if (error_) return std::nullopt;
    return parser.release();
  }

  std::optional<ClientResponse> Get(const std::string& target) {
    if (!Send("GET " + target + " HTTP/1.1\r\nHost: test\r\n\r\n")) return std::nullopt;
    return Read();
  }

  // True if the server closes the connection (EOF or reset) before sending any more bytes,
  // within kClientTimeout.
  bool Closed() {
    if (buffer_.size() > 0) return false;
    char byte = 0;
    stream_.expires_after(kClientTimeout);
    stream_.async_read_some(asio::buffer(&byte, 1),
                            [this](beast::error_code ec, std::size_t) { error_ = ec; });
    Run();
    return error_ == asio::error::eof || error_ == asio::error::connection_reset;
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

 private:
  void Run() {
    io_.restart();
    io_.run();
  }

  asio::io_context io_;
  beast::tcp_stream stream_{io_};
  beast::flat_buffer buffer_;
  beast::error_code error_;
};

}  // namespace keyward::http::testing
