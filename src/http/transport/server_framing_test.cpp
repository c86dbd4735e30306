// Request framing at the Server (request_framing.hpp): a request whose end cannot be told, or
// that sends trailer fields, is answered 400 and its connection closed, so nothing it carries
// reaches the handler or passes for the next request. docs/security.md "HTTP transport attacks".
#include <gtest/gtest.h>

#include <string>

#include "http/transport/server.hpp"
#include "testing/http/server_test_util.hpp"

namespace keyward::http {
namespace {

using testing::Client;
using testing::RunningServer;

// The request a smuggler hides in a body the server would otherwise read as empty.
constexpr char kSmuggled[] = "GET /smuggled HTTP/1.1\r\nHost: t\r\n\r\n";

// Sends `request` on a fresh connection; expects one 400, then the close, and no handler call.
void ExpectRefusedAndClosed(RunningServer& server, const std::string& request) {
  Client client(server.port());
  ASSERT_TRUE(client.Send(request));
  auto response = client.Read();
  ASSERT_TRUE(response) << request;
  EXPECT_EQ(response->result_int(), 400u) << request;
  EXPECT_FALSE(response->keep_alive());
  EXPECT_TRUE(client.Closed()) << request;
  EXPECT_EQ(server.handler.calls.load(), 0) << request;
}

TEST(Server, RefusesATransferEncodingOtherThanChunkedWithoutServingItsBody) {
  for (const char* coding : {"identity", "gzip", "xchunked", "chunked, identity"}) {
    RunningServer server;
    const std::string body(kSmuggled);
    ExpectRefusedAndClosed(server, std::string("POST /v1/apikeys HTTP/1.1\r\nHost: t\r\n") +
                                       "Transfer-Encoding: " + coding + "\r\n\r\n" + body);
  }
}

TEST(Server, RefusesTransferEncodingInHttp10) {
  RunningServer server;
  ExpectRefusedAndClosed(server, "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
}

TEST(Server, RefusesHttp11WithoutExactlyOneHost) {
  RunningServer server;
  ExpectRefusedAndClosed(server, "GET / HTTP/1.1\r\n\r\n");
  ExpectRefusedAndClosed(server, "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n");
}

TEST(Server, RefusesAChunkedRequestWithTrailerFields) {
  RunningServer server;
  ExpectRefusedAndClosed(server,
                         "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                         "2\r\n{}\r\n0\r\nX-Forwarded-For: 8.8.8.8\r\n\r\n");
}

TEST(Server, ServesAChunkedRequestWithAnEmptyTrailerSection) {
  RunningServer server;
  Client client(server.port());
  ASSERT_TRUE(
      client.Send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                  "2\r\n{}\r\n0\r\n\r\n"));
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 200u);
  EXPECT_EQ(response->body(), "POST /echo tls=0 body=2");
}

}  // namespace
}  // namespace keyward::http
