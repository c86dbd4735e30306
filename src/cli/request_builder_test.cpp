#include "cli/request_builder.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace keyward::cli {
namespace {

namespace json = boost::json;

TEST(PathSegment, EncodesEverythingThatCouldChangeThePath) {
  EXPECT_EQ(PathSegment("42"), "42");
  EXPECT_EQ(PathSegment(".."), "%2E%2E");
  EXPECT_EQ(PathSegment("1/rotate"), "1%2Frotate");
  EXPECT_EQ(PathSegment("a?b#c d"), "a%3Fb%23c%20d");
  EXPECT_EQ(PathSegment("キ"), "%E3%82%AD");
  EXPECT_EQ(KeyPath("42", "/rotate"), "/v1/apikeys/42/rotate");
  EXPECT_EQ(RolePath("../1"), "/v1/roles/%2E%2E%2F1");
  EXPECT_EQ(AccountPath("7", "/token"), "/v1/accounts/7/token");
  EXPECT_EQ(AccountPath("7/enable"), "/v1/accounts/7%2Fenable");
}

TEST(BuildListQuery, HoldsOnlyTheGivenFiltersAndTheCursorToFollow) {
  ListFlags flags;
  EXPECT_TRUE(BuildListQuery(flags).empty());
  flags.status = "enabled";
  flags.query = "日本";
  flags.limit = 10;
  flags.cursor = "first";
  using Query = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(BuildListQuery(flags),
            (Query{{"status", "enabled"}, {"q", "日本"}, {"limit", "10"}, {"cursor", "first"}}));
  EXPECT_EQ(BuildListQuery(flags, std::string("next")).back(),
            (std::pair<std::string, std::string>{"cursor", "next"}));
}

TEST(BuildCreateBody, MinimalFlagsGiveNameAndRoleOnly) {
  CreateKeyFlags flags;
  flags.name = "ci";
  flags.role = "Auditor";
  EXPECT_EQ(json::value(BuildCreateBody(flags)), json::parse(R"({"name":"ci","role":"Auditor"})"));
}

TEST(BuildCreateBody, RepeatedAllowIpBecomesAnArrayAndDisabledSetsEnabledFalse) {
  CreateKeyFlags flags;
  flags.name = "Splunk 転送";
  flags.description = "";
  flags.role = "2";
  flags.locale = "ja-JP";
  flags.time_zone = "Asia/Tokyo";
  flags.expires_at = "2030-01-01T00:00:00Z";
  flags.allowed_ips = {"8.8.8.0/24", "1.1.1.1"};
  flags.disabled = true;
  EXPECT_EQ(json::value(BuildCreateBody(flags)), json::parse(R"({
      "name": "Splunk 転送", "description": "", "role": "2", "locale": "ja-JP",
      "timeZone": "Asia/Tokyo", "expiresAt": "2030-01-01T00:00:00Z",
      "allowedIps": ["8.8.8.0/24", "1.1.1.1"], "enabled": false})"));
}

TEST(BuildUpdateBody, NothingGivenMeansNothingToSend) {
  EXPECT_FALSE(BuildUpdateBody(UpdateKeyFlags{}).has_value());
}

TEST(BuildUpdateBody, HoldsExactlyTheGivenFields) {
  UpdateKeyFlags flags;
  flags.description = "";  // given empty: clears the description
  flags.role = "Auditor";
  flags.allowed_ips = {"9.9.9.9"};
  EXPECT_EQ(json::value(*BuildUpdateBody(flags)),
            json::parse(R"({"description":"","role":"Auditor","allowedIps":["9.9.9.9"]})"));
}

TEST(BuildUpdateBody, ClearAllowlistSendsAnEmptyArray) {
  UpdateKeyFlags flags;
  flags.clear_allowlist = true;
  EXPECT_EQ(json::value(*BuildUpdateBody(flags)), json::parse(R"({"allowedIps":[]})"));
}

TEST(BuildRotateBody, GracePeriodOnlyWhenGiven) {
  EXPECT_EQ(json::value(BuildRotateBody(std::nullopt)), json::parse("{}"));
  EXPECT_EQ(json::value(BuildRotateBody(3600)), json::parse(R"({"gracePeriodSeconds":3600})"));
}

TEST(BuildBulkDeleteBody, ListsTheIdsInOrder) {
  EXPECT_EQ(json::value(BuildBulkDeleteBody({"3", "1", "x"})),
            json::parse(R"({"ids":["3","1","x"]})"));
}

TEST(BuildCreateRoleBody, AlwaysSendsThePermissionsAndTheDescriptionOnlyWhenGiven) {
  CreateRoleFlags flags;
  flags.name = "Gateway";
  flags.permissions = {"keys:verify", "apikeys:view"};
  EXPECT_EQ(json::value(BuildCreateRoleBody(flags)),
            json::parse(R"({"name":"Gateway","permissions":["keys:verify","apikeys:view"]})"));
  flags.description = "";
  EXPECT_EQ(json::value(BuildCreateRoleBody(flags)).as_object().at("description"), "");
}

TEST(BuildUpdateRoleBody, HoldsExactlyTheGivenFields) {
  EXPECT_FALSE(BuildUpdateRoleBody(UpdateRoleFlags{}).has_value());
  UpdateRoleFlags flags;
  flags.description = "Edge gateways";
  EXPECT_EQ(json::value(*BuildUpdateRoleBody(flags)),
            json::parse(R"({"description":"Edge gateways"})"));
  flags.permissions = {"keys:verify"};
  EXPECT_EQ(json::value(*BuildUpdateRoleBody(flags)),
            json::parse(R"({"description":"Edge gateways","permissions":["keys:verify"]})"));
}

TEST(BuildCreateAccountBody, SendsTheRequiredFieldsAndOnlyTheOptionalOnesGiven) {
  CreateAccountFlags flags;
  flags.email = "ops@example.com";
  flags.role = "Auditor";
  flags.access_level = "api_only";
  EXPECT_EQ(
      json::value(BuildCreateAccountBody(flags)),
      json::parse(R"({"email":"ops@example.com","role":"Auditor","accessLevel":"api_only"})"));
  flags.profile.given_name = "花子";
  flags.profile.surname = "山田";
  flags.profile.description = "";
  flags.profile.locale = "ja-JP";
  flags.profile.time_zone = "Asia/Tokyo";
  flags.disabled = true;
  EXPECT_EQ(json::value(BuildCreateAccountBody(flags)), json::parse(R"({
      "email": "ops@example.com", "role": "Auditor", "accessLevel": "api_only",
      "givenName": "花子", "surname": "山田", "description": "", "locale": "ja-JP",
      "timeZone": "Asia/Tokyo", "enabled": false})"));
}

TEST(BuildUpdateAccountBody, HoldsExactlyTheGivenFields) {
  EXPECT_FALSE(BuildUpdateAccountBody(UpdateAccountFlags{}).has_value());
  UpdateAccountFlags flags;
  flags.email = "new@example.com";
  flags.profile.time_zone = "UTC";
  EXPECT_EQ(json::value(*BuildUpdateAccountBody(flags)),
            json::parse(R"({"email":"new@example.com","timeZone":"UTC"})"));
}

TEST(BuildAccountTokenBody, ExpiryOnlyWhenGiven) {
  EXPECT_EQ(json::value(BuildAccountTokenBody(std::nullopt)), json::parse("{}"));
  EXPECT_EQ(json::value(BuildAccountTokenBody("2030-01-01T00:00:00Z")),
            json::parse(R"({"expiresAt":"2030-01-01T00:00:00Z"})"));
}

}  // namespace
}  // namespace keyward::cli
