// The framing of a streamed response (handler.hpp, Answer with a BodyProducer): the head as it is
// written, made fit for the request it answers. Pure functions; thread-safe.
#pragma once

#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>

#include "http/handler.hpp"

namespace keyward::http {

// A streamed response's head: the body follows as chunks (or raw bytes to HTTP/1.0).
using StreamHead = boost::beast::http::response<boost::beast::http::empty_body>;

// Whether a streamed answer of `status` to `request` is sent as a streamed body at all: not for
// a 1xx, 204 or 304 status, which have no body (the transport sends such an answer whole,
// without producing the body).
bool StreamsBody(unsigned status);

// The head of `response` (Answer::response; its body is dropped) made fit to answer `request`:
// HTTP version, keep-alive, no Server header, no Content-Length. To HTTP/1.1 the body is chunked
// (Transfer-Encoding: chunked); to HTTP/1.0, which has no chunks, the body runs to the end of the
// connection, so keep-alive is off. May throw std::exception on an invalid message.
StreamHead PrepareStreamHead(Response response, const Request& request, bool keep_alive);

}  // namespace keyward::http
