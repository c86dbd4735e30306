// The native API's JSON: API keys, roles and permissions rendered as API.md shows them, with
// times in the caller's time zone; request bodies read into core's input structs with type
// checks and unknown-field rejection, errors naming the field as the request spelt it.
// Pure functions; thread-safe.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/audit/audit_chain.hpp"
#include "core/clock.hpp"
#include "core/keys/key_service.hpp"
#include "core/net/ip.hpp"
#include "core/permissions.hpp"
#include "core/result.hpp"
#include "core/store/api_key.hpp"
#include "core/store/audit_event.hpp"
#include "core/verification/verifier.hpp"

namespace keyward::http {

// --- Rendering ---

// The API key object of API.md. Lock state, failed attempts and status are read at `now`;
// times are rendered in `zone` (the caller's). Never carries the secret or its digest.
boost::json::object KeyJson(const core::ApiKey& key, core::Time now, std::string_view zone);
// The key object plus "secret": only the create and rotate responses use this.
boost::json::object IssuedKeyJson(const core::IssuedKey& issued, core::Time now,
                                  std::string_view zone);
// {id, name, description, builtIn, permissions: [...]}.
boost::json::object RoleJson(const core::Role& role);
// {name, group, description}.
boost::json::object PermissionJson(const core::PermissionInfo& info);
// The answer of POST /v1/keys/verify: {"valid", "code"} and, once the secret matched (the
// verification carries the key), "keyId", "name", "role" (name, or null for a key whose role
// vanished), "permissions" (the role's, as shown for roles) and "expiresAt" (in `zone`, or null).
boost::json::object VerificationJson(const core::Verification& verification, std::string_view zone);
// An audit event as GET /v1/audit lists it: {id, time (in `zone`), actor, action, target, ip
// (null when none), outcome, details (the details object; its stored text as a string should it
// not be a JSON object), hash}.
boost::json::object AuditEventJson(const core::AuditEvent& event, std::string_view zone);
// The answer of GET /v1/audit/verify: {"ok": true, "events": N}, or with "ok": false also
// "firstBrokenId" (a decimal string) and "reason".
boost::json::object AuditVerificationJson(const core::AuditVerification& verification);
// A list envelope {"items": [...], "nextCursor": "..." | null}.
boost::json::object ListJson(boost::json::array items, const std::optional<std::string>& next);

// --- Reading ---

// The request body as a JSON object; an empty body is {}. Errors: kMalformedJson when it is not
// JSON, kInvalidArgument when it is JSON but not an object, or when one of its objects (at any
// depth) holds a key twice (naming its path, e.g. "role" or "items[0].name").
core::Result<boost::json::object> ParseBody(std::string_view body);

// POST /v1/keys/verify.
struct VerifyInput {
  std::string key;
  std::vector<std::string> permissions;  // each a catalogue or valid free-form name
  std::optional<core::IpAddress> ip;     // the end client's address
};
// {key, permissions?, ip?}: key a string (required; its shape is the chain's to judge),
// permissions an array of permission names (a bad one is 400 naming "permissions[i]"), ip an
// IPv4 or IPv6 address (else 400 naming "ip").
core::Result<VerifyInput> ParseVerify(const boost::json::object& body);

// POST /v1/apikeys: {name, description?, role (id or name), locale?, timeZone?, expiresAt?,
// allowedIps?, enabled?}. name and role are required; "expiresAt": null means no expiry.
core::Result<core::CreateKeyInput> ParseCreateKey(const boost::json::object& body);
// PATCH /v1/apikeys/{id}: any of {name, description, role, locale, timeZone, allowedIps}; an
// "expiresAt" member of any value sets expires_at_given so that core refuses it.
core::Result<core::UpdateKeyInput> ParseUpdateKey(const boost::json::object& body);
// POST /v1/apikeys/{id}/rotate: {gracePeriodSeconds?: integer} -> the grace period, 0 when
// absent. The range is core's to check, except beyond int64 (kGracePeriodRange here).
core::Result<std::int64_t> ParseRotate(const boost::json::object& body);
// A body that takes no fields (enable, disable, lock, unlock): its first member is unknown.
core::Status ParseNoFields(const boost::json::object& body);
// One element of a bulk delete's ids, as given: a string as it is, a number in decimal (1.5, not
// 1.5E0), anything else as its JSON text. Only a string can name a key (API.md: ids are written
// as decimal strings); everything else gets a 404 entry, so 13, 13.0 and 1.3e1 never act on key 13.
struct BulkDeleteId {
  std::string text;
  bool is_string = false;
};
// POST /v1/apikeys/delete: {ids: [...]} (at most core::kMaxListLimit, else 400 naming ids).
core::Result<std::vector<BulkDeleteId>> ParseBulkDelete(const boost::json::object& body);

}  // namespace keyward::http
