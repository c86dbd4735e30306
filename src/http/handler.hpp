// The seam between the HTTP transport (server.hpp: sockets, limits, TLS, threads) and the
// application (router and handlers). The transport parses a request, applies its limits, and
// first offers it to TryInline on the I/O thread; a request TryInline declines goes to Respond
// (by default Handle) on a worker thread, because handlers may block on the store. Handlers must
// be thread-safe.
//
// Streaming: Respond may answer a response head and a BodyProducer instead of a whole body. The
// transport then sends the body with chunked transfer encoding (HTTP/1.1; to HTTP/1.0, as raw
// bytes ended by closing the connection), calling the producer on a worker thread for each chunk
// and writing that chunk on the connection's I/O thread before asking for the next, so one chunk
// at a time is held in memory whatever the body's size.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <string>

namespace keyward::http {

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;

struct RequestContext {
  boost::asio::ip::address peer;  // the socket peer (IPv4-mapped IPv6 is left to core to fold)
  bool tls = false;
  // When the request was received: for one that came whole with its first bytes, when those
  // were read; else when its last bytes were.
  std::chrono::steady_clock::time_point received;
};

// What one call of a BodyProducer did.
enum class BodyStep {
  kChunk,   // `chunk` holds the next piece of the body (an empty piece is skipped)
  kEnd,     // the body is complete; `chunk` is ignored
  kFailed,  // the body cannot be completed (the producer has logged why)
};

// Produces a streamed body one piece at a time: each call replaces `chunk` with the next piece.
// Called on a worker thread, one call at a time (possibly on different threads), and may block.
// After kFailed, or an exception (logged by the transport), the transport closes the connection
// without ending the body, so the client sees a truncated response, never a complete-looking
// one. The transport also cuts a stream short that way when the server is stopping. The producer
// is destroyed on the connection's I/O thread once the stream has ended, however it ended.
using BodyProducer = std::function<BodyStep(std::string& chunk)>;

// What Respond answers: a whole response, or a response head and the producer of its body.
struct Answer {
  // With `body` set: the status and headers only. The transport removes any Content-Length
  // and body it holds and frames the body itself.
  Response response;
  BodyProducer body;  // empty: `response` is whole
};

// An answer made on the I/O thread whose body is empty and whose header fields are already
// serialised (Handler::TryInlineHead): the hot path of forward-auth, which builds no Response.
struct HeadAnswer {
  unsigned status = 0;  // 200..599
  // The header fields, each "Name: value\r\n", in order. Never Content-Length, Connection,
  // Transfer-Encoding or Server: the transport writes what the request and the status call for
  // (an empty body, keep-alive), exactly as it would for a Response holding `fields`.
  std::string fields;
};

// What TryInlineHead did.
enum class InlineHead {
  kAnswered,    // the HeadAnswer is the answer
  kTryInline,   // not this handler's fast path: TryInline is offered the request next
  kWorkerPool,  // the request must go to Respond on the worker pool (TryInline is not called)
};

class Handler {
 public:
  virtual ~Handler() = default;
  // Produces the response for `request`. Runs on a worker thread; may block. Must not throw
  // (the transport answers 500 if it does, and logs it).
  virtual Response Handle(const Request& request, const RequestContext& context) = 0;

  // Like Handle, but may stream the body (see Answer). This is what the transport calls on the
  // worker pool. Must not throw (the transport answers 500 if it does, and logs it). The default
  // answers Handle's response whole. The body of a HEAD request, or of a 1xx, 204 or 304 answer,
  // is never produced.
  virtual Answer Respond(const Request& request, const RequestContext& context) {
    return Answer{Handle(request, context), {}};
  }

  // Answers `request` on the I/O thread when it can without blocking; nullopt hands it to
  // Respond on the worker pool instead. Runs on an I/O thread, so it must never wait (no store,
  // no lock held for long, no sleep): an I/O thread that waits stalls every connection it
  // serves. The answer gets the same finishing touches, limits, metrics and access log as one
  // from Handle. Must not throw (the transport answers 500 if it does, and logs it). The default
  // declines everything.
  virtual std::optional<Response> TryInline(const Request& /*request*/,
                                            const RequestContext& /*context*/) {
    return std::nullopt;
  }

  // Offered every request first, on the I/O thread, under the same rules as TryInline: may
  // answer it with a bodiless HeadAnswer (`answer.fields` is empty on entry; its capacity is the
  // transport's, reused). The answer gets the same limits, metrics and access log as any other,
  // and the same bytes on the wire as the equivalent Response from TryInline would. Must not
  // throw (the transport answers 500 if it does, and logs it). The default passes every request
  // on to TryInline.
  virtual InlineHead TryInlineHead(const Request& /*request*/, const RequestContext& /*context*/,
                                   HeadAnswer& /*answer*/) {
    return InlineHead::kTryInline;
  }
};

}  // namespace keyward::http
