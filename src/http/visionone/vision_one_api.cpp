// STUB (replaced by the front door's implementation).
#include "http/visionone/vision_one_api.hpp"

#include <boost/json/object.hpp>

namespace keyward::http::visionone {

VisionOneApi::VisionOneApi(const Services& services,
                           const std::vector<core::Ipv4Range>& trusted_proxies, Logger& logger)
    : services_(services), trusted_proxies_(trusted_proxies), logger_(logger) {}

bool VisionOneApi::Owns(std::string_view target) {
  constexpr std::string_view kPrefix = "/v3.0";
  if (!target.starts_with(kPrefix)) return false;
  const std::string_view rest = target.substr(kPrefix.size());
  return rest.empty() || rest.front() == '/' || rest.front() == '?';
}

Reply VisionOneApi::Serve(const Request& /*request*/, const RequestContext& /*context*/) const {
  return Reply::Json(
      404, boost::json::object{{"error", boost::json::object{{"code", "NotFound"},
                                                             {"message", "Not built yet."},
                                                             {"number", 404}}}});
}

}  // namespace keyward::http::visionone
