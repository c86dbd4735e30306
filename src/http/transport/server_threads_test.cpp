// The transport's threads with several I/O threads (server.hpp): each has an io_context of its
// own, accepted connections are spread over them, a connection stays on one for its life, and
// Stop() winds all of them down.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "http/transport/server.hpp"
#include "testing/http/server_test_util.hpp"

namespace keyward::http {
namespace {

namespace bhttp = boost::beast::http;
using testing::Client;

// Answers /where/<connection> inline, recording the I/O thread of each call by target; /slow on
// the worker pool after 300 ms (setting slow_started first); anything else on the pool at once.
class ThreadRecordingHandler : public Handler {
 public:
  std::optional<Response> TryInline(const Request& request,
                                    const RequestContext& /*context*/) override {
    const std::string target(request.target());
    if (target.rfind("/where/", 0) != 0) return std::nullopt;
    {
      std::lock_guard lock(mu_);
      threads_[target].push_back(std::this_thread::get_id());
    }
    Response response{bhttp::status::ok, request.version()};
    response.body() = "inline";
    return response;
  }

  Response Handle(const Request& request, const RequestContext& /*context*/) override {
    if (request.target() == "/slow") {
      slow_started.store(true);
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
    }
    Response response{bhttp::status::ok, request.version()};
    response.body() = "pooled";
    return response;
  }

  // The threads that answered `target` inline, in order.
  std::vector<std::thread::id> threads(const std::string& target) {
    std::lock_guard lock(mu_);
    return threads_[target];
  }

  std::atomic<bool> slow_started{false};

 private:
  std::mutex mu_;
  std::map<std::string, std::vector<std::thread::id>> threads_;  // guarded by mu_
};

// A Server over a ThreadRecordingHandler with `io_threads` I/O threads and two workers.
class ThreadsServer : public testing::BasicRunningServer<ThreadRecordingHandler> {
 public:
  explicit ThreadsServer(int io_threads) : BasicRunningServer(Options(io_threads)) {}

 private:
  static ServerOptions Options(int io_threads) {
    ServerOptions options;
    options.io_threads = io_threads;
    options.worker_threads = 2;
    return options;
  }
};

TEST(ServerThreads, SpreadsConnectionsOverTheIoThreadsAndKeepsEachOnOne) {
  ThreadsServer server(3);
  // One after another, so the listener hands them out in turn.
  std::vector<std::unique_ptr<Client>> clients;
  for (int c = 0; c < 3; ++c) {
    clients.push_back(std::make_unique<Client>(server.port()));
    auto response = clients.back()->Get("/where/" + std::to_string(c));
    ASSERT_TRUE(response);
    EXPECT_EQ(response->body(), "inline");
  }
  // More requests on each connection, interleaved across the connections.
  for (int round = 0; round < 3; ++round) {
    for (int c = 0; c < 3; ++c) {
      auto response = clients[c]->Get("/where/" + std::to_string(c));
      ASSERT_TRUE(response);
    }
  }
  std::set<std::thread::id> distinct;
  for (int c = 0; c < 3; ++c) {
    const auto threads = server.handler.threads("/where/" + std::to_string(c));
    ASSERT_EQ(threads.size(), 4u);
    for (const auto& thread : threads) EXPECT_EQ(thread, threads.front()) << "connection " << c;
    distinct.insert(threads.front());
  }
  EXPECT_EQ(distinct.size(), 3u);
}

TEST(ServerThreads, StopWindsDownEveryIoThreadAndFinishesTheRequestInFlight) {
  ThreadsServer server(3);
  // Idle connections on every I/O thread, and one request in flight on the worker pool.
  std::vector<std::unique_ptr<Client>> idle;
  for (int c = 0; c < 3; ++c) {
    idle.push_back(std::make_unique<Client>(server.port()));
    ASSERT_TRUE(idle.back()->Get("/where/" + std::to_string(c)));
  }
  Client busy(server.port());
  ASSERT_TRUE(busy.Send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n"));
  while (!server.handler.slow_started.load()) std::this_thread::yield();

  std::promise<bool> stopped;
  std::thread stopper([&] { stopped.set_value(server.Stop()); });
  auto response = busy.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body(), "pooled");
  EXPECT_FALSE(response->keep_alive());
  for (auto& client : idle) EXPECT_TRUE(client->Closed());
  stopper.join();
  EXPECT_TRUE(stopped.get_future().get());
}

TEST(ServerThreads, StopsWithIoThreadsThatNeverHadAConnection) {
  ThreadsServer server(4);
  Client client(server.port());
  ASSERT_TRUE(client.Get("/where/0"));
  EXPECT_TRUE(server.Stop());
}

TEST(ServerThreads, StopBeforeRunReturnsWithSeveralIoThreads) {
  std::ostringstream log;
  Logger logger(log);
  Metrics metrics;
  ThreadRecordingHandler handler;
  ServerOptions options;
  options.port = 0;
  options.io_threads = 3;
  Server server(options, handler, logger, metrics);
  ASSERT_TRUE(server.Start());
  server.Stop();
  EXPECT_TRUE(testing::RunReturns(server));
}

}  // namespace
}  // namespace keyward::http
