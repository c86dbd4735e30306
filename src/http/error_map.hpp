// The one place where core's error codes become HTTP: the status of each code (docs/api.md
// "Errors"), the JSON error body {"error": {"code", "message", "field"?}} with the message in the
// caller's language, and the headers a status needs (WWW-Authenticate on 401, Retry-After on
// 429). Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/locale.hpp"
#include "http/reply.hpp"

namespace keyward::http {

// Seconds a rate-limited client is told to wait: the per-client throttle counts per minute.
inline constexpr int kRetryAfterSeconds = 60;

// The HTTP status for `code`.
unsigned HttpStatus(core::ErrorCode code);

// The sentence a caller sees for `error` in `locale`. Internal and unavailable errors get their
// generic sentence whatever detail they carry: details are for the log, never for the caller.
std::string PublicMessage(const core::Error& error, core::Locale locale);

// What `error` says for the log only, never for a caller: its code and detail arguments
// ("internal: exception"). Core puts no secret in an error's arguments.
std::string LogDetail(const core::Error& error);

// The error reply for `error`: status, body and the headers its status needs.
Reply ErrorReply(const core::Error& error, core::Locale locale);

// 405 for a path that exists without `method`; `allow` is the Allow header's value. Its code is
// "method_not_allowed": routing, not the domain, refused the call.
Reply MethodNotAllowedReply(std::string_view method, std::string allow, core::Locale locale);

// Text that names what the caller sent, safe to put in a message: at most 64 printable ASCII
// characters that hold no token or bare secret once percent-decoded (a token pasted into a path
// must not echo back, encoded or not); otherwise a placeholder.
std::string SafeEcho(std::string_view text);

}  // namespace keyward::http
