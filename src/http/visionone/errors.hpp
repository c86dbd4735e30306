// Errors of the Vision One dialect (docs/vision-one.md "Errors"): every one is
// {"error": {"code", "message", "number"}}, `number` the HTTP status and `code` its name in the
// dialect (BadRequest, Unauthorized, AccessDenied, NotFound, MethodNotAllowed, Conflict,
// PreconditionFailed, PreconditionRequired, TooManyRequests, InternalServerError,
// ServiceUnavailable; RequestEntityTooLarge for completeness, though the transport answers an
// oversized body before the dialect sees it). Core's errors keep core's words (in the caller's
// locale); what only this dialect refuses is worded here, in en-US and ja-JP.
//
// Pure functions over constant data; thread-safe.
#pragma once

#include <boost/json/object.hpp>

#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/locale.hpp"
#include "http/reply.hpp"
#include "http/visionone/filter.hpp"

namespace keyward::http::visionone {

// The dialect's own sentences.
enum class Words {
  kBodyNotArray,   // the body must be a JSON array
  kArrayEmpty,     // ... with at least one item
  kArrayTooLong,   // {0}: the bound
  kItemNotObject,  // an item that is not an object
  kMasterAdministrator,
  kMonthsInvalid,   // monthsToExpiration
  kStatusInvalid,   // {0}: the field ("status")
  kTopInvalid,      // {0}: allowed values
  kOrderByInvalid,  // {0}: allowed values
  kSkipTokenInvalid,
  kIfMatchRequired,
  kIfMatchStale,
  kIdInvalid,  // {0}: the field ("id")
  kFilter,     // {0}: what is wrong, {1}: the position, {2}: the text found there
};

// The HTTP status's code name in the dialect ("BadRequest", ...).
std::string_view CodeName(unsigned status);

// The sentence for `words` in `locale`, with `args` substituted for {0}, {1}, ...
std::string Render(Words words, core::Locale locale, const std::vector<std::string>& args = {});

// The filter error in `locale`: what is wrong, where (1-based) and what was found there.
std::string FilterMessage(const FilterError& error, core::Locale locale);

// The sentence the caller sees for a core error: core's public words in `locale`, or the
// dialect's own sentence carried by a Refusal (codec.hpp).
std::string Message(const core::Error& error, core::Locale locale);

// {"error": {"code", "message", "number"}}.
boost::json::object ErrorBody(unsigned status, std::string message);
// The same for a core error, with core's public words in `locale`.
boost::json::object ErrorBody(const core::Error& error, core::Locale locale);

// Replies: the body above with the headers the status needs (WWW-Authenticate on 401,
// Retry-After on 429).
Reply ErrorReply(unsigned status, std::string message);
Reply ErrorReply(const core::Error& error, core::Locale locale);

}  // namespace keyward::http::visionone
