// Streamed responses (Handler::Respond with a BodyProducer) through the real transport: chunked
// and complete however large, produced off the I/O thread, one chunk at a time (a client that
// stops reading stops the producer), cut short visibly when the producer fails, and framed for
// HTTP/1.0 and HEAD.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>

#include "http/handler.hpp"
#include "http/transport/server.hpp"
#include "http/transport/session_stream.hpp"
#include "testing/http/stream_test_util.hpp"

namespace keyward::http {
namespace {

namespace bhttp = boost::beast::http;
using testing::Received;
using testing::StreamClient;

constexpr std::size_t kBigChunk = 256 * 1024;
constexpr int kBigChunks = 128;  // 32 MiB in all

// Chunk `index` of a patterned body: `size` copies of one letter.
std::string PatternChunk(int index, std::size_t size) {
  return std::string(size, static_cast<char>('a' + index % 26));
}

// Streams by target: /big (kBigChunks chunks of kBigChunk bytes), /small (three chunks, two
// of them empty between), /fail (a chunk, then kFailed), /throw (a chunk, then an exception),
// /endless (1 MiB chunks forever); anything else whole.
class StreamHandler : public Handler {
 public:
  Response Handle(const Request& request, const RequestContext& /*context*/) override {
    Response response{bhttp::status::ok, request.version()};
    response.body() = "whole";
    return response;
  }

  Answer Respond(const Request& request, const RequestContext& context) override {
    const std::string target(request.target());
    Response head{bhttp::status::ok, request.version()};
    head.set(bhttp::field::content_type, "text/plain");
    head.set(bhttp::field::content_length, "999");  // the transport must drop it
    if (target == "/big") return {std::move(head), Counted(kBigChunks, kBigChunk)};
    if (target == "/small") {
      auto step = std::make_shared<int>(0);
      return {std::move(head), [step](std::string& chunk) {
                const int i = (*step)++;
                if (i >= 5) return BodyStep::kEnd;
                if (i % 2 == 0) chunk = "part" + std::to_string(i / 2) + ";";
                return BodyStep::kChunk;
              }};
    }
    if (target == "/fail" || target == "/throw") {
      auto step = std::make_shared<int>(0);
      const bool throws = target == "/throw";
      return {std::move(head), [step, throws](std::string& chunk) {
                if ((*step)++ == 0) {
                  chunk = std::string(1000, 'x');
                  return BodyStep::kChunk;
                }
                if (throws) throw std::runtime_error("producer boom");
                return BodyStep::kFailed;
              }};
    }
    if (target == "/endless") return {std::move(head), Counted(-1, 1024 * 1024)};
    return Answer{Handle(request, context), {}};
  }

  std::atomic<int> produced{0};

  std::set<std::thread::id> producer_threads() {
    std::lock_guard lock(mu_);
    return threads_;
  }

 private:
  // `chunks` chunks of `size` bytes (forever when negative), counting each production.
  BodyProducer Counted(int chunks, std::size_t size) {
    auto next = std::make_shared<int>(0);
    return [this, next, chunks, size](std::string& chunk) {
      {
        std::lock_guard lock(mu_);
        threads_.insert(std::this_thread::get_id());
      }
      if (chunks >= 0 && *next >= chunks) return BodyStep::kEnd;
      produced.fetch_add(1);
      chunk = PatternChunk((*next)++, size);
      return BodyStep::kChunk;
    };
  }

  std::mutex mu_;
  std::set<std::thread::id> threads_;  // guarded by mu_
};

// A Server over a StreamHandler, run by one I/O thread of its own.
class StreamServer {
 public:
  StreamServer() : logger_(log_) {
    ServerOptions options;
    options.port = 0;
    options.io_threads = 1;
    options.worker_threads = 2;
    options.read_timeout = std::chrono::seconds{2};
    server_ = std::make_unique<Server>(options, handler, logger_, metrics);
    if (!server_->Start()) throw std::runtime_error("Start failed");
    thread_ = std::thread([this] { server_->Run(); });
  }
  ~StreamServer() { Stop(); }

  void Stop() {
    if (!thread_.joinable()) return;
    server_->Stop();
    thread_.join();
  }

  std::uint16_t port() const { return server_->port(); }
  std::thread::id io_thread() const { return thread_.get_id(); }
  std::string log() const { return log_.str(); }  // after Stop()

  StreamHandler handler;
  Metrics metrics;

 private:
  std::ostringstream log_;
  Logger logger_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
};

void ExpectBigBody(const std::string& body) {
  ASSERT_EQ(body.size(), kBigChunk * kBigChunks);
  for (int i = 0; i < kBigChunks; ++i) {
    const std::size_t at = static_cast<std::size_t>(i) * kBigChunk;
    ASSERT_EQ(body.compare(at, kBigChunk, PatternChunk(i, kBigChunk)), 0) << "chunk " << i;
  }
}

TEST(SessionStream, ALargeBodyArrivesChunkedAndCompleteAndTheConnectionLives) {
  StreamServer server;
  StreamClient client(server.port());
  client.Send("GET /big HTTP/1.1\r\nHost: t\r\n\r\n");
  const Received big = client.Read();
  ASSERT_FALSE(big.ec) << big.ec.message();
  EXPECT_EQ(big.message.result_int(), 200u);
  EXPECT_EQ(big.message[bhttp::field::transfer_encoding], "chunked");
  EXPECT_EQ(big.message.count(bhttp::field::content_length), 0u);
  EXPECT_EQ(big.message[bhttp::field::content_type], "text/plain");
  EXPECT_TRUE(big.message.keep_alive());
  EXPECT_GE(big.chunks, kBigChunks);
  ExpectBigBody(big.message.body());
  // Produced on the worker pool, never on the I/O thread.
  const std::set<std::thread::id> threads = server.handler.producer_threads();
  EXPECT_FALSE(threads.empty());
  EXPECT_EQ(threads.count(server.io_thread()), 0u);

  client.Send("GET /whole HTTP/1.1\r\nHost: t\r\n\r\n");
  const Received whole = client.Read();
  ASSERT_FALSE(whole.ec);
  EXPECT_EQ(whole.message.body(), "whole");
  EXPECT_EQ(whole.message[bhttp::field::content_length], "5");
}

TEST(SessionStream, EmptyChunksAreSkippedNotTakenForTheEnd) {
  StreamServer server;
  StreamClient client(server.port());
  client.Send("GET /small HTTP/1.1\r\nHost: t\r\n\r\n");
  const Received small = client.Read();
  ASSERT_FALSE(small.ec) << small.ec.message();
  EXPECT_EQ(small.message.body(), "part0;part1;part2;");
}

TEST(SessionStream, AClientThatStopsReadingStopsTheProducer) {
  StreamServer server;
  StreamClient client(server.port());
  client.Send("GET /endless HTTP/1.1\r\nHost: t\r\n\r\n");
  client.ReadHeaderOnly();
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  const int after_wait = server.handler.produced.load();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const int later = server.handler.produced.load();
  // What the socket buffers hold, plus the one chunk being written: a few MiB, not an
  // ever-growing queue.
  EXPECT_LT(later, 48);
  EXPECT_EQ(later, after_wait);
  client.Close();
  server.Stop();
}

TEST(SessionStream, AFailingProducerCutsTheResponseShortVisibly) {
  for (const char* target : {"/fail", "/throw"}) {
    StreamServer server;
    StreamClient client(server.port());
    client.Send(std::string("GET ") + target + " HTTP/1.1\r\nHost: t\r\n\r\n");
    const Received cut = client.Read();
    EXPECT_TRUE(cut.ec) << target << ": a truncated body must not read as complete";
    server.Stop();
    if (std::string(target) == "/throw") {
      EXPECT_NE(server.log().find("producer boom"), std::string::npos) << server.log();
    }
    EXPECT_NE(server.log().find("cut short"), std::string::npos) << server.log();
  }
}

TEST(SessionStream, ToHttp10TheBodyRunsToTheEndOfTheConnection) {
  StreamServer server;
  StreamClient client(server.port());
  client.Send("GET /big HTTP/1.0\r\n\r\n");
  const Received big = client.Read();
  ASSERT_FALSE(big.ec) << big.ec.message();
  EXPECT_EQ(big.message.version(), 10u);
  EXPECT_EQ(big.message.count(bhttp::field::transfer_encoding), 0u);
  EXPECT_EQ(big.message.count(bhttp::field::content_length), 0u);
  EXPECT_FALSE(big.message.keep_alive());
  ExpectBigBody(big.message.body());
}

TEST(SessionStream, HeadGetsTheHeadAndNoBody) {
  StreamServer server;
  StreamClient client(server.port());
  client.Send("HEAD /big HTTP/1.1\r\nHost: t\r\n\r\n");
  const Received head = client.Read(/*head_only=*/true);
  ASSERT_FALSE(head.ec) << head.ec.message();
  EXPECT_EQ(head.message[bhttp::field::transfer_encoding], "chunked");
  EXPECT_TRUE(head.message.body().empty());
  EXPECT_EQ(server.handler.produced.load(), 0);
  client.Send("GET /small HTTP/1.1\r\nHost: t\r\n\r\n");
  const Received next = client.Read();
  ASSERT_FALSE(next.ec) << next.ec.message();
  EXPECT_EQ(next.message.body(), "part0;part1;part2;");
}

TEST(SessionStream, StopCutsAStreamShortAndReturns) {
  StreamServer server;
  StreamClient client(server.port());
  client.Send("GET /endless HTTP/1.1\r\nHost: t\r\n\r\n");
  client.ReadHeaderOnly();
  const auto started = std::chrono::steady_clock::now();
  server.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds{8});
}

TEST(SessionStream, PrepareStreamHeadFramesForTheRequestVersion) {
  Request get11{bhttp::verb::get, "/x", 11};
  Response head{bhttp::status::ok, 11};
  head.set(bhttp::field::server, "leaky");
  head.set(bhttp::field::content_length, "12");
  head.body() = "dropped";
  const StreamHead chunked = PrepareStreamHead(head, get11, true);
  EXPECT_TRUE(chunked.chunked());
  EXPECT_TRUE(chunked.keep_alive());
  EXPECT_EQ(chunked.count(bhttp::field::server), 0u);
  EXPECT_EQ(chunked.count(bhttp::field::content_length), 0u);
  Request get10{bhttp::verb::get, "/x", 10};
  const StreamHead raw = PrepareStreamHead(head, get10, true);
  EXPECT_FALSE(raw.chunked());
  EXPECT_FALSE(raw.keep_alive());
  EXPECT_EQ(raw.version(), 10u);
  EXPECT_TRUE(StreamsBody(200));
  EXPECT_FALSE(StreamsBody(204));
  EXPECT_FALSE(StreamsBody(304));
  EXPECT_FALSE(StreamsBody(101));
}

}  // namespace
}  // namespace keyward::http
