#include "http/front/api_handler.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/json/string.hpp>
#include <boost/url/parse.hpp>

#include <exception>
#include <optional>
#include <string>
#include <utility>

#include "core/permissions.hpp"
#include "http/auth.hpp"
#include "http/content_type.hpp"
#include "http/error_map.hpp"

namespace keyward::http {
namespace {

constexpr std::string_view kCsrfHeader = "X-CSRF-Token";

core::Error RouteNotFound(std::string_view path) {
  return core::MakeError(core::ErrorCode::kNotFound, core::Msg::kRouteNotFound, {SafeEcho(path)});
}

}  // namespace

ApiHandler::ApiHandler(const ApiServices& services, ApiOptions options)
    : trusted_proxies_(std::move(options.trusted_proxies)),
      metrics_need_credential_(options.metrics_need_credential),
      verifier_(services.verifier),
      sessions_(services.sessions),
      logger_(services.logger),
      endpoints_(services.store, services.clock, services.metrics, services.logger,
                 std::move(options.ready), std::move(options.degraded)),
      authz_(services.verifier, services.metrics, trusted_proxies_, services.logger),
      services_{.keys = services.keys,
                .store = services.store,
                .clock = services.clock,
                .verifier = services.verifier,
                .metrics = services.metrics,
                .logger = services.logger,
                .roles = services.roles,
                .accounts = services.accounts,
                .sessions = services.sessions,
                .audit = services.audit,
                .endpoints = endpoints_,
                .authz = authz_},
      deep_security_(services_, trusted_proxies_, services.logger),
      vision_one_(services_, trusted_proxies_, services.logger) {}

std::optional<Response> ApiHandler::TryInline(const Request& request,
                                              const RequestContext& context) {
  // Forward-auth first: it is the hot path, and the console's prefix is disjoint from it. An
  // answer that must wait for a store write (a counted wrong secret) is left to Respond on the
  // worker pool, so this I/O thread goes on serving its other connections meanwhile.
  if (Authz::Owns(request)) {
    std::optional<Response> response = authz_.TryAnswerSafely(request, context);
    if (response) SetApiHeaders(*response);  // as ServeApi does for every other API answer
    return response;
  }
  if (console::Console::Owns(request)) return ServeConsole(request);
  return std::nullopt;
}

InlineHead ApiHandler::TryInlineHead(const Request& request, const RequestContext& context,
                                     HeadAnswer& answer) {
  if (!Authz::Owns(request)) return InlineHead::kTryInline;
  if (!authz_.TryAnswerHead(request, context, answer)) return InlineHead::kWorkerPool;
  // The fields SetApiHeaders sets, as they are written (authz_transport_test.cpp checks that
  // these bytes equal TryInline's answer's).
  answer.fields += "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n";
  return InlineHead::kAnswered;
}

Response ApiHandler::Handle(const Request& request, const RequestContext& context) {
  // The transport normally answers the console and authz through TryInline; this is for any
  // that does not.
  if (console::Console::Owns(request)) return ServeConsole(request);
  return ServeApi(request, context, /*whole=*/true).response;
}

Answer ApiHandler::Respond(const Request& request, const RequestContext& context) {
  if (console::Console::Owns(request)) return Answer{ServeConsole(request), {}};
  return ServeApi(request, context, /*whole=*/false);
}

Answer ApiHandler::ServeApi(const Request& request, const RequestContext& context, bool whole) {
  Answer answer;
  if (Authz::Owns(request)) {
    answer.response = authz_.AnswerSafely(request, context);
  } else {
    Reply reply = ServeSafely(request, context);
    answer = whole
                 ? Answer{ToResponse(std::move(reply), request.version(), request.keep_alive()), {}}
                 : ToAnswer(std::move(reply), request.version(), request.keep_alive());
  }
  // The one place every API answer gets its headers, whatever its route or status.
  SetApiHeaders(answer.response);
  return answer;
}

Response ApiHandler::ServeConsole(const Request& request) const {
  try {
    return console_.Answer(request);
  } catch (const std::exception& e) {
    logger_.Error("console request failed", {{"exception", boost::json::string(e.what())}});
  } catch (...) {
    logger_.Error("console request failed", {{"exception", "unknown"}});
  }
  return InternalErrorResponse(request.version(), request.keep_alive());
}

Reply ApiHandler::ServeSafely(const Request& request, const RequestContext& context) {
  Reply reply;
  try {
    reply = Serve(request, context);
  } catch (const std::exception& e) {
    logger_.Error("request failed", {{"exception", boost::json::string(e.what())}});
    reply = ErrorReply(core::Internal("exception"), core::Locale::kEnUs);
  } catch (...) {
    logger_.Error("request failed", {{"exception", "unknown"}});
    reply = ErrorReply(core::Internal("exception"), core::Locale::kEnUs);
  }
  return reply;
}

Reply ApiHandler::Serve(const Request& request, const RequestContext& context) {
  // Before the query check: authz reads no credential from the query and refuses nothing for it.
  if (Authz::Owns(request)) return ReplyOf(authz_.AnswerSafely(request, context));
  // The dialects check their own query strings, content types and credentials.
  if (ds::DeepSecurityApi::Owns(request.target())) return deep_security_.Serve(request, context);
  if (visionone::VisionOneApi::Owns(request.target())) return vision_one_.Serve(request, context);
  const auto url = boost::urls::parse_origin_form(request.target());
  if (!url) {
    // A target Boost.URL cannot parse (a bad escape) is still searched for a token.
    if (core::Status st = CheckTargetForToken(request.target()); !st) {
      return Fail(st.error(), core::Locale::kEnUs, nullptr);
    }
    return Fail(RouteNotFound(request.target()), core::Locale::kEnUs, nullptr);
  }
  // Before routing, so that a token in any URL is refused, whatever the path.
  if (core::Status st = CheckQueryForCredentials(url->params()); !st) {
    return Fail(st.error(), core::Locale::kEnUs, nullptr);
  }
  // Before routing too: no body is read unless it is declared JSON (a login CSRF otherwise).
  if (core::Status st = RequireJsonContentType(request); !st) {
    return Fail(st.error(), core::Locale::kEnUs, nullptr);
  }
  const RouteMatch route = MatchRoute(v1::Routes(), request.method_string(), url->encoded_path());
  switch (route.kind) {
    case RouteMatch::Kind::kNotFound:
      return Fail(RouteNotFound(url->path()), core::Locale::kEnUs, nullptr);
    case RouteMatch::Kind::kMethodNotAllowed:
      return MethodNotAllowedReply(request.method_string(), route.allow, core::Locale::kEnUs);
    case RouteMatch::Kind::kFound:
      break;
  }
  return ServeRoute(request, context, route, url->params());
}

Reply ApiHandler::ServeRoute(const Request& request, const RequestContext& context,
                             const RouteMatch& route, const boost::urls::params_view& query) {
  // /metrics is public unless the operator wants a credential for it: then it is served as a
  // call of an authenticated route that needs no particular permission.
  const bool guarded_metrics = metrics_need_credential_ && route.route->name == "metrics";
  switch (route.route->access) {
    case Access::kPublic:
      if (guarded_metrics) break;
      return RunWithoutCaller(request, context, route, query);
    case Access::kPresentedToken:
      // No caller: forward-auth (which Serve answers before routing) checks the token the request
      // presents.
      return RunWithoutCaller(request, context, route, query);
    case Access::kSignIn:
      return ServeSignIn(request, context, route, query);
    case Access::kAuthenticated:
    case Access::kSession:
      break;
  }
  if (std::optional<std::string> cookie = RequestCookie(request, v1::kSessionCookie)) {
    return ServeSessionCall(request, context, route, query, *cookie);
  }
  if (route.route->access == Access::kSession) {
    return Fail(core::MakeError(core::ErrorCode::kUnauthenticated, core::Msg::kSessionRequired),
                core::Locale::kEnUs, &route);
  }
  const std::optional<core::IpAddress> client = ClientIp(request, context, trusted_proxies_);
  core::Result<core::Principal> caller = AuthenticateRequest(verifier_, request, client);
  // Until the caller is known, its locale is not: credential errors are in en-US.
  if (!caller) return Fail(caller.error(), core::Locale::kEnUs, &route);
  const v1::Call call{.caller = *caller,
                      .route = route,
                      .query = query,
                      .request = request,
                      .context = context,
                      .client_ip = client};
  return Run(v1::EndpointOf(*route.route), call, caller->locale);
}

Reply ApiHandler::ServeSignIn(const Request& request, const RequestContext& context,
                              const RouteMatch& route, const boost::urls::params_view& query) {
  // Sign-in takes an email and a password in its body; a credential header is refused.
  core::Result<std::optional<std::string>> credential = ExtractCredential(request);
  if (!credential) return Fail(credential.error(), core::Locale::kEnUs, &route);
  if (*credential) {
    return Fail(core::MakeError(core::ErrorCode::kPermissionDenied, core::Msg::kSignInWithKey),
                core::Locale::kEnUs, &route);
  }
  return RunWithoutCaller(request, context, route, query);
}

Reply ApiHandler::RunWithoutCaller(const Request& request, const RequestContext& context,
                                   const RouteMatch& route, const boost::urls::params_view& query) {
  const core::Principal nobody;
  const v1::Call call{.caller = nobody,
                      .route = route,
                      .query = query,
                      .request = request,
                      .context = context,
                      .client_ip = ClientIp(request, context, trusted_proxies_)};
  return Run(v1::EndpointOf(*route.route), call, core::Locale::kEnUs);
}

Reply ApiHandler::ServeSessionCall(const Request& request, const RequestContext& context,
                                   const RouteMatch& route, const boost::urls::params_view& query,
                                   const std::string& cookie) {
  namespace bh = boost::beast::http;
  // A cookie and an API key in one request are two credentials.
  core::Result<std::optional<std::string>> credential = ExtractCredential(request);
  if (!credential) return Fail(credential.error(), core::Locale::kEnUs, &route);
  if (*credential) {
    return Fail(core::MakeError(core::ErrorCode::kInvalidArgument, core::Msg::kTwoCredentials),
                core::Locale::kEnUs, &route);
  }
  const std::optional<core::IpAddress> client = ClientIp(request, context, trusted_proxies_);
  core::Result<core::SessionAuth> auth = sessions_.Authenticate(cookie, client);
  if (!auth) return Fail(auth.error(), core::Locale::kEnUs, &route);
  const core::Locale locale = auth->principal.locale;
  const bh::verb method = request.method();
  const bool safe =
      method == bh::verb::get || method == bh::verb::head || method == bh::verb::options;
  if (!safe && !sessions_.CsrfMatches(*auth, request[kCsrfHeader])) {
    return Fail(core::MakeError(core::ErrorCode::kPermissionDenied, core::Msg::kCsrfMissing),
                locale, &route);
  }
  const v1::Endpoint& endpoint = v1::EndpointOf(*route.route);
  if (auth->must_change_password && !endpoint.during_password_change) {
    return Fail(
        core::MakeError(core::ErrorCode::kPermissionDenied, core::Msg::kPasswordChangeRequired),
        locale, &route);
  }
  const v1::Call call{.caller = auth->principal,
                      .route = route,
                      .query = query,
                      .request = request,
                      .context = context,
                      .session = &*auth,
                      .client_ip = client};
  return Run(endpoint, call, locale);
}

Reply ApiHandler::Run(const v1::Endpoint& endpoint, const v1::Call& call, core::Locale locale) {
  if (!endpoint.permission.empty()) {
    core::Status allowed = core::RequirePermission(call.caller.permissions, endpoint.permission);
    if (!allowed) return Fail(allowed.error(), locale, &call.route);
  }
  core::Result<Reply> reply = endpoint.handler(services_, call);
  if (!reply) return Fail(reply.error(), locale, &call.route);
  return std::move(reply).value();
}

Reply ApiHandler::Fail(const core::Error& error, core::Locale locale, const RouteMatch* route) {
  if (HttpStatus(error.code) >= 500) {
    const std::string_view pattern =
        route != nullptr && route->route != nullptr ? route->route->pattern : "";
    logger_.Error("request failed", {{"route", boost::json::string(pattern)},
                                     {"error", boost::json::string(LogDetail(error))}});
  }
  return ErrorReply(error, locale);
}

}  // namespace keyward::http
