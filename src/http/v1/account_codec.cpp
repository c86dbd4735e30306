#include "http/v1/account_codec.hpp"

#include "core/crypto/token.hpp"
#include "core/locale.hpp"
#include "core/time_zone.hpp"
#include "http/json_fields.hpp"

namespace keyward::http {

namespace json = boost::json;

json::object AccountTokenJson(const core::ApiKey& key, std::string_view zone) {
  json::object o;
  o["keyId"] = std::to_string(key.id);
  o["prefix"] = core::TokenPrefix(key.public_id);
  o["createdAt"] = core::FormatTime(key.created_at, zone);
  o["expiresAt"] = TimeOrNull(key.expires_at, zone);
  o["lastUsedAt"] = TimeOrNull(key.last_used_at, zone);
  return o;
}

json::object AccountJson(const core::AccountView& view, core::Time now, std::string_view zone) {
  const core::Account& a = view.account;
  json::object o;
  o["id"] = std::to_string(a.id);
  o["email"] = a.email;
  o["type"] = a.type;
  o["role"] = json::object{{"id", std::to_string(a.role_id)}, {"name", a.role_name}};
  o["accessLevel"] = core::AccessLevelName(a.access_level);
  o["givenName"] = a.given_name;
  o["surname"] = a.surname;
  o["description"] = a.description;
  o["locale"] = core::LocaleName(a.locale);
  o["timeZone"] = a.time_zone;
  o["enabled"] = a.enabled;
  o["lockedOut"] = a.SignInLockedAt(now);
  o["mustChangePassword"] = a.must_change_password;
  o["createdAt"] = core::FormatTime(a.created_at, zone);
  o["token"] = view.token ? json::value(AccountTokenJson(*view.token, zone)) : json::value(nullptr);
  return o;
}

json::array SessionPermissionsJson(const core::PermissionSet& permissions) {
  json::array out;
  for (const std::string& name : permissions.Display()) out.emplace_back(name);
  return out;
}

json::object SessionJson(const core::SessionInfo& info, core::Time now, std::string_view zone) {
  json::object o;
  o["account"] = AccountJson(info.account, now, zone);
  o["permissions"] = SessionPermissionsJson(info.permissions);
  o["csrfToken"] = info.csrf_token;
  o["mustChangePassword"] = info.must_change_password;
  o["createdAt"] = core::FormatTime(info.session.created_at, zone);
  o["idleExpiresAt"] = core::FormatTime(info.idle_expires_at, zone);
  o["expiresAt"] = core::FormatTime(info.expires_at, zone);
  return o;
}

core::Result<core::AccountInput> ParseAccountInput(const json::object& body) {
  KW_RETURN_IF_ERROR(
      OnlyKnownFields(body, {"email", "role", "accessLevel", "givenName", "surname", "description",
                             "type", "locale", "timeZone", "enabled"}));
  core::AccountInput in;
  KW_ASSIGN_OR_RETURN(in.email, OptionalString(body, "email"));
  KW_ASSIGN_OR_RETURN(in.role, OptionalRoleRef(body));
  KW_ASSIGN_OR_RETURN(in.access_level, OptionalString(body, "accessLevel"));
  KW_ASSIGN_OR_RETURN(in.given_name, OptionalString(body, "givenName"));
  KW_ASSIGN_OR_RETURN(in.surname, OptionalString(body, "surname"));
  KW_ASSIGN_OR_RETURN(in.description, OptionalString(body, "description"));
  KW_ASSIGN_OR_RETURN(in.type, OptionalString(body, "type"));
  KW_ASSIGN_OR_RETURN(in.locale, OptionalString(body, "locale"));
  KW_ASSIGN_OR_RETURN(in.time_zone, OptionalString(body, "timeZone"));
  KW_ASSIGN_OR_RETURN(in.enabled, OptionalBool(body, "enabled"));
  return in;
}

core::Result<std::optional<std::string>> ParseTokenInput(const json::object& body) {
  KW_RETURN_IF_ERROR(OnlyKnownFields(body, {"expiresAt"}));
  if (const json::value* v = body.if_contains("expiresAt"); v != nullptr && v->is_null()) {
    return std::optional<std::string>{};
  }
  return OptionalString(body, "expiresAt");
}

core::Result<SignInInput> ParseSignIn(const json::object& body) {
  KW_RETURN_IF_ERROR(OnlyKnownFields(body, {"email", "password"}));
  SignInInput in;
  KW_ASSIGN_OR_RETURN(std::optional<std::string> email, OptionalString(body, "email"));
  KW_ASSIGN_OR_RETURN(std::optional<std::string> password, OptionalString(body, "password"));
  in.email = email.value_or("");
  in.password = password.value_or("");
  return in;
}

core::Result<PasswordChangeInput> ParsePasswordChange(const json::object& body) {
  KW_RETURN_IF_ERROR(OnlyKnownFields(body, {"currentPassword", "newPassword"}));
  PasswordChangeInput in;
  KW_ASSIGN_OR_RETURN(std::optional<std::string> current, OptionalString(body, "currentPassword"));
  KW_ASSIGN_OR_RETURN(std::optional<std::string> next, OptionalString(body, "newPassword"));
  in.current_password = current.value_or("");
  in.new_password = next.value_or("");
  if (in.new_password.empty()) return Required("newPassword");
  return in;
}

}  // namespace keyward::http
