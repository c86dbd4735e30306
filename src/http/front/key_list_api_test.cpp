// The key list's time filters and the key summary through ApiHandler (docs/api.md "API keys"):
// the parameters reach core, bad times name their parameter, and /v1/apikeys/summary is its own
// route, not a key id. Core's tests (core/keys/key_list_filters_test.cpp) check the semantics.
#include <gtest/gtest.h>
#include <boost/json/object.hpp>

#include <string>
#include <vector>

#include "http/front/api_handler.hpp"
#include "testing/http/api_test_util.hpp"

namespace keyward::http {
namespace {

namespace bh = boost::beast::http;
namespace json = boost::json;

class KeyListApi : public testing::ApiHandlerFixture {
 protected:
  // The names of the keys GET /v1/apikeys?`query` lists, newest first.
  std::vector<std::string> Names(const std::string& query) {
    const Response res = Admin(bh::verb::get, "/v1/apikeys?" + query);
    EXPECT_EQ(res.result_int(), 200u) << res.body();
    std::vector<std::string> names;
    const json::object body = Body(res);
    for (const json::value& item : body.at("items").as_array()) {
      names.emplace_back(item.at("name").as_string());
    }
    return names;
  }
};

// The fixture's clock stands at 2027-01-15T08:00:00Z.
TEST_F(KeyListApi, ExpiresBeforeReadsTheTimeWithItsOffset) {
  CreateKey(R"(, "expiresAt": "2027-01-16T08:00:00Z")", "tomorrow", "Auditor");
  CreateKey(R"(, "expiresAt": "2027-01-25T08:00:00Z")", "in ten days", "Auditor");
  EXPECT_EQ(Names("expiresBefore=2027-01-20T08:00:00Z"), std::vector<std::string>{"tomorrow"});
  // 17:00 in Tokyo is 08:00Z: the bound is strict.
  EXPECT_EQ(Names("expiresBefore=2027-01-25T17:00:00%2B09:00"),
            std::vector<std::string>{"tomorrow"});
  EXPECT_EQ(Names("expiresBefore=2027-01-25T17:00:01%2B09:00&status=enabled"),
            (std::vector<std::string>{"in ten days", "tomorrow"}));
}

TEST_F(KeyListApi, LastUsedAndSecretRotatedBeforeReachTheFilter) {
  CreateKey("", "never used", "Auditor");
  // The admin key was used by this very call, at the fixture's now; the new key never was.
  EXPECT_EQ(Names("lastUsedBefore=2027-01-15T08:00:00Z"), std::vector<std::string>{"never used"});
  // Every key was created at now and never rotated.
  EXPECT_TRUE(Names("secretRotatedBefore=2027-01-15T08:00:00Z").empty());
  EXPECT_EQ(Names("secretRotatedBefore=2027-01-15T08:00:01Z").size(), 2u);
}

TEST_F(KeyListApi, BadTimeIs400NamingTheParameter) {
  for (const char* param : {"expiresBefore", "lastUsedBefore", "secretRotatedBefore"}) {
    const Response res = Admin(bh::verb::get, std::string("/v1/apikeys?") + param + "=soon");
    EXPECT_EQ(res.result_int(), 400u) << param;
    EXPECT_EQ(Code(res), "invalid_argument") << param;
    EXPECT_EQ(Field(res), param);
  }
  // A bare "+" in a query string is a space (docs/api.md: write it %2B).
  const Response plus = Admin(bh::verb::get, "/v1/apikeys?expiresBefore=2027-01-25T17:00:00+09:00");
  EXPECT_EQ(plus.result_int(), 400u);
  EXPECT_EQ(Field(plus), "expiresBefore");
}

TEST_F(KeyListApi, SummaryIsItsOwnRouteWithEveryCount) {
  CreateKey(R"(, "expiresAt": "2027-01-16T08:00:00Z")", "tomorrow", "Auditor");
  CreateKey(R"(, "enabled": false)", "off", "Auditor");
  const Response res = Admin(bh::verb::get, "/v1/apikeys/summary");
  ASSERT_EQ(res.result_int(), 200u) << res.body();
  const json::object body = Body(res);
  EXPECT_EQ(body.at("byStatus").as_object(),
            (json::object{{"enabled", 2}, {"disabled", 1}, {"expired", 0}, {"locked_out", 0}}));
  EXPECT_EQ(body.at("expiringWithin30Days").as_int64(), 1);
  EXPECT_EQ(body.at("unusedFor90Days").as_int64(), 2);  // the admin key is in use
  EXPECT_EQ(body.at("secretOlderThan90Days").as_int64(), 0);
  EXPECT_EQ(body.size(), 4u);
}

TEST_F(KeyListApi, AnAuditorMayReadTheSummary) {
  const std::string token = CreateKey("", "auditor", "Auditor").second;
  EXPECT_EQ(Send(bh::verb::get, "/v1/apikeys/summary", {}, token).result_int(), 200u);
}

}  // namespace
}  // namespace keyward::http
