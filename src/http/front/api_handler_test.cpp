// The key, permission and role calls through ApiHandler: a real KeyService and Verifier over a
// MemoryStore (core's KeyFixture, with its bootstrap Master Administrator key).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <string>

#include "core/crypto/token.hpp"

#include "http/front/api_handler.hpp"
#include "testing/http/api_test_util.hpp"

namespace keyward::http {
namespace {

namespace bh = boost::beast::http;
namespace json = boost::json;
using ::testing::HasSubstr;
using ::testing::Not;

// Named after the class under test, so that tests read ApiHandler.Behaviour.
class ApiHandler : public testing::ApiHandlerFixture {};

TEST_F(ApiHandler, CreateAnswers201WithTheKeyAndItsSecret) {
  const Response res =
      Admin(bh::verb::post, "/v1/apikeys", R"({"name": "Splunk forwarder", "role": "Auditor"})");
  ASSERT_EQ(res.result_int(), 201u) << res.body();
  EXPECT_EQ(res[bh::field::content_type], "application/json");
  EXPECT_EQ(res[bh::field::cache_control], "no-store");
  const json::object o = Body(res);
  EXPECT_EQ(o.at("name").as_string(), "Splunk forwarder");
  EXPECT_EQ(o.at("role").at("name").as_string(), "Auditor");
  EXPECT_EQ(o.at("status").as_string(), "enabled");
  const std::string secret(o.at("secret").as_string());
  ASSERT_TRUE(core::ParseToken(secret).has_value());
  EXPECT_EQ(core::TokenPrefix(core::ParseToken(secret)->public_id), o.at("prefix").as_string());
}

TEST_F(ApiHandler, GetAndListNeverContainTheSecret) {
  const auto [id, token] = CreateKey("", "reader", "Auditor");
  const std::string secret(core::ParseToken(token)->secret);
  const Response get = Admin(bh::verb::get, "/v1/apikeys/" + id);
  ASSERT_EQ(get.result_int(), 200u);
  EXPECT_FALSE(Body(get).contains("secret"));
  EXPECT_THAT(get.body(), Not(HasSubstr(secret)));
  const Response list = Admin(bh::verb::get, "/v1/apikeys");
  ASSERT_EQ(list.result_int(), 200u);
  EXPECT_THAT(list.body(), Not(HasSubstr(secret)));
  EXPECT_THAT(list.body(), Not(HasSubstr("\"secret\"")));
  EXPECT_EQ(Body(list).at("items").as_array().size(), 2u);
  EXPECT_TRUE(Body(list).at("nextCursor").is_null());
}

TEST_F(ApiHandler, TokyoKeySeesTimesInTokyo) {
  const auto [id, token] = CreateKey(R"(, "timeZone": "Asia/Tokyo")", "tokyo", "Auditor");
  const Response res = Send(bh::verb::get, "/v1/apikeys/current", {}, token);
  ASSERT_EQ(res.result_int(), 200u) << res.body();
  // The fixture's clock stands at 2027-01-15T08:00:00Z.
  EXPECT_EQ(Body(res).at("createdAt").as_string(), "2027-01-15T17:00:00+09:00");
  EXPECT_EQ(Body(res).at("timeZone").as_string(), "Asia/Tokyo");
}

TEST_F(ApiHandler, ExpiresAtIsImmutable) {
  const auto [id, token] = CreateKey("", "fixed", "Auditor");
  const Response res =
      Admin(bh::verb::patch, "/v1/apikeys/" + id, R"({"expiresAt": "2030-01-01T00:00:00Z"})");
  EXPECT_EQ(res.result_int(), 400u);
  EXPECT_EQ(Code(res), "immutable_field");
  EXPECT_EQ(Field(res), "expiresAt");
}

TEST_F(ApiHandler, PatchUpdatesAndAnswersTheKey) {
  const auto [id, token] = CreateKey("", "before", "Auditor");
  const Response res =
      Admin(bh::verb::patch, "/v1/apikeys/" + id, R"({"name": "after", "description": "d"})");
  ASSERT_EQ(res.result_int(), 200u) << res.body();
  EXPECT_EQ(Body(res).at("name").as_string(), "after");
  EXPECT_EQ(Body(res).at("description").as_string(), "d");
}

TEST_F(ApiHandler, BulkDeleteAnswersOneResultPerIdAsGiven) {
  const auto [id, token] = CreateKey("", "doomed", "Auditor");
  const Response res = Admin(bh::verb::post, "/v1/apikeys/delete",
                             R"({"ids": [")" + id + R"(", 99999, "abc", true]})");
  ASSERT_EQ(res.result_int(), 200u) << res.body();
  EXPECT_EQ(res.body(), R"({"results":[{"id":")" + id +
                            R"(","status":204},{"id":"99999","status":404},)"
                            R"({"id":"abc","status":404},{"id":"true","status":404}]})");
  EXPECT_EQ(Admin(bh::verb::get, "/v1/apikeys/" + id).result_int(), 404u);
}

TEST_F(ApiHandler, DeleteAnswers204WithNoBody) {
  const auto [id, token] = CreateKey("", "gone", "Auditor");
  const Response res = Admin(bh::verb::delete_, "/v1/apikeys/" + id);
  EXPECT_EQ(res.result_int(), 204u);
  EXPECT_TRUE(res.body().empty());
  EXPECT_EQ(Code(Admin(bh::verb::get, "/v1/apikeys/" + id)), "not_found");
}

TEST_F(ApiHandler, LifecycleActionsAnswerTheKey) {
  const auto [id, token] = CreateKey("", "cycled", "Auditor");
  const std::string base = "/v1/apikeys/" + id;
  EXPECT_EQ(Body(Admin(bh::verb::post, base + "/lock")).at("status").as_string(), "locked_out");
  EXPECT_TRUE(Body(Admin(bh::verb::get, base)).at("unlockAt").is_null());
  EXPECT_EQ(Body(Admin(bh::verb::post, base + "/unlock")).at("status").as_string(), "enabled");
  EXPECT_EQ(Body(Admin(bh::verb::post, base + "/disable")).at("enabled").as_bool(), false);
  EXPECT_EQ(Body(Admin(bh::verb::post, base + "/enable")).at("enabled").as_bool(), true);
  const Response bad = Admin(bh::verb::post, base + "/enable", R"({"force": true})");
  EXPECT_EQ(bad.result_int(), 400u);
  EXPECT_EQ(Field(bad), "force");
}

TEST_F(ApiHandler, RotateAnswersANewWorkingSecret) {
  const auto [id, token] = CreateKey("", "rotated", "Auditor");
  const Response res = Admin(bh::verb::post, "/v1/apikeys/" + id + "/rotate");
  ASSERT_EQ(res.result_int(), 200u) << res.body();
  const std::string fresh(Body(res).at("secret").as_string());
  EXPECT_NE(fresh, token);
  EXPECT_EQ(Send(bh::verb::get, "/v1/apikeys/current", {}, fresh).result_int(), 200u);
  EXPECT_EQ(Send(bh::verb::get, "/v1/apikeys/current", {}, token).result_int(), 401u);
}

TEST_F(ApiHandler, RotateRejectsNonIntegerGracePeriod) {
  const auto [id, token] = CreateKey("", "rotated", "Auditor");
  const Response res =
      Admin(bh::verb::post, "/v1/apikeys/" + id + "/rotate", R"({"gracePeriodSeconds": "1h"})");
  EXPECT_EQ(res.result_int(), 400u);
  EXPECT_EQ(Field(res), "gracePeriodSeconds");
}

TEST_F(ApiHandler, PathIdThatIsNotAnIdIs404) {
  for (const char* target : {"/v1/apikeys/abc", "/v1/apikeys/0", "/v1/apikeys/007"}) {
    const Response res = Admin(bh::verb::get, target);
    EXPECT_EQ(res.result_int(), 404u) << target;
    EXPECT_EQ(Code(res), "not_found");
  }
  const Response pasted = Admin(bh::verb::get, "/v1/apikeys/" + master_token_);
  EXPECT_EQ(pasted.result_int(), 404u);
  EXPECT_THAT(pasted.body(), Not(HasSubstr(master_token_)));
}

TEST_F(ApiHandler, PermissionsAreListedToAnyValidKey) {
  const auto [id, token] = CreateKey("", "auditor", "Auditor");
  const Response res = Send(bh::verb::get, "/v1/permissions", {}, token);
  ASSERT_EQ(res.result_int(), 200u);
  const json::object body = Body(res);
  const json::array& items = body.at("items").as_array();
  ASSERT_EQ(items.size(), core::PermissionCatalogue().size());
  EXPECT_EQ(items[0].at("name").as_string(), "apikeys:view");
  EXPECT_EQ(items[0].at("group").as_string(), "API Keys");
}

TEST_F(ApiHandler, RolesAreReadWithRolesView) {
  const Response list = Admin(bh::verb::get, "/v1/roles");
  ASSERT_EQ(list.result_int(), 200u) << list.body();
  EXPECT_EQ(Body(list).at("items").as_array().size(), 3u);
  const Response get = Admin(bh::verb::get, "/v1/roles/3");
  ASSERT_EQ(get.result_int(), 200u);
  EXPECT_EQ(Body(get).at("name").as_string(), "Master Administrator");
  EXPECT_TRUE(Body(get).at("builtIn").as_bool());
  EXPECT_EQ(Admin(bh::verb::get, "/v1/roles/99").result_int(), 404u);
  EXPECT_EQ(Admin(bh::verb::get, "/v1/roles/x").result_int(), 404u);
}

TEST_F(ApiHandler, RolesListPagesNewestFirst) {
  const Response first = Admin(bh::verb::get, "/v1/roles?limit=2");
  ASSERT_EQ(first.result_int(), 200u);
  const json::object page = Body(first);
  ASSERT_EQ(page.at("items").as_array().size(), 2u);
  EXPECT_EQ(page.at("items").as_array()[0].at("id").as_string(), "3");
  const std::string cursor(page.at("nextCursor").as_string());
  const Response second = Admin(bh::verb::get, "/v1/roles?limit=2&cursor=" + cursor);
  const json::object rest = Body(second);
  ASSERT_EQ(rest.at("items").as_array().size(), 1u);
  EXPECT_EQ(rest.at("items").as_array()[0].at("id").as_string(), "1");
  EXPECT_TRUE(rest.at("nextCursor").is_null());
  EXPECT_EQ(Field(Admin(bh::verb::get, "/v1/roles?limit=0")), "limit");
}

}  // namespace
}  // namespace keyward::http
