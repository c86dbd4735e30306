// The front door of the Vision One API v3.0 dialect (docs/vision-one.md): every request whose
// path is /v3.0 or below. It refuses credentials in the query string, routes, authenticates the
// caller by `Authorization: Bearer <token>`, checks the route's permission, runs its function and
// words every error the dialect's way: {"error": {"code", "message", "number"}}.
//
// Thread-safe: it keeps no per-request state, and its collaborators are thread-safe. Never
// throws out of Serve: an exception becomes a logged 500 in the dialect's shape.
#pragma once

#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/locale.hpp"
#include "core/net/ip.hpp"
#include "http/handler.hpp"
#include "http/logger.hpp"
#include "http/reply.hpp"
#include "http/v1/api.hpp"

namespace keyward::http::visionone {

// The same collaborators as the native API's.
using Services = v1::Services;

class VisionOneApi {
 public:
  // Every reference must outlive the object.
  VisionOneApi(const Services& services, const std::vector<core::Ipv4Range>& trusted_proxies,
               Logger& logger);

  // Whether the request target's path is the dialect's: /v3.0 or below.
  static bool Owns(std::string_view target);

  // The answer to a request the dialect owns.
  Reply Serve(const Request& request, const RequestContext& context) const;

 private:
  Reply ServeUnsafe(const Request& request, const RequestContext& context) const;
  // The error reply for `error` in `locale`; a server fault is logged with its route pattern.
  Reply Fail(const core::Error& error, core::Locale locale, std::string_view pattern) const;

  const Services& services_;
  const std::vector<core::Ipv4Range>& trusted_proxies_;
  Logger& logger_;
};

}  // namespace keyward::http::visionone
