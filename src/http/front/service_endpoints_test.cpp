// The service endpoints (/healthz, /readyz, /metrics, /v1/openapi.json) through ApiHandler: no
// credential (but for /metrics when told to want one), and what each answers by.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <string>

#include "http/error_map.hpp"
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

TEST_F(ServiceRoutes, MetricsMayNeedAnyValidCredential) {
  http::ApiHandler handler(Wire(), ApiOptions{.metrics_need_credential = true});
  const auto [id, token] = CreateKey("", "scraper", "Auditor");
  Request anonymous{bh::verb::get, "/metrics", 11};
  const Response refused = CallOn(handler, anonymous);
  EXPECT_EQ(refused.result_int(), 401u);
  EXPECT_THAT(refused.body(), Not(HasSubstr("keyward_keys")));
  Request wrong = anonymous;
  std::string altered = token;
  altered.back() = altered.back() == 'x' ? 'y' : 'x';
  wrong.set(bh::field::authorization, "Bearer " + altered);
  EXPECT_EQ(CallOn(handler, wrong).result_int(), 401u);
  Request scraper = anonymous;
  scraper.set(bh::field::authorization, "Bearer " + token);
  const Response allowed = CallOn(handler, scraper);
  EXPECT_EQ(allowed.result_int(), 200u);
  EXPECT_THAT(allowed.body(), HasSubstr("keyward_keys{status=\"enabled\"}"));
  // Only /metrics: the other service endpoints stay open.
  EXPECT_EQ(CallOn(handler, Request{bh::verb::get, "/healthz", 11}).result_int(), 200u);
  EXPECT_EQ(CallOn(handler, Request{bh::verb::get, "/readyz", 11}).result_int(), 200u);
}

TEST_F(ServiceRoutes, ReadyzFollowsTheReadinessCheckWhenOneIsGiven) {
  bool fresh = false;
  http::ApiHandler handler(Wire(), ApiOptions{.ready = [&fresh] { return fresh; }});
  const Request readyz{bh::verb::get, "/readyz", 11};
  EXPECT_EQ(CallOn(handler, readyz).result_int(), 503u);
  fresh = true;
  EXPECT_EQ(CallOn(handler, readyz).result_int(), 200u);
}

TEST_F(ServiceRoutes, ReadyzNamesAStoreFaultWhileReadyAndNotOnceUnready) {
  bool fresh = true;
  std::string fault = "writes refused: the database is full";
  http::ApiHandler handler(Wire(), ApiOptions{.ready = [&fresh] { return fresh; },
                                              .degraded = [&fault] { return fault; }});
  const Request readyz{bh::verb::get, "/readyz", 11};
  const Response degraded = CallOn(handler, readyz);
  EXPECT_EQ(degraded.result_int(), 200u);
  EXPECT_EQ(degraded.body(),
            R"({"status":"ready","degraded":"writes refused: the database is full"})");
  fresh = false;
  const Response down = CallOn(handler, readyz);
  EXPECT_EQ(down.result_int(), 503u);
  EXPECT_EQ(Code(down), "unavailable");
  fresh = true;
  fault.clear();
  EXPECT_EQ(CallOn(handler, readyz).body(), R"({"status":"ready"})");
}

TEST(StoreFaultMessages, A503NamesTheStoreFaultButNeverItsDetail) {
  const core::Error full = core::MakeError(core::ErrorCode::kUnavailable, core::Msg::kStoreFull,
                                           {"insert key: /var/lib/keyward/keyward.db"});
  EXPECT_EQ(HttpStatus(full.code), 503u);
  EXPECT_THAT(PublicMessage(full, core::Locale::kEnUs), HasSubstr("the database is full"));
  EXPECT_THAT(PublicMessage(full, core::Locale::kEnUs), Not(HasSubstr("/var/lib")));
  const core::Error locked =
      core::MakeError(core::ErrorCode::kUnavailable, core::Msg::kStoreLocked, {"begin"});
  EXPECT_THAT(PublicMessage(locked, core::Locale::kEnUs),
              HasSubstr("the database is locked by another process"));
  const core::Error removed =
      core::MakeError(core::ErrorCode::kUnavailable, core::Msg::kStoreRemoved, {"commit"});
  EXPECT_THAT(PublicMessage(removed, core::Locale::kEnUs),
              HasSubstr("the database file was removed or replaced"));
  // Any other unavailability keeps the generic sentence.
  EXPECT_EQ(PublicMessage(core::Unavailable("secret detail"), core::Locale::kEnUs),
            "the service is temporarily unavailable; retry later");
}

}  // namespace
}  // namespace keyward::http
