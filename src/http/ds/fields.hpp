// How the Deep Security dialect reads and writes single values (docs/deep-security.md "Types"):
// integers that may come as numeric strings ("2", as official samples send roleID), null read as
// "not given" (clients send null for fields they do not set), times as integer milliseconds since
// the epoch, and ids in paths. Errors name the field as the request spelt it. Pure functions;
// thread-safe.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "http/router.hpp"

namespace keyward::http::ds {

// An integer member: a JSON integer, or a string of decimal digits with an optional '-' (a
// number with a fraction, or one out of int64's range, is a type error). Absent or null: nullopt.
core::Result<std::optional<std::int64_t>> OptionalInt(const boost::json::object& body,
                                                      std::string_view name);
// A string member; absent or null: nullopt; any other type is a type error.
core::Result<std::optional<std::string>> OptionalString(const boost::json::object& body,
                                                        std::string_view name);
// A boolean member; absent or null: nullopt; any other type is a type error.
core::Result<std::optional<bool>> OptionalBool(const boost::json::object& body,
                                               std::string_view name);
// An integer value read as OptionalInt reads a member, for values inside arrays and nested
// objects; `field` names it in the error.
core::Result<std::int64_t> IntValue(const boost::json::value& value, const std::string& field);

// Milliseconds since the epoch, as the dialect writes times.
std::int64_t EpochMillis(core::Time t);
// The time of `millis` (rounded down to the second Keyward keeps).
core::Time FromEpochMillis(std::int64_t millis);
// `t` as RFC 3339 in UTC ("2026-11-22T06:00:00Z"), the form core's inputs take.
std::string Rfc3339Utc(core::Time t);

// What a role or an account keeps for the dialect (core::Role::attributes,
// core::Account::attributes) as a JSON object: {} when it keeps none (or what it keeps is not an
// object, which the dialect never writes).
boost::json::object StoredAttributes(std::string_view text);

// The integer id in path parameter `name`; nullopt when it is not one (the caller answers 404).
std::optional<std::int64_t> PathId(const RouteMatch& route, std::string_view name);

}  // namespace keyward::http::ds
