// The Deep Security dialect's errors (docs/deep-security.md "Errors"): every core::Error as
// {"message": "<sentence>"} with the dialect's status and, where the dialect has words of its own
// ("Invalid API Key", "Not authorized to view API keys.", "The API key does not exist."), those
// words in the caller's locale (en-US or ja-JP). Core's conflicts and invalid input are 400s with
// core's own sentence, its field names spelt as the dialect spells them (name -> keyName, ...).
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/locale.hpp"
#include "http/ds/routes.hpp"
#include "http/reply.hpp"

namespace keyward::http::ds {

// The dialect's own sentences.
enum class Word {
  kInvalidApiKey,           // 401 for every failed key authentication
  kApiVersionMissing,       // 400: no api-version header
  kApiVersionUnsupported,   // 400: api-version other than v1
  kPasswordChangeRequired,  // 403: a session whose one-time password is not changed yet
  kSessionAccessLevel,      // 403: an account that is not console_and_api
  kSignInWithKey,           // 403: login/primary with an API key
};

// `word` in `locale`.
std::string Words(Word word, core::Locale locale);
// "Not authorized to <action> <resources>." in `locale`.
std::string NotAuthorized(Resource resource, Action action, core::Locale locale);
// "The <resource> does not exist." in `locale`.
std::string DoesNotExist(Resource resource, core::Locale locale);

// {"message": message} with `status`.
Reply MessageReply(unsigned status, std::string message);
// The dialect's answer to `error` on a route acting on `resource` with `action`, in `locale`:
// status, {"message"}, and Retry-After on 429. Internal and unavailable errors get a generic
// sentence (their detail is for the log).
Reply ErrorReply(const core::Error& error, core::Locale locale, Resource resource, Action action);
// `error` with the fields and arguments that name a native field renamed to the dialect's name
// for `resource` (e.g. "name" -> "keyName" for an API key).
core::Error DialectNames(core::Error error, Resource resource);

}  // namespace keyward::http::ds
