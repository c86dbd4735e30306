#include "http/transport/session.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <exception>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "core/net/ip.hpp"
#include "http/reply.hpp"
#include "http/transport/request_framing.hpp"
#include "http/transport/session_responses.hpp"
#include "http/transport/session_stream.hpp"

namespace keyward::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

using PlainStream = beast::tcp_stream;
using TlsStream = asio::ssl::stream<beast::tcp_stream>;

// How many bytes the wait for a request's first bytes reads at most.
constexpr std::size_t kFirstReadSize = 4096;
// How long a closing connection is drained (lingering close), so that a client still sending a
// body it was refused reads our answer instead of a reset.
constexpr std::chrono::seconds kLingerTimeout{1};
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

enum class Phase { kHandshake, kIdle, kReading, kHandling, kWriting, kStreaming, kClosing };

template <class Stream>
class Session final : public Connection, public std::enable_shared_from_this<Session<Stream>> {
 public:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  Session(SessionContext& context, tcp::socket socket)
      : ctx_(context), stream_(MakeStream(context, std::move(socket))), deadline_(executor()) {
    boost::system::error_code ec;
    const tcp::endpoint peer = lowest().socket().remote_endpoint(ec);
    request_context_.peer = peer.address();
    request_context_.tls = kTls;
    peer_text_ = ec ? std::string("-") : peer.address().to_string();
    limited_address_ = LimitedAddress(ec ? std::nullopt : core::IpAddress::Parse(peer_text_));
    lowest().socket().set_option(tcp::no_delay(true), ec);
  }

  ~Session() override {
    if (registered_) {
      ctx_.registry.Remove(this);
      ctx_.metrics.ConnectionClosed();
    }
  }

  // Registers the session and starts serving; closes at once over the connection limit.
  void Admit() {
    if (ctx_.registry.TryAdd(this->shared_from_this(), limited_address_) !=
        ConnectionRegistry::Admission::kAdmitted) {
      ctx_.metrics.ConnectionRejected();
      CloseNow();
      return;
    }
    registered_ = true;
    ctx_.metrics.ConnectionOpened();
    // Admit() runs on the listener's strand; from here on, everything runs on ours (a Shutdown()
    // may already be queued there).
    asio::post(executor(), [self = this->shared_from_this()] { self->Begin(); });
  }

  void Shutdown() override {
    asio::post(executor(), [self = this->shared_from_this()] { self->OnShutdown(); });
  }

 private:
  static Stream MakeStream(SessionContext& context, tcp::socket socket) {
    if constexpr (kTls) {
      return Stream(beast::tcp_stream(std::move(socket)), *context.tls);
    } else {
      return Stream(std::move(socket));
    }
  }

  // The address whose connections count against max_connections_per_address: the peer with
  // IPv4-mapped IPv6 folded to IPv4, so that one client cannot count twice; nullopt for an
  // exempt peer (unlimited_peers). A peer with no address at all shares one count.
  std::optional<std::string> LimitedAddress(const std::optional<core::IpAddress>& peer) const {
    if (!peer) return std::string("-");
    if (peer->is_v4()) {
      for (const core::Ipv4Range& range : ctx_.options.unlimited_peers) {
        if (range.Contains(peer->v4())) return std::nullopt;
      }
    }
    return peer->ToString();
  }

  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }
  asio::any_io_executor executor() { return lowest().get_executor(); }

  template <class Fn>
  auto Bind(Fn fn) {
    return beast::bind_front_handler(fn, this->shared_from_this());
  }

  void Begin() {
    if (stopping_) return CloseNow();
    if constexpr (kTls) {
      DoHandshake();
    } else {
      DoRead();
    }
  }

  void OnShutdown() {
    stopping_ = true;
    // A request being read or handled is finished; a connection waiting for one is not.
    if (phase_ == Phase::kIdle || phase_ == Phase::kHandshake) CloseNow();
  }

  // Our own deadline for reads, because beast::tcp_stream's expiry closes the socket and we
  // still want to answer 408 after a read timeout. Writes use the tcp_stream expiry.
  void ArmDeadline(std::chrono::steady_clock::time_point when) {
    const std::uint64_t generation = ++deadline_generation_;
    deadline_.expires_at(when);
    deadline_.async_wait([self = this->shared_from_this(), generation](beast::error_code ec) {
      if (ec || generation != self->deadline_generation_) return;
      self->timed_out_ = true;
      self->lowest().socket().cancel(ec);
    });
  }

  void DisarmDeadline() {
    ++deadline_generation_;
    deadline_.cancel();
  }

  void DoHandshake() {
    phase_ = Phase::kHandshake;
    lowest().expires_at(accepted_ + ctx_.options.header_timeout);
    stream_.async_handshake(asio::ssl::stream_base::server, Bind(&Session::OnHandshake));
  }

  void OnHandshake(beast::error_code ec) {
    lowest().expires_never();
    if (ec || stopping_) return CloseNow();
    DoRead();
  }

  // Waits for the next request's first bytes (unless pipelined bytes are already buffered):
  // idle_timeout between requests; for a new connection, what is left of header_timeout since
  // its accept, so that a connection cannot sit on a slot without ever sending a request.
  void DoRead() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(
        ctx_.options.header_limit, std::numeric_limits<std::uint32_t>::max())));
    parser_->body_limit(static_cast<std::uint64_t>(ctx_.options.body_limit));
    timed_out_ = false;
    if (buffer_.size() > 0) return ReadHeader();
    phase_ = Phase::kIdle;
    ArmDeadline(first_request_ ? accepted_ + ctx_.options.header_timeout
                               : std::chrono::steady_clock::now() + ctx_.options.idle_timeout);
    stream_.async_read_some(buffer_.prepare(kFirstReadSize), Bind(&Session::OnFirstBytes));
  }

  void OnFirstBytes(beast::error_code ec, std::size_t bytes) {
    DisarmDeadline();
    // Idle timeout, the peer closing, or Stop(): no request has begun, so nothing to answer.
    if (ec || timed_out_ || stopping_) return CloseNow();
    buffer_.commit(bytes);
    ReadHeader();
  }

  // The header section must be whole within header_timeout (from the accept for a connection's
  // first request), and the whole request within read_timeout of its first byte.
  void ReadHeader() {
    phase_ = Phase::kReading;
    request_started_ = std::chrono::steady_clock::now();
    const auto header_deadline =
        (first_request_ ? accepted_ : request_started_) + ctx_.options.header_timeout;
    first_request_ = false;
    ArmDeadline(std::min(header_deadline, request_started_ + ctx_.options.read_timeout));
    bhttp::async_read_header(stream_, buffer_, *parser_, Bind(&Session::OnHeader));
  }

  void OnHeader(beast::error_code ec, std::size_t /*bytes*/) {
    if (ec) return OnReadError(ec);
    const auto& header = parser_->get();
    // A request whose end cannot be told is refused before any of its body is read, and the
    // connection closed, so that none of its bytes is ever taken for the next request.
    if (FramingFault(header)) {
      DisarmDeadline();
      return RespondAndClose(400);
    }
    header_fields_ = FieldCount(header);
    ArmDeadline(request_started_ + ctx_.options.read_timeout);
    // Clients such as curl wait for 100 Continue before sending a large body.
    if (header.version() >= 11 && !parser_->is_done() &&
        beast::iequals(header[bhttp::field::expect], "100-continue")) {
      asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                        Bind(&Session::OnContinueWritten));
      return;
    }
    ReadBody();
  }

  void OnContinueWritten(beast::error_code ec, std::size_t /*bytes*/) {
    if (ec) return OnReadError(ec);
    ReadBody();
  }

  void ReadBody() { bhttp::async_read(stream_, buffer_, *parser_, Bind(&Session::OnBody)); }

  void OnBody(beast::error_code ec, std::size_t /*bytes*/) {
    if (ec) return OnReadError(ec);
    DisarmDeadline();
    // Beast's parser adds a chunked body's trailer fields to the header fields, where they would
    // pass for headers (X-Forwarded-For, Authorization, ...). Nothing Keyward serves uses request
    // trailers, so a request that sends any is refused rather than trimmed: a client that sends
    // a credential or an address there is not one to serve. See docs/security.md.
    if (parser_->chunked() && FieldCount(parser_->get()) != header_fields_) {
      return RespondAndClose(400);
    }
    Dispatch();
  }

  void OnReadError(beast::error_code ec) {
    DisarmDeadline();
    if (timed_out_) return RespondAndClose(408);
    if (ec == bhttp::error::header_limit) return RespondAndClose(431);
    if (ec == bhttp::error::body_limit) return RespondAndClose(413);
    // The peer went away, mid-request or not: there is no one to answer.
    if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message) {
      return CloseNow();
    }
    if (ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category()) {
      return RespondAndClose(400);
    }
    CloseNow();  // a socket error
  }

  // Lets the handler answer on this strand when it can without blocking (Handler::TryInline);
  // otherwise runs it on the worker pool and the answer comes back to this strand. The tracked
  // executor keeps Run() from returning while a handler is still at work.
  void Dispatch() {
    phase_ = Phase::kHandling;
    request_ = parser_->release();
    method_ = std::string(MethodForLog(request_));
    path_ = PathForLog(request_.target());
    request_context_.received = std::chrono::steady_clock::now();
    if (std::optional<Response> response = CallInline()) return OnHandled(std::move(*response));
    auto work = asio::prefer(executor(), asio::execution::outstanding_work.tracked);
    asio::post(ctx_.workers, [self = this->shared_from_this(), work = std::move(work)]() mutable {
      Answer answer = self->CallHandler();
      asio::post(work, [self, answer = std::move(answer)]() mutable {
        self->OnAnswered(std::move(answer));
      });
    });
  }

  // Runs on this strand: the handler's inline answer, if it has one.
  std::optional<Response> CallInline() {
    try {
      return ctx_.handler.TryInline(request_, request_context_);
    } catch (const std::exception& e) {
      ctx_.logger.Error("handler threw",
                        {{"method", method_}, {"path", path_}, {"error", e.what()}});
    } catch (...) {
      ctx_.logger.Error("handler threw", {{"method", method_}, {"path", path_}});
    }
    return InternalErrorResponse(request_.version(), request_.keep_alive());
  }

  // Runs on a worker thread. Reads request_ while the strand leaves it alone (kHandling).
  Answer CallHandler() {
    try {
      return ctx_.handler.Respond(request_, request_context_);
    } catch (const std::exception& e) {
      ctx_.logger.Error("handler threw",
                        {{"method", method_}, {"path", path_}, {"error", e.what()}});
    } catch (...) {
      ctx_.logger.Error("handler threw", {{"method", method_}, {"path", path_}});
    }
    return Answer{InternalErrorResponse(request_.version(), request_.keep_alive()), {}};
  }

  void OnAnswered(Answer answer) {
    if (!answer.body || !StreamsBody(answer.response.result_int())) {
      return OnHandled(std::move(answer.response));
    }
    producer_ = std::move(answer.body);
    const bool keep_alive = request_.keep_alive() && !stopping_;
    try {
      stream_head_.emplace(PrepareStreamHead(std::move(answer.response), request_, keep_alive));
    } catch (const std::exception& e) {
      ctx_.logger.Error("invalid response",
                        {{"method", method_}, {"path", path_}, {"error", e.what()}});
      producer_ = nullptr;
      return OnHandled(InternalErrorResponse(request_.version(), keep_alive));
    }
    // Record() reads the status and keep-alive of response_.
    response_ = Response{stream_head_->result(), stream_head_->version()};
    response_.keep_alive(stream_head_->keep_alive());
    serializer_.emplace(*stream_head_);
    phase_ = Phase::kStreaming;
    lowest().expires_after(ctx_.options.read_timeout);
    bhttp::async_write_header(stream_, *serializer_, Bind(&Session::OnStreamHeadWritten));
  }

  void OnHandled(Response response) {
    response_ = std::move(response);
    const bool keep_alive = request_.keep_alive() && !stopping_;
    try {
      FinishResponse(response_, request_, keep_alive);
    } catch (const std::exception& e) {
      ctx_.logger.Error("invalid response",
                        {{"method", method_}, {"path", path_}, {"error", e.what()}});
      response_ = InternalErrorResponse(request_.version(), keep_alive);
    }
    Write();
  }

  void RespondAndClose(unsigned status) {
    unsigned version = 11;
    method_.clear();
    path_.clear();
    if (parser_ && parser_->is_header_done()) {
      const auto& header = parser_->get();
      version = header.version();
      method_ = std::string(MethodForLog(header));
      path_ = PathForLog(header.target());
    }
    response_ = TransportErrorResponse(status, version, ctx_.options.body_limit);
    Write();
  }

  void Write() {
    phase_ = Phase::kWriting;
    lowest().expires_after(ctx_.options.read_timeout);
    bhttp::async_write(stream_, response_, Bind(&Session::OnWritten));
  }

  void OnWritten(beast::error_code ec, std::size_t /*bytes*/) {
    lowest().expires_never();
    Record();
    if (ec) return CloseNow();
    if (!response_.keep_alive() || stopping_) return CloseGracefully();
    request_ = {};
    response_ = {};
    DoRead();
  }

  void OnStreamHeadWritten(beast::error_code ec, std::size_t /*bytes*/) {
    lowest().expires_never();
    if (ec) return EndStream(false);
    if (request_.method() == bhttp::verb::head) return EndStream(true);
    ProduceChunk();
  }

  // Asks the producer for the next chunk on the worker pool (it may block on the store); the
  // chunk comes back to this strand, which writes it before asking for another.
  void ProduceChunk() {
    if (stopping_) return EndStream(false);
    auto work = asio::prefer(executor(), asio::execution::outstanding_work.tracked);
    asio::post(ctx_.workers, [self = this->shared_from_this(), work = std::move(work)]() mutable {
      const BodyStep step = self->CallProducer();
      asio::post(work, [self, step] { self->OnChunk(step); });
    });
  }

  // Runs on a worker thread. Uses producer_ and chunk_ while the strand leaves them alone
  // (kStreaming, between ProduceChunk and OnChunk).
  BodyStep CallProducer() {
    try {
      chunk_.clear();
      return producer_(chunk_);
    } catch (const std::exception& e) {
      ctx_.logger.Error("body producer threw",
                        {{"method", method_}, {"path", path_}, {"error", e.what()}});
    } catch (...) {
      ctx_.logger.Error("body producer threw", {{"method", method_}, {"path", path_}});
    }
    return BodyStep::kFailed;
  }

  void OnChunk(BodyStep step) {
    if (step == BodyStep::kFailed) return EndStream(false);
    if (step == BodyStep::kEnd) return WriteLastChunk();
    if (chunk_.empty()) return ProduceChunk();  // an empty chunk would end a chunked body
    lowest().expires_after(ctx_.options.read_timeout);
    if (stream_head_->chunked()) {
      asio::async_write(stream_, bhttp::make_chunk(asio::buffer(chunk_)),
                        Bind(&Session::OnChunkWritten));
    } else {
      asio::async_write(stream_, asio::buffer(chunk_), Bind(&Session::OnChunkWritten));
    }
  }

  void OnChunkWritten(beast::error_code ec, std::size_t /*bytes*/) {
    lowest().expires_never();
    if (ec) return EndStream(false);
    ProduceChunk();
  }

  void WriteLastChunk() {
    // To HTTP/1.0 the body ends when the connection closes.
    if (!stream_head_->chunked()) return EndStream(true);
    lowest().expires_after(ctx_.options.read_timeout);
    asio::async_write(stream_, bhttp::make_chunk_last(), Bind(&Session::OnLastChunkWritten));
  }

  void OnLastChunkWritten(beast::error_code ec, std::size_t /*bytes*/) {
    lowest().expires_never();
    EndStream(!ec);
  }

  // The stream is over. Complete: the body has ended and keep-alive may go on. Cut short (a
  // write failed, the producer failed, or the server is stopping): the connection closes at once
  // without ending the body, so the client cannot take what it got for the whole.
  void EndStream(bool complete) {
    producer_ = nullptr;
    serializer_.reset();
    const bool chunked = stream_head_ && stream_head_->chunked();
    stream_head_.reset();
    chunk_.clear();
    chunk_.shrink_to_fit();
    Record();
    if (!complete) {
      ctx_.logger.Warn("streamed response cut short", {{"method", method_}, {"path", path_}});
      return CloseNow();
    }
    if (!chunked || !response_.keep_alive() || stopping_) return CloseGracefully();
    request_ = {};
    response_ = {};
    DoRead();
  }

  // Latency metric and access log line of the request just answered. Never headers, never the
  // query string.
  void Record() {
    const unsigned status = response_.result_int();
    const std::chrono::duration<double> elapsed =
        std::chrono::steady_clock::now() - request_started_;
    ctx_.metrics.ObserveRequest(method_, status, elapsed.count());
    if (!ctx_.options.access_log) return;
    ctx_.logger.Info("request", {{"method", method_},
                                 {"path", path_},
                                 {"status", status},
                                 {"duration_ms", elapsed.count() * 1000.0},
                                 {"peer", peer_text_}});
  }

  // Sends our FIN (or TLS close_notify), then drains what the peer still sends for a moment.
  void CloseGracefully() {
    phase_ = Phase::kClosing;
    lowest().expires_after(kLingerTimeout);
    if constexpr (kTls) {
      stream_.async_shutdown(
          [self = this->shared_from_this()](beast::error_code) { self->CloseNow(); });
    } else {
      beast::error_code ec;
      lowest().socket().shutdown(tcp::socket::shutdown_send, ec);
      if (ec) return CloseNow();
      Drain();
    }
  }

  void Drain() {
    lowest().async_read_some(asio::buffer(drain_),
                             [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                               if (ec) return self->CloseNow();
                               self->Drain();
                             });
  }

  void CloseNow() {
    phase_ = Phase::kClosing;
    DisarmDeadline();
    lowest().close();
  }

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

}  // namespace

void StartSession(SessionContext& context, tcp::socket socket) {
  if (context.tls != nullptr) {
    std::make_shared<Session<TlsStream>>(context, std::move(socket))->Admit();
  } else {
    std::make_shared<Session<PlainStream>>(context, std::move(socket))->Admit();
  }
}

}  // namespace keyward::http
