// The transport's own answers (when a limit is hit or the handler throws), the final touches on
// every response before it is written, and the path as it may be logged. Pure functions;
// thread-safe.
#pragma once

#include <boost/system/error_code.hpp>

#include <cstddef>
#include <string>
#include <string_view>

#include "http/handler.hpp"

namespace keyward::http {

// The response for a request the transport refuses itself: 400 (malformed HTTP: JSON error
// "invalid_argument" naming `detail`, the fault found), 408 (read timeout: no body), 413 (body
// over `body_limit`: JSON error "payload_too_large") or 431 (header block too large: JSON error
// "invalid_argument" naming the limit, `detail` bytes), in HTTP `version` (10 or 11), always with
// Connection: close and the headers of every API answer (reply.hpp SetApiHeaders).
Response TransportErrorResponse(unsigned status, unsigned version, std::size_t body_limit,
                                std::string_view detail = {});

// What a Beast parse error (boost::beast::http::error) says of the request, for the 400 that
// refuses it: the part of the request at fault, e.g. "bad Content-Length", "a header field value
// with a control character (such as NUL)".
std::string ParseFault(const boost::system::error_code& ec);

// Makes `response` fit to answer `request`: HTTP version, keep-alive, Content-Length; removes
// any Server header (versions are not advertised), the body of a 1xx/204/304, and the body
// (not its Content-Length) of an answer to HEAD. May throw std::exception on an invalid message
// (the caller answers 500).
void FinishResponse(Response& response, const Request& request, bool keep_alive);

// Appends the head of `response` to `out` byte for byte as Beast's serializer writes it: the
// status line (the reason phrase the response holds, else the standard one) and each field as
// stored, "Name: value\r\n", then the blank line.
void SerializeHead(const Response& response, std::string& out);

// Appends to `out` the head the transport writes for `answer` to `request`: the same bytes as
// SerializeHead of a Response with `answer`'s status and fields (standard reason phrase) once
// FinishResponse(response, request, keep_alive) has made it fit, i.e. the fields, then the
// Connection field where the version and `keep_alive` call for one, then Content-Length: 0
// (none for 1xx, 204 and 304), then the blank line. No body follows, even for GET.
void SerializeHeadAnswer(const HeadAnswer& answer, const Request& request, bool keep_alive,
                         std::string& out);

// `target` as it may be logged: the path without its query string or fragment (a token in a
// query string must never reach a log), with every path segment that may carry a secret once
// percent-decoded (secret_scan.hpp MayCarrySecret: "kw_" anywhere, or a long base62 run such as
// a bare secret) replaced by "[redacted]", cut to at most 256 characters.
std::string PathForLog(std::string_view target);

// The request's method as it may be logged: its name when it is one Beast knows (GET, POST, ...
// the registered methods), else "[unknown]", so that a token sent as the method never reaches
// a log.
std::string_view MethodForLog(const boost::beast::http::request_header<>& header);

}  // namespace keyward::http
