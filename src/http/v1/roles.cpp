// GET /v1/permissions and the role calls of docs/api.md "Roles, accounts, sessions, audit": thin
// adapters over core::RoleService. Each route's permission is its entry's (routes.cpp), checked by
// ApiHandler before the call; core checks it again.
#include <boost/json/array.hpp>

#include <algorithm>
#include <charconv>

#include "core/ids.hpp"
#include "core/store/paging.hpp"
#include "http/error_map.hpp"
#include "http/json_fields.hpp"
#include "http/v1/api.hpp"
#include "http/v1/role_codec.hpp"

namespace keyward::http::v1 {
namespace {

namespace json = boost::json;

// ?limit= as docs/api.md "Lists" has it: 1..kMaxListLimit, default kDefaultListLimit.
core::Result<int> ListLimit(const boost::urls::params_view& query) {
  const std::optional<std::string> text = QueryParam(query, "limit");
  if (!text) return core::kDefaultListLimit;
  int limit = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), limit);
  if (ec != std::errc{} || end != text->data() + text->size() || limit < 1 ||
      limit > core::kMaxListLimit) {
    return core::InvalidArgument(core::Msg::kLimitRange, "limit",
                                 {std::to_string(core::kMaxListLimit)});
  }
  return limit;
}

// ?cursor=: the id of the last role of the previous page (opaque to clients).
core::Result<std::optional<core::RoleId>> ListCursor(const boost::urls::params_view& query) {
  const std::optional<std::string> text = QueryParam(query, "cursor");
  if (!text) return std::optional<core::RoleId>{};
  if (auto id = core::ParseId(*text)) return std::optional<core::RoleId>{*id};
  return core::InvalidArgument(core::Msg::kCursorInvalid, "cursor");
}

// The role id of the route's {id}; a path id that is not a valid id names no role (404).
core::Result<core::RoleId> PathRoleId(const RouteMatch& route) {
  const std::string_view text = route.Param("id");
  if (auto id = core::ParseId(text)) return *id;
  return core::RoleNotFound(SafeEcho(text));
}

}  // namespace

core::Result<Reply> ListPermissions(const Services&, const Call&) {
  json::array items;
  for (const core::PermissionInfo& info : core::PermissionCatalogue()) {
    items.emplace_back(PermissionJson(info));
  }
  return Reply::Json(200, json::object{{"items", std::move(items)}});
}

core::Result<Reply> ListRoles(const Services& services, const Call& call) {
  KW_ASSIGN_OR_RETURN(int limit, ListLimit(call.query));
  KW_ASSIGN_OR_RETURN(std::optional<core::RoleId> before, ListCursor(call.query));
  KW_ASSIGN_OR_RETURN(std::vector<core::Role> roles, services.roles.List(call.caller));
  // Newest first, as every list (docs/api.md "Lists").
  std::sort(roles.begin(), roles.end(),
            [](const core::Role& a, const core::Role& b) { return a.id > b.id; });
  json::array items;
  std::optional<std::string> next;
  for (const core::Role& role : roles) {
    if (before && role.id >= *before) continue;
    if (items.size() == static_cast<std::size_t>(limit)) {
      next = items.back().as_object().at("id").as_string().c_str();
      break;
    }
    items.emplace_back(RoleJson(role));
  }
  return Reply::Json(200, ListJson(std::move(items), next));
}

core::Result<Reply> GetRole(const Services& services, const Call& call) {
  KW_ASSIGN_OR_RETURN(core::RoleId id, PathRoleId(call.route));
  KW_ASSIGN_OR_RETURN(core::Role role, services.roles.Get(call.caller, id));
  return Reply::Json(200, RoleJson(role));
}

core::Result<Reply> CreateRole(const Services& services, const Call& call) {
  KW_ASSIGN_OR_RETURN(json::object body, ParseBody(call.body()));
  KW_ASSIGN_OR_RETURN(core::RoleInput input, ParseRoleInput(body));
  KW_ASSIGN_OR_RETURN(core::Role role, services.roles.Create(call.caller, input));
  return Reply::Json(201, RoleJson(role));
}

core::Result<Reply> UpdateRole(const Services& services, const Call& call) {
  KW_ASSIGN_OR_RETURN(core::RoleId id, PathRoleId(call.route));
  KW_ASSIGN_OR_RETURN(json::object body, ParseBody(call.body()));
  KW_ASSIGN_OR_RETURN(core::RoleInput input, ParseRoleInput(body));
  KW_ASSIGN_OR_RETURN(core::Role role, services.roles.Update(call.caller, id, input));
  return Reply::Json(200, RoleJson(role));
}

core::Result<Reply> DeleteRole(const Services& services, const Call& call) {
  KW_ASSIGN_OR_RETURN(core::RoleId id, PathRoleId(call.route));
  KW_RETURN_IF_ERROR(services.roles.Delete(call.caller, id));
  return Reply::NoContent();
}

}  // namespace keyward::http::v1
