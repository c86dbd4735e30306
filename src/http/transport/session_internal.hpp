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

#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/serializer.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "http/transport/session.hpp"
#include "http/transport/session_stream.hpp"

namespace keyward::http::session_internal {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

using PlainStream = Socket;  // session.hpp: a socket bound to one io_context, no strand
using TlsStream = asio::ssl::stream<Socket>;
using Timer = asio::basic_waitable_timer<std::chrono::steady_clock,
                                         asio::wait_traits<std::chrono::steady_clock>,
                                         asio::io_context::executor_type>;

enum class Phase { kHandshake, kIdle, kReading, kHandling, kWriting, kStreaming, kClosing };

template <class Stream>
class Session final : public Connection, public std::enable_shared_from_this<Session<Stream>> {
 public:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  Session(SessionContext& context, Socket socket);
  ~Session() override;

  // Registers the session and starts serving; closes at once over the connection limit.
  void Admit();

  void Shutdown() override;

 private:
  static Stream MakeStream(SessionContext& context, Socket socket) {
    if constexpr (kTls) {
      return Stream(std::move(socket), *context.tls);
    } else {
      return Stream(std::move(socket));
    }
  }

  Socket& lowest() { return beast::get_lowest_layer(stream_); }
  // The io_context that owns this connection, run by one thread: no strand is needed.
  asio::io_context::executor_type executor() { return lowest().get_executor(); }

  template <class Fn>
  auto Bind(Fn fn) {
    return beast::bind_front_handler(fn, this->shared_from_this());
  }

  // session.cpp: admission, reading a request, running
  // the handler, answering it whole, closing.
  void Begin();
  void OnShutdown();
  // The connection's one deadline, for reads (408 after a read timeout), writes, the TLS
  // handshake and the lingering close alike: once it passes, the socket's operations are
  // cancelled and timed_out_ tells why. Setting or clearing it only stores a time; the timer
  // behind it waits for the earliest deadline set and, when it fires early (the deadline was
  // moved later, or cleared), waits again for the current one. So keep-alive requests, whose
  // deadlines mostly move later, re-arm the timer a few times per header_timeout, not each
  // request.
  void ArmDeadline(std::chrono::steady_clock::time_point when);
  void DisarmDeadline();
  void StartTimer(std::chrono::steady_clock::time_point when);
  void OnTimer(std::uint64_t generation);
  void StopTimer();
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
  // Feeds the buffered bytes to Beast's parser (basic_parser::put, as http::async_read does)
  // and reads more from the socket while it needs more, up to the end of the request; then
  // OnBody. Checks the header section once it is complete (OnHeader).
  void Parse();
  void OnReadSome(beast::error_code ec, std::size_t bytes);
  // The header section is complete: false when the request is refused (already answered) or
  // Parse must wait for a 100 Continue to be written.
  bool OnHeader();
  void OnContinueWritten(beast::error_code ec, std::size_t bytes);
  void OnBody();
  void OnReadError(beast::error_code ec);
  // Lets the handler answer on this I/O thread when it can without blocking (Handler::TryInline);
  // otherwise runs it on the worker pool and the answer comes back to this I/O thread. The tracked
  // executor keeps Run() from returning while a handler is still at work.
  void Dispatch();
  // Runs on the I/O thread: the handler's inline answer, if it has one; first its fast path
  // (Handler::TryInlineHead, into head_answer_; nullopt when it threw, which is logged), then
  // TryInline.
  std::optional<InlineHead> CallInlineHead();
  std::optional<Response> CallInline();
  // Writes head_answer_ (an empty body) to request_, as Write does a Response.
  void WriteHeadAnswer(std::chrono::steady_clock::time_point now);
  // Runs on a worker thread. Reads request_ while the I/O thread leaves it alone (kHandling).
  Answer CallHandler();
  // Hands request_ to Handler::Respond on the worker pool.
  void ToWorkers();
  void OnAnswered(Answer answer);
  // `now`: a clock reading taken just before the answer was made on this I/O thread (an inline
  // answer), else nullopt and the clock is read here.
  void OnHandled(Response response,
                 std::optional<std::chrono::steady_clock::time_point> now = std::nullopt);
  // Answers the transport's own refusal (session_responses.hpp TransportErrorResponse: `detail`
  // is the fault of a 400, the header limit of a 431) and closes the connection.
  void RespondAndClose(unsigned status, std::string_view detail = {});
  // Writes response_: its head serialised into head_ (as Beast's serializer would write it),
  // then the body, in one gathered write, within read_timeout of `now` (a reading of the clock
  // taken no earlier than the answer was ready to write, or just before).
  void Write(std::chrono::steady_clock::time_point now);
  void OnWritten(beast::error_code ec, std::size_t bytes);
  // Latency metric and access log line of the request just answered. Never headers, never the
  // query string. Takes the clock once; DoRead's idle deadline then starts from that reading.
  void Record();
  // The current request's path as it may be logged (PathForLog), made on demand: most requests
  // are never logged, so the hot path builds no string for them.
  std::string LogPath() const;
  // Sends our FIN (or TLS close_notify), then drains what the peer still sends for a moment.
  void CloseGracefully();
  void Drain();
  void CloseNow();

  // session_streaming.cpp: a streamed answer (OnAnswered with a BodyProducer), a chunk at a time.
  void StartStream(Answer&& answer);
  void OnStreamHeadWritten(beast::error_code ec, std::size_t bytes);
  // Asks the producer for the next chunk on the worker pool (it may block on the store); the
  // chunk comes back to the I/O thread, which writes it before asking for another.
  void ProduceChunk();
  // Runs on a worker thread. Uses producer_ and chunk_ while the I/O thread leaves them alone
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
  Timer timer_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  Request request_;
  Response response_;
  HeadAnswer head_answer_;  // TryInlineHead's answer, its buffer reused
  // The status and keep-alive of the answer being written, for Record and OnWritten.
  unsigned answer_status_ = 0;
  bool answer_keep_alive_ = false;
  std::string head_;  // response_'s serialised head (and, over TLS, its body), reused
  // A streamed response (kStreaming): its head, the serializer writing it, the producer of its
  // body and the chunk being produced or written.
  std::optional<StreamHead> stream_head_;
  std::optional<bhttp::response_serializer<bhttp::empty_body>> serializer_;
  BodyProducer producer_;
  std::string chunk_;
  RequestContext request_context_;
  std::string peer_text_;
  // MethodForLog of the current request, for the metric and the access log: a view of a static
  // name (Beast's own for a known method, else "[unknown]"), so nothing to copy.
  std::string_view method_;
  // PathForLog of the current request, made only when a log line needs it (LogPath): set by
  // RespondAndClose, which answers before request_ holds the request; else made from request_.
  std::optional<std::string> path_;
  std::chrono::steady_clock::time_point request_started_ = std::chrono::steady_clock::now();
  // The clock as Record read it when the last answer was written: DoRead's idle deadline starts
  // there instead of reading the clock again a moment later.
  std::optional<std::chrono::steady_clock::time_point> answered_at_;
  const std::chrono::steady_clock::time_point accepted_ = std::chrono::steady_clock::now();
  std::optional<std::string> limited_address_;  // LimitedAddress of the peer
  std::array<char, 4096> drain_{};
  // ArmDeadline: the current deadline (max: none), when the pending wait of timer_ ends, and
  // the generation of that wait (a wait whose generation has moved on was superseded).
  std::chrono::steady_clock::time_point deadline_ = std::chrono::steady_clock::time_point::max();
  std::chrono::steady_clock::time_point timer_expiry_ =
      std::chrono::steady_clock::time_point::max();
  std::uint64_t timer_generation_ = 0;
  bool timer_waiting_ = false;
  bool header_checked_ = false;    // OnHeader has run for the current request
  bool read_more_ = false;         // the current request needed reads after its first bytes (Parse)
  std::size_t header_fields_ = 0;  // fields of the current request's header section
  Phase phase_ = Phase::kIdle;
  bool registered_ = false;
  bool stopping_ = false;
  bool timed_out_ = false;
  bool first_request_ = true;
};

}  // namespace keyward::http::session_internal
