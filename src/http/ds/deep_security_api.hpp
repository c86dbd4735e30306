// The front door of the Deep Security / Workload Security API v1 dialect (docs/deep-security.md):
// every request whose path is /api or below, or /rest or below. It refuses credentials in the
// query string, requires `api-version: v1` (or, with an Ansible session, takes its absence as
// v1), routes (ds/routes.hpp), authenticates the caller by `api-secret-key`, `Authorization:
// ApiKey <secret>` (a Bearer token too) or `Cookie: sID=<session>`, reads the body as a JSON
// object, checks the route's permission, runs its function (ds/api.hpp) and words every error
// the dialect's way: {"message": "..."}, in the caller's locale once the caller is known.
//
// Thread-safe: it keeps no per-request state, and its collaborators are thread-safe. Never
// throws out of Serve: an exception becomes a logged 500 in the dialect's shape.
#pragma once

#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/locale.hpp"
#include "core/net/ip.hpp"
#include "http/ds/api.hpp"
#include "http/ds/routes.hpp"
#include "http/handler.hpp"
#include "http/logger.hpp"
#include "http/reply.hpp"

namespace keyward::http::ds {

class DeepSecurityApi {
 public:
  // Every reference must outlive the object.
  DeepSecurityApi(const Services& services, const std::vector<core::Ipv4Range>& trusted_proxies,
                  Logger& logger);

  // Whether the request target's path is the dialect's: /api, /rest, or below either.
  static bool Owns(std::string_view target);

  // The answer to a request the dialect owns.
  Reply Serve(const Request& request, const RequestContext& context) const;

 private:
  // Serve's steps; may throw (Serve catches).
  Reply ServeUnguarded(const Request& request, const RequestContext& context) const;
  // The route's permission, then its function, errors worded for `locale`.
  Reply Run(const Endpoint& endpoint, const Call& call, core::Locale locale) const;
  // The dialect's answer to `error` (logged when it is a server fault); `endpoint` (null before
  // routing) gives the words' resource.
  Reply Fail(const core::Error& error, core::Locale locale, const Endpoint* endpoint,
             std::string_view pattern) const;

  const Services& services_;
  const std::vector<core::Ipv4Range>& trusted_proxies_;
  Logger& logger_;
};

}  // namespace keyward::http::ds
