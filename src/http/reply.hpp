// Reply: what an application handler answers, before it becomes a Beast response — a status, a
// body already serialised (or the producer of a streamed body), its content type and any extra
// headers. Handlers return Replies so they are tested without Beast's message types. Plain value
// type (movable; copyable unless its producer is not).
#pragma once

#include <boost/json/value.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "core/messages.hpp"
#include "http/handler.hpp"

namespace keyward::http {

struct Reply {
  unsigned status = 200;
  std::string body;  // empty for 204
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  // When set, the body is streamed (handler.hpp, BodyProducer) and `body` is ignored.
  BodyProducer stream;

  // `status` with `body` serialised as JSON.
  static Reply Json(unsigned status, const boost::json::value& body);
  // 204 with no body.
  static Reply NoContent();
  // `status` with a plain body of `content_type`.
  static Reply Text(unsigned status, std::string body, std::string content_type);
  // `status` with a body of `content_type` that `producer` streams.
  static Reply Stream(unsigned status, std::string content_type, BodyProducer producer);

  // The first header named `name` (ASCII case-insensitive), or an empty view.
  std::string_view Header(std::string_view name) const;
};

// The Beast response for `reply`, answering a request of HTTP `version` with `keep_alive`. A
// streamed reply's body is produced here in full (for callers that need it whole); a failing
// producer makes it a 500 (ToResponse's callers log nothing more: the producer has).
Response ToResponse(Reply reply, unsigned version, bool keep_alive);

// `response` as a Reply (for a handler that answers with a Beast response, e.g. forward-auth). Its
// Content-Length is ToResponse's to set again.
Reply ReplyOf(const Response& response);

// The transport's answer for `reply`: as ToResponse for a whole reply; for a streamed one, its
// head (status and headers, no Content-Length) and its producer, left to the transport to run.
Answer ToAnswer(Reply reply, unsigned version, bool keep_alive);

// Sets the headers every API answer carries, whatever its route or status (docs/api.md "No
// caching"): Cache-Control: no-store, because an answer may hold a secret (create, rotate, a
// one-time password) and none is meant to be kept, and X-Content-Type-Options: nosniff, so that
// no browser reads a JSON body as anything else. The front door sets them on all its API
// answers; JsonErrorResponse on its own.
void SetApiHeaders(Response& response);

// A JSON error response, {"error":{"code":...,"message":...}} in en-US, for an answer given
// before any caller (and so any caller locale) is known, with the API headers
// (SetApiHeaders). No keep-alive or length set.
Response JsonErrorResponse(unsigned status, unsigned version, core::ErrorCode code, core::Msg msg,
                           std::vector<std::string> args);

// 500 with the JSON error body {"error":{"code":"internal","message":"an internal error
// occurred"}}, for a handler that threw or a streamed body that failed before it started.
Response InternalErrorResponse(unsigned version, bool keep_alive);

}  // namespace keyward::http
