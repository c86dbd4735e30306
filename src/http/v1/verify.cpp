// POST /v1/keys/verify (docs/api.md "Verification"): a gateway or backend, holding keys:verify,
// asks whether a key its own client presented may act. keys:verify is the route's permission
// (routes.cpp), checked by ApiHandler before the call.
#include <boost/json/object.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/json_fields.hpp"
#include "http/v1/api.hpp"
#include "http/v1/verification_codec.hpp"

namespace keyward::http::v1 {

core::Result<Reply> VerifyKey(const Services& services, const Call& call) {
  KW_ASSIGN_OR_RETURN(boost::json::object body, ParseBody(call.body()));
  KW_ASSIGN_OR_RETURN(VerifyInput input, ParseVerify(body));
  const std::vector<std::string_view> required(input.permissions.begin(), input.permissions.end());
  core::VerifyRequest request;
  request.token = input.key;
  // The end client's address; without one, the address the call itself came from.
  request.client_ip = input.ip ? input.ip : core::IpAddress::Parse(call.caller.ip);
  request.required_permissions = required;
  // Failures count against the end client's verification budget, never the caller's own
  // authentication: junk from end clients cannot lock the gateway out (docs/gateways.md).
  request.budget = core::ThrottleBudget::kPresentedKeys;

  const auto started = std::chrono::steady_clock::now();
  const core::Verification verification = services.verifier.Verify(request);
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
  services.metrics.ObserveVerification("verify", took.count());
  services.metrics.IncrementVerification(core::OutcomeName(verification.outcome));

  // The one answer that is not 200: the chain cannot tell, so the caller must not decide.
  if (verification.outcome == core::Outcome::kUnavailable) {
    return core::Unavailable("key lookup failed");
  }
  Reply reply = Reply::Json(200, VerificationJson(verification, call.caller.time_zone));
  if (verification.outcome == core::Outcome::kRateLimited) {
    reply.headers.emplace_back(
        "Retry-After", std::to_string(std::max<std::int64_t>(verification.retry_after_seconds, 1)));
  }
  return reply;
}

}  // namespace keyward::http::v1
