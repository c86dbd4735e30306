// GET /v1/permissions and the role reads of API.md "Roles, accounts, sessions, audit". Roles are
// read straight through the store here; the custom-role use cases will move these reads into a
// core role service.
#include <boost/json/array.hpp>

#include <algorithm>
#include <charconv>

#include "http/error_map.hpp"
#include "http/json_codec.hpp"
#include "http/v1/api.hpp"

namespace keyward::http::v1 {
namespace {

namespace json = boost::json;

// ?limit= as API.md "Lists" has it: 1..kMaxListLimit, default kDefaultListLimit.
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

core::Result<std::vector<core::Role>> ReadRoles(core::Store& store) {
  return core::TransactValue<std::vector<core::Role>>(
      store, [](core::UnitOfWork& uow) { return uow.ListRoles(); });
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
  KW_RETURN_IF_ERROR(core::RequirePermission(call.caller.permissions, core::perm::kRolesView));
  KW_ASSIGN_OR_RETURN(int limit, ListLimit(call.query));
  KW_ASSIGN_OR_RETURN(std::optional<core::RoleId> before, ListCursor(call.query));
  KW_ASSIGN_OR_RETURN(std::vector<core::Role> roles, ReadRoles(services.store));
  // Newest first, as every list (API.md "Lists").
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
  KW_RETURN_IF_ERROR(core::RequirePermission(call.caller.permissions, core::perm::kRolesView));
  const std::string_view text = call.route.Param("id");
  const std::optional<core::RoleId> id = core::ParseId(text);
  const core::Error not_found =
      core::MakeError(core::ErrorCode::kNotFound, core::Msg::kRoleNotFound, {SafeEcho(text)});
  if (!id) return not_found;
  KW_ASSIGN_OR_RETURN(
      std::optional<core::Role> role,
      core::TransactValue<std::optional<core::Role>>(
          services.store, [&](core::UnitOfWork& uow) { return uow.FindRole(*id); }));
  if (!role) return not_found;
  return Reply::Json(200, RoleJson(*role));
}

}  // namespace keyward::http::v1
