#include "cli/duration.hpp"

#include <gtest/gtest.h>

#include "testing/cli/cli_test_util.hpp"

namespace keyward::cli {
namespace {

using testing::EnvFor;
using testing::FakeApiServer;
using testing::Outcome;
using testing::RunKeyward;

TEST(Duration, ReadsSecondsAndUnits) {
  EXPECT_EQ(ParseDuration("0"), 0);
  EXPECT_EQ(ParseDuration("3600"), 3600);
  EXPECT_EQ(ParseDuration("90s"), 90);
  EXPECT_EQ(ParseDuration("15m"), 900);
  EXPECT_EQ(ParseDuration("1h"), 3600);
  EXPECT_EQ(ParseDuration("7d"), 604800);
  EXPECT_EQ(ParseDuration("1h30m"), 5400);
}

TEST(Duration, RefusesWhatIsNotADuration) {
  for (const char* text :
       {"", "h", "-5", "+5", "1.5h", "1w", "1 h", "1h30", "soon", "1H", "99999999999999999999"}) {
    EXPECT_FALSE(ParseDuration(text).has_value()) << text;
  }
}

TEST(KeysRotate, GracePeriodTakesADuration) {
  FakeApiServer server({{200, R"({"id":"42","secret":"kw_x"})"}});
  const Outcome o = RunKeyward({"keys", "rotate", "42", "--grace-period", "15m"}, EnvFor(server));
  ASSERT_EQ(o.exit_code, 0) << o.err;
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(server.requests()[0].body(), R"({"gracePeriodSeconds":900})");
}

TEST(KeysRotate, BadOrTooLongGracePeriodIsAUsageErrorNamingFlagAndValue) {
  // CLI11 prints a parse error on the process's standard error; under --json the message is also
  // on the standard output the test captures.
  const Outcome bad = RunKeyward({"keys", "rotate", "42", "--grace-period", "1w", "--json"}, {});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.out.find("--grace-period"), std::string::npos) << bad.out;
  EXPECT_NE(bad.out.find("\\\"1w\\\""), std::string::npos) << bad.out;

  const Outcome too_long =
      RunKeyward({"keys", "rotate", "42", "--grace-period", "8d", "--json"}, {});
  EXPECT_EQ(too_long.exit_code, 2);
  EXPECT_NE(too_long.out.find("--grace-period"), std::string::npos) << too_long.out;
  EXPECT_NE(too_long.out.find("\\\"8d\\\""), std::string::npos) << too_long.out;
  EXPECT_NE(too_long.out.find("7 days"), std::string::npos) << too_long.out;
  EXPECT_EQ(RunKeyward({"keys", "rotate", "42", "--grace-period", "604801"}, {}).exit_code, 2);
}

}  // namespace
}  // namespace keyward::cli
