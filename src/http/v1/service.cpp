// The service endpoints (/healthz, /readyz, /metrics, /v1/openapi.json) and forward-auth
// (/v1/authz) as calls of the native route table: none has a caller.
#include "http/v1/api.hpp"
#include "http/v1/openapi.hpp"

namespace keyward::http::v1 {

core::Result<Reply> Healthz(const Services& services, const Call&) {
  return services.endpoints.Healthz();
}

core::Result<Reply> Readyz(const Services& services, const Call&) {
  return services.endpoints.Readyz();
}

core::Result<Reply> MetricsText(const Services& services, const Call&) {
  return services.endpoints.MetricsText();
}

core::Result<Reply> OpenApi(const Services&, const Call&) {
  return Reply::Text(200, OpenApiJson(), "application/json");
}

core::Result<Reply> ForwardAuth(const Services& services, const Call& call) {
  return ReplyOf(services.authz.AnswerSafely(call.request, call.context));
}

}  // namespace keyward::http::v1
