// The Server's per-address connection limit and header timeout: one address cannot take every
// connection slot, nor hold one without sending a request. docs/security.md "HTTP transport
// attacks".
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "http/transport/connection_registry.hpp"
#include "http/transport/server.hpp"
#include "testing/http/server_test_util.hpp"

namespace keyward::http {
namespace {

using testing::Client;
using testing::RunningServer;
using Admission = ConnectionRegistry::Admission;

class NullConnection : public Connection {
 public:
  void Shutdown() override {}
};

TEST(ConnectionRegistry, LimitsConnectionsPerAddress) {
  ConnectionRegistry registry(10, 2);
  std::vector<std::shared_ptr<Connection>> held;
  for (int i = 0; i < 3; ++i) held.push_back(std::make_shared<NullConnection>());
  EXPECT_EQ(registry.TryAdd(held[0], "8.8.8.8"), Admission::kAdmitted);
  EXPECT_EQ(registry.TryAdd(held[1], "8.8.8.8"), Admission::kAdmitted);
  EXPECT_EQ(registry.TryAdd(held[2], "8.8.8.8"), Admission::kAddressFull);
  EXPECT_EQ(registry.TryAdd(held[2], "8.8.4.4"), Admission::kAdmitted);
  EXPECT_EQ(registry.CountFrom("8.8.8.8"), 2u);
  registry.Remove(held[0].get());
  EXPECT_EQ(registry.CountFrom("8.8.8.8"), 1u);
  auto next = std::make_shared<NullConnection>();
  EXPECT_EQ(registry.TryAdd(next, "8.8.8.8"), Admission::kAdmitted);
}

TEST(ConnectionRegistry, ExemptAddressesCountOnlyAgainstTheTotal) {
  ConnectionRegistry registry(3, 1);
  std::vector<std::shared_ptr<Connection>> held;
  for (int i = 0; i < 4; ++i) held.push_back(std::make_shared<NullConnection>());
  EXPECT_EQ(registry.TryAdd(held[0], std::nullopt), Admission::kAdmitted);
  EXPECT_EQ(registry.TryAdd(held[1], std::nullopt), Admission::kAdmitted);
  EXPECT_EQ(registry.TryAdd(held[2], std::nullopt), Admission::kAdmitted);
  EXPECT_EQ(registry.TryAdd(held[3], std::nullopt), Admission::kServerFull);
}

// Whether a new connection from `source` is served (a full exchange) within a few tries.
bool ServedFrom(const RunningServer& server, const char* source) {
  Client client(server.port(), "127.0.0.1", source);
  return client.Get("/from").has_value();
}

TEST(Server, LimitsConnectionsFromOneAddressLoopbackIncluded) {
  ServerOptions options;
  options.max_connections_per_address = 2;
  RunningServer server(options);
  Client first(server.port());
  Client second(server.port());
  ASSERT_TRUE(first.Get("/1"));
  ASSERT_TRUE(second.Get("/2"));
  Client third(server.port());
  EXPECT_TRUE(third.Closed());
  // Another address is still served.
  EXPECT_TRUE(ServedFrom(server, "127.0.0.2"));
  EXPECT_NE(server.metrics.Render().find("keyward_http_connections_rejected_total 1\n"),
            std::string::npos);
}

TEST(Server, ExemptsTheUnlimitedPeersFromThePerAddressLimit) {
  ServerOptions options;
  options.max_connections_per_address = 1;
  options.unlimited_peers = {core::ParseIpv4Range("127.0.0.1").value()};
  RunningServer server(options);
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < 4; ++i) {
    clients.push_back(std::make_unique<Client>(server.port()));
    ASSERT_TRUE(clients.back()->Get("/proxied")) << i;
  }
  Client other(server.port(), "127.0.0.1", "127.0.0.2");
  ASSERT_TRUE(other.Get("/one"));
  Client again(server.port(), "127.0.0.1", "127.0.0.2");
  EXPECT_TRUE(again.Closed());
}

TEST(Server, ClosesANewConnectionThatSendsNothingWithinTheHeaderTimeout) {
  ServerOptions options;
  options.header_timeout = std::chrono::seconds(1);
  options.read_timeout = std::chrono::seconds(60);
  RunningServer server(options);
  Client client(server.port());
  const auto started = std::chrono::steady_clock::now();
  EXPECT_TRUE(client.Closed());  // kClientTimeout (5 s) is well under read_timeout
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
}

TEST(Server, Answers408WhenHeadersTrickleInPastTheHeaderTimeout) {
  ServerOptions options;
  options.header_timeout = std::chrono::seconds(1);
  options.read_timeout = std::chrono::seconds(60);
  RunningServer server(options);
  Client client(server.port());
  ASSERT_TRUE(client.Send("GET /slowloris HTTP/1.1\r\n"));
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  ASSERT_TRUE(client.Send("Host: t\r\n"));
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  client.Send("X-A: 1\r\n");
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 408u);
  EXPECT_EQ(server.handler.calls.load(), 0);
}

TEST(Server, GivesTheBodyTheReadTimeoutOnceTheHeaderIsWhole) {
  ServerOptions options;
  options.header_timeout = std::chrono::seconds(1);
  options.read_timeout = std::chrono::seconds(10);
  RunningServer server(options);
  Client client(server.port());
  ASSERT_TRUE(client.Send("POST /body HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\n{"));
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  ASSERT_TRUE(client.Send("}"));
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body(), "POST /body tls=0 body=2");
}

}  // namespace
}  // namespace keyward::http
