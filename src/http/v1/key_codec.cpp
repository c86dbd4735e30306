#include "http/v1/key_codec.hpp"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include <array>
#include <charconv>
#include <utility>

#include "core/crypto/token.hpp"
#include "core/store/paging.hpp"
#include "core/time_zone.hpp"
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

json::object KeySummaryJson(const core::KeyCounts& counts) {
  json::object by_status{{"enabled", counts.enabled},
                         {"disabled", counts.disabled},
                         {"expired", counts.expired},
                         {"locked_out", counts.locked_out}};
  return json::object{{"byStatus", std::move(by_status)},
                      {"expiringWithin30Days", counts.expiring},
                      {"unusedFor90Days", counts.unused},
                      {"secretOlderThan90Days", counts.stale_secret}};
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
