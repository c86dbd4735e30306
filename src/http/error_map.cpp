#include "http/error_map.hpp"

#include <boost/json/object.hpp>

#include <algorithm>
#include <string>

#include "http/secret_scan.hpp"

namespace keyward::http {
namespace {

constexpr std::size_t kMaxEchoLength = 64;

boost::json::object Body(std::string_view code, std::string message, std::string_view field) {
  boost::json::object error;
  error["code"] = code;
  error["message"] = std::move(message);
  if (!field.empty()) error["field"] = field;
  boost::json::object body;
  body["error"] = std::move(error);
  return body;
}

}  // namespace

unsigned HttpStatus(core::ErrorCode code) {
  using core::ErrorCode;
  switch (code) {
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kImmutableField:
    case ErrorCode::kMalformedJson:
      return 400;
    case ErrorCode::kUnauthenticated:
      return 401;
    case ErrorCode::kPermissionDenied:
      return 403;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kAlreadyExists:
    case ErrorCode::kReadOnly:
    case ErrorCode::kConflict:
    case ErrorCode::kInUse:
    case ErrorCode::kLastMasterAdministrator:
      return 409;
    case ErrorCode::kPayloadTooLarge:
      return 413;
    case ErrorCode::kRateLimited:
      return 429;
    case ErrorCode::kUnavailable:
      return 503;
    case ErrorCode::kInternal:
      return 500;
  }
  return 500;
}

std::string PublicMessage(const core::Error& error, core::Locale locale) {
  switch (error.code) {
    case core::ErrorCode::kInternal:
      return core::RenderMessage(core::Msg::kInternal, locale, {});
    case core::ErrorCode::kUnavailable:
      // A store fault names its cause (never a path or SQL): the caller knows what to wait for.
      if (error.msg == core::Msg::kStoreFull || error.msg == core::Msg::kStoreLocked ||
          error.msg == core::Msg::kStoreRemoved || error.msg == core::Msg::kStoreUnreachable) {
        return core::RenderMessage(error.msg, locale, {});
      }
      return core::RenderMessage(core::Msg::kUnavailable, locale, {});
    case core::ErrorCode::kUnauthenticated:
      // Console sign-in and sessions say what to do (their answers are the same whatever the
      // reason too); every failed key authentication reads the same (docs/api.md "Errors").
      if (error.msg == core::Msg::kSignInFailed || error.msg == core::Msg::kSessionEnded ||
          error.msg == core::Msg::kSessionRequired) {
        return error.Message(locale);
      }
      return core::RenderMessage(core::Msg::kUnauthenticated, locale, {});
    default:
      return error.Message(locale);
  }
}

std::string LogDetail(const core::Error& error) {
  std::string out = core::CodeName(error.code);
  for (const std::string& arg : error.args) out += ": " + arg;
  return out;
}

Reply ErrorReply(const core::Error& error, core::Locale locale) {
  const unsigned status = HttpStatus(error.code);
  // The field of an internal error could name storage internals; it is not the caller's fault.
  const bool server_fault = status >= 500;
  Reply reply =
      Reply::Json(status, Body(core::CodeName(error.code), PublicMessage(error, locale),
                               server_fault ? std::string{} : core::BoundEcho(error.field)));
  if (status == 401) reply.headers.emplace_back("WWW-Authenticate", "Bearer");
  if (status == 429) reply.headers.emplace_back("Retry-After", std::to_string(kRetryAfterSeconds));
  return reply;
}

Reply MethodNotAllowedReply(std::string_view method, std::string allow, core::Locale locale) {
  Reply reply = Reply::Json(
      405, Body("method_not_allowed",
                core::RenderMessage(core::Msg::kMethodNotAllowed, locale, {SafeEcho(method)}), {}));
  reply.headers.emplace_back("Allow", std::move(allow));
  return reply;
}

std::string SafeEcho(std::string_view text) {
  const bool printable = std::all_of(text.begin(), text.end(), [](char c) {
    return static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f;
  });
  // Decoded first: a percent-encoded token is a token too.
  const bool token_like = MayCarrySecret(text);
  if (!printable || token_like || text.size() > kMaxEchoLength) return "(omitted)";
  return std::string(text);
}

}  // namespace keyward::http
