#include "http/visionone/vision_one_api.hpp"

#include <boost/json/string.hpp>
#include <boost/url/parse.hpp>

#include <exception>
#include <string>

#include "core/permissions.hpp"
#include "http/auth.hpp"
#include "http/content_type.hpp"
#include "http/error_map.hpp"
#include "http/router.hpp"
#include "http/visionone/api.hpp"
#include "http/visionone/errors.hpp"

namespace keyward::http::visionone {

VisionOneApi::VisionOneApi(const Services& services,
                           const std::vector<core::Ipv4Range>& trusted_proxies, Logger& logger)
    : services_(services), trusted_proxies_(trusted_proxies), logger_(logger) {}

bool VisionOneApi::Owns(std::string_view target) { return TargetUnder(target, "/v3.0"); }

Reply VisionOneApi::Serve(const Request& request, const RequestContext& context) const {
  try {
    return ServeUnsafe(request, context);
  } catch (const std::exception& e) {
    logger_.Error("request failed",
                  {{"surface", "vision-one"}, {"exception", boost::json::string(e.what())}});
  } catch (...) {
    logger_.Error("request failed", {{"surface", "vision-one"}, {"exception", "unknown"}});
  }
  return ErrorReply(core::Internal("exception"), core::Locale::kEnUs);
}

Reply VisionOneApi::ServeUnsafe(const Request& request, const RequestContext& context) const {
  // Until the caller is known, its locale is not: errors before authentication are in en-US.
  constexpr core::Locale kBefore = core::Locale::kEnUs;
  const auto url = boost::urls::parse_origin_form(request.target());
  if (!url) {
    if (core::Status st = CheckTargetForToken(request.target()); !st) {
      return Fail(st.error(), kBefore, "");
    }
    return Fail(core::MakeError(core::ErrorCode::kNotFound, core::Msg::kRouteNotFound,
                                {SafeEcho(request.target())}),
                kBefore, "");
  }
  if (core::Status st = CheckQueryForCredentials(url->params()); !st) {
    return Fail(st.error(), kBefore, "");
  }
  const RouteMatch route = MatchRoute(Routes(), request.method_string(), url->encoded_path());
  switch (route.kind) {
    case RouteMatch::Kind::kNotFound:
      return Fail(core::MakeError(core::ErrorCode::kNotFound, core::Msg::kRouteNotFound,
                                  {SafeEcho(url->path())}),
                  kBefore, "");
    case RouteMatch::Kind::kMethodNotAllowed: {
      Reply reply = ErrorReply(405, core::RenderMessage(core::Msg::kMethodNotAllowed, kBefore,
                                                        {SafeEcho(request.method_string())}));
      reply.headers.emplace_back("Allow", route.allow);
      return reply;
    }
    case RouteMatch::Kind::kFound:
      break;
  }
  // Only a body declared as JSON is read (the native API's rule, for the same reason).
  if (core::Status st = RequireJsonContentType(request); !st) {
    return Fail(st.error(), kBefore, route.route->pattern);
  }
  const std::optional<core::IpAddress> client = ClientIp(request, context, trusted_proxies_);
  core::Result<core::Principal> caller = AuthenticateRequest(services_.verifier, request, client);
  if (!caller) return Fail(caller.error(), kBefore, route.route->pattern);
  const core::Locale locale = caller->locale;
  const Endpoint& endpoint = EndpointOf(*route.route);
  if (core::Status allowed = core::RequirePermission(caller->permissions, endpoint.permission);
      !allowed) {
    return Fail(allowed.error(), locale, route.route->pattern);
  }
  const boost::urls::params_view query = url->params();
  const Call call{
      .caller = *caller, .route = route, .query = query, .request = request, .context = context};
  core::Result<Reply> reply = endpoint.handler(services_, call);
  if (!reply) return Fail(reply.error(), locale, route.route->pattern);
  return std::move(reply).value();
}

Reply VisionOneApi::Fail(const core::Error& error, core::Locale locale,
                         std::string_view pattern) const {
  if (HttpStatus(error.code) >= 500) {
    logger_.Error("request failed", {{"surface", "vision-one"},
                                     {"route", boost::json::string(pattern)},
                                     {"error", boost::json::string(LogDetail(error))}});
  }
  return ErrorReply(error, locale);
}

}  // namespace keyward::http::visionone
