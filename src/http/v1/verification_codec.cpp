#include "http/v1/verification_codec.hpp"

#include <boost/json/array.hpp>

#include <string>
#include <utility>

#include "core/permissions.hpp"
#include "http/json_fields.hpp"

namespace keyward::http {

namespace json = boost::json;

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

}  // namespace keyward::http
