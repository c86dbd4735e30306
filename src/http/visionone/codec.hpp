// The Vision One dialect's JSON (docs/vision-one.md "API key object"): a key as the dialect shows
// it (every field a string, never null), its status rule, its ETag and the If-Match rule, the
// expiry of a new key, and the bodies of create and PATCH read with errors naming the field.
//
// Pure functions; thread-safe.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/locale.hpp"
#include "core/result.hpp"
#include "core/store/api_key.hpp"
#include "http/visionone/filter.hpp"

namespace keyward::http::visionone {

// "enabled" when the key authenticates at `now` (enabled, not expired, not locked out, not an
// account's suspended token); "disabled" otherwise.
std::string_view StatusName(const core::ApiKey& key, core::Time now);

// ISO 8601 UTC with second precision ("2026-11-22T06:00:00Z"), or "" for no time.
std::string UtcOrEmpty(const std::optional<core::Time>& t);

// The key object: id, name, description, role, status, expiredDateTime, lastUsedDateTime,
// createdDateTime; all strings.
boost::json::object KeyJson(const core::ApiKey& key, core::Time now);

// The fields a TMV1-Filter reads, as KeyJson shows them.
FilterSubject SubjectOf(const core::ApiKey& key, core::Time now);

// The key's ETag, quoted ("\"<32 hex>\""): a digest of its id and editable state (name,
// description, role, status), so using the key (lastUsed) never makes it stale.
std::string ETagOf(const core::ApiKey& key, core::Time now);

// Whether an If-Match header value names `etag` (quoted): with or without the surrounding
// quotes, spaces around ignored. A list, `*` and weak tags (W/) never match.
bool IfMatchMatches(std::string_view if_match, std::string_view etag);

// `now` plus `months` calendar months in UTC; a day the target month lacks becomes its last day
// (31 January + 1 month = 28 or 29 February). nullopt for 0 (never expires).
std::optional<core::Time> ExpiryAfterMonths(core::Time now, int months);

// An own-words refusal as a core error (code kInvalidArgument unless given): the message already
// rendered in the caller's locale, which ErrorBody shows as is.
core::Error Refusal(std::string message, std::string field = {},
                    core::ErrorCode code = core::ErrorCode::kInvalidArgument);

// One item of a create body.
struct CreateItem {
  std::string name;
  std::string role;  // a role name
  int months = 0;    // monthsToExpiration
  std::optional<std::string> description;
  std::optional<bool> enabled;  // from status
};
// Errors name the field: not an object, unknown field, missing name / role /
// monthsToExpiration, wrong type, a months value other than 0, 1, 3, 6, 12, a bad status.
core::Result<CreateItem> ParseCreateItem(const boost::json::value& item, core::Locale locale);

// A PATCH body.
struct PatchInput {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<std::string> role;  // a role name
  std::optional<bool> enabled;      // from status
  bool expiry_given = false;        // monthsToExpiration or expiredDateTime: immutable
};
core::Result<PatchInput> ParsePatch(const boost::json::object& body, core::Locale locale);

// A JSON array body (create, delete). Errors: not JSON; not an array; empty; more than
// `max_items`; an object holding a key twice.
core::Result<boost::json::array> ParseArrayBody(std::string_view body, std::size_t max_items,
                                                core::Locale locale);

}  // namespace keyward::http::visionone
