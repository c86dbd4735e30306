// Checks on a request's header section, made before its body is read, that decide whether the
// transport can tell where the request ends and whom it is for (RFC 9112 sections 3.2, 6.1 and
// 6.3). A request that fails one is answered 400 and its connection closed: when the end of a
// body cannot be told reliably, the bytes after the header could otherwise be read as the next
// request on the connection (request smuggling). See docs/security.md "HTTP transport attacks".
// Pure functions; thread-safe.
#pragma once

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <cstddef>
#include <optional>
#include <string_view>

namespace keyward::http {

using RequestHeader = boost::beast::http::request_header<>;
using RequestParser = boost::beast::http::request_parser<boost::beast::http::string_body>;

// Sets the limits a connection reads a request under on a fresh `parser`: `header_limit` bytes
// of request line and header fields (capped at what Beast can count), `body_limit` bytes of
// decoded body. The transport and the http_request fuzz target read with this one setup.
void LimitParser(RequestParser& parser, std::size_t header_limit, std::size_t body_limit);

// The status a request is refused with when reading it failed with `ec` (the read did not time
// out): 431 past the header limit, 413 past the body limit, 400 for any other HTTP syntax error
// (a bad request line, field or chunk); nullopt when there is no one to answer (the peer closed
// or the socket failed), and the connection is closed silently.
std::optional<unsigned> ReadErrorStatus(boost::beast::error_code ec);

// Why `header` must be refused, as a short English reason, or nullopt when it may be served:
// - Transfer-Encoding present but not exactly one "chunked" (case-insensitive) over all its
//   fields: "identity", "gzip", "xchunked", "chunked, identity", "gzip, chunked" and two
//   Transfer-Encoding fields are all refused. Keyward decodes no other transfer coding, and a
//   coding list that does not end in chunked leaves the body's length unknown (section 6.3).
// - Transfer-Encoding in an HTTP/1.0 request (section 6.1: 1.0 has no transfer codings, so an
//   intermediary may have framed the body differently).
// - An HTTP/1.1 request without exactly one Host field (section 3.2).
std::optional<std::string_view> FramingFault(const RequestHeader& header);

// How many fields `header` holds. The transport counts them when the header section is done
// and again when a chunked body is done: Beast's parser adds a chunked body's trailer fields to
// the same field list, so a larger count means the request sent trailer fields.
std::size_t FieldCount(const RequestHeader& header);

}  // namespace keyward::http
