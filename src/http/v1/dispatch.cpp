#include <cassert>

#include "core/ids.hpp"
#include "http/error_map.hpp"
#include "http/v1/api.hpp"

namespace keyward::http::v1 {

std::optional<std::string> QueryParam(const boost::urls::params_view& query,
                                      std::string_view name) {
  const auto it = query.find(name);
  if (it == query.end()) return std::nullopt;
  return (*it).value;
}

core::Result<core::KeyId> PathKeyId(const RouteMatch& route) {
  const std::string_view text = route.Param("id");
  if (auto id = core::ParseId(text)) return *id;
  return core::MakeError(core::ErrorCode::kNotFound, core::Msg::kKeyNotFound, {SafeEcho(text)});
}

core::Result<Reply> Dispatch(const Services& services, const Call& call) {
  assert(call.route.route != nullptr);
  switch (call.route.route->id) {
    case RouteId::kKeysCreate:
      return CreateKey(services, call);
    case RouteId::kKeysList:
      return ListKeys(services, call);
    case RouteId::kKeysCurrent:
      return CurrentKey(services, call);
    case RouteId::kKeysBulkDelete:
      return BulkDeleteKeys(services, call);
    case RouteId::kKeyGet:
      return GetKey(services, call);
    case RouteId::kKeyUpdate:
      return UpdateKey(services, call);
    case RouteId::kKeyDelete:
      return DeleteKey(services, call);
    case RouteId::kKeyEnable:
    case RouteId::kKeyDisable:
    case RouteId::kKeyLock:
    case RouteId::kKeyUnlock:
      return KeyAction(services, call);
    case RouteId::kKeyRotate:
      return RotateKey(services, call);
    case RouteId::kPermissionsList:
      return ListPermissions(services, call);
    case RouteId::kRolesList:
      return ListRoles(services, call);
    case RouteId::kRoleGet:
      return GetRole(services, call);
    case RouteId::kRoleCreate:
      return CreateRole(services, call);
    case RouteId::kRoleUpdate:
      return UpdateRole(services, call);
    case RouteId::kRoleDelete:
      return DeleteRole(services, call);
    case RouteId::kAccountsList:
      return ListAccounts(services, call);
    case RouteId::kAccountCreate:
      return CreateAccount(services, call);
    case RouteId::kAccountGet:
      return GetAccount(services, call);
    case RouteId::kAccountUpdate:
      return UpdateAccount(services, call);
    case RouteId::kAccountDelete:
      return DeleteAccount(services, call);
    case RouteId::kAccountEnable:
    case RouteId::kAccountDisable:
    case RouteId::kAccountUnlock:
      return AccountAction(services, call);
    case RouteId::kAccountPassword:
      return ResetAccountPassword(services, call);
    case RouteId::kAccountTokenCreate:
      return CreateAccountToken(services, call);
    case RouteId::kAccountTokenDelete:
      return DeleteAccountToken(services, call);
    case RouteId::kSessionCreate:
      return SignIn(services, call);
    case RouteId::kSessionGet:
      return GetSession(services, call);
    case RouteId::kSessionDelete:
      return SignOut(services, call);
    case RouteId::kSessionPassword:
      return ChangePassword(services, call);
    case RouteId::kKeysVerify:
      return VerifyKey(services, call);
    case RouteId::kAuditList:
      return ListAudit(services, call);
    case RouteId::kAuditExport:
      return ExportAudit(services, call);
    case RouteId::kAuditVerify:
      return VerifyAudit(services, call);
    case RouteId::kHealthz:
    case RouteId::kReadyz:
    case RouteId::kMetrics:
    case RouteId::kOpenApi:
    case RouteId::kAuthz:
      break;  // public and forward-auth routes: ApiHandler serves them without a caller
  }
  return core::Internal("route has no v1 handler");
}

}  // namespace keyward::http::v1
