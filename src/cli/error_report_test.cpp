#include "cli/error_report.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/json/parse.hpp>
#include <sstream>
#include <string>

#include "testing/cli/cli_test_util.hpp"

namespace keyward::cli {
namespace {

namespace json = boost::json;
using testing::EnvFor;
using testing::FakeApiServer;
using testing::kTestApiKey;
using testing::Outcome;
using testing::RunKeyward;

TEST(JsonErrors, ARefusedRequestPrintsTheServersErrorOnStandardOutputToo) {
  const std::string body =
      R"({"error":{"code":"not_found","message":"API key 999 does not exist"}})";
  FakeApiServer server({{404, body}});
  const Outcome o = RunKeyward({"keys", "show", "999", "--json"}, EnvFor(server));
  EXPECT_EQ(o.exit_code, 4);
  EXPECT_EQ(json::parse(o.out), json::parse(body));
  EXPECT_EQ(o.err, "keyward: API key 999 does not exist\n");
}

TEST(JsonErrors, WithoutJsonStandardOutputStaysEmpty) {
  FakeApiServer server({{404, R"({"error":{"code":"not_found","message":"no"}})"}});
  const Outcome o = RunKeyward({"keys", "show", "999"}, EnvFor(server));
  EXPECT_EQ(o.exit_code, 4);
  EXPECT_EQ(o.out, "");
}

TEST(JsonErrors, AnErrorWithoutABodyGetsACodeFromTheStatus) {
  FakeApiServer server({{502, ""}});
  const Outcome o = RunKeyward({"whoami", "--json"}, EnvFor(server));
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_EQ(json::parse(o.out).at("error").at("code").as_string(), "http_502");
}

TEST(JsonErrors, AMissingApiKeyIsAUsageErrorDocument) {
  const Outcome o = RunKeyward({"keys", "list", "--json"}, {});
  EXPECT_EQ(o.exit_code, 2);
  const json::value doc = json::parse(o.out);
  EXPECT_EQ(doc.at("error").at("code").as_string(), "usage");
  EXPECT_NE(std::string(doc.at("error").at("message").as_string()).find("KEYWARD_API_KEY"),
            std::string::npos);
}

TEST(JsonErrors, AnUnreachableServerIsAnErrorDocument) {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor probe(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
  const std::string url = "http://127.0.0.1:" + std::to_string(probe.local_endpoint().port());
  probe.close();
  const Outcome o =
      RunKeyward({"whoami", "--json"}, {{"KEYWARD_URL", url}, {"KEYWARD_API_KEY", kTestApiKey}});
  EXPECT_EQ(o.exit_code, 7);
  EXPECT_EQ(json::parse(o.out).at("error").at("code").as_string(), "unreachable");
}

TEST(JsonErrors, BadFlagsUnderJsonAreAUsageErrorDocument) {
  const Outcome o = RunKeyward({"keys", "rotate", "1", "--grace-period", "soon", "--json"}, {});
  EXPECT_EQ(o.exit_code, 2);
  const json::value doc = json::parse(o.out);
  EXPECT_EQ(doc.at("error").at("code").as_string(), "usage");
  EXPECT_NE(std::string(doc.at("error").at("message").as_string()).find("--grace-period"),
            std::string::npos);
}

TEST(JsonErrors, NothingToUpdateUnderJsonIsAUsageErrorDocument) {
  FakeApiServer server({});
  const Outcome o = RunKeyward({"keys", "update", "42", "--json"}, EnvFor(server));
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_EQ(json::parse(o.out).at("error").at("code").as_string(), "usage");
}

TEST(ReportError, PrintsThePlainMessageAndOnlyWithJsonTheDocument) {
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(ReportError(out, err, false, "usage", "bad \"x\"", 2), 2);
  EXPECT_EQ(out.str(), "");
  EXPECT_EQ(err.str(), "keyward: bad \"x\"\n");
  EXPECT_EQ(ReportError(out, err, true, "usage", "bad \"x\"", 2), 2);
  EXPECT_EQ(out.str(), "{\"error\":{\"code\":\"usage\",\"message\":\"bad \\\"x\\\"\"}}\n");
}

}  // namespace
}  // namespace keyward::cli
