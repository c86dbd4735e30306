#include "http/transport/server.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "testing/http/server_test_util.hpp"

namespace keyward::http {
namespace {

namespace bhttp = boost::beast::http;
using testing::Client;
using testing::RunningServer;

TEST(Server, AnswersARequest) {
  RunningServer server;
  Client client(server.port());
  auto response = client.Get("/hello");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 200u);
  EXPECT_EQ(response->body(), "GET /hello tls=0 body=0");
  EXPECT_EQ((*response)[bhttp::field::content_length], "23");
}

TEST(Server, SendsNoServerHeader) {
  RunningServer server;
  Client client(server.port());
  auto response = client.Get("/");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->count(bhttp::field::server), 0u);
}

TEST(Server, KeepsAliveForTwoRequestsOnOneConnection) {
  RunningServer server;
  Client client(server.port());
  auto first = client.Get("/one");
  ASSERT_TRUE(first);
  EXPECT_TRUE(first->keep_alive());
  auto second = client.Get("/two");
  ASSERT_TRUE(second);
  EXPECT_EQ(second->body(), "GET /two tls=0 body=0");
  EXPECT_EQ(server.handler.calls.load(), 2);
}

TEST(Server, AnswersPipelinedRequestsInOrder) {
  RunningServer server;
  Client client(server.port());
  ASSERT_TRUE(
      client.Send("GET /a HTTP/1.1\r\nHost: t\r\n\r\n"
                  "POST /b HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nxyz"
                  "GET /c HTTP/1.1\r\nHost: t\r\n\r\n"));
  auto a = client.Read();
  auto b = client.Read();
  auto c = client.Read();
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(a->body(), "GET /a tls=0 body=0");
  EXPECT_EQ(b->body(), "POST /b tls=0 body=3");
  EXPECT_EQ(c->body(), "GET /c tls=0 body=0");
}

TEST(Server, ServesConcurrentClientsOnSeveralIoThreads) {
  ServerOptions options;
  options.io_threads = 2;
  options.worker_threads = 2;
  RunningServer server(options);
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 6; ++c) {
    clients.emplace_back([&server, &ok, c] {
      Client client(server.port());
      for (int i = 0; i < 5; ++i) {
        const std::string target = "/c" + std::to_string(c) + "/" + std::to_string(i);
        auto response = client.Get(target);
        if (response && response->body() == "GET " + target + " tls=0 body=0") ok.fetch_add(1);
      }
    });
  }
  for (auto& client : clients) client.join();
  EXPECT_EQ(ok.load(), 30);
  EXPECT_TRUE(server.Stop());
}

TEST(Server, ClosesAfterAnsweringHttp10WithoutKeepAlive) {
  RunningServer server;
  Client client(server.port());
  ASSERT_TRUE(client.Send("GET /old HTTP/1.0\r\n\r\n"));
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->version(), 10u);
  EXPECT_EQ(response->body(), "GET /old tls=0 body=0");
  EXPECT_TRUE(client.Closed());
}

TEST(Server, KeepsHttp10AliveWhenAsked) {
  RunningServer server;
  Client client(server.port());
  ASSERT_TRUE(client.Send("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
  auto first = client.Read();
  ASSERT_TRUE(first);
  EXPECT_TRUE(first->keep_alive());
  ASSERT_TRUE(client.Send("GET /b HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
  auto second = client.Read();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->body(), "GET /b tls=0 body=0");
}

TEST(Server, AnswersHeadWithContentLengthAndNoBody) {
  RunningServer server;
  Client client(server.port());
  ASSERT_TRUE(client.Send("HEAD /h HTTP/1.1\r\nHost: t\r\n\r\n"));
  // A HEAD response has no body whatever its Content-Length: a second request on the same
  // connection parses only if none was sent.
  ASSERT_TRUE(client.Send("GET /after HTTP/1.1\r\nHost: t\r\n\r\n"));
  auto head = client.ReadHead();
  ASSERT_TRUE(head);
  EXPECT_EQ((*head)[bhttp::field::content_length], "20");
  auto after = client.Read();
  ASSERT_TRUE(after);
  EXPECT_EQ(after->body(), "GET /after tls=0 body=0");
}

TEST(Server, Sends100ContinueWhenAsked) {
  RunningServer server;
  Client client(server.port());
  ASSERT_TRUE(client.Send(
      "PUT /up HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"));
  auto interim = client.Read();
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->result_int(), 100u);
  ASSERT_TRUE(client.Send("hello"));
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body(), "PUT /up tls=0 body=5");
}

TEST(Server, Answers500WithJsonWhenTheHandlerThrows) {
  RunningServer server;
  Client client(server.port());
  auto response = client.Get("/throw");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 500u);
  EXPECT_EQ(response->body(),
            R"({"error":{"code":"internal","message":"an internal error occurred"}})");
  EXPECT_EQ((*response)[bhttp::field::content_type], "application/json");
  // The connection survives the handler's failure.
  auto next = client.Get("/next");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->result_int(), 200u);
  ASSERT_TRUE(server.Stop());
  EXPECT_NE(server.log().find(R"("msg":"handler threw")"), std::string::npos);
  EXPECT_NE(server.log().find(R"("error":"boom")"), std::string::npos);
}

TEST(Server, AccessLogOmitsTheQueryString) {
  ServerOptions options;
  options.access_log = true;
  RunningServer server(options);
  Client client(server.port());
  ASSERT_TRUE(client.Get("/v1/things?api_key=kw_secretsecretsecret"));
  ASSERT_TRUE(server.Stop());
  const std::string log = server.log();
  EXPECT_NE(log.find(R"("path":"/v1/things")"), std::string::npos) << log;
  EXPECT_NE(log.find(R"("status":200)"), std::string::npos) << log;
  EXPECT_NE(log.find(R"("peer":"127.0.0.1")"), std::string::npos) << log;
  EXPECT_EQ(log.find("secret"), std::string::npos) << log;
}

TEST(Server, RecordsRequestLatencyByMethodAndStatusClass) {
  RunningServer server;
  Client client(server.port());
  ASSERT_TRUE(client.Get("/a"));
  ASSERT_TRUE(client.Get("/throw"));
  ASSERT_TRUE(server.Stop());
  const std::string text = server.metrics.Render();
  EXPECT_NE(text.find(R"(keyward_request_duration_seconds_count{method="GET",code="2xx"} 1)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(R"(keyward_request_duration_seconds_count{method="GET",code="5xx"} 1)"),
            std::string::npos)
      << text;
}

TEST(Server, CountsOpenConnections) {
  RunningServer server;
  Client client(server.port());
  ASSERT_TRUE(client.Get("/"));
  EXPECT_NE(server.metrics.Render().find("keyward_http_connections 1\n"), std::string::npos);
}

TEST(Server, StopLetsAnInFlightRequestFinish) {
  RunningServer server;
  Client client(server.port());
  ASSERT_TRUE(client.Send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n"));
  while (!server.handler.slow_started.load()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  server.server().Stop();
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body(), "GET /slow tls=0 body=0");
  EXPECT_FALSE(response->keep_alive());
  EXPECT_TRUE(client.Closed());
  EXPECT_TRUE(server.Stop());
}

TEST(Server, StopClosesIdleConnectionsAndRunReturns) {
  RunningServer server;
  Client idle(server.port());
  ASSERT_TRUE(idle.Get("/"));
  Client fresh(server.port());
  EXPECT_TRUE(server.Stop());
  EXPECT_TRUE(idle.Closed());
  EXPECT_TRUE(fresh.Closed());
}

TEST(Server, StopBeforeRunMakesRunReturn) {
  testing::EchoHandler handler;
  std::ostringstream log;
  Logger logger(log);
  Metrics metrics;
  ServerOptions options;
  options.port = 0;
  Server server(options, handler, logger, metrics);
  ASSERT_TRUE(server.Start());
  server.Stop();
  EXPECT_TRUE(testing::RunReturns(server));
}

TEST(Server, ReportsTheRealPortForPortZero) {
  RunningServer server;
  EXPECT_NE(server.port(), 0);
  Client client(server.port());
  EXPECT_TRUE(client.Get("/"));
}

TEST(Server, ListensOnIpv6Loopback) {
  ServerOptions options;
  options.host = "::1";
  std::unique_ptr<RunningServer> server;
  try {
    server = std::make_unique<RunningServer>(options);
  } catch (const std::exception& e) {
    GTEST_SKIP() << "no IPv6 loopback here: " << e.what();
  }
  Client client(server->port(), "::1");
  auto response = client.Get("/six");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body(), "GET /six tls=0 body=0");
}

TEST(Server, ServesIpv4ClientsWhenListeningOnTheIpv6Wildcard) {
  ServerOptions options;
  options.host = "[::]";
  std::unique_ptr<RunningServer> server;
  try {
    server = std::make_unique<RunningServer>(options);
  } catch (const std::exception& e) {
    GTEST_SKIP() << "no IPv6 here: " << e.what();
  }
  Client client(server->port(), "127.0.0.1");
  auto response = client.Get("/four");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body(), "GET /four tls=0 body=0");
}

TEST(Server, StartFailsNamingTheAddressWhenThePortIsInUse) {
  RunningServer first;
  testing::EchoHandler handler;
  std::ostringstream log;
  Logger logger(log);
  Metrics metrics;
  ServerOptions options;
  options.port = first.port();
  Server second(options, handler, logger, metrics);
  const core::Status status = second.Start();
  ASSERT_FALSE(status);
  EXPECT_NE(status.error().Message().find("127.0.0.1:" + std::to_string(first.port())),
            std::string::npos)
      << status.error().Message();
}

TEST(Server, StartFailsNamingABadHost) {
  testing::EchoHandler handler;
  std::ostringstream log;
  Logger logger(log);
  Metrics metrics;
  ServerOptions options;
  options.host = "no such host.invalid";
  options.port = 0;
  Server server(options, handler, logger, metrics);
  const core::Status status = server.Start();
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().field, "host");
  EXPECT_NE(status.error().Message().find("no such host.invalid"), std::string::npos);
}

TEST(Server, StartFailsWhenOnlyOneTlsFileIsGiven) {
  testing::EchoHandler handler;
  std::ostringstream log;
  Logger logger(log);
  Metrics metrics;
  ServerOptions options;
  options.port = 0;
  options.tls_cert_file = "/nonexistent/cert.pem";
  Server server(options, handler, logger, metrics);
  const core::Status status = server.Start();
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().field, "tls_key_file");
}

}  // namespace
}  // namespace keyward::http
