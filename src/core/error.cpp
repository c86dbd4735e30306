#include "core/error.hpp"

namespace keyward::core {

const char* CodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "invalid_argument";
    case ErrorCode::kImmutableField:
      return "immutable_field";
    case ErrorCode::kMalformedJson:
      return "malformed_json";
    case ErrorCode::kUnauthenticated:
      return "unauthenticated";
    case ErrorCode::kPermissionDenied:
      return "permission_denied";
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kAlreadyExists:
      return "already_exists";
    case ErrorCode::kReadOnly:
      return "read_only";
    case ErrorCode::kConflict:
      return "conflict";
    case ErrorCode::kInUse:
      return "in_use";
    case ErrorCode::kLastMasterAdministrator:
      return "last_master_administrator";
    case ErrorCode::kPayloadTooLarge:
      return "payload_too_large";
    case ErrorCode::kRateLimited:
      return "rate_limited";
    case ErrorCode::kUnavailable:
      return "unavailable";
    case ErrorCode::kInternal:
      return "internal";
  }
  return "internal";
}

std::string Error::Message(Locale locale) const { return RenderMessage(msg, locale, args); }

Error MakeError(ErrorCode code, Msg msg, std::vector<std::string> args, std::string field) {
  return Error{code, msg, std::move(args), std::move(field)};
}

}  // namespace keyward::core
