#include "cli/own_access.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <map>
#include <string>

#include "testing/cli/cli_test_util.hpp"

namespace keyward::cli {
namespace {

namespace json = boost::json;
using testing::EnvFor;
using testing::FakeApiServer;
using testing::Outcome;
using testing::RunKeyward;

// GET /v1/apikeys/current: key 42, the token of account 7 when `account` is set.
std::string Current(bool account = false) {
  return std::string(R"({"id":"42","name":"ci","status":"enabled","accountId":)") +
         (account ? R"("7")" : "null") + "}";
}

constexpr char kDisabledKey[] = R"({"id":"42","name":"ci","status":"disabled"})";

TEST(OwnAccess, DeletingTheCallersOwnKeyWithoutATerminalIsRefusedNamingYes) {
  FakeApiServer server({{200, Current()}});
  const Outcome o = RunKeyward({"keys", "delete", "42"}, EnvFor(server));
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find("API key 42 (\"ci\"), the key this command authenticates with"),
            std::string::npos)
      << o.err;
  EXPECT_NE(o.err.find("--yes"), std::string::npos) << o.err;
  ASSERT_EQ(server.requests().size(), 1u) << "nothing is deleted";
  EXPECT_EQ(server.requests()[0].target(), "/v1/apikeys/current");
}

TEST(OwnAccess, BulkDeleteAmongWhoseIdsIsTheCallersKeyIsRefused) {
  FakeApiServer server({{200, Current()}});
  const Outcome o = RunKeyward({"keys", "delete", "3", "42", "5"}, EnvFor(server));
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST(OwnAccess, AnotherKeyIsChangedWithoutAQuestion) {
  FakeApiServer server({{200, Current()}, {204, ""}});
  const Outcome o = RunKeyward({"keys", "delete", "41"}, EnvFor(server));
  ASSERT_EQ(o.exit_code, 0) << o.err;
  ASSERT_EQ(server.requests().size(), 2u);
  EXPECT_EQ(server.requests()[1].target(), "/v1/apikeys/41");
  EXPECT_EQ(o.err, "");
}

TEST(OwnAccess, YesSkipsTheQuestionAndTheLookup) {
  FakeApiServer server({{200, kDisabledKey}});
  const Outcome o = RunKeyward({"keys", "disable", "42", "--yes"}, EnvFor(server));
  ASSERT_EQ(o.exit_code, 0) << o.err;
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(server.requests()[0].target(), "/v1/apikeys/42/disable");
}

TEST(OwnAccess, OnATerminalYesGoesAhead) {
  FakeApiServer server({{200, Current()}, {200, kDisabledKey}});
  const Outcome o = RunKeyward({"keys", "disable", "42"}, EnvFor(server), "y\n");
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_NE(o.err.find("Continue? [y/N]"), std::string::npos) << o.err;
  ASSERT_EQ(server.requests().size(), 2u);
  EXPECT_EQ(server.requests()[1].target(), "/v1/apikeys/42/disable");
}

TEST(OwnAccess, OnATerminalAnythingButYesDoesNothing) {
  for (const char* typed : {"\n", "n\n", "nope\n", ""}) {
    FakeApiServer server({{200, Current()}});
    const Outcome o = RunKeyward({"keys", "lock", "42"}, EnvFor(server), typed);
    EXPECT_EQ(o.exit_code, 1) << typed;
    EXPECT_EQ(server.requests().size(), 1u) << typed;
  }
}

TEST(OwnAccess, RotatingOwnKeyAsksOnlyWithoutAGracePeriod) {
  FakeApiServer refused({{200, Current()}, {200, Current()}});
  EXPECT_EQ(RunKeyward({"keys", "rotate", "42"}, EnvFor(refused)).exit_code, 2);
  EXPECT_EQ(RunKeyward({"keys", "rotate", "42", "--grace-period", "0"}, EnvFor(refused)).exit_code,
            2);
  EXPECT_EQ(refused.requests().size(), 2u) << "only the lookups";

  FakeApiServer graceful({{200, R"({"id":"42","secret":"kw_x"})"}});
  const Outcome o = RunKeyward({"keys", "rotate", "42", "--grace-period", "1h"}, EnvFor(graceful));
  ASSERT_EQ(o.exit_code, 0) << o.err;
  ASSERT_EQ(graceful.requests().size(), 1u);
  EXPECT_EQ(graceful.requests()[0].target(), "/v1/apikeys/42/rotate");
}

TEST(OwnAccess, EnableAndUnlockNeverAsk) {
  FakeApiServer server({{200, kDisabledKey}, {200, kDisabledKey}});
  EXPECT_EQ(RunKeyward({"keys", "enable", "42"}, EnvFor(server)).exit_code, 0);
  EXPECT_EQ(RunKeyward({"keys", "unlock", "42"}, EnvFor(server)).exit_code, 0);
  EXPECT_EQ(server.requests().size(), 2u);
}

TEST(OwnAccess, TheAccountWhoseTokenIsInUseIsGuarded) {
  const std::vector<std::vector<std::string>> commands = {
      {"accounts", "disable", "7"},
      {"accounts", "delete", "7"},
      {"accounts", "token", "delete", "7"},
      {"accounts", "update", "7", "--access-level", "console_only"}};
  for (const auto& command : commands) {
    FakeApiServer server({{200, Current(true)}});
    const Outcome o = RunKeyward(command, EnvFor(server));
    EXPECT_EQ(o.exit_code, 2) << command[1];
    EXPECT_NE(o.err.find("account 7, whose token (API key 42)"), std::string::npos) << o.err;
    EXPECT_EQ(server.requests().size(), 1u) << command[1];
  }
}

TEST(OwnAccess, AnotherAccountOrAnAccessLevelThatKeepsTheTokenIsNotAsked) {
  FakeApiServer server({{200, Current(true)}, {204, ""}, {200, R"({"id":"7"})"}});
  EXPECT_EQ(RunKeyward({"accounts", "delete", "8"}, EnvFor(server)).exit_code, 0);
  EXPECT_EQ(RunKeyward({"accounts", "update", "7", "--access-level", "api_only"}, EnvFor(server))
                .exit_code,
            0);
  EXPECT_EQ(server.requests().size(), 3u);
}

TEST(OwnAccess, RefusalUnderJsonIsAnErrorDocumentOnStandardOutput) {
  FakeApiServer server({{200, Current()}});
  const Outcome o = RunKeyward({"keys", "delete", "42", "--json"}, EnvFor(server));
  EXPECT_EQ(o.exit_code, 2);
  const json::value doc = json::parse(o.out);
  EXPECT_EQ(doc.at("error").at("code").as_string(), "confirmation_required");
  EXPECT_NE(std::string(doc.at("error").at("message").as_string()).find("--yes"),
            std::string::npos);
}

}  // namespace
}  // namespace keyward::cli
