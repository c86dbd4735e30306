#include "cli/client.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/json/parse.hpp>
#include <map>

#include "testing/cli/cli_test_util.hpp"

namespace keyward::cli {
namespace {

namespace json = boost::json;
using testing::FakeApiServer;

using testing::CountOf;
using testing::EnvFor;
using testing::kTestApiKey;
using testing::Outcome;
using testing::RunKeyward;

constexpr char kSecret[] = "kw_3hT9xQ2mPz7a_SECRETsecretSECRETsecretSECRETsecretSECRETsecret1";

std::string CreatedKey() {
  return std::string(
             R"({"id":"42","name":"日本語キー","description":"","prefix":"kw_3hT9xQ2mPz7a",)"
             R"("role":{"id":"2","name":"Auditor"},"enabled":false,"lockedOut":false,)"
             R"("unlockAt":null,"failedAttempts":0,"status":"disabled","expiresAt":null,)"
             R"("locale":"en-US","timeZone":"UTC","allowedIps":["8.8.8.0/24","1.1.1.1"],)"
             R"("source":"api","accountId":null,"createdAt":"2026-11-22T15:00:00Z",)"
             R"("lastUsedAt":null,"secretRotatedAt":null,"secret":")") +
         kSecret + "\"}";
}

TEST(KeysCreate, SendsTheFlagsAsJsonWithTheBearerKeyAndPrintsTheSecretOnce) {
  FakeApiServer server({{201, CreatedKey()}});
  const Outcome outcome =
      RunKeyward({"keys", "create", "--name", "日本語キー", "--role", "Auditor", "--allow-ip",
                  "8.8.8.0/24", "--allow-ip", "1.1.1.1", "--disabled"},
                 EnvFor(server));

  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  const auto& request = requests[0];
  EXPECT_EQ(request.method_string(), "POST");
  EXPECT_EQ(request.target(), "/v1/apikeys");
  EXPECT_EQ(request.version(), 11u);
  EXPECT_EQ(request["Authorization"], std::string("Bearer ") + kTestApiKey);
  EXPECT_EQ(request["Content-Type"], "application/json");
  EXPECT_EQ(request["Host"], server.url().substr(std::string("http://").size()));
  EXPECT_EQ(json::parse(request.body()), json::parse(R"({"name":"日本語キー","role":"Auditor",)"
                                                     R"("allowedIps":["8.8.8.0/24","1.1.1.1"],)"
                                                     R"("enabled":false})"));

  EXPECT_EQ(CountOf(outcome.out, kSecret), 1u) << outcome.out;
  EXPECT_NE(outcome.out.find(std::string("Secret (shown once, store it now): ") + kSecret + "\n"),
            std::string::npos)
      << outcome.out;
  EXPECT_LT(outcome.out.find("Name:"), outcome.out.find("Secret (shown once"))
      << "the key comes first, then its secret";
  EXPECT_EQ(outcome.err, "");
  EXPECT_EQ(CountOf(outcome.out + outcome.err, kTestApiKey), 0u)
      << "the caller's key is never printed";
}

TEST(KeysCreate, JsonPrintsTheServerResponseAsIs) {
  FakeApiServer server({{201, CreatedKey()}});
  const Outcome outcome =
      RunKeyward({"keys", "create", "--name", "x", "--role", "1", "--json"}, EnvFor(server));
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  EXPECT_EQ(outcome.out, CreatedKey() + "\n");
}

TEST(KeysShow, CallsUnderTheUrlPathPrefix) {
  FakeApiServer server({{200, CreatedKey()}});
  auto env = EnvFor(server);
  env["KEYWARD_URL"] = server.url() + "/keyward/";
  const Outcome outcome = RunKeyward({"keys", "show", "42"}, env);
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(server.requests()[0].target(), "/keyward/v1/apikeys/42");
  EXPECT_EQ(server.requests()[0].method_string(), "GET");
  EXPECT_NE(outcome.out.find("Status:          disabled\n"), std::string::npos) << outcome.out;
}

TEST(KeysUpdate, RejectedInputPrintsTheServerMessageWithTheFieldAndExits6) {
  FakeApiServer server({{400, R"({"error":{"code":"invalid_argument","message":"10.0.0.0/8 )"
                              R"(is not a public range","field":"allowedIps[1]"}})"}});
  const Outcome outcome =
      RunKeyward({"keys", "update", "--allow-ip", "8.8.8.8", "--allow-ip", "10.0.0.0/8", "42"},
                 EnvFor(server));
  EXPECT_EQ(outcome.exit_code, 6);
  EXPECT_EQ(outcome.err, "keyward: 10.0.0.0/8 is not a public range (field: allowedIps[1])\n");
  EXPECT_EQ(outcome.out, "");
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(server.requests()[0].method_string(), "PATCH");
  EXPECT_EQ(server.requests()[0].target(), "/v1/apikeys/42");
  EXPECT_EQ(json::parse(server.requests()[0].body()),
            json::parse(R"({"allowedIps":["8.8.8.8","10.0.0.0/8"]})"));
}

TEST(KeysUpdate, NothingToChangeIsAUsageErrorWithoutARequest) {
  FakeApiServer server({});
  const Outcome outcome = RunKeyward({"keys", "update", "42"}, EnvFor(server));
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_NE(outcome.err.find("nothing to update"), std::string::npos);
  EXPECT_TRUE(server.requests().empty());
}

TEST(KeysUpdate, AllowIpAndClearAllowlistTogetherAreAUsageError) {
  FakeApiServer server({});
  EXPECT_EQ(RunKeyward({"keys", "update", "42", "--allow-ip", "1.1.1.1", "--clear-allowlist"},
                       EnvFor(server))
                .exit_code,
            2);
  EXPECT_TRUE(server.requests().empty());
}

TEST(Client, StatusesMapToTheDocumentedExitCodes) {
  const std::pair<unsigned, int> cases[] = {{401, 3}, {403, 3}, {404, 4}, {409, 5},
                                            {413, 6}, {500, 1}, {503, 1}};
  for (const auto& [status, expected] : cases) {
    FakeApiServer server({{status, R"({"error":{"code":"x","message":"refused"}})"}});
    const Outcome outcome = RunKeyward({"keys", "disable", "42", "--yes"}, EnvFor(server));
    EXPECT_EQ(outcome.exit_code, expected) << status;
    EXPECT_EQ(outcome.err, "keyward: refused\n") << status;
  }
}

TEST(Client, MissingApiKeyIsAUsageErrorAndSendsNothing) {
  FakeApiServer server({});
  const Outcome outcome = RunKeyward({"whoami"}, {{"KEYWARD_URL", server.url()}});
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_NE(outcome.err.find("KEYWARD_API_KEY is not set"), std::string::npos) << outcome.err;
  EXPECT_TRUE(server.requests().empty());
}

TEST(Client, UrlWithCredentialsIsAUsageError) {
  const Outcome outcome = RunKeyward({"whoami"}, {{"KEYWARD_URL", "http://admin:pw@127.0.0.1:1"},
                                                  {"KEYWARD_API_KEY", kTestApiKey}});
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_NE(outcome.err.find("must not contain credentials"), std::string::npos) << outcome.err;
}

TEST(Client, UnreachableServerExits7WithTheUrl) {
  // A port that was free a moment ago: nothing listens there.
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor probe(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
  const std::string url = "http://127.0.0.1:" + std::to_string(probe.local_endpoint().port());
  probe.close();
  const Outcome outcome =
      RunKeyward({"whoami"}, {{"KEYWARD_URL", url}, {"KEYWARD_API_KEY", kTestApiKey}});
  EXPECT_EQ(outcome.exit_code, 7);
  EXPECT_EQ(outcome.err.rfind("keyward: cannot reach the server at " + url + ": ", 0), 0u)
      << outcome.err;
}

TEST(Client, BadFlagsAreUsageErrors) {
  EXPECT_EQ(RunKeyward({"keys", "create", "--role", "1"}, {}).exit_code, 2);  // --name missing
  EXPECT_EQ(RunKeyward({"keys", "list", "--limit", "0"}, {}).exit_code, 2);
  EXPECT_EQ(RunKeyward({"keys", "list", "--status", "bogus"}, {}).exit_code, 2);
  EXPECT_EQ(RunKeyward({"keys", "rotate", "1", "--grace-period", "604801"}, {}).exit_code, 2);
  EXPECT_EQ(RunKeyward({"keys"}, {}).exit_code, 2);
}

TEST(KeysDelete, OneIdUsesDelete) {
  FakeApiServer server({{204, ""}});
  const Outcome outcome = RunKeyward({"keys", "delete", "42", "--json", "--yes"}, EnvFor(server));
  EXPECT_EQ(outcome.exit_code, 0) << outcome.err;
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(server.requests()[0].method_string(), "DELETE");
  EXPECT_EQ(server.requests()[0].target(), "/v1/apikeys/42");
  EXPECT_EQ(json::parse(outcome.out), json::parse(R"({"results":[{"id":"42","status":204}]})"));
}

TEST(KeysDelete, SeveralIdsUseBulkDeleteAndExit4WhenAnyIsNotFound) {
  FakeApiServer server({{200, R"({"results":[{"id":"1","status":204},{"id":"2","status":404}]})"}});
  const Outcome outcome = RunKeyward({"keys", "delete", "1", "2", "--yes"}, EnvFor(server));
  EXPECT_EQ(outcome.exit_code, 4);
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(server.requests()[0].target(), "/v1/apikeys/delete");
  EXPECT_EQ(json::parse(server.requests()[0].body()), json::parse(R"({"ids":["1","2"]})"));
  EXPECT_EQ(outcome.out, "ID  RESULT\n1   deleted\n2   not found\n");
}

TEST(KeysList, AllFollowsNextCursorAndPrintsOneJsonDocument) {
  FakeApiServer server({{200, R"({"items":[{"id":"3"},{"id":"2"}],"nextCursor":"c2"})"},
                        {200, R"({"items":[{"id":"1"}],"nextCursor":null})"}});
  const Outcome outcome = RunKeyward(
      {"keys", "list", "--all", "--json", "-q", "日本", "--status", "enabled"}, EnvFor(server));
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].target(), "/v1/apikeys?status=enabled&q=%E6%97%A5%E6%9C%AC&limit=500");
  EXPECT_EQ(requests[1].target(),
            "/v1/apikeys?status=enabled&q=%E6%97%A5%E6%9C%AC&limit=500&cursor=c2");
  EXPECT_EQ(json::parse(outcome.out),
            json::parse(R"({"items":[{"id":"3"},{"id":"2"},{"id":"1"}],"nextCursor":null})"));
}

TEST(KeysRotate, SendsTheGracePeriodAndPrintsTheNewSecretOnce) {
  FakeApiServer server({{200, CreatedKey()}});
  const Outcome outcome =
      RunKeyward({"keys", "rotate", "42", "--grace-period", "3600"}, EnvFor(server));
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(server.requests()[0].target(), "/v1/apikeys/42/rotate");
  EXPECT_EQ(json::parse(server.requests()[0].body()),
            json::parse(R"({"gracePeriodSeconds":3600})"));
  EXPECT_EQ(CountOf(outcome.out, kSecret), 1u);
}

TEST(KeysRotate, SaysWhenTheOldSecretStopsWorking) {
  std::string rotated = CreatedKey();
  rotated.insert(rotated.size() - 1,
                 R"(,"previousSecret":{"endsAt":"2026-11-22T16:00:00Z","lastUsedAt":null})");
  FakeApiServer server({{200, rotated}});
  const Outcome outcome =
      RunKeyward({"keys", "rotate", "42", "--grace-period", "1h"}, EnvFor(server));
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  EXPECT_NE(outcome.out.find("the old secret keeps working until 2026-11-22T16:00:00Z."),
            std::string::npos)
      << outcome.out;
  EXPECT_NE(outcome.out.find("Previous secret: works until 2026-11-22T16:00:00Z, last used never"),
            std::string::npos)
      << outcome.out;
}

TEST(Whoami, ShowsTheCallingKey) {
  FakeApiServer server({{200, CreatedKey()}});
  const Outcome outcome = RunKeyward({"whoami"}, EnvFor(server));
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  EXPECT_EQ(server.requests()[0].target(), "/v1/apikeys/current");
  EXPECT_NE(outcome.out.find("Name:            日本語キー\n"), std::string::npos) << outcome.out;
  EXPECT_EQ(CountOf(outcome.out, kSecret), 0u) << "only create and rotate print a secret";
}

}  // namespace
}  // namespace keyward::cli
