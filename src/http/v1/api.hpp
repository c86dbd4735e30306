// The native API v1 calls (docs/api.md), one plain function per route: a call in, a Reply or a
// core::Error out. The route table (routes.hpp) names each route's function; ApiHandler routes,
// authenticates, checks the route's permission and turns errors into statuses (error_map.hpp);
// these functions only read the call, ask core, and render. Thread-safe: they hold no state and
// their collaborators are thread-safe.
#pragma once

#include <boost/url/params_view.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "core/accounts/account_service.hpp"
#include "core/accounts/session_service.hpp"
#include "core/audit/audit_service.hpp"
#include "core/clock.hpp"
#include "core/keys/key_service.hpp"
#include "core/principal.hpp"
#include "core/result.hpp"
#include "core/roles/role_service.hpp"
#include "core/store/store.hpp"
#include "core/verification/verifier.hpp"
#include "http/handler.hpp"
#include "http/logger.hpp"
#include "http/metrics.hpp"
#include "http/reply.hpp"
#include "http/router.hpp"
#include "http/service_endpoints.hpp"
#include "http/v1/authz.hpp"

namespace keyward::http::v1 {

// The collaborators every call may use, all wired before the first call. The references outlive
// the calls.
struct Services {
  core::KeyService& keys;
  core::Store& store;
  const core::Clock& clock;
  const core::Verifier& verifier;  // POST /v1/keys/verify
  Metrics& metrics;                // verification counts and times
  Logger& logger;                  // a streamed export that fails midway
  const core::RoleService& roles;
  const core::AccountService& accounts;
  const core::SessionService& sessions;
  const core::AuditService& audit;
  ServiceEndpoints& endpoints;  // /healthz, /readyz, /metrics
  const Authz& authz;           // /v1/authz
};

// One call: a caller's (an API key's or a console session's), or none (a public route, sign-in
// and forward-auth get a Principal with no permission).
struct Call {
  const core::Principal& caller;
  const RouteMatch& route;                // kFound
  const boost::urls::params_view& query;  // decoded query parameters
  const Request& request;                 // as received (forward-auth reads its headers)
  const RequestContext& context;
  // The console session the call came with, or null for an API key (and for sign-in).
  const core::SessionAuth* session = nullptr;
  // The client address (sign-in records it).
  std::optional<core::IpAddress> client_ip;

  std::string_view body() const { return request.body(); }
  // Whether the call came over TLS (the session cookie is then Secure).
  bool tls() const { return context.tls; }
};

// The first query parameter `name` (decoded), or nullopt.
std::optional<std::string> QueryParam(const boost::urls::params_view& query, std::string_view name);

// The key id of the route's {id}; a path id that is not a valid id names no key (404).
core::Result<core::KeyId> PathKeyId(const RouteMatch& route);

// --- Service endpoints and forward-auth (service.cpp) ---
core::Result<Reply> Healthz(const Services& services, const Call& call);
core::Result<Reply> Readyz(const Services& services, const Call& call);
core::Result<Reply> MetricsText(const Services& services, const Call& call);
// GET /v1/openapi.json: the document of openapi.hpp.
core::Result<Reply> OpenApi(const Services& services, const Call& call);
// /v1/authz: ApiHandler answers it inline (TryInline) before routing; this is the same answer as
// a Reply, for a caller that routes it.
core::Result<Reply> ForwardAuth(const Services& services, const Call& call);

// --- API keys (keys.cpp) ---
core::Result<Reply> CreateKey(const Services& services, const Call& call);
core::Result<Reply> ListKeys(const Services& services, const Call& call);
core::Result<Reply> CurrentKey(const Services& services, const Call& call);
core::Result<Reply> KeySummary(const Services& services, const Call& call);
core::Result<Reply> GetKey(const Services& services, const Call& call);
core::Result<Reply> UpdateKey(const Services& services, const Call& call);
core::Result<Reply> DeleteKey(const Services& services, const Call& call);
core::Result<Reply> EnableKey(const Services& services, const Call& call);
core::Result<Reply> DisableKey(const Services& services, const Call& call);
core::Result<Reply> LockKey(const Services& services, const Call& call);
core::Result<Reply> UnlockKey(const Services& services, const Call& call);
core::Result<Reply> RotateKey(const Services& services, const Call& call);
core::Result<Reply> BulkDeleteKeys(const Services& services, const Call& call);

// --- Permissions and roles (roles.cpp) ---
core::Result<Reply> ListPermissions(const Services& services, const Call& call);
core::Result<Reply> ListRoles(const Services& services, const Call& call);
core::Result<Reply> GetRole(const Services& services, const Call& call);
core::Result<Reply> CreateRole(const Services& services, const Call& call);
core::Result<Reply> UpdateRole(const Services& services, const Call& call);
core::Result<Reply> DeleteRole(const Services& services, const Call& call);

// --- Accounts and their tokens (accounts.cpp) ---
core::Result<Reply> ListAccounts(const Services& services, const Call& call);
core::Result<Reply> CreateAccount(const Services& services, const Call& call);
core::Result<Reply> GetAccount(const Services& services, const Call& call);
core::Result<Reply> UpdateAccount(const Services& services, const Call& call);
core::Result<Reply> DeleteAccount(const Services& services, const Call& call);
core::Result<Reply> EnableAccount(const Services& services, const Call& call);
core::Result<Reply> DisableAccount(const Services& services, const Call& call);
core::Result<Reply> UnlockAccount(const Services& services, const Call& call);
core::Result<Reply> ResetAccountPassword(const Services& services, const Call& call);
core::Result<Reply> CreateAccountToken(const Services& services, const Call& call);
core::Result<Reply> DeleteAccountToken(const Services& services, const Call& call);

// --- Console sessions (sessions.cpp) ---
// The name of the session cookie.
inline constexpr std::string_view kSessionCookie = "keyward_session";
// POST /v1/session: no caller; sets the cookie.
core::Result<Reply> SignIn(const Services& services, const Call& call);
core::Result<Reply> GetSession(const Services& services, const Call& call);
core::Result<Reply> SignOut(const Services& services, const Call& call);
core::Result<Reply> ChangePassword(const Services& services, const Call& call);

// --- Verification (verify.cpp) ---
core::Result<Reply> VerifyKey(const Services& services, const Call& call);

// --- Audit trail (audit.cpp) ---
// GET /v1/audit: ?since=&until=&actor=&action=&target=&limit=&cursor= -> list of audit events.
core::Result<Reply> ListAudit(const Services& services, const Call& call);
// GET /v1/audit/export?format=jsonl|csv (default jsonl) and the list's filters: a streamed body,
// oldest first. Permission and filters are checked before anything is streamed.
core::Result<Reply> ExportAudit(const Services& services, const Call& call);
// GET /v1/audit/verify -> {"ok", "events"[, "firstBrokenId", "reason"]}.
core::Result<Reply> VerifyAudit(const Services& services, const Call& call);

}  // namespace keyward::http::v1
