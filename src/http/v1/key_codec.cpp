#include "http/v1/key_codec.hpp"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <optional>
#include <utility>

#include "core/crypto/token.hpp"
#include "core/store/paging.hpp"
#include "core/time_zone.hpp"
#include "http/json_duplicate_keys.hpp"
#include "http/json_fields.hpp"

namespace keyward::http {
namespace {

namespace json = boost::json;

// 1.5 as "1.5" (Boost.JSON would write "1.5E0"): the shortest text that reads back the same.
std::string ShortestDecimal(double d) {
  std::array<char, 32> buf{};
  const auto result = std::to_chars(buf.data(), buf.data() + buf.size(), d);
  return std::string(buf.data(), result.ptr);
}

}  // namespace

json::object KeyJson(const core::ApiKey& key, core::Time now, std::string_view zone) {
  const bool locked_out = key.LockedOutAt(now);
  json::object o;
  o["id"] = std::to_string(key.id);
  o["name"] = key.name;
  o["description"] = key.description;
  o["prefix"] = core::TokenPrefix(key.public_id);
  o["role"] = json::object{{"id", std::to_string(key.role_id)}, {"name", key.role_name}};
  o["enabled"] = key.enabled;
  o["lockedOut"] = locked_out;
  // A manual lock has no end; an automatic one ends at unlock_at; an ended lock shows none.
  o["unlockAt"] = locked_out ? TimeOrNull(key.unlock_at, zone) : json::value(nullptr);
  o["failedAttempts"] = key.FailedAttemptsAt(now);
  o["status"] = core::KeyStatusName(key.StatusAt(now));
  o["expiresAt"] = TimeOrNull(key.expires_at, zone);
  o["locale"] = core::LocaleName(key.locale);
  o["timeZone"] = key.time_zone;
  json::array ips;
  for (const core::Ipv4Range& range : key.allowed_ips) ips.emplace_back(range.ToString());
  o["allowedIps"] = std::move(ips);
  o["source"] = core::KeySourceName(key.source);
  o["accountId"] =
      key.account_id ? json::value(std::to_string(*key.account_id)) : json::value(nullptr);
  o["createdAt"] = core::FormatTime(key.created_at, zone);
  o["lastUsedAt"] = TimeOrNull(key.last_used_at, zone);
  o["secretRotatedAt"] = TimeOrNull(key.secret_rotated_at, zone);
  // During a rotation grace period: when the old secret stops working, and when it was last
  // used (written behind, like lastUsedAt).
  o["previousSecret"] =
      key.GraceActiveAt(now)
          ? json::value(
                json::object{{"endsAt", TimeOrNull(key.previous_digest_until, zone)},
                             {"lastUsedAt", TimeOrNull(key.previous_secret_last_used_at, zone)}})
          : json::value(nullptr);
  return o;
}

json::object IssuedKeyJson(const core::IssuedKey& issued, core::Time now, std::string_view zone) {
  json::object o = KeyJson(issued.key, now, zone);
  o["secret"] = issued.token;
  return o;
}

json::object RoleJson(const core::Role& role) {
  json::array permissions;
  for (const std::string& name : role.permissions.Display()) permissions.emplace_back(name);
  json::object o;
  o["id"] = std::to_string(role.id);
  o["name"] = role.name;
  o["description"] = role.description;
  o["builtIn"] = role.built_in;
  o["permissions"] = std::move(permissions);
  return o;
}

json::object PermissionJson(const core::PermissionInfo& info) {
  return json::object{
      {"name", info.name}, {"group", info.group}, {"description", info.description}};
}

json::object VerificationJson(const core::Verification& verification, std::string_view zone) {
  json::object o;
  o["valid"] = verification.outcome == core::Outcome::kValid;
  o["code"] = core::OutcomeName(verification.outcome);
  if (!verification.key) return o;
  const core::KeyEntry& key = *verification.key;
  const core::RoleEntry* role = verification.role.get();
  o["keyId"] = std::to_string(key.id);
  o["name"] = key.name;
  o["role"] = role != nullptr ? json::value(role->name) : json::value(nullptr);
  json::array permissions;
  if (role != nullptr) {
    for (const std::string& name : role->permissions.Display()) permissions.emplace_back(name);
  }
  o["permissions"] = std::move(permissions);
  o["expiresAt"] = TimeOrNull(key.expires_at, zone);
  return o;
}

json::object AuditEventJson(const core::AuditEvent& event, std::string_view zone) {
  json::object o;
  o["id"] = std::to_string(event.id);
  o["time"] = core::FormatTime(event.time, zone);
  o["actor"] = event.actor;
  o["action"] = event.action;
  o["target"] = event.target;
  o["ip"] = event.ip.empty() ? json::value(nullptr) : json::value(event.ip);
  o["outcome"] = event.outcome;
  boost::system::error_code ec;
  json::value details = json::parse(event.details_json, ec);
  // A details text that is not an object (a tampered row) is shown as it is, not hidden.
  o["details"] = !ec && details.is_object() ? std::move(details) : json::value(event.details_json);
  o["hash"] = event.hash;
  return o;
}

json::object AuditVerificationJson(const core::AuditVerification& verification) {
  json::object o;
  o["ok"] = verification.ok;
  o["events"] = verification.events;
  if (!verification.ok) {
    o["firstBrokenId"] = verification.first_broken_id
                             ? json::value(std::to_string(*verification.first_broken_id))
                             : json::value(nullptr);
    o["reason"] = verification.reason;
  }
  return o;
}

json::object ListJson(json::array items, const std::optional<std::string>& next) {
  json::object o;
  o["items"] = std::move(items);
  o["nextCursor"] = next ? json::value(*next) : json::value(nullptr);
  return o;
}

core::Result<json::object> ParseBody(std::string_view body) {
  const bool blank = std::all_of(body.begin(), body.end(), [](char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  });
  if (blank) return json::object{};
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec) {
    return core::MakeError(core::ErrorCode::kMalformedJson, core::Msg::kMalformedJson,
                           {ec.message()});
  }
  if (!v.is_object()) {
    return core::MakeError(core::ErrorCode::kInvalidArgument, core::Msg::kWrongType,
                           {"the request body", "a JSON object"});
  }
  // json::parse kept the last of any duplicate keys; a second reading finds them.
  if (std::optional<std::string> duplicate = FindDuplicateKey(body)) {
    return core::InvalidArgument(core::Msg::kDuplicateField, *duplicate, {*duplicate});
  }
  return std::move(v.get_object());
}

core::Result<VerifyInput> ParseVerify(const json::object& body) {
  KW_RETURN_IF_ERROR(OnlyKnownFields(body, {"key", "permissions", "ip"}));
  VerifyInput in;
  KW_ASSIGN_OR_RETURN(std::optional<std::string> key, OptionalString(body, "key"));
  if (!key) return Required("key");
  in.key = std::move(*key);
  KW_ASSIGN_OR_RETURN(std::optional<std::vector<std::string>> permissions,
                      OptionalStringArray(body, "permissions"));
  if (permissions) in.permissions = std::move(*permissions);
  for (std::size_t i = 0; i < in.permissions.size(); ++i) {
    const std::string& name = in.permissions[i];
    if (!core::IsCataloguePermission(name) && !core::IsValidPermissionName(name)) {
      return core::InvalidArgument(core::Msg::kPermissionInvalid,
                                   "permissions[" + std::to_string(i) + "]", {name});
    }
  }
  KW_ASSIGN_OR_RETURN(std::optional<std::string> ip, OptionalString(body, "ip"));
  if (ip) {
    in.ip = core::IpAddress::Parse(*ip);
    if (!in.ip) return WrongType("ip", "an IPv4 or IPv6 address");
  }
  return in;
}

core::Result<core::CreateKeyInput> ParseCreateKey(const json::object& body) {
  KW_RETURN_IF_ERROR(OnlyKnownFields(body, {"name", "description", "role", "locale", "timeZone",
                                            "expiresAt", "allowedIps", "enabled"}));
  core::CreateKeyInput in;
  KW_ASSIGN_OR_RETURN(std::optional<std::string> name, OptionalString(body, "name"));
  if (!name) return Required("name");
  in.name = std::move(*name);
  KW_ASSIGN_OR_RETURN(in.description, OptionalString(body, "description"));
  KW_ASSIGN_OR_RETURN(std::optional<std::string> role, OptionalRoleRef(body));
  if (!role) return Required("role");
  in.role = std::move(*role);
  KW_ASSIGN_OR_RETURN(in.locale, OptionalString(body, "locale"));
  KW_ASSIGN_OR_RETURN(in.time_zone, OptionalString(body, "timeZone"));
  // The key object shows "expiresAt": null for a key that never expires; accept it back.
  if (const json::value* v = body.if_contains("expiresAt"); v == nullptr || !v->is_null()) {
    KW_ASSIGN_OR_RETURN(in.expires_at, OptionalString(body, "expiresAt"));
  }
  KW_ASSIGN_OR_RETURN(in.allowed_ips, OptionalStringArray(body, "allowedIps"));
  KW_ASSIGN_OR_RETURN(in.enabled, OptionalBool(body, "enabled"));
  return in;
}

core::Result<core::UpdateKeyInput> ParseUpdateKey(const json::object& body) {
  KW_RETURN_IF_ERROR(OnlyKnownFields(
      body, {"name", "description", "role", "locale", "timeZone", "allowedIps", "expiresAt"}));
  core::UpdateKeyInput in;
  KW_ASSIGN_OR_RETURN(in.name, OptionalString(body, "name"));
  KW_ASSIGN_OR_RETURN(in.description, OptionalString(body, "description"));
  KW_ASSIGN_OR_RETURN(in.role, OptionalRoleRef(body));
  KW_ASSIGN_OR_RETURN(in.locale, OptionalString(body, "locale"));
  KW_ASSIGN_OR_RETURN(in.time_zone, OptionalString(body, "timeZone"));
  KW_ASSIGN_OR_RETURN(in.allowed_ips, OptionalStringArray(body, "allowedIps"));
  in.expires_at_given = body.contains("expiresAt");
  return in;
}

core::Result<std::int64_t> ParseRotate(const json::object& body) {
  KW_RETURN_IF_ERROR(OnlyKnownFields(body, {"gracePeriodSeconds"}));
  const json::value* v = body.if_contains("gracePeriodSeconds");
  if (v == nullptr) return std::int64_t{0};
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) {
    return core::InvalidArgument(core::Msg::kGracePeriodRange, "gracePeriodSeconds",
                                 {std::to_string(core::kMaxGracePeriodSeconds)});
  }
  return WrongType("gracePeriodSeconds", "an integer");
}

core::Status ParseNoFields(const json::object& body) { return OnlyKnownFields(body, {}); }

core::Result<std::vector<BulkDeleteId>> ParseBulkDelete(const json::object& body) {
  KW_RETURN_IF_ERROR(OnlyKnownFields(body, {"ids"}));
  const json::value* v = body.if_contains("ids");
  if (v == nullptr) return Required("ids");
  if (!v->is_array()) return WrongType("ids", "an array");
  if (v->get_array().size() > static_cast<std::size_t>(core::kMaxListLimit)) {
    return core::InvalidArgument(core::Msg::kTooManyItems, "ids",
                                 {"ids", std::to_string(core::kMaxListLimit)});
  }
  std::vector<BulkDeleteId> ids;
  ids.reserve(v->get_array().size());
  for (const json::value& id : v->get_array()) {
    if (id.is_string()) {
      ids.push_back({std::string(id.get_string()), true});
    } else if (id.is_int64()) {
      ids.push_back({std::to_string(id.get_int64()), false});
    } else if (id.is_uint64()) {
      ids.push_back({std::to_string(id.get_uint64()), false});
    } else if (id.is_double()) {
      ids.push_back({ShortestDecimal(id.get_double()), false});
    } else {
      ids.push_back({json::serialize(id), false});
    }
  }
  return ids;
}

}  // namespace keyward::http
