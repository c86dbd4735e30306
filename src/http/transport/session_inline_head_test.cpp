// The transport's fast inline hook (Handler::TryInlineHead): a HeadAnswer is written from the I/O
// thread with the transport's framing (Content-Length, Connection), keeps the connection alive,
// is counted and access-logged with its method and path like any answer, and the hook's other
// verdicts send the request to TryInline or straight to the worker pool.
#include <gtest/gtest.h>

#include <atomic>
#include <optional>
#include <stdexcept>
#include <string>

#include "http/transport/server.hpp"
#include "testing/http/server_test_util.hpp"

namespace keyward::http {
namespace {

namespace bhttp = boost::beast::http;
using testing::Client;

// TryInlineHead answers /head (403, one field) and throws for /head-throws; sends /pool to the
// worker pool; passes everything else on. TryInline declines everything.
class HeadHandler : public Handler {
 public:
  InlineHead TryInlineHead(const Request& request, const RequestContext& /*context*/,
                           HeadAnswer& answer) override {
    head_calls.fetch_add(1);
    const std::string_view target = request.target();
    if (target == "/head-throws") throw std::runtime_error("head boom");
    if (target == "/pool") return InlineHead::kWorkerPool;
    if (target.substr(0, target.find('?')) != "/head") return InlineHead::kTryInline;
    if (!answer.fields.empty()) throw std::logic_error("fields not emptied");
    answer.status = 403;
    answer.fields = "X-Test: one\r\n";
    return InlineHead::kAnswered;
  }

  std::optional<Response> TryInline(const Request& /*request*/,
                                    const RequestContext& /*context*/) override {
    inline_calls.fetch_add(1);
    return std::nullopt;
  }

  Response Handle(const Request& request, const RequestContext& /*context*/) override {
    handle_calls.fetch_add(1);
    Response response{bhttp::status::ok, request.version()};
    response.body() = "pooled";
    return response;
  }

  std::atomic<int> head_calls{0};
  std::atomic<int> inline_calls{0};
  std::atomic<int> handle_calls{0};
};

ServerOptions WithAccessLog() {
  ServerOptions options;
  options.access_log = true;
  return options;
}

TEST(SessionInlineHead, WritesTheHeadAnswerAndKeepsTheConnection) {
  testing::BasicRunningServer<HeadHandler> server(WithAccessLog());
  Client client(server.port());
  for (int i = 0; i < 2; ++i) {
    auto response = client.Get("/head");
    ASSERT_TRUE(response);
    EXPECT_EQ(response->result_int(), 403u);
    EXPECT_EQ((*response)["X-Test"], "one");
    EXPECT_EQ((*response)[bhttp::field::content_length], "0");
    EXPECT_TRUE(response->keep_alive());
    EXPECT_EQ(response->body(), "");
  }
  EXPECT_EQ(server.handler.inline_calls.load(), 0);
  EXPECT_EQ(server.handler.handle_calls.load(), 0);
}

TEST(SessionInlineHead, AnswersPipelinedRequestsInOrder) {
  testing::BasicRunningServer<HeadHandler> server;
  Client client(server.port());
  ASSERT_TRUE(
      client.Send("GET /head HTTP/1.1\r\nHost: x\r\n\r\nGET /other HTTP/1.1\r\nHost: x\r\n\r\n"
                  "GET /head HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  auto first = client.Read();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->result_int(), 403u);
  auto second = client.Read();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->body(), "pooled");
  auto third = client.Read();
  ASSERT_TRUE(third);
  EXPECT_EQ(third->result_int(), 403u);
  EXPECT_FALSE(third->keep_alive());
  EXPECT_EQ((*third)[bhttp::field::connection], "close");
}

TEST(SessionInlineHead, IsAccessLoggedAndCountedWithItsMethodAndPath) {
  testing::BasicRunningServer<HeadHandler> server(WithAccessLog());
  {
    Client client(server.port());
    auto response = client.Get("/head?api_key=kw_notlogged");
    ASSERT_TRUE(response);
    EXPECT_EQ(response->result_int(), 403u);
  }
  ASSERT_TRUE(server.Stop());
  const std::string log = server.log();
  EXPECT_NE(log.find(R"("method":"GET")"), std::string::npos) << log;
  EXPECT_NE(log.find(R"("path":"/head")"), std::string::npos) << log;
  EXPECT_NE(log.find(R"("status":403)"), std::string::npos) << log;
  EXPECT_EQ(log.find("kw_notlogged"), std::string::npos) << log;
  const std::string metrics = server.metrics.Render();
  EXPECT_NE(metrics.find(R"(keyward_request_duration_seconds_count{method="GET",code="4xx"} 1)"),
            std::string::npos)
      << metrics;
}

TEST(SessionInlineHead, WorkerPoolSkipsTryInlineAndOthersReachIt) {
  testing::BasicRunningServer<HeadHandler> server;
  Client client(server.port());
  auto pooled = client.Get("/pool");
  ASSERT_TRUE(pooled);
  EXPECT_EQ(pooled->body(), "pooled");
  EXPECT_EQ(server.handler.inline_calls.load(), 0);
  EXPECT_EQ(server.handler.handle_calls.load(), 1);
  auto other = client.Get("/other");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->body(), "pooled");
  EXPECT_EQ(server.handler.inline_calls.load(), 1);
  EXPECT_EQ(server.handler.handle_calls.load(), 2);
}

TEST(SessionInlineHead, AnExceptionIs500AndTheConnectionLives) {
  testing::BasicRunningServer<HeadHandler> server;
  Client client(server.port());
  auto failed = client.Get("/head-throws");
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->result_int(), 500u);
  auto next = client.Get("/head");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->result_int(), 403u);
  EXPECT_EQ(server.handler.inline_calls.load(), 0);
}

}  // namespace
}  // namespace keyward::http
