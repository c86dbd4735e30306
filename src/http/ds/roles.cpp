// The Deep Security role calls (docs/deep-security.md "Roles"): thin adapters over
// core::RoleService, whose permission checks, escalation rules, built-in immutability, in-use
// refusal and audit apply unchanged.
#include <boost/json/array.hpp>

#include <optional>
#include <string>
#include <vector>

#include "core/roles/role_service.hpp"
#include "core/store/store.hpp"
#include "http/ds/api.hpp"
#include "http/ds/fields.hpp"
#include "http/ds/role_codec.hpp"
#include "http/ds/search.hpp"

namespace keyward::http::ds {
namespace {

namespace json = boost::json;

// The role of the route's {roleID}; a path id that is not an id names no role (404).
core::Result<core::RoleId> PathRoleId(const Call& call) {
  if (auto id = PathId(call.route, "roleID")) return *id;
  return core::RoleNotFound("?");
}

Reply RolesReply(json::array roles) {
  return Reply::Json(200, json::object{{"roles", std::move(roles)}});
}

}  // namespace

core::Result<Reply> ListRoles(const Services& services, const Call& call) {
  KW_ASSIGN_OR_RETURN(std::vector<core::Role> roles, services.roles.List(call.caller));
  json::array out;
  for (const core::Role& role : roles) out.emplace_back(RoleJson(role));
  return RolesReply(std::move(out));
}

core::Result<Reply> SearchRoles(const Services& services, const Call& call) {
  KW_ASSIGN_OR_RETURN(Search search, Search::Parse(call.body, RoleSearchFields()));
  KW_ASSIGN_OR_RETURN(std::vector<core::Role> roles, services.roles.List(call.caller));
  std::vector<json::object> objects;
  for (const core::Role& role : roles) objects.push_back(RoleJson(role));
  return RolesReply(SearchAnswer(search, objects));
}

core::Result<Reply> DescribeRole(const Services& services, const Call& call) {
  KW_ASSIGN_OR_RETURN(core::RoleId id, PathRoleId(call));
  KW_ASSIGN_OR_RETURN(core::Role role, services.roles.Get(call.caller, id));
  return Reply::Json(200, RoleJson(role));
}

core::Result<Reply> CreateRole(const Services& services, const Call& call) {
  KW_ASSIGN_OR_RETURN(core::RoleInput input, ParseRoleCreate(call.body));
  KW_ASSIGN_OR_RETURN(core::Role role, services.roles.Create(call.caller, input));
  return Reply::Json(200, RoleJson(role));
}

core::Result<Reply> ModifyRole(const Services& services, const Call& call) {
  KW_ASSIGN_OR_RETURN(core::RoleId id, PathRoleId(call));
  // Read as the merge's base without roles:view (the route asks roles:edit; core checks it).
  KW_ASSIGN_OR_RETURN(std::optional<core::Role> stored,
                      core::TransactValue<std::optional<core::Role>>(
                          services.store, [&](core::UnitOfWork& uow) { return uow.FindRole(id); }));
  if (!stored) return core::RoleNotFound(std::to_string(id));
  KW_ASSIGN_OR_RETURN(core::RoleInput input, ParseRoleModify(call.body, *stored));
  KW_ASSIGN_OR_RETURN(core::Role role, services.roles.Update(call.caller, id, input));
  return Reply::Json(200, RoleJson(role));
}

core::Result<Reply> DeleteRole(const Services& services, const Call& call) {
  KW_ASSIGN_OR_RETURN(core::RoleId id, PathRoleId(call));
  KW_RETURN_IF_ERROR(services.roles.Delete(call.caller, id));
  return Reply::NoContent();
}

}  // namespace keyward::http::ds
