#include "http/reply.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cctype>

namespace keyward::http {

Reply Reply::Json(unsigned status, const boost::json::value& body) {
  Reply reply;
  reply.status = status;
  reply.body = boost::json::serialize(body);
  return reply;
}

Reply Reply::NoContent() {
  Reply reply;
  reply.status = 204;
  reply.content_type.clear();
  return reply;
}

Reply Reply::Text(unsigned status, std::string body, std::string content_type) {
  Reply reply;
  reply.status = status;
  reply.body = std::move(body);
  reply.content_type = std::move(content_type);
  return reply;
}

std::string_view Reply::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    const bool same = std::equal(
        key.begin(), key.end(), name.begin(), name.end(),
        [](unsigned char a, unsigned char b) { return std::tolower(a) == std::tolower(b); });
    if (same) return value;
  }
  return {};
}

Response ToResponse(Reply reply, unsigned version, bool keep_alive) {
  namespace bh = boost::beast::http;
  Response response{static_cast<bh::status>(reply.status), version};
  if (!reply.content_type.empty()) response.set(bh::field::content_type, reply.content_type);
  response.set(bh::field::cache_control, "no-store");
  for (auto& [name, value] : reply.headers) response.set(name, value);
  response.body() = std::move(reply.body);
  response.keep_alive(keep_alive);
  response.prepare_payload();
  return response;
}

}  // namespace keyward::http
