// The JSON of API keys (docs/api.md "API keys"): keys rendered with times in the caller's time
// zone, and the key calls' request bodies read into core's input structs with type checks and
// unknown-field rejection, errors naming the field as the request spelt it. The body and list
// helpers every codec shares are in http/json_fields.hpp. Pure functions; thread-safe.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/keys/key_service.hpp"
#include "core/result.hpp"
#include "core/store/api_key.hpp"

namespace keyward::http {

// --- Rendering ---

// The API key object of docs/api.md. Lock state, failed attempts and status are read at `now`;
// times are rendered in `zone` (the caller's). Never carries the secret or its digest.
boost::json::object KeyJson(const core::ApiKey& key, core::Time now, std::string_view zone);
// The key object plus "secret": only the create and rotate responses use this.
boost::json::object IssuedKeyJson(const core::IssuedKey& issued, core::Time now,
                                  std::string_view zone);
// GET /v1/apikeys/summary: {byStatus: {enabled, disabled, expired, locked_out},
// expiringWithin30Days, unusedFor90Days, secretOlderThan90Days}, every count a JSON integer.
boost::json::object KeySummaryJson(const core::KeyCounts& counts);

// --- Reading ---

// POST /v1/apikeys: {name, description?, role (id or name), locale?, timeZone?, expiresAt?,
// allowedIps?, enabled?}. name and role are required; "expiresAt": null means no expiry.
core::Result<core::CreateKeyInput> ParseCreateKey(const boost::json::object& body);
// PATCH /v1/apikeys/{id}: any of {name, description, role, locale, timeZone, allowedIps}; an
// "expiresAt" member of any value sets expires_at_given so that core refuses it.
core::Result<core::UpdateKeyInput> ParseUpdateKey(const boost::json::object& body);
// POST /v1/apikeys/{id}/rotate: {gracePeriodSeconds?: integer} -> the grace period, 0 when
// absent. The range is core's to check, except beyond int64 (kGracePeriodRange here).
core::Result<std::int64_t> ParseRotate(const boost::json::object& body);
// One element of a bulk delete's ids, as given: a string as it is, a number in decimal (1.5, not
// 1.5E0), anything else as its JSON text. Only a string can name a key (docs/api.md: ids are
// written as decimal strings); everything else gets a 404 entry, so 13, 13.0 and 1.3e1 never act on
// key 13.
struct BulkDeleteId {
  std::string text;
  bool is_string = false;
};
// POST /v1/apikeys/delete: {ids: [...]} (at most core::kMaxListLimit, else 400 naming ids).
core::Result<std::vector<BulkDeleteId>> ParseBulkDelete(const boost::json::object& body);

}  // namespace keyward::http
