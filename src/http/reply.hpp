// Reply: what an application handler answers, before it becomes a Beast response — a status, a
// body already serialised, its content type and any extra headers. Handlers return Replies so
// they are tested without Beast's message types. Plain value type.
#pragma once

#include <boost/json/value.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/handler.hpp"

namespace keyward::http {

struct Reply {
  unsigned status = 200;
  std::string body;  // empty for 204
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;

  // `status` with `body` serialised as JSON.
  static Reply Json(unsigned status, const boost::json::value& body);
  // 204 with no body.
  static Reply NoContent();
  // `status` with a plain body of `content_type`.
  static Reply Text(unsigned status, std::string body, std::string content_type);

  // The first header named `name` (ASCII case-insensitive), or an empty view.
  std::string_view Header(std::string_view name) const;
};

// The Beast response for `reply`, answering a request of HTTP `version` with `keep_alive`.
// API responses are never cached: they may carry a secret (create, rotate).
Response ToResponse(Reply reply, unsigned version, bool keep_alive);

}  // namespace keyward::http
