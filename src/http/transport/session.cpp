#include "http/transport/session.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/read_size.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/write.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/net/ip.hpp"
#include "core/text.hpp"
#include "http/reply.hpp"
#include "http/transport/request_framing.hpp"
#include "http/transport/session_internal.hpp"
#include "http/transport/session_responses.hpp"
#include "http/transport/session_stream.hpp"

namespace keyward::http {
namespace session_internal {
namespace {

// How many bytes the wait for a request's first bytes reads at most.
constexpr std::size_t kFirstReadSize = 4096;
// How many bytes one read of the rest of a request asks for at most (as http::async_read does).
constexpr std::size_t kReadSize = 65536;
// How long a closing connection is drained (lingering close), so that a client still sending a
// body it was refused reads our answer instead of a reset.
constexpr std::chrono::seconds kLingerTimeout{1};
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

// Logs the exception a handler threw; called from inside the catch block that caught it.
void LogHandlerThrew(Logger& logger, std::string_view method, const std::string& path) {
  try {
    throw;
  } catch (const std::exception& e) {
    logger.Error("handler threw",
                 {{"method", std::string(method)}, {"path", path}, {"error", e.what()}});
  } catch (...) {
    logger.Error("handler threw", {{"method", std::string(method)}, {"path", path}});
  }
}

}  // namespace

template <class Stream>
Session<Stream>::Session(SessionContext& context, Socket socket)
    : ctx_(context), stream_(MakeStream(context, std::move(socket))), timer_(executor()) {
  boost::system::error_code ec;
  const tcp::endpoint peer = lowest().remote_endpoint(ec);
  request_context_.peer = peer.address();
  request_context_.tls = kTls;
  peer_text_ = ec ? std::string("-") : peer.address().to_string();
  limited_address_ = LimitedAddress(ec ? std::nullopt : core::IpAddress::Parse(peer_text_),
                                    ctx_.options.unlimited_peers);
  lowest().set_option(tcp::no_delay(true), ec);
}

template <class Stream>
Session<Stream>::~Session() {
  if (registered_) {
    ctx_.registry.Remove(this);
    ctx_.metrics.ConnectionClosed();
  }
}

template <class Stream>
void Session<Stream>::Admit() {
  if (ctx_.registry.TryAdd(this->shared_from_this(), limited_address_) !=
      ConnectionRegistry::Admission::kAdmitted) {
    ctx_.metrics.ConnectionRejected();
    CloseNow();
    return;
  }
  registered_ = true;
  ctx_.metrics.ConnectionOpened();
  // Admit() runs on the listener's I/O thread; from here on, everything runs on this
  // connection's (a Shutdown() may already be queued there).
  asio::post(executor(), [self = this->shared_from_this()] { self->Begin(); });
}

template <class Stream>
void Session<Stream>::Shutdown() {
  asio::post(executor(), [self = this->shared_from_this()] { self->OnShutdown(); });
}

template <class Stream>
void Session<Stream>::Begin() {
  if (stopping_) return CloseNow();
  if constexpr (kTls) {
    DoHandshake();
  } else {
    DoRead();
  }
}

template <class Stream>
void Session<Stream>::OnShutdown() {
  stopping_ = true;
  // A request being read or handled is finished; a connection waiting for one is not.
  if (phase_ == Phase::kIdle || phase_ == Phase::kHandshake) CloseNow();
}

template <class Stream>
void Session<Stream>::ArmDeadline(std::chrono::steady_clock::time_point when) {
  deadline_ = when;
  // A wait that ends no later than `when` is already pending: it waits again when it ends.
  if (timer_waiting_ && timer_expiry_ <= when) return;
  StartTimer(when);
}

template <class Stream>
void Session<Stream>::DisarmDeadline() {
  deadline_ = std::chrono::steady_clock::time_point::max();
}

template <class Stream>
void Session<Stream>::StartTimer(std::chrono::steady_clock::time_point when) {
  const std::uint64_t generation = ++timer_generation_;
  timer_expiry_ = when;
  timer_waiting_ = true;
  timer_.expires_at(when);  // cancels a pending wait, which then sees an old generation
  timer_.async_wait([self = this->shared_from_this(), generation](beast::error_code) {
    self->OnTimer(generation);
  });
}

template <class Stream>
void Session<Stream>::OnTimer(std::uint64_t generation) {
  if (generation != timer_generation_) return;
  timer_waiting_ = false;
  if (deadline_ == std::chrono::steady_clock::time_point::max()) return;
  if (std::chrono::steady_clock::now() < deadline_) return StartTimer(deadline_);
  deadline_ = std::chrono::steady_clock::time_point::max();
  timed_out_ = true;
  beast::error_code ignored;
  lowest().cancel(ignored);
}

template <class Stream>
void Session<Stream>::StopTimer() {
  DisarmDeadline();
  ++timer_generation_;
  timer_waiting_ = false;
  timer_.cancel();
}

template <class Stream>
void Session<Stream>::DoHandshake() {
  phase_ = Phase::kHandshake;
  ArmDeadline(accepted_ + ctx_.options.header_timeout);
  stream_.async_handshake(asio::ssl::stream_base::server, Bind(&Session::OnHandshake));
}

template <class Stream>
void Session<Stream>::OnHandshake(beast::error_code ec) {
  DisarmDeadline();
  if (ec || timed_out_ || stopping_) return CloseNow();
  DoRead();
}

template <class Stream>
void Session<Stream>::DoRead() {
  parser_.emplace();
  LimitParser(*parser_, ctx_.options.header_limit, ctx_.options.body_limit);
  header_checked_ = false;
  timed_out_ = false;
  if (buffer_.size() > 0) return ReadHeader();
  phase_ = Phase::kIdle;
  if (first_request_) {
    ArmDeadline(accepted_ + ctx_.options.header_timeout);
  } else {
    // Record read the clock a moment ago, as the answer was written: the idle time starts there.
    const auto now = answered_at_.value_or(std::chrono::steady_clock::now());
    answered_at_.reset();
    ArmDeadline(now + ctx_.options.idle_timeout);
  }
  stream_.async_read_some(buffer_.prepare(kFirstReadSize), Bind(&Session::OnFirstBytes));
}

template <class Stream>
void Session<Stream>::OnFirstBytes(beast::error_code ec, std::size_t bytes) {
  DisarmDeadline();
  // Idle timeout, the peer closing, or Stop(): no request has begun, so nothing to answer.
  if (ec || timed_out_ || stopping_) return CloseNow();
  buffer_.commit(bytes);
  ReadHeader();
}

template <class Stream>
void Session<Stream>::ReadHeader() {
  phase_ = Phase::kReading;
  request_started_ = std::chrono::steady_clock::now();
  read_more_ = false;
  const auto header_deadline =
      (first_request_ ? accepted_ : request_started_) + ctx_.options.header_timeout;
  first_request_ = false;
  ArmDeadline(std::min(header_deadline, request_started_ + ctx_.options.read_timeout));
  Parse();
}

template <class Stream>
void Session<Stream>::Parse() {
  while (!parser_->is_done()) {
    beast::error_code ec = bhttp::error::need_more;
    if (buffer_.size() > 0) {
      ec = {};
      buffer_.consume(parser_->put(buffer_.data(), ec));
    }
    if (ec && ec != bhttp::error::need_more) return OnReadError(ec);
    if (!header_checked_ && parser_->is_header_done() && !OnHeader()) return;
    if (ec) {
      const std::size_t size = beast::read_size(buffer_, kReadSize);
      if (size == 0) return OnReadError(bhttp::error::buffer_overflow);
      read_more_ = true;
      stream_.async_read_some(buffer_.prepare(size), Bind(&Session::OnReadSome));
      return;
    }
  }
  // A request without a body is done with its header section.
  if (!header_checked_ && !OnHeader()) return;
  OnBody();
}

template <class Stream>
void Session<Stream>::OnReadSome(beast::error_code ec, std::size_t bytes) {
  buffer_.commit(bytes);
  if (ec == asio::error::eof) {
    // As http::async_read reports it: the peer closed mid-request, or before it began.
    ec = parser_->got_some() ? beast::error_code(bhttp::error::partial_message)
                             : beast::error_code(bhttp::error::end_of_stream);
  }
  if (ec) return OnReadError(ec);
  Parse();
}

template <class Stream>
bool Session<Stream>::OnHeader() {
  header_checked_ = true;
  const auto& header = parser_->get();
  // A request whose end cannot be told is refused before any of its body is read, and the
  // connection closed, so that none of its bytes is ever taken for the next request.
  if (const std::optional<std::string_view> fault = FramingFault(header)) {
    DisarmDeadline();
    RespondAndClose(400, *fault);
    return false;
  }
  header_fields_ = FieldCount(header);
  ArmDeadline(request_started_ + ctx_.options.read_timeout);
  // Clients such as curl wait for 100 Continue before sending a large body.
  if (header.version() >= 11 && !parser_->is_done() &&
      core::AsciiIEquals(header[bhttp::field::expect], "100-continue")) {
    asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                      Bind(&Session::OnContinueWritten));
    return false;
  }
  return true;
}

template <class Stream>
void Session<Stream>::OnContinueWritten(beast::error_code ec, std::size_t /*bytes*/) {
  if (ec) return OnReadError(ec);
  Parse();
}

template <class Stream>
void Session<Stream>::OnBody() {
  DisarmDeadline();
  // Beast's parser adds a chunked body's trailer fields to the header fields, where they would
  // pass for headers (X-Forwarded-For, Authorization, ...). Nothing Keyward serves uses request
  // trailers, so a request that sends any is refused rather than trimmed: a client that sends
  // a credential or an address there is not one to serve. See docs/security.md.
  if (parser_->chunked() && FieldCount(parser_->get()) != header_fields_) {
    return RespondAndClose(400, "trailer fields after a chunked body");
  }
  Dispatch();
}

template <class Stream>
void Session<Stream>::OnReadError(beast::error_code ec) {
  DisarmDeadline();
  if (timed_out_) return RespondAndClose(408);
  if (const std::optional<unsigned> status = ReadErrorStatus(ec)) {
    if (*status == 431) return RespondAndClose(431, std::to_string(ctx_.options.header_limit));
    if (*status == 400) return RespondAndClose(400, ParseFault(ec));
    return RespondAndClose(*status);
  }
  CloseNow();  // the peer went away, or a socket error: there is no one to answer
}

template <class Stream>
void Session<Stream>::Dispatch() {
  phase_ = Phase::kHandling;
  request_ = parser_->release();
  method_ = MethodForLog(request_);
  path_.reset();
  // A request that came whole with its first bytes (almost every one) was received when
  // ReadHeader read the clock, a moment ago: that reading is used again rather than the clock.
  request_context_.received = read_more_ ? std::chrono::steady_clock::now() : request_started_;
  const std::optional<InlineHead> head = CallInlineHead();
  if (!head) return OnHandled(InternalErrorResponse(request_.version(), request_.keep_alive()));
  switch (*head) {
    case InlineHead::kAnswered:
      return WriteHeadAnswer(request_context_.received);
    case InlineHead::kTryInline:
      break;
    case InlineHead::kWorkerPool:
      return ToWorkers();
  }
  if (std::optional<Response> response = CallInline()) {
    return OnHandled(std::move(*response), request_context_.received);
  }
  ToWorkers();
}

template <class Stream>
void Session<Stream>::ToWorkers() {
  auto work = asio::prefer(executor(), asio::execution::outstanding_work.tracked);
  asio::post(ctx_.workers, [self = this->shared_from_this(), work = std::move(work)]() mutable {
    Answer answer = self->CallHandler();
    asio::post(work, [self, answer = std::move(answer)]() mutable {
      self->OnAnswered(std::move(answer));
    });
  });
}

template <class Stream>
std::optional<InlineHead> Session<Stream>::CallInlineHead() {
  head_answer_.status = 0;
  head_answer_.fields.clear();
  try {
    return ctx_.handler.TryInlineHead(request_, request_context_, head_answer_);
  } catch (...) {
    LogHandlerThrew(ctx_.logger, method_, LogPath());
  }
  return std::nullopt;
}

template <class Stream>
std::optional<Response> Session<Stream>::CallInline() {
  try {
    return ctx_.handler.TryInline(request_, request_context_);
  } catch (...) {
    LogHandlerThrew(ctx_.logger, method_, LogPath());
  }
  return InternalErrorResponse(request_.version(), request_.keep_alive());
}

template <class Stream>
Answer Session<Stream>::CallHandler() {
  try {
    return ctx_.handler.Respond(request_, request_context_);
  } catch (...) {
    LogHandlerThrew(ctx_.logger, method_, LogPath());
  }
  return Answer{InternalErrorResponse(request_.version(), request_.keep_alive()), {}};
}

template <class Stream>
void Session<Stream>::OnAnswered(Answer answer) {
  if (!answer.body || !StreamsBody(answer.response.result_int())) {
    return OnHandled(std::move(answer.response));
  }
  StartStream(std::move(answer));
}

template <class Stream>
void Session<Stream>::OnHandled(Response response,
                                std::optional<std::chrono::steady_clock::time_point> now) {
  response_ = std::move(response);
  const bool keep_alive = request_.keep_alive() && !stopping_;
  try {
    FinishResponse(response_, request_, keep_alive);
  } catch (const std::exception& e) {
    ctx_.logger.Error("invalid response",
                      {{"method", std::string(method_)}, {"path", LogPath()}, {"error", e.what()}});
    response_ = InternalErrorResponse(request_.version(), keep_alive);
  }
  Write(now.value_or(std::chrono::steady_clock::now()));
}

template <class Stream>
void Session<Stream>::RespondAndClose(unsigned status, std::string_view detail) {
  unsigned version = 11;
  method_ = {};
  path_.emplace();
  if (parser_ && parser_->is_header_done()) {
    const auto& header = parser_->get();
    version = header.version();
    method_ = MethodForLog(header);
    path_ = PathForLog(header.target());
  }
  response_ = TransportErrorResponse(status, version, ctx_.options.body_limit, detail);
  Write(std::chrono::steady_clock::now());
}

template <class Stream>
void Session<Stream>::Write(std::chrono::steady_clock::time_point now) {
  phase_ = Phase::kWriting;
  answer_status_ = response_.result_int();
  answer_keep_alive_ = response_.keep_alive();
  ArmDeadline(now + ctx_.options.read_timeout);
  // FinishResponse framed the body with Content-Length (or none, for a bodiless status); a
  // chunked response is left to Beast's serializer.
  if (response_.chunked()) {
    bhttp::async_write(stream_, response_, Bind(&Session::OnWritten));
    return;
  }
  head_.clear();
  SerializeHead(response_, head_);
  const std::string& body = response_.body();
  if constexpr (kTls) {
    // An SSL stream writes one buffer per record: one record for head and body.
    head_ += body;
    asio::async_write(stream_, asio::buffer(head_), Bind(&Session::OnWritten));
  } else {
    const std::array<asio::const_buffer, 2> buffers{asio::buffer(head_), asio::buffer(body)};
    asio::async_write(stream_, buffers, Bind(&Session::OnWritten));
  }
}

template <class Stream>
void Session<Stream>::WriteHeadAnswer(std::chrono::steady_clock::time_point now) {
  phase_ = Phase::kWriting;
  answer_status_ = head_answer_.status;
  answer_keep_alive_ = request_.keep_alive() && !stopping_;
  ArmDeadline(now + ctx_.options.read_timeout);
  head_.clear();
  SerializeHeadAnswer(head_answer_, request_, answer_keep_alive_, head_);
  asio::async_write(stream_, asio::buffer(head_), Bind(&Session::OnWritten));
}

template <class Stream>
void Session<Stream>::OnWritten(beast::error_code ec, std::size_t /*bytes*/) {
  DisarmDeadline();
  Record();
  if (ec) return CloseNow();
  if (!answer_keep_alive_ || stopping_) return CloseGracefully();
  request_ = {};
  response_ = {};
  DoRead();
}

template <class Stream>
void Session<Stream>::Record() {
  const unsigned status = answer_status_;
  const auto now = std::chrono::steady_clock::now();
  answered_at_ = now;
  const std::chrono::duration<double> elapsed = now - request_started_;
  ctx_.metrics.ObserveRequest(method_, status, elapsed.count());
  if (!ctx_.options.access_log) return;
  ctx_.logger.Info("request", {{"method", std::string(method_)},
                               {"path", LogPath()},
                               {"status", status},
                               {"duration_ms", elapsed.count() * 1000.0},
                               {"peer", peer_text_}});
}

template <class Stream>
std::string Session<Stream>::LogPath() const {
  return path_ ? *path_ : PathForLog(request_.target());
}

template <class Stream>
void Session<Stream>::CloseGracefully() {
  phase_ = Phase::kClosing;
  ArmDeadline(std::chrono::steady_clock::now() + kLingerTimeout);
  if constexpr (kTls) {
    stream_.async_shutdown(
        [self = this->shared_from_this()](beast::error_code) { self->CloseNow(); });
  } else {
    beast::error_code ec;
    lowest().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return CloseNow();
    Drain();
  }
}

template <class Stream>
void Session<Stream>::Drain() {
  lowest().async_read_some(asio::buffer(drain_),
                           [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                             if (ec) return self->CloseNow();
                             self->Drain();
                           });
}

template <class Stream>
void Session<Stream>::CloseNow() {
  phase_ = Phase::kClosing;
  StopTimer();
  beast::error_code ignored;
  lowest().close(ignored);
}

// What session_streaming.cpp calls (StartSession instantiates the rest).
template void Session<PlainStream>::ArmDeadline(std::chrono::steady_clock::time_point);
template void Session<TlsStream>::ArmDeadline(std::chrono::steady_clock::time_point);
template void Session<PlainStream>::DisarmDeadline();
template void Session<TlsStream>::DisarmDeadline();
template void Session<PlainStream>::DoRead();
template void Session<TlsStream>::DoRead();
template void Session<PlainStream>::OnHandled(Response,
                                              std::optional<std::chrono::steady_clock::time_point>);
template void Session<TlsStream>::OnHandled(Response,
                                            std::optional<std::chrono::steady_clock::time_point>);
template std::string Session<PlainStream>::LogPath() const;
template std::string Session<TlsStream>::LogPath() const;
template void Session<PlainStream>::Record();
template void Session<TlsStream>::Record();
template void Session<PlainStream>::CloseGracefully();
template void Session<TlsStream>::CloseGracefully();
template void Session<PlainStream>::CloseNow();
template void Session<TlsStream>::CloseNow();

}  // namespace session_internal

void StartSession(SessionContext& context, Socket socket) {
  using session_internal::PlainStream;
  using session_internal::Session;
  using session_internal::TlsStream;
  if (context.tls != nullptr) {
    std::make_shared<Session<TlsStream>>(context, std::move(socket))->Admit();
  } else {
    std::make_shared<Session<PlainStream>>(context, std::move(socket))->Admit();
  }
}

}  // namespace keyward::http
