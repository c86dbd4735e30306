// A streamed answer (handler.hpp, Answer with a BodyProducer) written on a session's I/O thread:
// the head, then each chunk produced on the worker pool and written before the next is asked for,
// then the last chunk. The Session's other parts are in session.cpp.
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/write.hpp>

#include <chrono>
#include <exception>
#include <memory>
#include <utility>

#include "http/reply.hpp"
#include "http/transport/session_internal.hpp"
#include "http/transport/session_stream.hpp"

namespace keyward::http::session_internal {

template <class Stream>
void Session<Stream>::StartStream(Answer&& answer) {
  producer_ = std::move(answer.body);
  const bool keep_alive = request_.keep_alive() && !stopping_;
  try {
    stream_head_.emplace(PrepareStreamHead(std::move(answer.response), request_, keep_alive));
  } catch (const std::exception& e) {
    ctx_.logger.Error("invalid response",
                      {{"method", std::string(method_)}, {"path", LogPath()}, {"error", e.what()}});
    producer_ = nullptr;
    return OnHandled(InternalErrorResponse(request_.version(), keep_alive));
  }
  // For Record() and EndStream.
  answer_status_ = stream_head_->result_int();
  answer_keep_alive_ = stream_head_->keep_alive();
  serializer_.emplace(*stream_head_);
  phase_ = Phase::kStreaming;
  ArmDeadline(std::chrono::steady_clock::now() + ctx_.options.read_timeout);
  bhttp::async_write_header(stream_, *serializer_, Bind(&Session::OnStreamHeadWritten));
}

template <class Stream>
void Session<Stream>::OnStreamHeadWritten(beast::error_code ec, std::size_t /*bytes*/) {
  DisarmDeadline();
  if (ec) return EndStream(false);
  if (request_.method() == bhttp::verb::head) return EndStream(true);
  ProduceChunk();
}

template <class Stream>
void Session<Stream>::ProduceChunk() {
  if (stopping_) return EndStream(false);
  auto work = asio::prefer(executor(), asio::execution::outstanding_work.tracked);
  asio::post(ctx_.workers, [self = this->shared_from_this(), work = std::move(work)]() mutable {
    const BodyStep step = self->CallProducer();
    asio::post(work, [self, step] { self->OnChunk(step); });
  });
}

template <class Stream>
BodyStep Session<Stream>::CallProducer() {
  try {
    chunk_.clear();
    return producer_(chunk_);
  } catch (const std::exception& e) {
    ctx_.logger.Error("body producer threw",
                      {{"method", std::string(method_)}, {"path", LogPath()}, {"error", e.what()}});
  } catch (...) {
    ctx_.logger.Error("body producer threw",
                      {{"method", std::string(method_)}, {"path", LogPath()}});
  }
  return BodyStep::kFailed;
}

template <class Stream>
void Session<Stream>::OnChunk(BodyStep step) {
  if (step == BodyStep::kFailed) return EndStream(false);
  if (step == BodyStep::kEnd) return WriteLastChunk();
  if (chunk_.empty()) return ProduceChunk();  // an empty chunk would end a chunked body
  ArmDeadline(std::chrono::steady_clock::now() + ctx_.options.read_timeout);
  if (stream_head_->chunked()) {
    asio::async_write(stream_, bhttp::make_chunk(asio::buffer(chunk_)),
                      Bind(&Session::OnChunkWritten));
  } else {
    asio::async_write(stream_, asio::buffer(chunk_), Bind(&Session::OnChunkWritten));
  }
}

template <class Stream>
void Session<Stream>::OnChunkWritten(beast::error_code ec, std::size_t /*bytes*/) {
  DisarmDeadline();
  if (ec) return EndStream(false);
  ProduceChunk();
}

template <class Stream>
void Session<Stream>::WriteLastChunk() {
  // To HTTP/1.0 the body ends when the connection closes.
  if (!stream_head_->chunked()) return EndStream(true);
  ArmDeadline(std::chrono::steady_clock::now() + ctx_.options.read_timeout);
  asio::async_write(stream_, bhttp::make_chunk_last(), Bind(&Session::OnLastChunkWritten));
}

template <class Stream>
void Session<Stream>::OnLastChunkWritten(beast::error_code ec, std::size_t /*bytes*/) {
  DisarmDeadline();
  EndStream(!ec);
}

template <class Stream>
void Session<Stream>::EndStream(bool complete) {
  producer_ = nullptr;
  serializer_.reset();
  const bool chunked = stream_head_ && stream_head_->chunked();
  stream_head_.reset();
  chunk_.clear();
  chunk_.shrink_to_fit();
  Record();
  if (!complete) {
    ctx_.logger.Warn("streamed response cut short",
                     {{"method", std::string(method_)}, {"path", LogPath()}});
    return CloseNow();
  }
  if (!chunked || !answer_keep_alive_ || stopping_) return CloseGracefully();
  request_ = {};
  response_ = {};
  DoRead();
}

// What session.cpp calls.
template void Session<PlainStream>::StartStream(Answer&&);
template void Session<TlsStream>::StartStream(Answer&&);

}  // namespace keyward::http::session_internal
