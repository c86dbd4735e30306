// The Deep Security front door in process: ApiHandler (which hands /api and /rest to it) over a
// real KeyService, Verifier and SessionService on a MemoryStore (core's KeyFixture, with its
// bootstrap Master Administrator key).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <string>
#include <utility>
#include <vector>

#include "testing/http/api_test_util.hpp"

namespace keyward::http {
namespace {

namespace bh = boost::beast::http;
namespace json = boost::json;
using ::testing::HasSubstr;

class DeepSecurityApi : public testing::ApiHandlerFixture {
 protected:
  // A call as the SDK makes it: api-version, api-secret-key, JSON content type on every call.
  Response Ds(bh::verb method, std::string_view target, std::string body, const std::string& secret,
              std::vector<std::pair<std::string, std::string>> headers = {}) {
    Request req{method, target, 11};
    req.set("api-version", "v1");
    if (!secret.empty()) req.set("api-secret-key", secret);
    req.set(bh::field::content_type, "application/json");
    req.set(bh::field::accept, "application/json");
    for (auto& [name, value] : headers) {
      if (value.empty()) {
        req.erase(name);
      } else {
        req.set(name, value);
      }
    }
    req.body() = std::move(body);
    req.prepare_payload();
    return Call(req);
  }
  Response Master(bh::verb method, std::string_view target, std::string body = "{}") {
    return Ds(method, target, std::move(body), master_token_);
  }
  static std::string Msg(const Response& res) {
    return std::string(Body(res).at("message").as_string());
  }
  // Creates a key through the dialect; {ID, secretKey}.
  std::pair<std::int64_t, std::string> DsKey(const std::string& name, const std::string& role,
                                             const std::string& extra = "") {
    const Response res =
        Master(bh::verb::post, "/api/apikeys",
               R"({"keyName": ")" + name + R"(", "roleID": ")" + role + "\"" + extra + "}");
    EXPECT_EQ(res.result_int(), 200u) << res.body();
    const json::object o = Body(res);
    return {o.at("ID").as_int64(), std::string(o.at("secretKey").as_string())};
  }
};

TEST_F(DeepSecurityApi, ListAnswersApiKeysWithTheApiHeaders) {
  const Response res = Master(bh::verb::get, "/api/apikeys");
  ASSERT_EQ(res.result_int(), 200u) << res.body();
  EXPECT_EQ(res[bh::field::content_type], "application/json");
  EXPECT_EQ(res[bh::field::cache_control], "no-store");
  EXPECT_EQ(Body(res).at("apiKeys").as_array().size(), 1u);
}

TEST_F(DeepSecurityApi, ApiVersionIsRequiredForKeys) {
  Response res = Ds(bh::verb::get, "/api/apikeys", "{}", master_token_, {{"api-version", ""}});
  EXPECT_EQ(res.result_int(), 400u);
  EXPECT_THAT(Msg(res), HasSubstr("api-version"));
  res = Ds(bh::verb::get, "/api/apikeys", "{}", master_token_, {{"api-version", "v2"}});
  EXPECT_EQ(res.result_int(), 400u);
  EXPECT_THAT(Msg(res), HasSubstr("v1"));
}

TEST_F(DeepSecurityApi, AuthorizationApiKeyAndBearerWork) {
  for (const char* scheme : {"ApiKey ", "apikey ", "Bearer "}) {
    const Response res = Ds(bh::verb::get, "/api/apikeys/current", "{}", "",
                            {{"Authorization", std::string(scheme) + master_token_}});
    EXPECT_EQ(res.result_int(), 200u) << scheme << res.body();
  }
  const Response basic =
      Ds(bh::verb::get, "/api/apikeys", "{}", "", {{"Authorization", "Basic " + master_token_}});
  EXPECT_EQ(basic.result_int(), 401u);
  EXPECT_EQ(Msg(basic), "Invalid API Key");
}

TEST_F(DeepSecurityApi, NoCredentialIsInvalidApiKey) {
  const Response res = Ds(bh::verb::get, "/api/apikeys", "{}", "");
  EXPECT_EQ(res.result_int(), 401u);
  EXPECT_EQ(Msg(res), "Invalid API Key");
}

TEST_F(DeepSecurityApi, AKeyFromOutsideItsAllowlistIsForbidden) {
  // The fixture's requests come from 8.8.8.8.
  const auto [id, token] = CreateKey(R"(, "allowedIps": ["1.2.3.4"])", "fenced", "Auditor");
  const Response res = Ds(bh::verb::get, "/api/apikeys", "{}", token);
  EXPECT_EQ(res.result_int(), 403u) << res.body();
  EXPECT_THAT(Msg(res), HasSubstr("8.8.8.8"));
  EXPECT_THAT(res.body(), ::testing::Not(HasSubstr(token)));
}

TEST_F(DeepSecurityApi, TwoDifferentCredentialsAreRefused) {
  const auto [id, secret] = DsKey("other", "2");
  const Response res = Ds(bh::verb::get, "/api/apikeys", "{}", master_token_,
                          {{"Authorization", "ApiKey " + secret}});
  EXPECT_EQ(res.result_int(), 400u) << res.body();
}

TEST_F(DeepSecurityApi, CredentialInTheQueryIsRefused) {
  const Response res = Master(bh::verb::get, "/api/apikeys?apikey=" + master_token_);
  EXPECT_EQ(res.result_int(), 400u);
  EXPECT_THAT(res.body(), ::testing::Not(HasSubstr(master_token_)));
}

TEST_F(DeepSecurityApi, RoutingErrors) {
  Response res = Master(bh::verb::get, "/api/nothing");
  EXPECT_EQ(res.result_int(), 404u);
  EXPECT_TRUE(Body(res).contains("message"));
  res = Master(bh::verb::put, "/api/apikeys");
  EXPECT_EQ(res.result_int(), 405u);
  EXPECT_EQ(res[bh::field::allow], "GET, POST");
  res = Master(bh::verb::get, "/api/apikeys/notanumber");
  EXPECT_EQ(res.result_int(), 404u);
  EXPECT_EQ(Msg(res), "The API key does not exist.");
}

TEST_F(DeepSecurityApi, BodiesMustBeJsonObjects) {
  EXPECT_EQ(Master(bh::verb::post, "/api/apikeys", "{").result_int(), 400u);
  EXPECT_EQ(Master(bh::verb::post, "/api/apikeys", "[]").result_int(), 400u);
  const Response dup =
      Master(bh::verb::post, "/api/apikeys", R"({"keyName": "a", "keyName": "b", "roleID": 2})");
  EXPECT_EQ(dup.result_int(), 400u);
  EXPECT_THAT(Msg(dup), HasSubstr("keyName"));
  const Response form = Ds(bh::verb::post, "/api/apikeys", "keyName=a", master_token_,
                           {{"Content-Type", "text/plain"}});
  EXPECT_EQ(form.result_int(), 400u);
  EXPECT_THAT(Msg(form), HasSubstr("Content-Type"));
}

TEST_F(DeepSecurityApi, PermissionWords) {
  const auto [id, secret] = DsKey("auditor", "2");
  const Response res = Ds(bh::verb::delete_, "/api/apikeys/1", "{}", secret);
  EXPECT_EQ(res.result_int(), 403u);
  EXPECT_EQ(Msg(res), "Not authorized to delete API keys.");
  EXPECT_EQ(Ds(bh::verb::get, "/api/apikeys", "{}", secret).result_int(), 200u);
}

TEST_F(DeepSecurityApi, JapaneseKeyGetsJapaneseWords) {
  const auto [id, secret] = DsKey("ja", "2", R"(, "locale": "ja-JP")");
  const Response res = Ds(bh::verb::post, "/api/apikeys/1", R"({"description": "x"})", secret);
  EXPECT_EQ(res.result_int(), 403u);
  EXPECT_EQ(Msg(res), "API キーを編集する権限がありません。");
}

TEST_F(DeepSecurityApi, ActiveFalseLocksOutAndTrueUnlocks) {
  const auto [id, secret] = DsKey("lockme", "2");
  const std::string path = "/api/apikeys/" + std::to_string(id);
  Response res = Master(bh::verb::post, path, R"({"active": false})");
  ASSERT_EQ(res.result_int(), 200u) << res.body();
  EXPECT_FALSE(Body(res).at("active").as_bool());
  EXPECT_EQ(Ds(bh::verb::get, "/api/apikeys/current", "{}", secret).result_int(), 401u);
  res = Master(bh::verb::post, path, R"({"active": true})");
  ASSERT_EQ(res.result_int(), 200u) << res.body();
  EXPECT_TRUE(Body(res).at("active").as_bool());
  EXPECT_EQ(Ds(bh::verb::get, "/api/apikeys/current", "{}", secret).result_int(), 200u);
}

TEST_F(DeepSecurityApi, CreateWithActiveFalseMakesALockedOutKey) {
  const Response res =
      Master(bh::verb::post, "/api/apikeys", R"({"keyName": "off", "roleID": 2, "active": false})");
  ASSERT_EQ(res.result_int(), 200u) << res.body();
  EXPECT_FALSE(Body(res).at("active").as_bool());
  const std::string secret(Body(res).at("secretKey").as_string());
  EXPECT_EQ(Ds(bh::verb::get, "/api/apikeys/current", "{}", secret).result_int(), 401u);
}

TEST_F(DeepSecurityApi, ExpiryMayOnlyBeSentBackUnchanged) {
  // The fixture's clock stands at 2027-01-15T08:00:00Z (1800000000 s).
  const auto [id, secret] = DsKey("exp", "2", R"(, "expiryDate": 1800086400000)");
  const std::string path = "/api/apikeys/" + std::to_string(id);
  EXPECT_EQ(Master(bh::verb::post, path, R"({"expiryDate": 1800086400000})").result_int(), 200u);
  const Response res = Master(bh::verb::post, path, R"({"expiryDate": 1800090000000})");
  EXPECT_EQ(res.result_int(), 400u);
  EXPECT_EQ(Msg(res), "expiryDate cannot be changed after the key is created.");
  const auto [id2, secret2] = DsKey("noexp", "2");
  EXPECT_EQ(Master(bh::verb::post, "/api/apikeys/" + std::to_string(id2),
                   R"({"expiryDate": 1800086400000})")
                .result_int(),
            400u);
}

TEST_F(DeepSecurityApi, RotateKillsTheOldSecretAtOnce) {
  const auto [id, secret] = DsKey("rot", "2");
  const Response res =
      Master(bh::verb::post, "/api/apikeys/" + std::to_string(id) + "/secretkey", "");
  ASSERT_EQ(res.result_int(), 200u) << res.body();
  const std::string renewed(Body(res).at("secretKey").as_string());
  EXPECT_EQ(Ds(bh::verb::get, "/api/apikeys/current", "{}", secret).result_int(), 401u);
  EXPECT_EQ(Ds(bh::verb::get, "/api/apikeys/current", "{}", renewed).result_int(), 200u);
}

TEST_F(DeepSecurityApi, SearchAppliesTheFilter) {
  DsKey("alpha", "2");
  DsKey("beta", "1");
  const Response res = Master(bh::verb::post, "/api/apikeys/search",
                              R"({"searchCriteria": [{"fieldName": "roleID",
                                  "numericTest": "less-than", "numericValue": 3}],
                                  "sortByObjectID": true})");
  ASSERT_EQ(res.result_int(), 200u) << res.body();
  const json::object body = Body(res);
  const json::array& keys = body.at("apiKeys").as_array();
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0].at("keyName").as_string(), "alpha");
  const Response bad = Master(bh::verb::post, "/api/apikeys/search",
                              R"({"searchCriteria": [{"fieldName": "nope", "nullTest": true}]})");
  EXPECT_EQ(bad.result_int(), 400u);
  EXPECT_THAT(Msg(bad), HasSubstr("searchCriteria[0].fieldName"));
}

TEST_F(DeepSecurityApi, LoginTakesNoKeyAndLogoutNeedsASessionId) {
  Request req{bh::verb::post, "/rest/authentication/login/primary", 11};
  req.set(bh::field::content_type, "application/json");
  req.set("api-secret-key", master_token_);
  req.body() = R"({"dsCredentials": {"userName": "a@example.com", "password": "x"}})";
  req.prepare_payload();
  EXPECT_EQ(Call(req).result_int(), 403u);

  Request out{bh::verb::delete_, "/rest/authentication/logout", 11};
  EXPECT_EQ(Call(out).result_int(), 400u);
  Request gone{bh::verb::delete_, "/rest/authentication/logout?sID=abc", 11};
  EXPECT_EQ(Call(gone).result_int(), 401u);
}

TEST_F(DeepSecurityApi, UnknownSessionIsRefused) {
  Request req{bh::verb::get, "/api/apikeys", 11};
  req.set(bh::field::cookie, "sID=nope");
  const Response res = Call(req);
  EXPECT_EQ(res.result_int(), 401u);
  EXPECT_TRUE(Body(res).contains("message"));
}

}  // namespace
}  // namespace keyward::http
