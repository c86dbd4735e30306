// Test support, header-only: an HTTP server on 127.0.0.1 (ephemeral port) that answers each
// connection with the next canned response and records the requests it received, so client tests
// check what went on the wire without a Keyward server. Runs on its own thread; requests() may
// be called from any thread.
#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace keyward::cli::testing {

class FakeApiServer {
 public:
  struct Canned {
    unsigned status = 200;
    std::string body;
  };
  using Request = boost::beast::http::request<boost::beast::http::string_body>;

  // Starts listening at once; serves `responses` in order, one connection each.
  explicit FakeApiServer(std::vector<Canned> responses)
      : responses_(std::move(responses)),
        acceptor_(ioc_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    boost::asio::co_spawn(ioc_, Serve(), boost::asio::detached);
    thread_ = std::thread([this] { ioc_.run(); });
  }

  ~FakeApiServer() {
    ioc_.stop();
    thread_.join();
  }

  FakeApiServer(const FakeApiServer&) = delete;
  FakeApiServer& operator=(const FakeApiServer&) = delete;

  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port());
  }

  // The requests received so far, in order.
  std::vector<Request> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  boost::asio::awaitable<void> Serve() {
    namespace http = boost::beast::http;
    try {
      for (const Canned& canned : responses_) {
        auto socket = co_await acceptor_.async_accept(boost::asio::use_awaitable);
        boost::beast::flat_buffer buffer;
        Request request;
        co_await http::async_read(socket, buffer, request, boost::asio::use_awaitable);
        {
          std::lock_guard lock(mutex_);
          requests_.push_back(request);
        }
        http::response<http::string_body> response{static_cast<http::status>(canned.status), 11};
        if (!canned.body.empty()) response.set(http::field::content_type, "application/json");
        response.body() = canned.body;
        response.keep_alive(false);
        response.prepare_payload();
        co_await http::async_write(socket, response, boost::asio::use_awaitable);
        boost::system::error_code ignored;
        socket.shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
      }
    } catch (const std::exception&) {
      // The test sees the missing request or response; nothing to add here.
    }
  }

  std::vector<Canned> responses_;
  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::vector<Request> requests_;
};

}  // namespace keyward::cli::testing
