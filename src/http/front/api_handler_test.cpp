#include "http/front/api_handler.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/asio/ip/address.hpp>
#include <boost/json/parse.hpp>

#include <sstream>
#include <string>

#include "core/crypto/token.hpp"
#include "testing/http/api_test_util.hpp"
#include "testing/key_fixture.hpp"

namespace keyward::http {
namespace {

namespace bh = boost::beast::http;
namespace json = boost::json;
using ::testing::HasSubstr;
using ::testing::Not;

// A real KeyService and Verifier over a MemoryStore (core's fixture, with its bootstrap Master
// Administrator key), and the handler under test wired to them.
// Named after the class under test, so that tests read ApiHandler.Behaviour.
class ApiHandler : public core::testing::KeyFixture {
 protected:
  ApiHandler()
      : log_(log_text_), services_(store_, clock_, random_, service_, hasher_), handler_(Wire()) {}

  // Everything the handler under test serves with; a test wires another handler with it.
  ApiServices Wire() { return services_.Wire(service_, verifier_, store_, clock_, metrics_, log_); }

  // `method` `target` with `body`, presenting `token` as a Bearer credential unless empty.
  Response Send(bh::verb method, std::string_view target, std::string body = {},
                const std::string& token = {}, const char* peer = "8.8.8.8") {
    Request req{method, target, 11};
    if (!token.empty()) req.set(bh::field::authorization, "Bearer " + token);
    if (!body.empty()) req.set(bh::field::content_type, "application/json");
    req.body() = std::move(body);
    req.prepare_payload();
    return Call(req, peer);
  }

  Response Call(const Request& req, const char* peer = "8.8.8.8") {
    return CallOn(handler_, req, peer);
  }

  static Response CallOn(http::ApiHandler& handler, const Request& req,
                         const char* peer = "8.8.8.8") {
    RequestContext ctx;
    ctx.peer = boost::asio::ip::make_address(peer);
    return handler.Handle(req, ctx);
  }

  // As the bootstrap Master Administrator.
  Response Admin(bh::verb method, std::string_view target, std::string body = {}) {
    return Send(method, target, std::move(body), master_token_);
  }

  static json::object Body(const Response& res) { return json::parse(res.body()).as_object(); }
  static std::string Code(const Response& res) {
    return std::string(Body(res).at("error").at("code").as_string());
  }
  static std::string Message(const Response& res) {
    return std::string(Body(res).at("error").at("message").as_string());
  }
  static std::string Field(const Response& res) {
    const json::object body = Body(res);
    const json::object& error = body.at("error").as_object();
    return error.contains("field") ? std::string(error.at("field").as_string()) : "";
  }

  // Creates a key as the admin; returns {id, token}.
  std::pair<std::string, std::string> CreateKey(const std::string& extra_fields,
                                                const std::string& name, const char* role) {
    const Response res =
        Admin(bh::verb::post, "/v1/apikeys",
              R"({"name": ")" + name + R"(", "role": ")" + role + "\"" + extra_fields + "}");
    EXPECT_EQ(res.result_int(), 201u) << res.body();
    const json::object o = Body(res);
    return {std::string(o.at("id").as_string()), std::string(o.at("secret").as_string())};
  }

  std::ostringstream log_text_;
  Logger log_;
  Metrics metrics_;
  testing::ApiTestServices services_;
  http::ApiHandler handler_;
};

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

TEST_F(ApiHandler, MissingCredentialIs401WithBearerChallenge) {
  const Response res = Send(bh::verb::get, "/v1/apikeys");
  EXPECT_EQ(res.result_int(), 401u);
  EXPECT_EQ(res[bh::field::www_authenticate], "Bearer");
  EXPECT_EQ(res.body(),
            R"({"error":{"code":"unauthenticated","message":"invalid or missing API key"}})");
}

TEST_F(ApiHandler, WrongTokenIs401WithTheSameBody) {
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

TEST_F(ApiHandler, ApiSecretKeyHeaderAuthenticates) {
  Request req{bh::verb::get, "/v1/apikeys/current", 11};
  req.set("api-secret-key", master_token_);
  const Response res = Call(req);
  ASSERT_EQ(res.result_int(), 200u) << res.body();
  EXPECT_EQ(Body(res).at("id").as_string(), std::to_string(master_id_));
}

TEST_F(ApiHandler, TwoDifferentCredentialsAre400) {
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

TEST_F(ApiHandler, TheSameTokenInBothHeadersIsOneCredential) {
  Request req{bh::verb::get, "/v1/apikeys/current", 11};
  req.set(bh::field::authorization, "Bearer " + master_token_);
  req.set("api-secret-key", master_token_);
  EXPECT_EQ(Call(req).result_int(), 200u);
}

TEST_F(ApiHandler, TokenInQueryIs400AndNeverEchoed) {
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

TEST_F(ApiHandler, UnknownFieldIs400NamingIt) {
  const Response res =
      Admin(bh::verb::post, "/v1/apikeys", R"({"name": "x", "role": "Auditor", "colour": "red"})");
  EXPECT_EQ(res.result_int(), 400u);
  EXPECT_EQ(Code(res), "invalid_argument");
  EXPECT_EQ(Field(res), "colour");
}

TEST_F(ApiHandler, WrongTypeIs400NamingTheField) {
  const Response res = Admin(bh::verb::post, "/v1/apikeys", R"({"name": 5, "role": "Auditor"})");
  EXPECT_EQ(res.result_int(), 400u);
  EXPECT_EQ(Field(res), "name");
  EXPECT_EQ(Message(res), "name must be a string");
}

TEST_F(ApiHandler, ABodyNotDeclaredJsonIs400NamingContentType) {
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

TEST_F(ApiHandler, MalformedJsonIs400MalformedJson) {
  const Response res = Admin(bh::verb::post, "/v1/apikeys", R"({"name": "x", )");
  EXPECT_EQ(res.result_int(), 400u);
  EXPECT_EQ(Code(res), "malformed_json");
}

TEST_F(ApiHandler, EmptyPostBodyCountsAsEmptyObject) {
  const auto [id, token] = CreateKey("", "to disable", "Auditor");
  const Response res = Admin(bh::verb::post, "/v1/apikeys/" + id + "/disable");
  ASSERT_EQ(res.result_int(), 200u) << res.body();
  EXPECT_EQ(Body(res).at("status").as_string(), "disabled");
}

TEST_F(ApiHandler, JapaneseKeyGetsJapaneseMessages) {
  const auto [id, token] = CreateKey(R"(, "locale": "ja-JP")", "japanese", "Full Access");
  const Response res = Send(bh::verb::post, "/v1/apikeys",
                            R"({"name": "y", "role": "Auditor", "colour": 1})", token);
  EXPECT_EQ(res.result_int(), 400u);
  EXPECT_EQ(Code(res), "invalid_argument");
  EXPECT_EQ(Message(res), "不明なフィールド colour です");
}

TEST_F(ApiHandler, ErrorsBeforeAuthenticationAreEnglish) {
  const auto [id, token] = CreateKey(R"(, "locale": "ja-JP")", "japanese", "Full Access");
  Request req{bh::verb::get, "/v1/apikeys", 11};
  req.set(bh::field::authorization, "Bearer " + token);
  req.set("api-secret-key", master_token_);
  EXPECT_EQ(Message(Call(req)), "the request carries more than one credential");
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

TEST_F(ApiHandler, UnknownPathIs404) {
  const Response res = Admin(bh::verb::get, "/v1/nothing");
  EXPECT_EQ(res.result_int(), 404u);
  EXPECT_EQ(Code(res), "not_found");
  EXPECT_EQ(Admin(bh::verb::get, "/v1/apikeys/").result_int(), 404u);
}

TEST_F(ApiHandler, WrongMethodIs405WithAllow) {
  const Response res = Admin(bh::verb::put, "/v1/apikeys");
  EXPECT_EQ(res.result_int(), 405u);
  EXPECT_EQ(res[bh::field::allow], "POST, GET");
  EXPECT_EQ(Code(res), "method_not_allowed");
}

TEST_F(ApiHandler, MissingPermissionIs403) {
  const auto [id, token] = CreateKey("", "auditor", "Auditor");
  const Response res =
      Send(bh::verb::post, "/v1/apikeys", R"({"name": "x", "role": "Auditor"})", token);
  EXPECT_EQ(res.result_int(), 403u);
  EXPECT_EQ(Code(res), "permission_denied");
}

TEST_F(ApiHandler, ValidKeyOutsideItsAllowlistIs403) {
  const auto [id, token] = CreateKey(R"(, "allowedIps": ["1.1.1.1"])", "fenced", "Auditor");
  const Response outside = Send(bh::verb::get, "/v1/apikeys/current", {}, token, "8.8.8.8");
  EXPECT_EQ(outside.result_int(), 403u);
  EXPECT_EQ(Code(outside), "permission_denied");
  EXPECT_EQ(Send(bh::verb::get, "/v1/apikeys/current", {}, token, "1.1.1.1").result_int(), 200u);
}

TEST_F(ApiHandler, Ipv4MappedPeerIsTreatedAsIpv4) {
  const auto [id, token] = CreateKey(R"(, "allowedIps": ["1.1.1.1"])", "fenced", "Auditor");
  const Response res = Send(bh::verb::get, "/v1/apikeys/current", {}, token, "::ffff:1.1.1.1");
  EXPECT_EQ(res.result_int(), 200u) << res.body();
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

TEST_F(ApiHandler, HealthzAndOpenApiNeedNoCredential) {
  const Response health = Send(bh::verb::get, "/healthz");
  EXPECT_EQ(health.result_int(), 200u);
  EXPECT_EQ(health.body(), R"({"status":"ok"})");
  const Response doc = Send(bh::verb::get, "/v1/openapi.json");
  EXPECT_EQ(doc.result_int(), 200u);
  EXPECT_EQ(json::parse(doc.body()).at("openapi").as_string(), "3.0.3");
}

TEST_F(ApiHandler, ReadyzFollowsTheStore) {
  EXPECT_EQ(Send(bh::verb::get, "/readyz").result_int(), 200u);
  store_.FailNextCommit();
  const Response down = Send(bh::verb::get, "/readyz");
  EXPECT_EQ(down.result_int(), 503u);
  EXPECT_EQ(Code(down), "unavailable");
}

TEST_F(ApiHandler, MetricsCountKeysByStatusAndCacheTheCount) {
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

TEST_F(ApiHandler, StoreOutageIs503WithAGenericMessage) {
  store_.FailNextCommit();
  const Response res =
      Admin(bh::verb::post, "/v1/apikeys", R"({"name": "lost", "role": "Auditor"})");
  EXPECT_EQ(res.result_int(), 503u);
  EXPECT_EQ(Code(res), "unavailable");
  EXPECT_EQ(Message(res), "the service is temporarily unavailable; retry later");
}

TEST_F(ApiHandler, SecretsNeverReachTheLog) {
  const auto [id, token] = CreateKey("", "logged", "Auditor");
  store_.FailNextCommit();
  Admin(bh::verb::post, "/v1/apikeys/" + id + "/rotate");
  Send(bh::verb::get, "/v1/apikeys?api_key=" + token);
  EXPECT_THAT(log_text_.str(), Not(HasSubstr(token)));
  EXPECT_THAT(log_text_.str(), Not(HasSubstr(master_token_)));
}

}  // namespace
}  // namespace keyward::http

namespace keyward::http {
namespace {

TEST_F(ApiHandler, ReadyzFollowsTheReadinessCheckWhenOneIsGiven) {
  bool fresh = false;
  http::ApiHandler handler(Wire(), ApiOptions{.ready = [&fresh] { return fresh; }});
  const Request readyz{bh::verb::get, "/readyz", 11};
  EXPECT_EQ(CallOn(handler, readyz).result_int(), 503u);
  fresh = true;
  EXPECT_EQ(CallOn(handler, readyz).result_int(), 200u);
}

}  // namespace
}  // namespace keyward::http
