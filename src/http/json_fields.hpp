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

// Whether a request body is searched for credentials typed where none belongs (RefuseSecrets).
// Sign-in alone reads its body unsearched: its email and password are checked and never kept,
// and a token typed as the email is answered like any wrong email.
enum class SecretScan { kRefuse, kNone };

// The request body as a JSON object; an empty body is {}. Errors: kMalformedJson when it is not
// JSON, kInvalidArgument when it is JSON but not an object, when it carries a credential where
// none belongs (RefuseSecrets), or when one of its objects (at any depth) holds a key twice
// (naming its path, e.g. "role" or "items[0].name").
core::Result<boost::json::object> ParseBody(std::string_view body,
                                            SecretScan scan = SecretScan::kRefuse);
// kInvalidArgument (kSecretInField, naming the path, never the value) when a string of `body`, or
// a member name, looks like a token or a secret (core/secret_shape.hpp LooksLikeSecret): a value
// typed into a name, a description or an address would be kept, answered, audited and forwarded.
// Members that carry a credential by design are not searched: `key` (POST /v1/keys/verify), the
// passwords (`password`, `currentPassword`, `newPassword`) and the Deep Security dialect's
// `secretKey` (ignored when a client sends a key object back). A member name that looks like a
// secret is named "(omitted)". Paths read as FindDuplicateKey's ("[0].name" in an array body).
core::Status RefuseSecrets(const boost::json::value& body);
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
