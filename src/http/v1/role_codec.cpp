#include "http/v1/role_codec.hpp"

#include <boost/json/array.hpp>

#include <string>

#include "http/json_fields.hpp"

namespace keyward::http {

namespace json = boost::json;

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

core::Result<core::RoleInput> ParseRoleInput(const json::object& body) {
  KW_RETURN_IF_ERROR(OnlyKnownFields(body, {"name", "description", "permissions"}));
  core::RoleInput in;
  KW_ASSIGN_OR_RETURN(in.name, OptionalString(body, "name"));
  KW_ASSIGN_OR_RETURN(in.description, OptionalString(body, "description"));
  KW_ASSIGN_OR_RETURN(in.permissions, OptionalStringArray(body, "permissions"));
  return in;
}

}  // namespace keyward::http
