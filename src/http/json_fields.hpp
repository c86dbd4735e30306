// The JSON helpers shared by every codec: a request body read as an object, a list envelope,
// single fields read with type checks and unknown-field rejection whose errors name the field as
// the request spelt it, and times in the caller's zone. Pure functions; thread-safe.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"

namespace keyward::http {

// The request body as a JSON object; an empty body is {}. Errors: kMalformedJson when it is not
// JSON, kInvalidArgument when it is JSON but not an object, or when one of its objects (at any
// depth) holds a key twice (naming its path, e.g. "role" or "items[0].name").
core::Result<boost::json::object> ParseBody(std::string_view body);
// A body that takes no fields (enable, disable, lock, unlock, ...): its first member is unknown.
core::Status ParseNoFields(const boost::json::object& body);
// A list envelope {"items": [...], "nextCursor": "..." | null}.
boost::json::object ListJson(boost::json::array items, const std::optional<std::string>& next);

// The time in `zone` (RFC 3339), or null.
boost::json::value TimeOrNull(const std::optional<core::Time>& t, std::string_view zone);

// kInvalidArgument: `field` must be `expected` ("a string").
core::Error WrongType(std::string field, std::string_view expected);
// kInvalidArgument: `field` is required.
core::Error Required(std::string field);

// The first member of `body` not in `known`, as an error naming it.
core::Status OnlyKnownFields(const boost::json::object& body,
                             std::initializer_list<std::string_view> known);

// An optional string member; present but not a string (null included) is a type error.
core::Result<std::optional<std::string>> OptionalString(const boost::json::object& body,
                                                        std::string_view name);
core::Result<std::optional<bool>> OptionalBool(const boost::json::object& body,
                                               std::string_view name);
core::Result<std::optional<std::vector<std::string>>> OptionalStringArray(
    const boost::json::object& body, std::string_view name);
// A role reference: a name, or an id as a string or an integer.
core::Result<std::optional<std::string>> OptionalRoleRef(const boost::json::object& body);

}  // namespace keyward::http
