// The transport's inline hook (Handler::TryInline): an inline answer is delivered from the I/O
// thread, with the transport's finishing touches, and a declined request still reaches Handle.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>

#include "http/transport/server.hpp"
#include "testing/http/server_test_util.hpp"

namespace keyward::http {
namespace {

namespace bhttp = boost::beast::http;
using testing::Client;

// Answers /inline and /inline-throws inline; everything else on the worker pool. Records the
// thread each ran on.
class InlineHandler : public Handler {
 public:
  std::optional<Response> TryInline(const Request& request,
                                    const RequestContext& /*context*/) override {
    if (request.target() == "/inline-throws") throw std::runtime_error("inline boom");
    if (request.target() != "/inline") return std::nullopt;
    inline_calls.fetch_add(1);
    SetThread(inline_thread_);
    Response response{bhttp::status::ok, request.version()};
    response.set(bhttp::field::server, "leaky/1.0");  // the transport must remove it
    response.body() = "inline";
    return response;
  }

  Response Handle(const Request& request, const RequestContext& /*context*/) override {
    handle_calls.fetch_add(1);
    SetThread(handle_thread_);
    Response response{bhttp::status::ok, request.version()};
    response.body() = "pooled";
    return response;
  }

  std::thread::id inline_thread() {
    std::lock_guard lock(mu_);
    return inline_thread_;
  }
  std::thread::id handle_thread() {
    std::lock_guard lock(mu_);
    return handle_thread_;
  }

  std::atomic<int> inline_calls{0};
  std::atomic<int> handle_calls{0};

 private:
  void SetThread(std::thread::id& slot) {
    std::lock_guard lock(mu_);
    slot = std::this_thread::get_id();
  }

  std::mutex mu_;
  std::thread::id inline_thread_;  // guarded by mu_
  std::thread::id handle_thread_;  // guarded by mu_
};

// A Server over an InlineHandler, run by one thread of its own (its only I/O thread).
class InlineServer {
 public:
  InlineServer() : logger_(log_) {
    ServerOptions options;
    options.port = 0;
    options.io_threads = 1;
    options.worker_threads = 1;
    server_ = std::make_unique<Server>(options, handler, logger_, metrics);
    if (!server_->Start()) throw std::runtime_error("Start failed");
    thread_ = std::thread([this] { server_->Run(); });
  }
  ~InlineServer() {
    server_->Stop();
    thread_.join();
  }

  std::uint16_t port() const { return server_->port(); }
  std::thread::id io_thread() const { return thread_.get_id(); }

  InlineHandler handler;
  Metrics metrics;

 private:
  std::ostringstream log_;
  Logger logger_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
};

TEST(SessionInline, DeliversAnInlineAnswerFromTheIoThread) {
  InlineServer server;
  Client client(server.port());
  auto response = client.Get("/inline");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 200u);
  EXPECT_EQ(response->body(), "inline");
  EXPECT_EQ((*response)[bhttp::field::content_length], "6");
  EXPECT_EQ(response->count(bhttp::field::server), 0u);
  EXPECT_EQ(server.handler.inline_calls.load(), 1);
  EXPECT_EQ(server.handler.handle_calls.load(), 0);
  EXPECT_EQ(server.handler.inline_thread(), server.io_thread());
}

TEST(SessionInline, DeclinedRequestsGoToTheWorkerPoolOnTheSameConnection) {
  InlineServer server;
  Client client(server.port());
  auto first = client.Get("/inline");
  ASSERT_TRUE(first);
  EXPECT_TRUE(first->keep_alive());
  auto second = client.Get("/other");
  ASSERT_TRUE(second);
  EXPECT_EQ(second->body(), "pooled");
  auto third = client.Get("/inline");
  ASSERT_TRUE(third);
  EXPECT_EQ(third->body(), "inline");
  EXPECT_EQ(server.handler.inline_calls.load(), 2);
  EXPECT_EQ(server.handler.handle_calls.load(), 1);
  EXPECT_NE(server.handler.handle_thread(), server.io_thread());
}

TEST(SessionInline, AnInlineExceptionIs500AndTheConnectionLives) {
  InlineServer server;
  Client client(server.port());
  auto failed = client.Get("/inline-throws");
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->result_int(), 500u);
  auto next = client.Get("/inline");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body(), "inline");
}

}  // namespace
}  // namespace keyward::http
