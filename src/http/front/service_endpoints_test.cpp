// The service endpoints (/healthz, /readyz, /metrics, /v1/openapi.json) through ApiHandler: no
// credential, and what each answers by.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <string>

#include "http/front/api_handler.hpp"
#include "testing/http/api_test_util.hpp"

namespace keyward::http {
namespace {

namespace bh = boost::beast::http;
namespace json = boost::json;
using ::testing::HasSubstr;
using ::testing::Not;

// One gtest suite per fixture class: the ApiHandler tests of this file read
// ServiceRoutes.Behaviour.
class ServiceRoutes : public testing::ApiHandlerFixture {};

TEST_F(ServiceRoutes, HealthzAndOpenApiNeedNoCredential) {
  const Response health = Send(bh::verb::get, "/healthz");
  EXPECT_EQ(health.result_int(), 200u);
  EXPECT_EQ(health.body(), R"({"status":"ok"})");
  const Response doc = Send(bh::verb::get, "/v1/openapi.json");
  EXPECT_EQ(doc.result_int(), 200u);
  EXPECT_EQ(json::parse(doc.body()).at("openapi").as_string(), "3.0.3");
}

TEST_F(ServiceRoutes, ReadyzFollowsTheStore) {
  EXPECT_EQ(Send(bh::verb::get, "/readyz").result_int(), 200u);
  store_.FailNextCommit();
  const Response down = Send(bh::verb::get, "/readyz");
  EXPECT_EQ(down.result_int(), 503u);
  EXPECT_EQ(Code(down), "unavailable");
}

TEST_F(ServiceRoutes, MetricsCountKeysByStatusAndCacheTheCount) {
  const Response first = Send(bh::verb::get, "/metrics");
  ASSERT_EQ(first.result_int(), 200u);
  EXPECT_THAT(std::string(first[bh::field::content_type]), HasSubstr("text/plain; version=0.0.4"));
  EXPECT_THAT(first.body(), HasSubstr("keyward_keys{status=\"enabled\"} 1"));
  EXPECT_THAT(first.body(), HasSubstr("keyward_keys{status=\"disabled\"} 0"));
  CreateKey("", "second", "Auditor");
  // Within the 5 s cache the count is not recomputed.
  EXPECT_THAT(Send(bh::verb::get, "/metrics").body(),
              HasSubstr("keyward_keys{status=\"enabled\"} 1"));
}

TEST_F(ServiceRoutes, ReadyzFollowsTheReadinessCheckWhenOneIsGiven) {
  bool fresh = false;
  http::ApiHandler handler(Wire(), ApiOptions{.ready = [&fresh] { return fresh; }});
  const Request readyz{bh::verb::get, "/readyz", 11};
  EXPECT_EQ(CallOn(handler, readyz).result_int(), 503u);
  fresh = true;
  EXPECT_EQ(CallOn(handler, readyz).result_int(), 200u);
}

}  // namespace
}  // namespace keyward::http
