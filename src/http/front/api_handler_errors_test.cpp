// What ApiHandler refuses and how it answers errors: credentials, the query string, bodies,
// locales, unknown paths and methods, permissions, outages and what reaches the log.
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
// ApiHandlerErrors.Behaviour.
class ApiHandlerErrors : public testing::ApiHandlerFixture {};

TEST_F(ApiHandlerErrors, MissingCredentialIs401WithBearerChallenge) {
  const Response res = Send(bh::verb::get, "/v1/apikeys");
  EXPECT_EQ(res.result_int(), 401u);
  EXPECT_EQ(res[bh::field::www_authenticate], "Bearer");
  EXPECT_EQ(res.body(),
            R"({"error":{"code":"unauthenticated","message":"invalid or missing API key"}})");
}

TEST_F(ApiHandlerErrors, WrongTokenIs401WithTheSameBody) {
  const auto [id, token] = CreateKey("", "victim", "Auditor");
  std::string wrong = token;
  wrong[20] = wrong[20] == 'a' ? 'b' : 'a';
  for (const std::string& bad : {std::string("not-a-token"), wrong}) {
    const Response res = Send(bh::verb::get, "/v1/apikeys/current", {}, bad);
    EXPECT_EQ(res.result_int(), 401u) << bad;
    EXPECT_EQ(res[bh::field::www_authenticate], "Bearer");
    EXPECT_EQ(Message(res), "invalid or missing API key");
  }
}

TEST_F(ApiHandlerErrors, ApiSecretKeyHeaderAuthenticates) {
  Request req{bh::verb::get, "/v1/apikeys/current", 11};
  req.set("api-secret-key", master_token_);
  const Response res = Call(req);
  ASSERT_EQ(res.result_int(), 200u) << res.body();
  EXPECT_EQ(Body(res).at("id").as_string(), std::to_string(master_id_));
}

TEST_F(ApiHandlerErrors, TwoDifferentCredentialsAre400) {
  const auto [id, other] = CreateKey("", "other", "Auditor");
  Request req{bh::verb::get, "/v1/apikeys/current", 11};
  req.set(bh::field::authorization, "Bearer " + master_token_);
  req.set("api-secret-key", other);
  const Response res = Call(req);
  EXPECT_EQ(res.result_int(), 400u);
  EXPECT_EQ(Code(res), "invalid_argument");
  EXPECT_EQ(Message(res), "the request carries more than one credential");
  EXPECT_THAT(res.body(), Not(HasSubstr(master_token_)));
  EXPECT_THAT(res.body(), Not(HasSubstr(other)));
}

TEST_F(ApiHandlerErrors, TheSameTokenInBothHeadersIsOneCredential) {
  Request req{bh::verb::get, "/v1/apikeys/current", 11};
  req.set(bh::field::authorization, "Bearer " + master_token_);
  req.set("api-secret-key", master_token_);
  EXPECT_EQ(Call(req).result_int(), 200u);
}

TEST_F(ApiHandlerErrors, TokenInQueryIs400AndNeverEchoed) {
  for (const std::string& target :
       {"/v1/apikeys?x=" + master_token_, std::string("/v1/apikeys?api_key=abc"),
        "/healthz?token=" + master_token_}) {
    const Response res = Admin(bh::verb::get, target);
    EXPECT_EQ(res.result_int(), 400u) << target;
    EXPECT_EQ(Message(res), "credentials must not be sent in the query string");
    EXPECT_THAT(res.body(), Not(HasSubstr(master_token_)));
  }
  EXPECT_THAT(log_text_.str(), Not(HasSubstr(master_token_)));
}

TEST_F(ApiHandlerErrors, UnknownFieldIs400NamingIt) {
  const Response res =
      Admin(bh::verb::post, "/v1/apikeys", R"({"name": "x", "role": "Auditor", "colour": "red"})");
  EXPECT_EQ(res.result_int(), 400u);
  EXPECT_EQ(Code(res), "invalid_argument");
  EXPECT_EQ(Field(res), "colour");
}

TEST_F(ApiHandlerErrors, WrongTypeIs400NamingTheField) {
  const Response res = Admin(bh::verb::post, "/v1/apikeys", R"({"name": 5, "role": "Auditor"})");
  EXPECT_EQ(res.result_int(), 400u);
  EXPECT_EQ(Field(res), "name");
  EXPECT_EQ(Message(res), "name must be a string");
}

TEST_F(ApiHandlerErrors, ABodyNotDeclaredJsonIs400NamingContentType) {
  Request req{bh::verb::post, "/v1/apikeys", 11};
  req.set(bh::field::authorization, "Bearer " + master_token_);
  req.set(bh::field::content_type, "text/plain");
  req.body() = R"({"name": "csrf", "role": "Auditor"})";
  req.prepare_payload();
  const Response res = Call(req);
  EXPECT_EQ(res.result_int(), 400u);
  EXPECT_EQ(Code(res), "invalid_argument");
  EXPECT_EQ(Field(res), "Content-Type");
  EXPECT_EQ(Message(res), "Content-Type must be application/json");
}

TEST_F(ApiHandlerErrors, MalformedJsonIs400MalformedJson) {
  const Response res = Admin(bh::verb::post, "/v1/apikeys", R"({"name": "x", )");
  EXPECT_EQ(res.result_int(), 400u);
  EXPECT_EQ(Code(res), "malformed_json");
}

TEST_F(ApiHandlerErrors, EmptyPostBodyCountsAsEmptyObject) {
  const auto [id, token] = CreateKey("", "to disable", "Auditor");
  const Response res = Admin(bh::verb::post, "/v1/apikeys/" + id + "/disable");
  ASSERT_EQ(res.result_int(), 200u) << res.body();
  EXPECT_EQ(Body(res).at("status").as_string(), "disabled");
}

TEST_F(ApiHandlerErrors, JapaneseKeyGetsJapaneseMessages) {
  const auto [id, token] = CreateKey(R"(, "locale": "ja-JP")", "japanese", "Full Access");
  const Response res = Send(bh::verb::post, "/v1/apikeys",
                            R"({"name": "y", "role": "Auditor", "colour": 1})", token);
  EXPECT_EQ(res.result_int(), 400u);
  EXPECT_EQ(Code(res), "invalid_argument");
  EXPECT_EQ(Message(res), "不明なフィールド colour です");
}

TEST_F(ApiHandlerErrors, ErrorsBeforeAuthenticationAreEnglish) {
  const auto [id, token] = CreateKey(R"(, "locale": "ja-JP")", "japanese", "Full Access");
  Request req{bh::verb::get, "/v1/apikeys", 11};
  req.set(bh::field::authorization, "Bearer " + token);
  req.set("api-secret-key", master_token_);
  EXPECT_EQ(Message(Call(req)), "the request carries more than one credential");
}

TEST_F(ApiHandlerErrors, UnknownPathIs404) {
  const Response res = Admin(bh::verb::get, "/v1/nothing");
  EXPECT_EQ(res.result_int(), 404u);
  EXPECT_EQ(Code(res), "not_found");
  EXPECT_EQ(Admin(bh::verb::get, "/v1/apikeys/").result_int(), 404u);
}

TEST_F(ApiHandlerErrors, WrongMethodIs405WithAllow) {
  const Response res = Admin(bh::verb::put, "/v1/apikeys");
  EXPECT_EQ(res.result_int(), 405u);
  EXPECT_EQ(res[bh::field::allow], "POST, GET");
  EXPECT_EQ(Code(res), "method_not_allowed");
}

TEST_F(ApiHandlerErrors, MissingPermissionIs403) {
  const auto [id, token] = CreateKey("", "auditor", "Auditor");
  const Response res =
      Send(bh::verb::post, "/v1/apikeys", R"({"name": "x", "role": "Auditor"})", token);
  EXPECT_EQ(res.result_int(), 403u);
  EXPECT_EQ(Code(res), "permission_denied");
}

TEST_F(ApiHandlerErrors, ValidKeyOutsideItsAllowlistIs403) {
  const auto [id, token] = CreateKey(R"(, "allowedIps": ["1.1.1.1"])", "fenced", "Auditor");
  const Response outside = Send(bh::verb::get, "/v1/apikeys/current", {}, token, "8.8.8.8");
  EXPECT_EQ(outside.result_int(), 403u);
  EXPECT_EQ(Code(outside), "permission_denied");
  EXPECT_EQ(Send(bh::verb::get, "/v1/apikeys/current", {}, token, "1.1.1.1").result_int(), 200u);
}

TEST_F(ApiHandlerErrors, Ipv4MappedPeerIsTreatedAsIpv4) {
  const auto [id, token] = CreateKey(R"(, "allowedIps": ["1.1.1.1"])", "fenced", "Auditor");
  const Response res = Send(bh::verb::get, "/v1/apikeys/current", {}, token, "::ffff:1.1.1.1");
  EXPECT_EQ(res.result_int(), 200u) << res.body();
}

TEST_F(ApiHandlerErrors, StoreOutageIs503WithAGenericMessage) {
  store_.FailNextCommit();
  const Response res =
      Admin(bh::verb::post, "/v1/apikeys", R"({"name": "lost", "role": "Auditor"})");
  EXPECT_EQ(res.result_int(), 503u);
  EXPECT_EQ(Code(res), "unavailable");
  EXPECT_EQ(Message(res), "the service is temporarily unavailable; retry later");
}

TEST_F(ApiHandlerErrors, SecretsNeverReachTheLog) {
  const auto [id, token] = CreateKey("", "logged", "Auditor");
  store_.FailNextCommit();
  Admin(bh::verb::post, "/v1/apikeys/" + id + "/rotate");
  Send(bh::verb::get, "/v1/apikeys?api_key=" + token);
  EXPECT_THAT(log_text_.str(), Not(HasSubstr(token)));
  EXPECT_THAT(log_text_.str(), Not(HasSubstr(master_token_)));
}

}  // namespace
}  // namespace keyward::http
