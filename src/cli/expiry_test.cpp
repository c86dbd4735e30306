#include "cli/expiry.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "testing/cli/cli_test_util.hpp"

namespace keyward::cli {
namespace {

namespace json = boost::json;
using testing::EnvFor;
using testing::FakeApiServer;
using testing::Outcome;
using testing::RunKeyward;

TEST(Expiry, WithoutAnOffsetIsReadInTheTimeZoneGiven) {
  EXPECT_EQ(ResolveExpiresAt("2030-12-31T23:59:59", "Asia/Tokyo").value,
            "2030-12-31T23:59:59+09:00");
  EXPECT_EQ(ResolveExpiresAt("2030-07-01T12:00:00", "America/New_York").value,
            "2030-07-01T12:00:00-04:00");
}

TEST(Expiry, WithoutAnOffsetOrATimeZoneIsUtc) {
  EXPECT_EQ(ResolveExpiresAt("2030-12-31T23:59:59", std::nullopt).value, "2030-12-31T23:59:59Z");
}

TEST(Expiry, AnOffsetIsSentAsGiven) {
  EXPECT_EQ(ResolveExpiresAt("2030-12-31T23:59:59Z", "Asia/Tokyo").value, "2030-12-31T23:59:59Z");
  EXPECT_EQ(ResolveExpiresAt("2030-12-31T23:59:59-05:00", "Asia/Tokyo").value,
            "2030-12-31T23:59:59-05:00");
}

TEST(Expiry, BadTextNonexistentTimesAndUnknownZonesAreProblemsNamingTheFlag) {
  for (const auto& [text, zone] :
       {std::pair<std::string, std::optional<std::string>>{"tomorrow", std::nullopt},
        {"2030-03-10T02:30:00", "America/New_York"},
        {"2030-12-31T23:59:59", "Mars/Base"}}) {
    const ResolvedExpiry resolved = ResolveExpiresAt(text, zone);
    EXPECT_FALSE(resolved.value.has_value()) << text;
    EXPECT_NE(resolved.problem.find("--expires-at \"" + text + "\""), std::string::npos)
        << resolved.problem;
  }
}

TEST(KeysCreate, ExpiresAtWithoutAnOffsetIsSentInTheTimeZoneOfTheCommand) {
  FakeApiServer server({{201, R"({"id":"1","secret":"kw_x"})"}});
  const Outcome o = RunKeyward({"keys", "create", "--name", "n", "--role", "Auditor", "--time-zone",
                                "Asia/Tokyo", "--expires-at", "2030-12-31T23:59:59"},
                               EnvFor(server));
  ASSERT_EQ(o.exit_code, 0) << o.err;
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(json::parse(server.requests()[0].body()).at("expiresAt").as_string(),
            "2030-12-31T23:59:59+09:00");
}

TEST(KeysCreate, UnreadableExpiresAtIsAUsageErrorWithoutARequest) {
  FakeApiServer server({});
  const Outcome o = RunKeyward(
      {"keys", "create", "--name", "n", "--role", "Auditor", "--expires-at", "next week"},
      EnvFor(server));
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find("--expires-at"), std::string::npos) << o.err;
  EXPECT_TRUE(server.requests().empty());
}

TEST(AccountsTokenCreate, ExpiresAtWithoutAnOffsetIsSentAsUtc) {
  FakeApiServer server({{201, R"({"token":{"keyId":"9"},"secret":"kw_x"})"}});
  const Outcome o = RunKeyward(
      {"accounts", "token", "create", "7", "--expires-at", "2030-12-31T23:59:59"}, EnvFor(server));
  ASSERT_EQ(server.requests().size(), 1u) << o.err;
  EXPECT_EQ(json::parse(server.requests()[0].body()).at("expiresAt").as_string(),
            "2030-12-31T23:59:59Z");
}

}  // namespace
}  // namespace keyward::cli
