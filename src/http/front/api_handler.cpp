#include "http/front/api_handler.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/json/string.hpp>
#include <boost/url/parse.hpp>

#include <exception>
#include <optional>
#include <string>

#include "http/auth.hpp"
#include "http/content_type.hpp"
#include "http/error_map.hpp"

namespace keyward::http {
namespace {

constexpr std::string_view kCsrfHeader = "X-CSRF-Token";

core::Error RouteNotFound(std::string_view path) {
  return core::MakeError(core::ErrorCode::kNotFound, core::Msg::kRouteNotFound, {SafeEcho(path)});
}

// `response` as a Reply, for Serve's callers. Its Content-Length is ToResponse's to set again.
Reply ToReply(const Response& response) {
  namespace bh = boost::beast::http;
  Reply reply;
  reply.status = response.result_int();
  reply.body = response.body();
  reply.content_type = std::string(response[bh::field::content_type]);
  for (const auto& field : response) {
    if (field.name() == bh::field::content_length || field.name() == bh::field::content_type) {
      continue;
    }
    reply.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  return reply;
}

}  // namespace

ApiHandler::ApiHandler(core::KeyService& keys, core::Verifier& verifier, core::Store& store,
                       const core::Clock& clock, Metrics& metrics, Logger* logger)
    : default_roles_(store, clock),
      services_{keys,    store,  clock,           verifier, metrics,
                nullptr, logger, &default_roles_, nullptr,  nullptr},
      verifier_(verifier),
      endpoints_(store, clock, metrics, logger),
      logger_(logger),
      authz_(verifier, metrics, trusted_proxies_, logger) {}

std::optional<Response> ApiHandler::TryInline(const Request& request,
                                              const RequestContext& context) {
  if (!Authz::Owns(request)) return std::nullopt;
  return AnswerAuthz(request, context);
}

Response ApiHandler::AnswerAuthz(const Request& request, const RequestContext& context) {
  try {
    return authz_.Answer(request, context);
  } catch (const std::exception& e) {
    if (logger_ != nullptr) {
      logger_->Error("authz failed", {{"exception", boost::json::string(e.what())}});
    }
  } catch (...) {
    if (logger_ != nullptr) logger_->Error("authz failed", {{"exception", "unknown"}});
  }
  return Authz::FailureAnswer(request);
}

Response ApiHandler::Handle(const Request& request, const RequestContext& context) {
  // The transport normally answers authz through TryInline; this is for any that does not.
  if (Authz::Owns(request)) return AnswerAuthz(request, context);
  return ToResponse(ServeSafely(request, context), request.version(), request.keep_alive());
}

Answer ApiHandler::Respond(const Request& request, const RequestContext& context) {
  if (Authz::Owns(request)) return Answer{AnswerAuthz(request, context), {}};
  return ToAnswer(ServeSafely(request, context), request.version(), request.keep_alive());
}

Reply ApiHandler::ServeSafely(const Request& request, const RequestContext& context) {
  Reply reply;
  try {
    reply = Serve(request, context);
  } catch (const std::exception& e) {
    if (logger_ != nullptr) {
      logger_->Error("request failed", {{"exception", boost::json::string(e.what())}});
    }
    reply = ErrorReply(core::Internal("exception"), core::Locale::kEnUs);
  } catch (...) {
    if (logger_ != nullptr) logger_->Error("request failed", {{"exception", "unknown"}});
    reply = ErrorReply(core::Internal("exception"), core::Locale::kEnUs);
  }
  return reply;
}

Reply ApiHandler::Serve(const Request& request, const RequestContext& context) {
  // Before the query check: authz reads no credential from the query and refuses nothing for it.
  if (Authz::Owns(request)) return ToReply(AnswerAuthz(request, context));
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
  const RouteMatch route = MatchRoute(request.method_string(), url->encoded_path());
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
  switch (route.route->id) {
    case RouteId::kHealthz:
      return endpoints_.Healthz();
    case RouteId::kReadyz:
      return endpoints_.Readyz();
    case RouteId::kMetrics:
      return endpoints_.MetricsText();
    case RouteId::kOpenApi:
      return endpoints_.OpenApi();
    case RouteId::kAuthz:
      // Serve answers every path this route owns before routing; this is for completeness.
      return ToReply(AnswerAuthz(request, context));
    default:
      break;
  }
  if (route.route->access == Access::kSignIn) {
    // Sign-in takes an email and a password in its body; a credential header is refused.
    core::Result<std::optional<std::string>> credential = ExtractCredential(request);
    if (!credential) return Fail(credential.error(), core::Locale::kEnUs, &route);
    if (*credential) {
      return Fail(core::MakeError(core::ErrorCode::kPermissionDenied, core::Msg::kSignInWithKey),
                  core::Locale::kEnUs, &route);
    }
    const core::Principal nobody;
    const v1::Call call{nobody,         route,   query,
                        request.body(), nullptr, ClientIp(request, context, trusted_proxies_),
                        context.tls};
    core::Result<Reply> reply = v1::Dispatch(services_, call);
    if (!reply) return Fail(reply.error(), core::Locale::kEnUs, &route);
    return std::move(reply).value();
  }
  if (services_.sessions != nullptr) {
    if (std::optional<std::string> cookie = RequestCookie(request, v1::kSessionCookie)) {
      return ServeSessionCall(request, context, route, query, *cookie);
    }
  }
  if (route.route->access == Access::kSession) {
    return Fail(core::MakeError(core::ErrorCode::kUnauthenticated, core::Msg::kSessionRequired),
                core::Locale::kEnUs, &route);
  }
  const std::optional<core::IpAddress> client = ClientIp(request, context, trusted_proxies_);
  core::Result<core::Principal> caller = AuthenticateRequest(verifier_, request, client);
  // Until the caller is known, its locale is not: credential errors are in en-US.
  if (!caller) return Fail(caller.error(), core::Locale::kEnUs, &route);
  const v1::Call call{*caller, route, query, request.body(), nullptr, client, context.tls};
  core::Result<Reply> reply = v1::Dispatch(services_, call);
  if (!reply) return Fail(reply.error(), caller->locale, &route);
  return std::move(reply).value();
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
  core::Result<core::SessionAuth> auth = services_.sessions->Authenticate(cookie, client);
  if (!auth) return Fail(auth.error(), core::Locale::kEnUs, &route);
  const core::Locale locale = auth->principal.locale;
  const bh::verb method = request.method();
  const bool safe =
      method == bh::verb::get || method == bh::verb::head || method == bh::verb::options;
  if (!safe && !services_.sessions->CsrfMatches(*auth, request[kCsrfHeader])) {
    return Fail(core::MakeError(core::ErrorCode::kPermissionDenied, core::Msg::kCsrfMissing),
                locale, &route);
  }
  const RouteId id = route.route->id;
  if (auth->must_change_password && id != RouteId::kSessionGet && id != RouteId::kSessionDelete &&
      id != RouteId::kSessionPassword) {
    return Fail(
        core::MakeError(core::ErrorCode::kPermissionDenied, core::Msg::kPasswordChangeRequired),
        locale, &route);
  }
  const v1::Call call{auth->principal, route, query, request.body(), &*auth, client, context.tls};
  core::Result<Reply> reply = v1::Dispatch(services_, call);
  if (!reply) return Fail(reply.error(), locale, &route);
  return std::move(reply).value();
}

Reply ApiHandler::Fail(const core::Error& error, core::Locale locale, const RouteMatch* route) {
  if (logger_ != nullptr && HttpStatus(error.code) >= 500) {
    std::string detail = core::CodeName(error.code);
    for (const std::string& arg : error.args) detail += ": " + arg;
    const std::string_view pattern =
        route != nullptr && route->route != nullptr ? route->route->pattern : "";
    logger_->Error("request failed", {{"route", boost::json::string(pattern)},
                                      {"error", boost::json::string(detail)}});
  }
  return ErrorReply(error, locale);
}

}  // namespace keyward::http
