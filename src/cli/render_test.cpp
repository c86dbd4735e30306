#include "cli/render.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace keyward::cli {
namespace {

namespace json = boost::json;

json::object Key(std::string_view name) {
  json::object key = json::parse(R"({
    "id": "42", "description": "", "prefix": "kw_3hT9xQ2mPz7a",
    "role": {"id": "2", "name": "Auditor"}, "enabled": true, "lockedOut": false,
    "unlockAt": null, "failedAttempts": 0, "status": "enabled", "expiresAt": null,
    "locale": "en-US", "timeZone": "UTC", "allowedIps": ["8.8.8.0/24", "1.1.1.1"],
    "source": "api", "accountId": null, "createdAt": "2026-11-22T15:00:00Z",
    "lastUsedAt": null, "secretRotatedAt": null})")
                         .as_object();
  key["name"] = name;
  return key;
}

TEST(DescribeApiError, UsesTheServerMessageAndNamesTheField) {
  EXPECT_EQ(DescribeApiError(400, "Bad Request",
                             R"({"error":{"code":"invalid_argument","message":"not a public )"
                             R"(address: 10.0.0.1","field":"allowedIps[1]"}})"),
            "keyward: not a public address: 10.0.0.1 (field: allowedIps[1])");
  EXPECT_EQ(DescribeApiError(401, "Unauthorized",
                             R"({"error":{"code":"unauthenticated",)"
                             R"("message":"invalid or missing API key"}})"),
            "keyward: invalid or missing API key");
}

TEST(DescribeApiError, FallsBackToTheCodeThenToTheStatus) {
  EXPECT_EQ(DescribeApiError(409, "Conflict", R"({"error":{"code":"already_exists"}})"),
            "keyward: already_exists");
  EXPECT_EQ(DescribeApiError(502, "Bad Gateway", "<html>proxy error</html>"),
            "keyward: the server answered HTTP 502 Bad Gateway");
  EXPECT_EQ(DescribeApiError(500, "", ""), "keyward: the server answered HTTP 500");
}

TEST(DescribeApiError, NeutralisesControlCharactersFromTheServer) {
  const std::string message =
      DescribeApiError(400, "", R"({"error":{"message":"bad\u001b[2Jname\nx"}})");
  EXPECT_EQ(message.find('\x1b'), std::string::npos);
  EXPECT_EQ(message.find('\n'), std::string::npos);
}

TEST(DescribeTransportFailure, SaysWhetherTheRequestMayHaveTakenEffect) {
  EXPECT_EQ(DescribeTransportFailure("http://127.0.0.1:1", {false, "Connection refused"}),
            "keyward: cannot reach the server at http://127.0.0.1:1: Connection refused");
  EXPECT_NE(DescribeTransportFailure("http://h", {true, "timed out after 30 s"})
                .find("may have taken effect"),
            std::string::npos);
}

TEST(RenderKeyTable, AlignsJapaneseNamesAndShowsNeverForNulls) {
  json::array keys{Key("日本語キー"), Key("ci")};
  keys[1].as_object()["id"] = "7";
  keys[1].as_object()["lastUsedAt"] = "2026-11-22T15:00:00+09:00";
  EXPECT_EQ(RenderKeyTable(keys),
            "ID  NAME        ROLE     STATUS   PREFIX           EXPIRES  LAST USED\n"
            "42  日本語キー  Auditor  enabled  kw_3hT9xQ2mPz7a  never    never\n"
            "7   ci          Auditor  enabled  kw_3hT9xQ2mPz7a  never    "
            "2026-11-22T15:00:00+09:00\n");
}

TEST(RenderKeyDetails, PrintsAlignedFieldValueLines) {
  json::object key = Key("Splunk forwarder");
  key["lockedOut"] = true;
  const std::string text = RenderKeyDetails(key);
  EXPECT_NE(text.find("ID:              42\n"), std::string::npos) << text;
  EXPECT_NE(text.find("Name:            Splunk forwarder\n"), std::string::npos) << text;
  EXPECT_NE(text.find("Role:            Auditor (id 2)\n"), std::string::npos) << text;
  EXPECT_NE(text.find("Locked out:      yes, until unlocked\n"), std::string::npos) << text;
  EXPECT_NE(text.find("Allowed IPs:     8.8.8.0/24, 1.1.1.1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("Last used:       never\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("Account:"), std::string::npos) << "accountId is null";
  EXPECT_NE(text.find("Description:\n"), std::string::npos) << "no trailing spaces";
}

TEST(RenderKeyDetails, ShowsThePreviousSecretOnlyDuringAGracePeriod) {
  json::object key = Key("k");
  key["previousSecret"] = nullptr;
  EXPECT_EQ(RenderKeyDetails(key).find("Previous secret"), std::string::npos);
  key["previousSecret"] =
      json::parse(R"({"endsAt":"2026-11-22T16:00:00+09:00","lastUsedAt":null})");
  EXPECT_NE(RenderKeyDetails(key).find(
                "Previous secret: works until 2026-11-22T16:00:00+09:00, last used never\n"),
            std::string::npos)
      << RenderKeyDetails(key);
  key["previousSecret"].as_object()["lastUsedAt"] = "2026-11-22T15:30:00+09:00";
  EXPECT_NE(RenderKeyDetails(key).find("last used 2026-11-22T15:30:00+09:00\n"), std::string::npos);
}

TEST(RenderKeyDetails, EmptyAllowlistMeansAnyAddress) {
  json::object key = Key("k");
  key["allowedIps"] = json::array();
  EXPECT_NE(RenderKeyDetails(key).find("Allowed IPs:     any address\n"), std::string::npos);
}

TEST(RenderRoleDetails, ListsPermissionsOneALine) {
  const json::object role =
      json::parse(R"({"id":"2","name":"Auditor","description":"Reads","builtIn":true,)"
                  R"("permissions":["apikeys:view","roles:view"]})")
          .as_object();
  EXPECT_EQ(RenderRoleDetails(role),
            "ID:          2\n"
            "Name:        Auditor\n"
            "Description: Reads\n"
            "Built-in:    yes\n"
            "Permissions: apikeys:view\n"
            "             roles:view\n");
}

TEST(RenderRoleTable, CountsPermissions) {
  const json::array roles = json::parse(R"([{"id":"1","name":"Master Administrator",)"
                                        R"("builtIn":true,"permissions":["a:b","c:d"],)"
                                        R"("description":"Everything"}])")
                                .as_array();
  EXPECT_EQ(RenderRoleTable(roles),
            "ID  NAME                  BUILT-IN  PERMISSIONS  DESCRIPTION\n"
            "1   Master Administrator  yes       2            Everything\n");
}

TEST(RenderDeleteResults, ReportsEachIdAndWhetherAnyWasNotFound) {
  const DeleteReport report = RenderDeleteResults(
      json::parse(R"({"results":[{"id":"1","status":204},{"id":"9","status":404}]})").as_object());
  EXPECT_EQ(report.text, "ID  RESULT\n1   deleted\n9   not found\n");
  EXPECT_TRUE(report.any_not_found);
  EXPECT_FALSE(report.any_failed);
  EXPECT_TRUE(RenderDeleteResults(json::object()).any_failed);
}

TEST(RenderPermissionTable, ShowsNameGroupAndDescription) {
  const json::array permissions =
      json::parse(R"([{"name":"apikeys:view","group":"API Keys","description":"See keys"},)"
                  R"({"name":"roles:edit","group":"Roles"}])")
          .as_array();
  EXPECT_EQ(RenderPermissionTable(permissions),
            "NAME          GROUP     DESCRIPTION\n"
            "apikeys:view  API Keys  See keys\n"
            "roles:edit    Roles\n");
}

json::object AccountWithToken() {
  return json::parse(R"({"id":"7","email":"ops@example.com","type":"local",)"
                     R"("role":{"id":"2","name":"Auditor"},"accessLevel":"api_only",)"
                     R"("givenName":"","surname":"","description":"","locale":"en-US",)"
                     R"("timeZone":"UTC","enabled":false,"lockedOut":true,)"
                     R"("mustChangePassword":false,"createdAt":"2027-01-15T08:00:00Z",)"
                     R"("token":{"keyId":"12","prefix":"kw_7hT9xQ2mPz7b",)"
                     R"("createdAt":"2027-01-15T08:05:00Z","expiresAt":null,)"
                     R"("lastUsedAt":"2027-01-16T09:00:00Z"}})")
      .as_object();
}

TEST(RenderAccountTable, ShowsTheTokenPrefixOrADash) {
  json::object without = AccountWithToken();
  without["id"] = "8";
  without["token"] = nullptr;
  EXPECT_EQ(RenderAccountTable(json::array{AccountWithToken(), without}),
            "ID  EMAIL            ROLE     ACCESS    ENABLED  LOCKED OUT  TOKEN\n"
            "7   ops@example.com  Auditor  api_only  no       yes         kw_7hT9xQ2mPz7b\n"
            "8   ops@example.com  Auditor  api_only  no       yes         -\n");
}

TEST(RenderAccountDetails, ListsTheAccountThenItsToken) {
  EXPECT_EQ(RenderAccountDetails(AccountWithToken()),
            "ID:                   7\n"
            "Email:                ops@example.com\n"
            "Type:                 local\n"
            "Role:                 Auditor (id 2)\n"
            "Access level:         api_only\n"
            "Given name:\n"
            "Surname:\n"
            "Description:\n"
            "Locale:               en-US\n"
            "Time zone:            UTC\n"
            "Enabled:              no\n"
            "Locked out:           yes\n"
            "Must change password: no\n"
            "Created:              2027-01-15T08:00:00Z\n"
            "Token:                kw_7hT9xQ2mPz7b (key id 12)\n"
            "Token created:        2027-01-15T08:05:00Z\n"
            "Token expires:        never\n"
            "Token last used:      2027-01-16T09:00:00Z\n");
}

TEST(RenderAccountDetails, NeutralisesControlCharactersFromTheServer) {
  json::object account = AccountWithToken();
  account["givenName"] = "a\x1b[2Jb";
  EXPECT_EQ(RenderAccountDetails(account).find('\x1b'), std::string::npos);
}

}  // namespace
}  // namespace keyward::cli
