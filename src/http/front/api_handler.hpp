// ApiHandler: the native API v1 application behind `keyward serve` — the Handler the transport
// calls for every request. It refuses credentials in the query string, routes (router.hpp),
// serves the public service endpoints, authenticates the caller (auth.hpp), runs the call
// (v1/api.hpp) and turns every core::Error into its status and JSON body (error_map.hpp), in the
// caller's locale once the caller is known and in en-US before. The forward-auth endpoint
// /v1/authz (authz.hpp) comes before all of that: it has no caller, ignores the query string's
// credentials, and is answered inline on the I/O thread (TryInline).
//
// Thread-safe: it keeps no per-request state, and its collaborators are thread-safe. Never
// throws out of Handle or TryInline: an exception becomes a logged 500 (for authz, a logged 401
// UNAVAILABLE).
#pragma once

#include <functional>
#include <vector>

#include "core/audit/audit_service.hpp"
#include "core/clock.hpp"
#include "core/keys/key_service.hpp"
#include "core/store/store.hpp"
#include "core/verification/verifier.hpp"
#include "http/front/service_endpoints.hpp"
#include "http/handler.hpp"
#include "http/logger.hpp"
#include "http/metrics.hpp"
#include "http/reply.hpp"
#include "http/v1/api.hpp"
#include "http/v1/authz.hpp"

namespace keyward::http {

class ApiHandler final : public Handler {
 public:
  // Every reference must outlive the handler. `clock` must be the KeyService's clock, so that the
  // state a response shows (lockedOut, status) is read at the same present as core's rules.
  // `logger` may be null: then internal errors are not logged.
  ApiHandler(core::KeyService& keys, core::Verifier& verifier, core::Store& store,
             const core::Clock& clock, Metrics& metrics, Logger* logger = nullptr);

  // Proxies whose X-Forwarded-For is believed. Set before serving; not thread-safe.
  // What /readyz answers by (see ServiceEndpoints::set_readiness). Set before serving.
  void set_readiness(std::function<bool()> ready) { endpoints_.set_readiness(std::move(ready)); }

  void set_trusted_proxies(std::vector<core::Ipv4Range> proxies) {
    trusted_proxies_ = std::move(proxies);
  }

  // The audit trail's calls (GET /v1/audit, /v1/audit/export, /v1/audit/verify); until set they
  // answer 500. `audit` must outlive the handler. Set before serving; not thread-safe.
  void set_audit(const core::AuditService& audit) { services_.audit = &audit; }

  // Roles, accounts and console sessions; until set, roles are served by a RoleService over the
  // handler's store, account and session calls answer 500 and a session cookie is ignored. The
  // services must outlive the handler. Set before serving; not thread-safe.
  void set_accounts(const core::RoleService& roles, const core::AccountService& accounts,
                    const core::SessionService& sessions) {
    services_.roles = &roles;
    services_.accounts = &accounts;
    services_.sessions = &sessions;
  }

  // The whole response; a streamed body (the audit export) is produced in full first.
  Response Handle(const Request& request, const RequestContext& context) override;

  // What the transport calls: as Handle, except that a streamed body is left to the transport.
  Answer Respond(const Request& request, const RequestContext& context) override;

  // Answers /v1/authz (and every path below it) on the I/O thread; nullopt for every other
  // request. Waits for nothing as long as the Verifier's KeyLookup does not: the app wires the
  // in-memory KeyIndex, which never waits for the store. (Over StoreKeyLookup each answer would
  // run a unit of work on the store and block the I/O thread while it does.)
  std::optional<Response> TryInline(const Request& request, const RequestContext& context) override;

  // The reply Handle sends, before it becomes a Beast response.
  Reply Serve(const Request& request, const RequestContext& context);

 private:
  Reply ServeRoute(const Request& request, const RequestContext& context, const RouteMatch& route,
                   const boost::urls::params_view& query);
  // A call made with the console session cookie `cookie`: the session, CSRF and
  // password-change checks, then the call.
  Reply ServeSessionCall(const Request& request, const RequestContext& context,
                         const RouteMatch& route, const boost::urls::params_view& query,
                         const std::string& cookie);
  // The error's reply in `locale`; server-side faults are logged with their detail first.
  Reply Fail(const core::Error& error, core::Locale locale, const RouteMatch* route);
  // Serve, with an exception logged and answered 500.
  Reply ServeSafely(const Request& request, const RequestContext& context);
  // Authz::Answer, with an exception logged and answered 401 UNAVAILABLE.
  Response AnswerAuthz(const Request& request, const RequestContext& context);

  core::RoleService default_roles_;  // role calls work before set_accounts
  v1::Services services_;
  core::Verifier& verifier_;
  ServiceEndpoints endpoints_;
  Logger* logger_;
  std::vector<core::Ipv4Range> trusted_proxies_;
  Authz authz_;  // reads trusted_proxies_, so declared after it
};

}  // namespace keyward::http
