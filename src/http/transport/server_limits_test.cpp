// The Server's limits: each is answered with its status, the connection is then closed, and the
// server keeps serving.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "http/transport/server.hpp"
#include "testing/http/server_test_util.hpp"

namespace keyward::http {
namespace {

namespace bhttp = boost::beast::http;
using testing::Client;
using testing::RunningServer;

constexpr char kPayloadTooLarge[] =
    R"({"error":{"code":"payload_too_large","message":"the request body is larger than 65536 bytes"}})";

// The server still answers on a new connection.
void ExpectStillServing(const RunningServer& server) {
  Client client(server.port());
  auto response = client.Get("/still-here");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 200u);
}

TEST(Server, Answers431ForAnOversizedHeaderAndCloses) {
  RunningServer server;
  Client client(server.port());
  ASSERT_TRUE(client.Send("GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + std::string(20 * 1024, 'a') +
                          "\r\n\r\n"));
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 431u);
  EXPECT_TRUE(client.Closed());
  EXPECT_EQ(server.handler.calls.load(), 0);
  ExpectStillServing(server);
}

TEST(Server, Answers413ForAnOversizedBodyAndCloses) {
  RunningServer server;
  Client client(server.port());
  const std::string body(70 * 1024, 'b');
  ASSERT_TRUE(
      client.Send("POST /big HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                  "Content-Length: " +
                  std::to_string(body.size()) + "\r\n\r\n" + body));
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 413u);
  EXPECT_EQ(response->body(), kPayloadTooLarge);
  EXPECT_EQ((*response)[bhttp::field::content_type], "application/json");
  EXPECT_TRUE(client.Closed());
  EXPECT_EQ(server.handler.calls.load(), 0);
  ExpectStillServing(server);
}

TEST(Server, Answers413ForAnOversizedChunkedBody) {
  RunningServer server;
  Client client(server.port());
  std::string request = "POST /big HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 70; ++i) request += "400\r\n" + std::string(1024, 'c') + "\r\n";
  request += "0\r\n\r\n";
  ASSERT_TRUE(client.Send(request));
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 413u);
  EXPECT_EQ(response->body(), kPayloadTooLarge);
  EXPECT_TRUE(client.Closed());
}

TEST(Server, AcceptsABodyAtTheLimit) {
  RunningServer server;
  Client client(server.port());
  const std::string body(64 * 1024, 'b');
  ASSERT_TRUE(client.Send("POST /fits HTTP/1.1\r\nHost: t\r\nContent-Length: " +
                          std::to_string(body.size()) + "\r\n\r\n" + body));
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body(), "POST /fits tls=0 body=65536");
}

TEST(Server, Answers408WhenARequestIsNotCompleteInTime) {
  ServerOptions options;
  options.read_timeout = std::chrono::seconds(1);
  RunningServer server(options);
  Client client(server.port());
  ASSERT_TRUE(client.Send("GET /slowloris HTTP/1.1\r\nHost: t\r\n"));  // no blank line, ever
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 408u);
  EXPECT_TRUE(client.Closed());
  EXPECT_EQ(server.handler.calls.load(), 0);
  ExpectStillServing(server);
}

TEST(Server, ClosesAnIdleKeepAliveConnection) {
  ServerOptions options;
  options.idle_timeout = std::chrono::seconds(1);
  RunningServer server(options);
  Client client(server.port());
  auto response = client.Get("/");
  ASSERT_TRUE(response);
  EXPECT_TRUE(response->keep_alive());
  EXPECT_TRUE(client.Closed());  // without a response: no request had begun
}

TEST(Server, Answers400ForMalformedHttpAndCloses) {
  RunningServer server;
  Client client(server.port());
  ASSERT_TRUE(client.Send("THIS IS NOT HTTP\r\n\r\n"));
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 400u);
  EXPECT_TRUE(client.Closed());
  ExpectStillServing(server);
}

TEST(Server, Answers400ForAnInvalidContentLength) {
  RunningServer server;
  Client client(server.port());
  ASSERT_TRUE(client.Send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: nope\r\n\r\n"));
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 400u);
  EXPECT_TRUE(client.Closed());
}

TEST(Server, ClosesConnectionsBeyondMaxConnections) {
  ServerOptions options;
  options.max_connections = 2;
  RunningServer server(options);
  auto first = std::make_unique<Client>(server.port());
  Client second(server.port());
  // A full exchange on each makes sure the server has accepted both.
  ASSERT_TRUE(first->Get("/1"));
  ASSERT_TRUE(second.Get("/2"));

  Client third(server.port());
  EXPECT_TRUE(third.Closed());
  EXPECT_EQ(server.handler.calls.load(), 2);
  EXPECT_NE(server.metrics.Render().find("keyward_http_connections_rejected_total 1\n"),
            std::string::npos);

  // Once a connection goes, a new one is served again (after the server notices the close).
  first->Close();
  first.reset();
  bool served = false;
  for (int attempt = 0; attempt < 100 && !served; ++attempt) {
    Client next(server.port());
    served = next.Get("/again").has_value();
    if (!served) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(served);
}

}  // namespace
}  // namespace keyward::http
