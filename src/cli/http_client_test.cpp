#include "cli/http_client.hpp"

#include <gtest/gtest.h>

namespace keyward::cli {
namespace {

ServerUrl Parse(std::string_view text) {
  auto parsed = ParseServerUrl(text);
  if (const auto* problem = std::get_if<std::string>(&parsed)) {
    ADD_FAILURE() << text << ": " << *problem;
    return {};
  }
  return std::get<ServerUrl>(parsed);
}

std::string Problem(std::string_view text) {
  auto parsed = ParseServerUrl(text);
  const auto* problem = std::get_if<std::string>(&parsed);
  return problem != nullptr ? *problem : "";
}

TEST(ParseServerUrl, DefaultsThePortFromTheScheme) {
  const ServerUrl http = Parse("http://127.0.0.1");
  EXPECT_FALSE(http.tls);
  EXPECT_EQ(http.port, "80");
  EXPECT_TRUE(http.host_is_ip);
  const ServerUrl https = Parse("https://keys.example.com");
  EXPECT_TRUE(https.tls);
  EXPECT_EQ(https.host, "keys.example.com");
  EXPECT_EQ(https.port, "443");
  EXPECT_FALSE(https.host_is_ip);
  EXPECT_EQ(https.host_header, "keys.example.com");
}

TEST(ParseServerUrl, KeepsAPathPrefixWithoutTrailingSlash) {
  const ServerUrl server = Parse("https://example.com:8443/tools/keyward/");
  EXPECT_EQ(server.port, "8443");
  EXPECT_EQ(server.host_header, "example.com:8443");
  EXPECT_EQ(server.base_path, "/tools/keyward");
  EXPECT_EQ(Parse("http://h:1/").base_path, "");
}

TEST(ParseServerUrl, ResolvesIpv6WithoutBracketsButSendsThemInHost) {
  const ServerUrl server = Parse("http://[::1]:8080");
  EXPECT_EQ(server.host, "::1");
  EXPECT_TRUE(server.host_is_ip);
  EXPECT_EQ(server.host_header, "[::1]:8080");
}

TEST(ParseServerUrl, RefusesWhatCannotBeAServerBaseUrl) {
  EXPECT_NE(Problem("localhost:8080").find("http:// or https://"), std::string::npos);
  EXPECT_NE(Problem("ftp://h").find("http:// or https://"), std::string::npos);
  EXPECT_NE(Problem("http://user:pw@h").find("credentials"), std::string::npos);
  EXPECT_NE(Problem("http://h/?x=1").find("query"), std::string::npos);
  EXPECT_NE(Problem("not a url").find("not a URL"), std::string::npos);
  EXPECT_NE(Problem("http:///path").find("no host"), std::string::npos);
}

TEST(HttpClient, TargetJoinsBasePathPathAndEncodedQuery) {
  const HttpClient client(Parse("http://h/prefix/"), "kw_x");
  HttpRequest request;
  request.path = "/v1/apikeys";
  request.query = {{"q", "日本 & co"}, {"limit", "5"}};
  EXPECT_EQ(client.Target(request), "/prefix/v1/apikeys?q=%E6%97%A5%E6%9C%AC%20%26%20co&limit=5");
  EXPECT_EQ(HttpClient(Parse("http://h"), "k").Target({Method::kGet, "/v1/roles", {}, {}}),
            "/v1/roles");
}

}  // namespace
}  // namespace keyward::cli
