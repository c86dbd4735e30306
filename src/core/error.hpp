// Error: what went wrong, as a code every surface maps to its own status, a message id that is
// rendered in the caller's language, and the request field at fault when there is one.
// Plain value type; thread-compatible.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/locale.hpp"
#include "core/messages.hpp"

namespace keyward::core {

enum class ErrorCode {
  kInvalidArgument,
  kImmutableField,
  kMalformedJson,
  kUnauthenticated,
  kPermissionDenied,
  kNotFound,
  kAlreadyExists,
  kReadOnly,
  kConflict,
  kInUse,
  kLastMasterAdministrator,
  kPayloadTooLarge,
  kRateLimited,
  kUnavailable,
  kInternal,
};

// The wire name of a code, e.g. "invalid_argument".
const char* CodeName(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  Msg msg = Msg::kInternal;
  // Values substituted into the message template ({0}, {1}, ...). Never a secret.
  std::vector<std::string> args;
  // The request field at fault, named as in the request (e.g. "allowedIps[1]"), or empty.
  std::string field;

  // The message in the given language.
  std::string Message(Locale locale = Locale::kEnUs) const;

  // Returns a copy whose field is `name` (used when a shared validator learns its field late).
  Error WithField(std::string name) const {
    Error e = *this;
    e.field = std::move(name);
    return e;
  }
};

// Shorthand constructors.
Error MakeError(ErrorCode code, Msg msg, std::vector<std::string> args = {},
                std::string field = {});
inline Error InvalidArgument(Msg msg, std::string field, std::vector<std::string> args = {}) {
  return MakeError(ErrorCode::kInvalidArgument, msg, std::move(args), std::move(field));
}
inline Error Internal(std::string detail) {
  return MakeError(ErrorCode::kInternal, Msg::kInternal, {std::move(detail)});
}
inline Error Unavailable(std::string detail) {
  return MakeError(ErrorCode::kUnavailable, Msg::kUnavailable, {std::move(detail)});
}

}  // namespace keyward::core
