// ApiHandler: the front door of `keyward serve` — the Handler the transport calls for every
// request. A request for /console or below goes to the web console (console/console.hpp),
// answered inline on the I/O thread from memory. A request for /api or /rest (or below) is the
// Deep Security dialect's (ds/deep_security_api.hpp), one for /v3.0 (or below) Vision One's
// (visionone/vision_one_api.hpp): each dialect routes, authenticates and words its errors its own
// way over the same core. Every other request is the native API v1's. Every API answer, of a
// dialect or not,, whatever its status, carries the API headers (reply.hpp SetApiHeaders:
// Cache-Control: no-store, X-Content-Type-Options: nosniff). It refuses credentials in the
// query string, routes (router.hpp),
// authenticates the caller as the route's access says (auth.hpp), checks the permission the
// route's entry declares (v1/routes.hpp), runs the entry's function (v1/api.hpp) and turns every
// core::Error into its status and JSON body (error_map.hpp), in the caller's locale once the
// caller is known and in en-US before. The forward-auth endpoint
// /v1/authz (authz.hpp) comes before all of that: it has no caller, ignores the query string's
// credentials, and is answered inline on the I/O thread (TryInline).
//
// Thread-safe: it keeps no per-request state, and its collaborators are thread-safe. Never
// throws out of Handle or TryInline: an exception becomes a logged 500 (for authz, a logged 401
// UNAVAILABLE).
#pragma once

#include <functional>
#include <vector>

#include "core/accounts/account_service.hpp"
#include "core/accounts/session_service.hpp"
#include "core/audit/audit_service.hpp"
#include "core/clock.hpp"
#include "core/keys/key_service.hpp"
#include "core/net/ip.hpp"
#include "core/roles/role_service.hpp"
#include "core/store/store.hpp"
#include "core/verification/verifier.hpp"
#include "http/console/console.hpp"
#include "http/ds/deep_security_api.hpp"
#include "http/handler.hpp"
#include "http/logger.hpp"
#include "http/metrics.hpp"
#include "http/reply.hpp"
#include "http/service_endpoints.hpp"
#include "http/v1/api.hpp"
#include "http/v1/authz.hpp"
#include "http/v1/routes.hpp"
#include "http/visionone/vision_one_api.hpp"

namespace keyward::http {

// Everything an ApiHandler serves with. Every reference must outlive the handler.
struct ApiServices {
  core::KeyService& keys;
  core::Verifier& verifier;
  core::Store& store;
  // The KeyService's clock, so that the state a response shows (lockedOut, status) is read at
  // the same present as core's rules.
  const core::Clock& clock;
  const core::RoleService& roles;
  const core::AccountService& accounts;
  const core::SessionService& sessions;
  const core::AuditService& audit;
  Metrics& metrics;
  Logger& logger;  // internal errors, failed exports, authz near-misses
};

// How an ApiHandler serves, beyond its collaborators.
struct ApiOptions {
  // Proxies whose X-Forwarded-For is believed.
  std::vector<core::Ipv4Range> trusted_proxies = {};
  // What /readyz answers by (ServiceEndpoints); empty: whether a store unit of work succeeds.
  std::function<bool()> ready = {};
  // Why the store refuses writes now, named by /readyz as "degraded" while ready; empty: none.
  std::function<std::string()> degraded = {};
  // Whether GET /metrics needs a credential (any valid API key or console session); else public.
  bool metrics_need_credential = false;
};

class ApiHandler final : public Handler {
 public:
  explicit ApiHandler(const ApiServices& services, ApiOptions options = {});

  ApiHandler(const ApiHandler&) = delete;
  ApiHandler& operator=(const ApiHandler&) = delete;

  // The whole response; a streamed body (the audit export) is produced in full first.
  Response Handle(const Request& request, const RequestContext& context) override;

  // What the transport calls: as Handle, except that a streamed body is left to the transport.
  Answer Respond(const Request& request, const RequestContext& context) override;

  // Answers the console and /v1/authz (and every path below it) on the I/O thread; nullopt for
  // every other request, and for an authz request whose outcome the store must write at once (a
  // counted wrong secret, a count to reset: Authz::TryAnswerSafely), which Respond answers on the
  // worker pool once written. The console waits for nothing; authz waits for nothing as long as
  // the Verifier's KeyLookup does not: the app wires the in-memory KeyIndex, which never waits
  // for the store to read. (Over StoreKeyLookup each answer would run a unit of work on the store
  // and block the I/O thread while it does.)
  std::optional<Response> TryInline(const Request& request, const RequestContext& context) override;

  // /v1/authz's fast path (Authz::TryAnswerHead), with the API headers SetApiHeaders would set;
  // kWorkerPool where TryInline would decline an authz request; kTryInline for any other.
  InlineHead TryInlineHead(const Request& request, const RequestContext& context,
                           HeadAnswer& answer) override;

  // The reply Handle sends to an API request (not the console's), before it becomes a Beast
  // response and gets the API headers.
  Reply Serve(const Request& request, const RequestContext& context);

 private:
  Reply ServeRoute(const Request& request, const RequestContext& context, const RouteMatch& route,
                   const boost::urls::params_view& query);
  // POST /v1/session: no caller, and a credential header is refused.
  Reply ServeSignIn(const Request& request, const RequestContext& context, const RouteMatch& route,
                    const boost::urls::params_view& query);
  // A call made with the console session cookie `cookie`: the session, CSRF and
  // password-change checks, then the call.
  Reply ServeSessionCall(const Request& request, const RequestContext& context,
                         const RouteMatch& route, const boost::urls::params_view& query,
                         const std::string& cookie);
  // The route's permission checked (when its entry declares one), then its function run; an
  // error answered in `locale`.
  Reply Run(const v1::Endpoint& endpoint, const v1::Call& call, core::Locale locale);
  // Runs the route's entry with no caller (public routes, forward-auth, sign-in), in en-US.
  Reply RunWithoutCaller(const Request& request, const RequestContext& context,
                         const RouteMatch& route, const boost::urls::params_view& query);
  // The error's reply in `locale`; server-side faults are logged with their detail first.
  Reply Fail(const core::Error& error, core::Locale locale, const RouteMatch* route);
  // Serve, with an exception logged and answered 500.
  Reply ServeSafely(const Request& request, const RequestContext& context);
  // The API's answer (authz, or a route through ServeSafely) with the API headers: the one
  // place they are set, but for TryInline's own authz answers. `whole`: a streamed body is produced
  // in full (for Handle and TryInline).
  Answer ServeApi(const Request& request, const RequestContext& context, bool whole);
  // The console's answer, with an exception logged and answered 500.
  Response ServeConsole(const Request& request) const;

  const std::vector<core::Ipv4Range> trusted_proxies_;
  const bool metrics_need_credential_;
  const core::Verifier& verifier_;
  const core::SessionService& sessions_;
  Logger& logger_;
  ServiceEndpoints endpoints_;
  Authz authz_;            // reads trusted_proxies_, so declared after it
  v1::Services services_;  // refers to endpoints_ and authz_, so declared after them
  const ds::DeepSecurityApi deep_security_;   // refers to services_ and trusted_proxies_
  const visionone::VisionOneApi vision_one_;  // likewise
  const console::Console console_;
};

}  // namespace keyward::http
