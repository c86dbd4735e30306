// The Deep Security dialect's front door (docs/deep-security.md "Requests").
#include "http/ds/deep_security_api.hpp"

#include <boost/json/object.hpp>
#include <boost/json/string.hpp>
#include <boost/url/parse.hpp>

#include <exception>
#include <optional>
#include <string>
#include <utility>

#include "core/permissions.hpp"
#include "core/store/account.hpp"
#include "core/text.hpp"
#include "http/auth.hpp"
#include "http/content_type.hpp"
#include "http/ds/errors.hpp"
#include "http/ds/routes.hpp"
#include "http/error_map.hpp"
#include "http/json_fields.hpp"
#include "http/router.hpp"

namespace keyward::http::ds {
namespace {

constexpr std::string_view kVersionHeader = "api-version";
constexpr std::string_view kSupportedVersion = "v1";

// The one key a request presents, in api-secret-key or in Authorization with the ApiKey (Cloud
// One) or Bearer scheme: nullopt for none; kInvalidArgument (two credentials) when they present
// two different secrets.
core::Result<std::optional<std::string>> PresentedKey(const Request& request) {
  return ExtractCredential(request, AuthorizationSchemes::kBearerOrApiKey);
}

// The api-version header: nullopt when absent; its (trimmed) value otherwise.
std::optional<std::string_view> ApiVersion(const Request& request) {
  const auto it = request.find(kVersionHeader);
  if (it == request.end()) return std::nullopt;
  return core::TrimOws(it->value());
}

}  // namespace

DeepSecurityApi::DeepSecurityApi(const Services& services,
                                 const std::vector<core::Ipv4Range>& trusted_proxies,
                                 Logger& logger)
    : services_(services), trusted_proxies_(trusted_proxies), logger_(logger) {}

bool DeepSecurityApi::Owns(std::string_view target) {
  return TargetUnder(target, "/api") || TargetUnder(target, "/rest");
}

Reply DeepSecurityApi::Serve(const Request& request, const RequestContext& context) const {
  try {
    return ServeUnguarded(request, context);
  } catch (const std::exception& e) {
    logger_.Error("request failed",
                  {{"surface", "deep-security"}, {"exception", boost::json::string(e.what())}});
  } catch (...) {
    logger_.Error("request failed", {{"surface", "deep-security"}, {"exception", "unknown"}});
  }
  return MessageReply(500, PublicMessage(core::Internal("exception"), core::Locale::kEnUs));
}

Reply DeepSecurityApi::Fail(const core::Error& error, core::Locale locale, const Endpoint* endpoint,
                            std::string_view pattern) const {
  if (HttpStatus(error.code) >= 500) {
    logger_.Error("request failed", {{"surface", "deep-security"},
                                     {"route", boost::json::string(pattern)},
                                     {"error", boost::json::string(LogDetail(error))}});
  }
  // Before routing, the words of an API key are used (the dialect's most common resource).
  return ErrorReply(error, locale, endpoint != nullptr ? endpoint->resource : Resource::kApiKey,
                    endpoint != nullptr ? endpoint->action : Action::kView);
}

Reply DeepSecurityApi::ServeUnguarded(const Request& request, const RequestContext& context) const {
  constexpr core::Locale kEn = core::Locale::kEnUs;
  const auto url = boost::urls::parse_origin_form(request.target());
  if (!url) {
    if (core::Status st = CheckTargetForToken(request.target()); !st) {
      return Fail(st.error(), kEn, nullptr, "");
    }
    return Fail(core::MakeError(core::ErrorCode::kNotFound, core::Msg::kRouteNotFound,
                                {SafeEcho(request.target())}),
                kEn, nullptr, "");
  }
  // 1. No credential in the query string. Logout's sID is a session id in a parameter no rule
  // refuses (session ids hold no token prefix).
  if (core::Status st = CheckQueryForCredentials(url->params()); !st) {
    return Fail(st.error(), kEn, nullptr, "");
  }
  // 2. Routing.
  const RouteMatch route = MatchRoute(Routes(), request.method_string(), url->encoded_path());
  switch (route.kind) {
    case RouteMatch::Kind::kNotFound:
      return Fail(core::MakeError(core::ErrorCode::kNotFound, core::Msg::kRouteNotFound,
                                  {SafeEcho(url->path())}),
                  kEn, nullptr, "");
    case RouteMatch::Kind::kMethodNotAllowed: {
      Reply reply = MessageReply(405, core::RenderMessage(core::Msg::kMethodNotAllowed, kEn,
                                                          {SafeEcho(request.method_string())}));
      reply.headers.emplace_back("Allow", route.allow);
      return reply;
    }
    case RouteMatch::Kind::kFound:
      break;
  }
  const Endpoint& endpoint = EndpointOf(*route.route);
  const std::string_view pattern = route.route->pattern;
  // 3. A body is JSON, declared so, and an object ({} when empty).
  if (core::Status st = RequireJsonContentType(request); !st) {
    return Fail(st.error(), kEn, &endpoint, pattern);
  }
  core::Result<boost::json::object> body = ParseBody(request.body());
  if (!body) return Fail(body.error(), kEn, &endpoint, pattern);

  const std::optional<core::IpAddress> client = ClientIp(request, context, trusted_proxies_);
  const std::optional<std::string_view> version = ApiVersion(request);
  // A version other than v1 is refused on every route; its absence only where a key calls.
  if (version && *version != kSupportedVersion) {
    return MessageReply(400, Words(Word::kApiVersionUnsupported, kEn));
  }
  const boost::urls::params_view query = url->params();

  // Runs the route as `caller` (with `session` for an Ansible session), errors in `locale`.
  const auto run_as = [&](const core::Principal& caller, const core::SessionAuth* session,
                          core::Locale locale) {
    const Call call{.caller = caller,
                    .route = route,
                    .query = query,
                    .request = request,
                    .context = context,
                    .body = *body,
                    .session = session,
                    .client_ip = client};
    return Run(endpoint, call, locale);
  };

  // 4. The caller.
  if (route.route->access == Access::kSignIn || route.route->access == Access::kPublic) {
    core::Result<std::optional<std::string>> key = PresentedKey(request);
    if (!key) return Fail(key.error(), kEn, &endpoint, pattern);
    if (route.route->access == Access::kSignIn && *key) {
      return MessageReply(403, Words(Word::kSignInWithKey, kEn));
    }
    return run_as(core::Principal(), nullptr, kEn);
  }

  core::Result<std::optional<std::string>> key = PresentedKey(request);
  if (!key) return Fail(key.error(), kEn, &endpoint, pattern);
  if (std::optional<std::string> sid = RequestCookie(request, "sID")) {
    if (*key) {
      return Fail(core::MakeError(core::ErrorCode::kInvalidArgument, core::Msg::kTwoCredentials),
                  kEn, &endpoint, pattern);
    }
    core::Result<core::SessionAuth> auth = services_.sessions.Authenticate(*sid, client);
    if (!auth) return Fail(auth.error(), kEn, &endpoint, pattern);
    const core::Locale locale = auth->principal.locale;
    // The Ansible session is for accounts with both console and API access.
    core::Result<core::SessionInfo> info = services_.sessions.Describe(*auth);
    if (!info) return Fail(info.error(), locale, &endpoint, pattern);
    if (info->account.account.access_level != core::AccessLevel::kConsoleAndApi) {
      return MessageReply(403, Words(Word::kSessionAccessLevel, locale));
    }
    if (auth->must_change_password) {
      return MessageReply(403, Words(Word::kPasswordChangeRequired, locale));
    }
    // 5. With a session, no api-version means v1 (checked above when present).
    return run_as(auth->principal, &*auth, locale);
  }
  if (!*key) {
    return Fail(core::MakeError(core::ErrorCode::kUnauthenticated, core::Msg::kUnauthenticated),
                kEn, &endpoint, pattern);
  }
  // The same chain as the native API: lockout, throttle, allowlist, last use.
  core::Result<core::Principal> caller = core::Authenticate(services_.verifier, **key, client);
  if (!caller) return Fail(caller.error(), kEn, &endpoint, pattern);
  // 5. A key's calls name the version.
  if (!version) return MessageReply(400, Words(Word::kApiVersionMissing, caller->locale));
  return run_as(*caller, nullptr, caller->locale);
}

Reply DeepSecurityApi::Run(const Endpoint& endpoint, const Call& call, core::Locale locale) const {
  // 6. The route's permission.
  if (!endpoint.permission.empty()) {
    core::Status allowed = core::RequirePermission(call.caller.permissions, endpoint.permission);
    if (!allowed) return Fail(allowed.error(), locale, &endpoint, endpoint.route.pattern);
  }
  // 7. The call, its errors in the dialect's words.
  core::Result<Reply> reply = endpoint.handler(services_, call);
  if (!reply) return Fail(reply.error(), locale, &endpoint, endpoint.route.pattern);
  return std::move(reply).value();
}

}  // namespace keyward::http::ds
