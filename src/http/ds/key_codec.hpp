// The Deep Security dialect's ApiKey (docs/deep-security.md "API keys"): a Keyward key rendered
// as the dialect's object (ID, keyName, ..., times in epoch milliseconds, `active` read from the
// key's enabled flag and lock state), the create and modify bodies read into core's inputs
// (unknown members ignored, a wrongly typed one a 400 naming it, roleID as an integer or a
// numeric string), and the key's values for the search language. Pure functions; thread-safe.
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "core/clock.hpp"
#include "core/keys/key_service.hpp"
#include "core/result.hpp"
#include "core/store/api_key.hpp"
#include "http/ds/search.hpp"

namespace keyward::http::ds {

// ApiKeyCurrent's fixed values: Keyward has one tenant.
inline constexpr std::int64_t kTenantId = 0;
inline constexpr std::string_view kTenantGuid = "00000000-0000-0000-0000-000000000000";
inline constexpr std::string_view kRoleUrnPrefix = "urn:keyward:role:";

// Whether `key` reads as active at `now`: enabled (its account, for a token, not suspended) and
// not locked out.
bool KeyActive(const core::ApiKey& key, core::Time now);
// The ApiKey object at `now`. Optional times (lastSignIn, unlockTime, expiryDate) are omitted when
// unset. Never carries the secret.
boost::json::object DsKeyJson(const core::ApiKey& key, core::Time now);
// The object plus "secretKey": only create and the two secretkey calls.
boost::json::object DsIssuedKeyJson(const core::IssuedKey& issued, core::Time now);
// ApiKeyCurrent: the object plus roleURN, tenantID and tenantGUID.
boost::json::object DsCurrentKeyJson(const core::ApiKey& key, core::Time now);

// POST /api/apikeys: keyName and roleID required; description, locale, timeZone, expiryDate
// (epoch ms), active (false: the new key is locked out at once). Other members are ignored.
struct DsCreateKey {
  core::CreateKeyInput input;
  std::optional<bool> active;
};
core::Result<DsCreateKey> ParseDsCreateKey(const boost::json::object& body);

// POST /api/apikeys/{id} and /current: any of keyName, description, locale, roleID, timeZone,
// active, expiryDate. Other members (ID, created, secretKey, ...) are ignored.
struct DsModifyKey {
  core::UpdateKeyInput update;  // expires_at_given is never set here: see expiry_millis
  std::optional<bool> active;
  std::optional<std::int64_t> expiry_millis;  // compared with the stored expiry by the caller
  // Whether `update` changes anything.
  bool HasUpdate() const;
};
core::Result<DsModifyKey> ParseDsModifyKey(const boost::json::object& body);

// The searchable fields of an ApiKey, and a key's value of one of them at `now`.
std::span<const SearchField> KeySearchFields();
FieldValue KeyFieldValue(const core::ApiKey& key, std::string_view name, core::Time now);

}  // namespace keyward::http::ds
