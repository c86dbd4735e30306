#include "testing/cli/fake_api_server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <exception>
#include <mutex>
#include <thread>
#include <utility>

namespace keyward::cli::testing {

struct FakeApiServer::State {
  explicit State(std::vector<Canned> canned)
      : responses(std::move(canned)),
        acceptor(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0}) {}

  boost::asio::awaitable<void> Serve() {
    namespace http = boost::beast::http;
    try {
      for (const Canned& canned : responses) {
        auto socket = co_await acceptor.async_accept(boost::asio::use_awaitable);
        boost::beast::flat_buffer buffer;
        Request request;
        co_await http::async_read(socket, buffer, request, boost::asio::use_awaitable);
        {
          std::lock_guard lock(mutex);
          requests.push_back(request);
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

  std::vector<Canned> responses;
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor acceptor;
  std::thread thread;
  mutable std::mutex mutex;
  std::vector<Request> requests;
};

FakeApiServer::FakeApiServer(std::vector<Canned> responses)
    : state_(std::make_unique<State>(std::move(responses))) {
  boost::asio::co_spawn(state_->ioc, state_->Serve(), boost::asio::detached);
  state_->thread = std::thread([state = state_.get()] { state->ioc.run(); });
}

FakeApiServer::~FakeApiServer() {
  state_->ioc.stop();
  state_->thread.join();
}

std::string FakeApiServer::url() const {
  return "http://127.0.0.1:" + std::to_string(state_->acceptor.local_endpoint().port());
}

std::vector<FakeApiServer::Request> FakeApiServer::requests() const {
  std::lock_guard lock(state_->mutex);
  return state_->requests;
}

}  // namespace keyward::cli::testing
