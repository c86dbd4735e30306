// `keyward accounts ...`: what goes on the wire, what is printed, and the exit codes.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "testing/cli/cli_test_util.hpp"

namespace keyward::cli {
namespace {

namespace json = boost::json;
using testing::CountOf;
using testing::EnvFor;
using testing::FakeApiServer;
using testing::Outcome;
using testing::RunKeyward;

constexpr char kTokenSecret[] = "kw_7hT9xQ2mPz7b_SECRETsecretSECRETsecretSECRETsecretSECRETsecret2";

std::string Account(bool with_token) {
  return std::string(R"({"id":"7","email":"ops@example.com","type":"local",)"
                     R"("role":{"id":"2","name":"Auditor"},"accessLevel":"console_and_api",)"
                     R"("givenName":"花子","surname":"山田","description":"",)"
                     R"("locale":"ja-JP","timeZone":"Asia/Tokyo","enabled":true,)"
                     R"("lockedOut":false,"mustChangePassword":true,)"
                     R"("createdAt":"2027-01-15T17:00:00+09:00","token":)") +
         (with_token ? R"({"keyId":"12","prefix":"kw_7hT9xQ2mPz7b",)"
                       R"("createdAt":"2027-01-15T17:05:00+09:00","expiresAt":null,)"
                       R"("lastUsedAt":null})"
                     : "null") +
         "}";
}

std::string Method(const FakeApiServer& server, std::size_t i = 0) {
  return std::string(server.requests().at(i).method_string());
}

std::string Target(const FakeApiServer& server, std::size_t i = 0) {
  return std::string(server.requests().at(i).target());
}

json::value Body(const FakeApiServer& server, std::size_t i = 0) {
  return json::parse(server.requests().at(i).body());
}

TEST(AccountsList, PrintsATableWithTheTokenPrefixOrADash) {
  FakeApiServer server(
      {{200, R"({"items":[)" + Account(true) + "," + Account(false) + R"(],"nextCursor":null})"}});
  const Outcome o = RunKeyward({"accounts", "list", "--limit", "2"}, EnvFor(server));
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(Method(server), "GET");
  EXPECT_EQ(Target(server), "/v1/accounts?limit=2");
  EXPECT_EQ(o.out,
            "ID  EMAIL            ROLE     ACCESS           ENABLED  LOCKED OUT  TOKEN\n"
            "7   ops@example.com  Auditor  console_and_api  yes      no          kw_7hT9xQ2mPz7b\n"
            "7   ops@example.com  Auditor  console_and_api  yes      no          -\n");
}

TEST(AccountsList, AllFollowsNextCursorAndJsonPrintsOneDocument) {
  FakeApiServer server({{200, R"({"items":[{"id":"9"}],"nextCursor":"c2"})"},
                        {200, R"({"items":[{"id":"8"}],"nextCursor":null})"}});
  const Outcome o = RunKeyward({"accounts", "list", "--all", "--json"}, EnvFor(server));
  ASSERT_EQ(o.exit_code, 0) << o.err;
  ASSERT_EQ(server.requests().size(), 2u);
  EXPECT_EQ(Target(server, 0), "/v1/accounts?limit=500");
  EXPECT_EQ(Target(server, 1), "/v1/accounts?limit=500&cursor=c2");
  EXPECT_EQ(json::parse(o.out),
            json::parse(R"({"items":[{"id":"9"},{"id":"8"}],"nextCursor":null})"));
}

TEST(AccountsList, NoAccountsSaysSo) {
  FakeApiServer server({{200, R"({"items":[],"nextCursor":null})"}});
  const Outcome o = RunKeyward({"accounts", "list"}, EnvFor(server));
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(o.out, "No accounts.\n");
}

TEST(AccountsCreate, SendsTheFlagsGivenAndPrintsTheAccount) {
  FakeApiServer server({{201, Account(false)}});
  const Outcome o =
      RunKeyward({"accounts", "create", "--email", "ops@example.com", "--role", "Auditor",
                  "--access-level", "console_and_api", "--given-name", "花子", "--surname", "山田",
                  "--locale", "ja-JP", "--time-zone", "Asia/Tokyo", "--disabled"},
                 EnvFor(server));
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(Method(server), "POST");
  EXPECT_EQ(Target(server), "/v1/accounts");
  EXPECT_EQ(Body(server),
            json::parse(R"({"email":"ops@example.com","role":"Auditor",)"
                        R"("accessLevel":"console_and_api","givenName":"花子","surname":"山田",)"
                        R"("locale":"ja-JP","timeZone":"Asia/Tokyo","enabled":false})"));
  EXPECT_EQ(o.out.rfind("Created account 7.\n", 0), 0u) << o.out;
  EXPECT_NE(o.out.find("Email:                ops@example.com\n"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("Role:                 Auditor (id 2)\n"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("Token:                none\n"), std::string::npos) << o.out;
}

TEST(AccountsCreate, MinimalFlagsSendOnlyTheRequiredFieldsAndJsonPrintsTheResponseAsIs) {
  FakeApiServer server({{201, Account(false)}});
  const Outcome o = RunKeyward({"accounts", "create", "--email", "a@b", "--role", "1",
                                "--access-level", "api_only", "--json"},
                               EnvFor(server));
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(Body(server), json::parse(R"({"email":"a@b","role":"1","accessLevel":"api_only"})"));
  EXPECT_EQ(o.out, Account(false) + "\n");
}

TEST(AccountsCreate, MissingOrUnknownFlagsAreUsageErrorsWithoutARequest) {
  FakeApiServer server({});
  EXPECT_EQ(
      RunKeyward({"accounts", "create", "--email", "a@b", "--role", "1"}, EnvFor(server)).exit_code,
      2);
  EXPECT_EQ(RunKeyward({"accounts", "create", "--email", "a@b", "--role", "1", "--access-level",
                        "everything"},
                       EnvFor(server))
                .exit_code,
            2);
  EXPECT_EQ(RunKeyward({"accounts"}, EnvFor(server)).exit_code, 2);
  EXPECT_EQ(RunKeyward({"accounts", "token"}, EnvFor(server)).exit_code, 2);
  EXPECT_TRUE(server.requests().empty());
}

TEST(AccountsCreate, TakenEmailExits5WithTheServerMessage) {
  FakeApiServer server(
      {{409, R"({"error":{"code":"already_exists","message":)"
             R"("an account with email \"a@b\" already exists","field":"email"}})"}});
  const Outcome o = RunKeyward(
      {"accounts", "create", "--email", "a@b", "--role", "1", "--access-level", "api_only"},
      EnvFor(server));
  EXPECT_EQ(o.exit_code, 5);
  EXPECT_EQ(o.err, "keyward: an account with email \"a@b\" already exists (field: email)\n");
  EXPECT_EQ(o.out, "");
}

TEST(AccountsShow, GetsTheAccountAndShowsItsToken) {
  FakeApiServer server({{200, Account(true)}});
  const Outcome o = RunKeyward({"accounts", "show", "7"}, EnvFor(server));
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(Method(server), "GET");
  EXPECT_EQ(Target(server), "/v1/accounts/7");
  EXPECT_NE(o.out.find("Given name:           花子\n"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("Access level:         console_and_api\n"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("Must change password: yes\n"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("Token:                kw_7hT9xQ2mPz7b (key id 12)\n"), std::string::npos)
      << o.out;
  EXPECT_NE(o.out.find("Token expires:        never\n"), std::string::npos) << o.out;
}

TEST(AccountsShow, EncodesTheIdAsOnePathSegment) {
  FakeApiServer server({{404, R"({"error":{"code":"not_found","message":"no"}})"}});
  const Outcome o = RunKeyward({"accounts", "show", "../7"}, EnvFor(server));
  EXPECT_EQ(o.exit_code, 4);
  EXPECT_EQ(Target(server), "/v1/accounts/%2E%2E%2F7");
}

TEST(AccountsUpdate, SendsOnlyTheFlagsGiven) {
  FakeApiServer server({{200, Account(false)}});
  const Outcome o = RunKeyward({"accounts", "update", "7", "--role", "Operator", "--access-level",
                                "console_only", "--description", "on call", "--yes"},
                               EnvFor(server));
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(Method(server), "PATCH");
  EXPECT_EQ(Target(server), "/v1/accounts/7");
  EXPECT_EQ(Body(server), json::parse(R"({"role":"Operator","accessLevel":"console_only",)"
                                      R"("description":"on call"})"));
  EXPECT_EQ(o.out.rfind("Updated account 7.\n", 0), 0u) << o.out;
}

TEST(AccountsUpdate, NothingToChangeIsAUsageErrorWithoutARequest) {
  FakeApiServer server({});
  const Outcome o = RunKeyward({"accounts", "update", "7"}, EnvFor(server));
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find("nothing to update"), std::string::npos) << o.err;
  EXPECT_TRUE(server.requests().empty());
}

TEST(AccountsStateChanges, PostToTheActionAndPrintTheNewState) {
  const std::pair<const char*, const char*> cases[] = {
      {"enable", "enabled"}, {"disable", "disabled"}, {"unlock", "enabled"}};
  for (const auto& [action, state] : cases) {
    std::string answer = Account(false);
    if (std::string(action) == "disable") {
      answer.replace(answer.find(R"("enabled":true)"), 14, R"("enabled":false)");
    }
    FakeApiServer server({{200, answer}});
    std::vector<std::string> args = {"accounts", action, "7"};
    if (std::string(action) == "disable") args.push_back("--yes");  // no own-access question
    const Outcome o = RunKeyward(args, EnvFor(server));
    ASSERT_EQ(o.exit_code, 0) << action << ": " << o.err;
    EXPECT_EQ(Method(server), "POST") << action;
    EXPECT_EQ(Target(server), std::string("/v1/accounts/7/") + action);
    EXPECT_EQ(Body(server), json::parse("{}")) << action;
    EXPECT_EQ(o.out, std::string("Account 7 (ops@example.com) is now: ") + state + "\n");
  }
}

TEST(AccountsStateChanges, StatusesMapToTheDocumentedExitCodes) {
  const std::pair<unsigned, int> cases[] = {{400, 6}, {401, 3}, {403, 3}, {404, 4},
                                            {409, 5}, {429, 1}, {500, 1}, {503, 1}};
  for (const auto& [status, expected] : cases) {
    FakeApiServer server({{status, R"({"error":{"code":"x","message":"refused"}})"}});
    const Outcome o = RunKeyward({"accounts", "disable", "7", "--yes"}, EnvFor(server));
    EXPECT_EQ(o.exit_code, expected) << status;
    EXPECT_EQ(o.err, "keyward: refused\n") << status;
    EXPECT_EQ(o.out, "") << status;
  }
}

TEST(AccountsDelete, SendsDeleteAndConfirms) {
  FakeApiServer server({{204, ""}, {204, ""}});
  const Outcome o = RunKeyward({"accounts", "delete", "7", "--yes"}, EnvFor(server));
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(Method(server), "DELETE");
  EXPECT_EQ(Target(server), "/v1/accounts/7");
  EXPECT_EQ(o.out, "Deleted account 7.\n");

  const Outcome as_json = RunKeyward({"accounts", "delete", "7", "--json", "-y"}, EnvFor(server));
  ASSERT_EQ(as_json.exit_code, 0) << as_json.err;
  EXPECT_EQ(json::parse(as_json.out), json::parse(R"({"id":"7","status":204})"));
}

TEST(AccountsDelete, LastMasterAdministratorExits5) {
  FakeApiServer server(
      {{409, R"({"error":{"code":"last_master_administrator",)"
             R"("message":"this would leave no enabled Master Administrator"}})"}});
  const Outcome o = RunKeyward({"accounts", "delete", "1", "--yes"}, EnvFor(server));
  EXPECT_EQ(o.exit_code, 5);
  EXPECT_EQ(o.err, "keyward: this would leave no enabled Master Administrator\n");
  EXPECT_EQ(o.out, "");
}

TEST(AccountsPassword, PrintsTheOneTimePasswordOnceAndThatItMustBeChanged) {
  FakeApiServer server({{200, R"({"oneTimePassword":"Xy7Qp2Lm9Rt4Vw8Zk3Nb"})"}});
  const Outcome o = RunKeyward({"accounts", "password", "7"}, EnvFor(server));
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(Method(server), "POST");
  EXPECT_EQ(Target(server), "/v1/accounts/7/password");
  EXPECT_EQ(Body(server), json::parse("{}"));
  EXPECT_EQ(CountOf(o.out, "Xy7Qp2Lm9Rt4Vw8Zk3Nb"), 1u) << o.out;
  EXPECT_EQ(o.out,
            "One-time password of account 7 (shown once, pass it on now): Xy7Qp2Lm9Rt4Vw8Zk3Nb\n"
            "The user must change it at first sign-in.\n");
  EXPECT_EQ(o.err, "");
}

TEST(AccountsPassword, JsonPrintsTheResponseAsIsAndAMissingPasswordExits1) {
  FakeApiServer server({{200, R"({"oneTimePassword":"Xy7Qp2Lm9Rt4Vw8Zk3Nb"})"}, {200, "{}"}});
  const Outcome as_json = RunKeyward({"accounts", "password", "7", "--json"}, EnvFor(server));
  ASSERT_EQ(as_json.exit_code, 0) << as_json.err;
  EXPECT_EQ(as_json.out, "{\"oneTimePassword\":\"Xy7Qp2Lm9Rt4Vw8Zk3Nb\"}\n");

  const Outcome empty = RunKeyward({"accounts", "password", "7"}, EnvFor(server));
  EXPECT_EQ(empty.exit_code, 1);
  EXPECT_EQ(empty.out, "");
  EXPECT_NE(empty.err.find("oneTimePassword"), std::string::npos) << empty.err;
}

std::string TokenCreated() {
  return std::string(R"({"token":{"keyId":"12","prefix":"kw_7hT9xQ2mPz7b",)"
                     R"("createdAt":"2027-01-15T17:05:00+09:00",)"
                     R"("expiresAt":"2027-06-30T00:00:00+09:00","lastUsedAt":null},"secret":")") +
         kTokenSecret + "\"}";
}

TEST(AccountsTokenCreate, SendsTheExpiryAndPrintsTheTokenThenItsSecretOnce) {
  FakeApiServer server({{201, TokenCreated()}});
  const Outcome o = RunKeyward(
      {"accounts", "token", "create", "7", "--expires-at", "2027-06-30T00:00:00"}, EnvFor(server));
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(Method(server), "POST");
  EXPECT_EQ(Target(server), "/v1/accounts/7/token");
  // Without an offset the CLI reads the time in UTC and says so (expiry.hpp).
  EXPECT_EQ(Body(server), json::parse(R"({"expiresAt":"2027-06-30T00:00:00Z"})"));
  EXPECT_EQ(o.out.rfind("Created the authentication token of account 7.\n", 0), 0u) << o.out;
  EXPECT_NE(o.out.find("Prefix:    kw_7hT9xQ2mPz7b\n"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("Expires:   2027-06-30T00:00:00+09:00\n"), std::string::npos) << o.out;
  EXPECT_EQ(CountOf(o.out, kTokenSecret), 1u) << o.out;
  EXPECT_NE(o.out.find(std::string("Secret (shown once, store it now): ") + kTokenSecret + "\n"),
            std::string::npos)
      << o.out;
  EXPECT_LT(o.out.find("Prefix:"), o.out.find("Secret (shown once"));
  EXPECT_EQ(o.err, "");
}

TEST(AccountsTokenCreate, WithoutExpirySendsAnEmptyObjectAndJsonPrintsTheResponseAsIs) {
  FakeApiServer server({{201, TokenCreated()}});
  const Outcome o = RunKeyward({"accounts", "token", "create", "7", "--json"}, EnvFor(server));
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(Body(server), json::parse("{}"));
  EXPECT_EQ(o.out, TokenCreated() + "\n");
}

TEST(AccountsTokenCreate, AnExistingTokenExits5AndAMissingSecretExits1) {
  FakeApiServer server({{409, R"({"error":{"code":"already_exists","message":"the account )"
                              R"(already has an authentication token; delete the existing )"
                              R"(token first"}})"},
                        {201, R"({"token":{"keyId":"12","prefix":"kw_7hT9xQ2mPz7b"}})"}});
  const Outcome exists = RunKeyward({"accounts", "token", "create", "7"}, EnvFor(server));
  EXPECT_EQ(exists.exit_code, 5);
  EXPECT_NE(exists.err.find("delete the existing token first"), std::string::npos) << exists.err;

  const Outcome no_secret = RunKeyward({"accounts", "token", "create", "7"}, EnvFor(server));
  EXPECT_EQ(no_secret.exit_code, 1);
  EXPECT_NE(no_secret.err.find("has no \"secret\""), std::string::npos) << no_secret.err;
}

TEST(AccountsTokenDelete, SendsDeleteToTheTokenAndConfirms) {
  FakeApiServer server({{204, ""},
                        {404, R"({"error":{"code":"not_found","message":)"
                              R"("account 7 has no authentication token"}})"}});
  const Outcome o = RunKeyward({"accounts", "token", "delete", "7", "--yes"}, EnvFor(server));
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(Method(server), "DELETE");
  EXPECT_EQ(Target(server), "/v1/accounts/7/token");
  EXPECT_EQ(o.out, "Deleted the authentication token of account 7.\n");

  const Outcome none = RunKeyward({"accounts", "token", "delete", "7", "--yes"}, EnvFor(server));
  EXPECT_EQ(none.exit_code, 4);
  EXPECT_EQ(none.err, "keyward: account 7 has no authentication token\n");
}

}  // namespace
}  // namespace keyward::cli
