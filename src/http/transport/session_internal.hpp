// Internals shared by session.cpp (admission, reading a request, answering it whole, closing) and
// session_streaming.cpp (writing a streamed answer a chunk at a time): the Session class template
// behind StartSession (session.hpp). Not part of the transport's interface.
//
// Each file explicitly instantiates, for both stream types, the members of its part that the
// other calls (StartSession, in session.cpp, instantiates the rest). All calls between the two
// stay direct: no virtual call, no indirection.
//
// Thread-safety: see session.hpp.
#pragma once

#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/serializer.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "http/transport/session.hpp"
#include "http/transport/session_stream.hpp"

namespace keyward::http::session_internal {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

using PlainStream = beast::tcp_stream;
using TlsStream = asio::ssl::stream<beast::tcp_stream>;

enum class Phase { kHandshake, kIdle, kReading, kHandling, kWriting, kStreaming, kClosing };

template <class Stream>
class Session final : public Connection, public std::enable_shared_from_this<Session<Stream>> {
 public:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  Session(SessionContext& context, tcp::socket socket);
  ~Session() override;

  // Registers the session and starts serving; closes at once over the connection limit.
  void Admit();

  void Shutdown() override;

 private:
  static Stream MakeStream(SessionContext& context, tcp::socket socket) {
    if constexpr (kTls) {
      return Stream(beast::tcp_stream(std::move(socket)), *context.tls);
    } else {
      return Stream(std::move(socket));
    }
  }

  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }
  asio::any_io_executor executor() { return lowest().get_executor(); }

  template <class Fn>
  auto Bind(Fn fn) {
    return beast::bind_front_handler(fn, this->shared_from_this());
  }

  // session.cpp: admission, reading a request, running
  // the handler, answering it whole, closing.
  void Begin();
  void OnShutdown();
  // Our own deadline for reads, because beast::tcp_stream's expiry closes the socket and we
  // still want to answer 408 after a read timeout. Writes use the tcp_stream expiry.
  void ArmDeadline(std::chrono::steady_clock::time_point when);
  void DisarmDeadline();
  void DoHandshake();
  void OnHandshake(beast::error_code ec);
  // Waits for the next request's first bytes (unless pipelined bytes are already buffered):
  // idle_timeout between requests; for a new connection, what is left of header_timeout since
  // its accept, so that a connection cannot sit on a slot without ever sending a request.
  void DoRead();
  void OnFirstBytes(beast::error_code ec, std::size_t bytes);
  // The header section must be whole within header_timeout (from the accept for a connection's
  // first request), and the whole request within read_timeout of its first byte.
  void ReadHeader();
  void OnHeader(beast::error_code ec, std::size_t bytes);
  void OnContinueWritten(beast::error_code ec, std::size_t bytes);
  void ReadBody();
  void OnBody(beast::error_code ec, std::size_t bytes);
  void OnReadError(beast::error_code ec);
  // Lets the handler answer on this strand when it can without blocking (Handler::TryInline);
  // otherwise runs it on the worker pool and the answer comes back to this strand. The tracked
  // executor keeps Run() from returning while a handler is still at work.
  void Dispatch();
  // Runs on this strand: the handler's inline answer, if it has one.
  std::optional<Response> CallInline();
  // Runs on a worker thread. Reads request_ while the strand leaves it alone (kHandling).
  Answer CallHandler();
  void OnAnswered(Answer answer);
  void OnHandled(Response response);
  void RespondAndClose(unsigned status);
  void Write();
  void OnWritten(beast::error_code ec, std::size_t bytes);
  // Latency metric and access log line of the request just answered. Never headers, never the
  // query string.
  void Record();
  // Sends our FIN (or TLS close_notify), then drains what the peer still sends for a moment.
  void CloseGracefully();
  void Drain();
  void CloseNow();

  // session_streaming.cpp: a streamed answer (OnAnswered with a BodyProducer), a chunk at a time.
  void StartStream(Answer&& answer);
  void OnStreamHeadWritten(beast::error_code ec, std::size_t bytes);
  // Asks the producer for the next chunk on the worker pool (it may block on the store); the
  // chunk comes back to this strand, which writes it before asking for another.
  void ProduceChunk();
  // Runs on a worker thread. Uses producer_ and chunk_ while the strand leaves them alone
  // (kStreaming, between ProduceChunk and OnChunk).
  BodyStep CallProducer();
  void OnChunk(BodyStep step);
  void OnChunkWritten(beast::error_code ec, std::size_t bytes);
  void WriteLastChunk();
  void OnLastChunkWritten(beast::error_code ec, std::size_t bytes);
  // The stream is over. Complete: the body has ended and keep-alive may go on. Cut short (a
  // write failed, the producer failed, or the server is stopping): the connection closes at once
  // without ending the body, so the client cannot take what it got for the whole.
  void EndStream(bool complete);

  SessionContext& ctx_;
  Stream stream_;
  asio::steady_timer deadline_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  Request request_;
  Response response_;
  // A streamed response (kStreaming): its head, the serializer writing it, the producer of its
  // body and the chunk being produced or written.
  std::optional<StreamHead> stream_head_;
  std::optional<bhttp::response_serializer<bhttp::empty_body>> serializer_;
  BodyProducer producer_;
  std::string chunk_;
  RequestContext request_context_;
  std::string peer_text_;
  std::string method_;  // of the current request, for the metric and the access log
  std::string path_;    // PathForLog of the current request
  std::chrono::steady_clock::time_point request_started_ = std::chrono::steady_clock::now();
  const std::chrono::steady_clock::time_point accepted_ = std::chrono::steady_clock::now();
  std::optional<std::string> limited_address_;  // LimitedAddress of the peer
  std::array<char, 4096> drain_{};
  std::uint64_t deadline_generation_ = 0;
  std::size_t header_fields_ = 0;  // fields of the current request's header section
  Phase phase_ = Phase::kIdle;
  bool registered_ = false;
  bool stopping_ = false;
  bool timed_out_ = false;
  bool first_request_ = true;
};

}  // namespace keyward::http::session_internal
