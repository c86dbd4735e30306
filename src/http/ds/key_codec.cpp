#include "http/ds/key_codec.hpp"

#include <array>
#include <string>
#include <utility>

#include "core/locale.hpp"
#include "http/ds/fields.hpp"
#include "http/json_fields.hpp"

namespace keyward::http::ds {
namespace {

namespace json = boost::json;

constexpr std::array kKeyFields = {
    SearchField{"ID", FieldKind::kId},
    SearchField{"keyName", FieldKind::kString},
    SearchField{"description", FieldKind::kString},
    SearchField{"timeZone", FieldKind::kString},
    SearchField{"roleID", FieldKind::kNumeric},
    SearchField{"unsuccessfulSignInAttempts", FieldKind::kNumeric},
    SearchField{"active", FieldKind::kBoolean},
    SearchField{"serviceAccount", FieldKind::kBoolean},
    SearchField{"created", FieldKind::kDate},
    SearchField{"lastSignIn", FieldKind::kDate},
    SearchField{"unlockTime", FieldKind::kDate},
    SearchField{"expiryDate", FieldKind::kDate},
};

FieldValue Millis(const std::optional<core::Time>& t) {
  if (!t) return std::monostate{};
  return EpochMillis(*t);
}

// When an automatic lock ends, while it holds; a manual lock has no end.
std::optional<core::Time> UnlockTime(const core::ApiKey& key, core::Time now) {
  if (!key.LockedOutAt(now)) return std::nullopt;
  return key.unlock_at;
}

// The role reference core takes: the id's decimal text.
core::Result<std::optional<std::string>> RoleRef(const json::object& body) {
  KW_ASSIGN_OR_RETURN(std::optional<std::int64_t> role, OptionalInt(body, "roleID"));
  if (!role) return std::optional<std::string>();
  return std::optional<std::string>(std::to_string(*role));
}

}  // namespace

bool KeyActive(const core::ApiKey& key, core::Time now) {
  return key.enabled && !key.account_suspended && !key.LockedOutAt(now);
}

json::object DsKeyJson(const core::ApiKey& key, core::Time now) {
  json::object o;
  o["ID"] = key.id;
  o["keyName"] = key.name;
  o["description"] = key.description;
  o["locale"] = core::LocaleName(key.locale);
  o["roleID"] = key.role_id;
  o["timeZone"] = key.time_zone;
  o["active"] = KeyActive(key, now);
  o["created"] = EpochMillis(key.created_at);
  if (key.last_used_at) o["lastSignIn"] = EpochMillis(*key.last_used_at);
  if (const std::optional<core::Time> unlock = UnlockTime(key, now)) {
    o["unlockTime"] = EpochMillis(*unlock);
  }
  o["unsuccessfulSignInAttempts"] = key.FailedAttemptsAt(now);
  if (key.expires_at) o["expiryDate"] = EpochMillis(*key.expires_at);
  o["serviceAccount"] = false;
  return o;
}

json::object DsIssuedKeyJson(const core::IssuedKey& issued, core::Time now) {
  json::object o = DsKeyJson(issued.key, now);
  o["secretKey"] = issued.token;
  return o;
}

json::object DsCurrentKeyJson(const core::ApiKey& key, core::Time now) {
  json::object o = DsKeyJson(key, now);
  o["roleURN"] = std::string(kRoleUrnPrefix) + std::to_string(key.role_id);
  o["tenantID"] = kTenantId;
  o["tenantGUID"] = kTenantGuid;
  return o;
}

core::Result<DsCreateKey> ParseDsCreateKey(const json::object& body) {
  DsCreateKey out;
  core::CreateKeyInput& in = out.input;
  KW_ASSIGN_OR_RETURN(std::optional<std::string> name, OptionalString(body, "keyName"));
  if (!name) return Required("keyName");
  in.name = std::move(*name);
  KW_ASSIGN_OR_RETURN(std::optional<std::string> role, RoleRef(body));
  if (!role) return Required("roleID");
  in.role = std::move(*role);
  KW_ASSIGN_OR_RETURN(in.description, OptionalString(body, "description"));
  KW_ASSIGN_OR_RETURN(in.locale, OptionalString(body, "locale"));
  KW_ASSIGN_OR_RETURN(in.time_zone, OptionalString(body, "timeZone"));
  KW_ASSIGN_OR_RETURN(std::optional<std::int64_t> expiry, OptionalInt(body, "expiryDate"));
  if (expiry) in.expires_at = Rfc3339Utc(FromEpochMillis(*expiry));
  KW_ASSIGN_OR_RETURN(out.active, OptionalBool(body, "active"));
  return out;
}

bool DsModifyKey::HasUpdate() const {
  return update.name || update.description || update.role || update.locale || update.time_zone;
}

core::Result<DsModifyKey> ParseDsModifyKey(const json::object& body) {
  DsModifyKey out;
  core::UpdateKeyInput& in = out.update;
  KW_ASSIGN_OR_RETURN(in.name, OptionalString(body, "keyName"));
  KW_ASSIGN_OR_RETURN(in.description, OptionalString(body, "description"));
  KW_ASSIGN_OR_RETURN(in.role, RoleRef(body));
  KW_ASSIGN_OR_RETURN(in.locale, OptionalString(body, "locale"));
  KW_ASSIGN_OR_RETURN(in.time_zone, OptionalString(body, "timeZone"));
  KW_ASSIGN_OR_RETURN(out.active, OptionalBool(body, "active"));
  KW_ASSIGN_OR_RETURN(out.expiry_millis, OptionalInt(body, "expiryDate"));
  return out;
}

std::span<const SearchField> KeySearchFields() { return kKeyFields; }

FieldValue KeyFieldValue(const core::ApiKey& key, std::string_view name, core::Time now) {
  if (name == "ID") return key.id;
  if (name == "keyName") return key.name;
  if (name == "description") return key.description;
  if (name == "timeZone") return key.time_zone;
  if (name == "roleID") return key.role_id;
  if (name == "unsuccessfulSignInAttempts") {
    return static_cast<std::int64_t>(key.FailedAttemptsAt(now));
  }
  if (name == "active") return KeyActive(key, now);
  if (name == "serviceAccount") return false;
  if (name == "created") return EpochMillis(key.created_at);
  if (name == "lastSignIn") return Millis(key.last_used_at);
  if (name == "unlockTime") return Millis(UnlockTime(key, now));
  if (name == "expiryDate") return Millis(key.expires_at);
  return std::monostate{};
}

}  // namespace keyward::http::ds
