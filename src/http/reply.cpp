#include "http/reply.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cctype>
#include <optional>
#include <utility>

#include "core/locale.hpp"

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

Reply Reply::Stream(unsigned status, std::string content_type, BodyProducer producer) {
  Reply reply;
  reply.status = status;
  reply.content_type = std::move(content_type);
  reply.stream = std::move(producer);
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

namespace {

namespace bh = boost::beast::http;

Response Head(Reply& reply, unsigned version, bool keep_alive) {
  Response response{static_cast<bh::status>(reply.status), version};
  if (!reply.content_type.empty()) response.set(bh::field::content_type, reply.content_type);
  for (auto& [name, value] : reply.headers) response.set(name, value);
  response.keep_alive(keep_alive);
  return response;
}

// The whole body `producer` streams; nullopt when it fails.
std::optional<std::string> Drain(const BodyProducer& producer) {
  std::string body;
  std::string chunk;
  for (;;) {
    chunk.clear();
    switch (producer(chunk)) {
      case BodyStep::kChunk:
        body += chunk;
        break;
      case BodyStep::kEnd:
        return body;
      case BodyStep::kFailed:
        return std::nullopt;
    }
  }
}

}  // namespace

Reply ReplyOf(const Response& response) {
  namespace bh = boost::beast::http;
  Reply reply;
  reply.status = response.result_int();
  reply.body = response.body();
  reply.content_type = std::string(response[bh::field::content_type]);
  for (const auto& field : response) {
    if (field.name() == bh::field::content_length || field.name() == bh::field::content_type) {
      continue;
    }
    reply.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  return reply;
}

Response ToResponse(Reply reply, unsigned version, bool keep_alive) {
  if (reply.stream) {
    std::optional<std::string> body = Drain(reply.stream);
    if (!body) return InternalErrorResponse(version, keep_alive);
    reply.body = std::move(*body);
  }
  Response response = Head(reply, version, keep_alive);
  response.body() = std::move(reply.body);
  response.prepare_payload();
  return response;
}

Answer ToAnswer(Reply reply, unsigned version, bool keep_alive) {
  if (!reply.stream) return Answer{ToResponse(std::move(reply), version, keep_alive), {}};
  Response head = Head(reply, version, keep_alive);
  return Answer{std::move(head), std::move(reply.stream)};
}

void SetApiHeaders(Response& response) {
  response.set(boost::beast::http::field::cache_control, "no-store");
  response.set("X-Content-Type-Options", "nosniff");
}

Response JsonErrorResponse(unsigned status, unsigned version, core::ErrorCode code, core::Msg msg,
                           std::vector<std::string> args) {
  boost::json::object error;
  error["code"] = core::CodeName(code);
  error["message"] = core::RenderMessage(msg, core::Locale::kEnUs, args);
  boost::json::object body;
  body["error"] = std::move(error);
  Response response{static_cast<boost::beast::http::status>(status), version};
  response.set(boost::beast::http::field::content_type, "application/json");
  SetApiHeaders(response);
  response.body() = boost::json::serialize(body);
  return response;
}

Response InternalErrorResponse(unsigned version, bool keep_alive) {
  Response response =
      JsonErrorResponse(500, version, core::ErrorCode::kInternal, core::Msg::kInternal, {});
  response.keep_alive(keep_alive);
  response.prepare_payload();
  return response;
}

}  // namespace keyward::http
