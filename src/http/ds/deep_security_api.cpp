// STUB (replaced by the front door's implementation).
#include "http/ds/deep_security_api.hpp"

#include <boost/json/object.hpp>

namespace keyward::http::ds {
namespace {

bool UnderPrefix(std::string_view target, std::string_view prefix) {
  if (!target.starts_with(prefix)) return false;
  const std::string_view rest = target.substr(prefix.size());
  return rest.empty() || rest.front() == '/' || rest.front() == '?';
}

}  // namespace

DeepSecurityApi::DeepSecurityApi(const Services& services,
                                 const std::vector<core::Ipv4Range>& trusted_proxies,
                                 Logger& logger)
    : services_(services), trusted_proxies_(trusted_proxies), logger_(logger) {}

bool DeepSecurityApi::Owns(std::string_view target) {
  return UnderPrefix(target, "/api") || UnderPrefix(target, "/rest");
}

Reply DeepSecurityApi::Serve(const Request& /*request*/, const RequestContext& /*context*/) const {
  return Reply::Json(404, boost::json::object{{"message", "Not built yet."}});
}

}  // namespace keyward::http::ds
