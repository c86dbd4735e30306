#include "http/v1/key_codec.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <string>
#include <utility>
#include <vector>

namespace keyward::http {
namespace {

namespace json = boost::json;

// 2027-01-15T08:00:00Z
constexpr core::Time kNow{core::Seconds{1'800'000'000}};

core::ApiKey SampleKey() {
  core::ApiKey key;
  key.id = 42;
  key.public_id = "3hT9xQ2mPz7a";
  key.name = "Splunk forwarder";
  key.role_id = core::kAuditorRoleId;
  key.role_name = "Auditor";
  key.created_at = kNow - core::Seconds{3600};
  return key;
}

json::object Object(std::string_view text) { return json::parse(text).as_object(); }

TEST(KeyCodec, KeyRenderedInTokyoHasPlusNineOffset) {
  core::ApiKey key = SampleKey();
  key.expires_at = kNow + core::Seconds{86400};
  const json::object o = KeyJson(key, kNow, "Asia/Tokyo");
  EXPECT_EQ(o.at("createdAt").as_string(), "2027-01-15T16:00:00+09:00");
  EXPECT_EQ(o.at("expiresAt").as_string(), "2027-01-16T17:00:00+09:00");
}

TEST(KeyCodec, KeyRenderedInUtcUsesZ) {
  const json::object o = KeyJson(SampleKey(), kNow, "UTC");
  EXPECT_EQ(o.at("createdAt").as_string(), "2027-01-15T07:00:00Z");
}

TEST(KeyCodec, KeyHasEveryFieldOfTheContractInOrder) {
  const json::object o = KeyJson(SampleKey(), kNow, "UTC");
  const std::vector<std::string> expected = {
      "id",        "name",      "description", "prefix",          "role",
      "enabled",   "lockedOut", "unlockAt",    "failedAttempts",  "status",
      "expiresAt", "locale",    "timeZone",    "allowedIps",      "source",
      "accountId", "createdAt", "lastUsedAt",  "secretRotatedAt", "previousSecret"};
  std::vector<std::string> keys;
  for (const auto& member : o) keys.emplace_back(member.key());
  EXPECT_EQ(keys, expected);
  EXPECT_EQ(o.at("id").as_string(), "42");
  EXPECT_EQ(o.at("prefix").as_string(), "kw_3hT9xQ2mPz7a");
  EXPECT_EQ(json::serialize(o.at("role")), R"({"id":"2","name":"Auditor"})");
  EXPECT_EQ(o.at("status").as_string(), "enabled");
  EXPECT_EQ(o.at("source").as_string(), "api");
  EXPECT_EQ(o.at("locale").as_string(), "en-US");
}

TEST(KeyCodec, AbsentTimesAndAccountAreJsonNull) {
  const json::object o = KeyJson(SampleKey(), kNow, "UTC");
  for (const char* field :
       {"unlockAt", "expiresAt", "accountId", "lastUsedAt", "secretRotatedAt", "previousSecret"}) {
    EXPECT_TRUE(o.at(field).is_null()) << field;
  }
}

TEST(KeyCodec, PreviousSecretShowsTheGracePeriodEndInTheCallersZone) {
  core::ApiKey key = SampleKey();
  key.previous_digest = core::SecretDigest{};
  key.previous_digest_until = kNow + core::Seconds{3600};
  const json::object during = KeyJson(key, kNow, "Asia/Tokyo");
  EXPECT_EQ(json::serialize(during.at("previousSecret")),
            R"({"endsAt":"2027-01-15T18:00:00+09:00","lastUsedAt":null})");
  EXPECT_TRUE(KeyJson(key, kNow + core::Seconds{3600}, "UTC").at("previousSecret").is_null())
      << "an ended grace period shows no previous secret";
}

TEST(KeyCodec, AccountIdIsADecimalString) {
  core::ApiKey key = SampleKey();
  key.source = core::KeySource::kAccount;
  key.account_id = 7;
  const json::object o = KeyJson(key, kNow, "UTC");
  EXPECT_EQ(o.at("accountId").as_string(), "7");
  EXPECT_EQ(o.at("source").as_string(), "account");
}

TEST(KeyCodec, KeyNeverCarriesASecretField) {
  const json::object o = KeyJson(SampleKey(), kNow, "UTC");
  EXPECT_FALSE(o.contains("secret"));
  EXPECT_FALSE(o.contains("digest"));
}

TEST(KeyCodec, IssuedKeyAddsTheSecret) {
  const core::IssuedKey issued{SampleKey(), "kw_token"};
  const json::object o = IssuedKeyJson(issued, kNow, "UTC");
  EXPECT_EQ(o.at("secret").as_string(), "kw_token");
  EXPECT_EQ(o.at("id").as_string(), "42");
}

TEST(KeyCodec, ManualLockHasNullUnlockAt) {
  core::ApiKey key = SampleKey();
  key.locked = true;
  const json::object o = KeyJson(key, kNow, "UTC");
  EXPECT_TRUE(o.at("lockedOut").as_bool());
  EXPECT_TRUE(o.at("unlockAt").is_null());
  EXPECT_EQ(o.at("status").as_string(), "locked_out");
}

TEST(KeyCodec, AutomaticLockShowsUnlockAtUntilItEnds) {
  core::ApiKey key = SampleKey();
  key.locked = true;
  key.failed_attempts = 5;
  key.unlock_at = kNow + core::Seconds{600};
  const json::object during = KeyJson(key, kNow, "UTC");
  EXPECT_EQ(during.at("unlockAt").as_string(), "2027-01-15T08:10:00Z");
  EXPECT_EQ(during.at("failedAttempts").as_int64(), 5);
  const json::object after = KeyJson(key, kNow + core::Seconds{601}, "UTC");
  EXPECT_FALSE(after.at("lockedOut").as_bool());
  EXPECT_TRUE(after.at("unlockAt").is_null());
  EXPECT_EQ(after.at("failedAttempts").as_int64(), 0);
  EXPECT_EQ(after.at("status").as_string(), "enabled");
}

TEST(KeyCodec, AllowedIpsRenderAsWritten) {
  core::ApiKey key = SampleKey();
  key.allowed_ips = {core::Ipv4Range{0x08080800u, 24}, core::Ipv4Range{0x01010101u, 32}};
  const json::object o = KeyJson(key, kNow, "UTC");
  EXPECT_EQ(json::serialize(o.at("allowedIps")), R"(["8.8.8.0/24","1.1.1.1"])");
}

TEST(KeyCodec, CreateReadsEveryField) {
  auto in = ParseCreateKey(Object(R"({"name": "n", "description": "d", "role": "Auditor",
      "locale": "ja-JP", "timeZone": "Asia/Tokyo", "expiresAt": "2030-01-01T00:00:00Z",
      "allowedIps": ["1.1.1.1"], "enabled": false})"));
  ASSERT_TRUE(in.has_value()) << in.error().Message();
  EXPECT_EQ(in->name, "n");
  EXPECT_EQ(in->description, "d");
  EXPECT_EQ(in->role, "Auditor");
  EXPECT_EQ(in->locale, "ja-JP");
  EXPECT_EQ(in->time_zone, "Asia/Tokyo");
  EXPECT_EQ(in->expires_at, "2030-01-01T00:00:00Z");
  EXPECT_EQ(in->allowed_ips, std::vector<std::string>{"1.1.1.1"});
  EXPECT_EQ(in->enabled, false);
}

TEST(KeyCodec, CreateTakesARoleIdAsANumber) {
  auto in = ParseCreateKey(Object(R"({"name": "n", "role": 2})"));
  ASSERT_TRUE(in.has_value());
  EXPECT_EQ(in->role, "2");
}

TEST(KeyCodec, CreateTakesNullExpiresAtAsNoExpiry) {
  auto in = ParseCreateKey(Object(R"({"name": "n", "role": "Auditor", "expiresAt": null})"));
  ASSERT_TRUE(in.has_value());
  EXPECT_FALSE(in->expires_at.has_value());
}

TEST(KeyCodec, CreateRejectsUnknownFieldNamingIt) {
  auto in = ParseCreateKey(Object(R"({"name": "n", "role": "Auditor", "colour": "red"})"));
  ASSERT_FALSE(in.has_value());
  EXPECT_EQ(in.error().code, core::ErrorCode::kInvalidArgument);
  EXPECT_EQ(in.error().field, "colour");
  EXPECT_EQ(in.error().Message(), "unknown field colour");
}

TEST(KeyCodec, CreateRejectsWrongTypeNamingTheField) {
  auto in = ParseCreateKey(Object(R"({"name": 5, "role": "Auditor"})"));
  ASSERT_FALSE(in.has_value());
  EXPECT_EQ(in.error().field, "name");
  EXPECT_EQ(in.error().Message(), "name must be a string");
}

TEST(KeyCodec, CreateNamesTheBadAllowlistEntry) {
  auto in =
      ParseCreateKey(Object(R"({"name": "n", "role": "Auditor", "allowedIps": ["1.1.1.1", 7]})"));
  ASSERT_FALSE(in.has_value());
  EXPECT_EQ(in.error().field, "allowedIps[1]");
}

TEST(KeyCodec, CreateRequiresNameAndRole) {
  auto no_name = ParseCreateKey(Object(R"({"role": "Auditor"})"));
  ASSERT_FALSE(no_name.has_value());
  EXPECT_EQ(no_name.error().field, "name");
  auto no_role = ParseCreateKey(Object(R"({"name": "n"})"));
  ASSERT_FALSE(no_role.has_value());
  EXPECT_EQ(no_role.error().field, "role");
  EXPECT_EQ(no_role.error().Message(), "role is required");
}

TEST(KeyCodec, CreateRejectsNonBooleanEnabled) {
  auto in = ParseCreateKey(Object(R"({"name": "n", "role": "Auditor", "enabled": "yes"})"));
  ASSERT_FALSE(in.has_value());
  EXPECT_EQ(in.error().field, "enabled");
}

TEST(KeyCodec, UpdateMarksAnyExpiresAtAsGiven) {
  auto with = ParseUpdateKey(Object(R"({"expiresAt": null})"));
  ASSERT_TRUE(with.has_value());
  EXPECT_TRUE(with->expires_at_given);
  auto without = ParseUpdateKey(Object(R"({"name": "x"})"));
  ASSERT_TRUE(without.has_value());
  EXPECT_FALSE(without->expires_at_given);
  EXPECT_EQ(without->name, "x");
}

TEST(KeyCodec, UpdateRejectsUnknownAndMistypedFields) {
  auto unknown = ParseUpdateKey(Object(R"({"enabled": true})"));
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().field, "enabled");
  auto mistyped = ParseUpdateKey(Object(R"({"description": null})"));
  ASSERT_FALSE(mistyped.has_value());
  EXPECT_EQ(mistyped.error().field, "description");
}

TEST(KeyCodec, RotateReadsAnIntegerGracePeriod) {
  EXPECT_EQ(ParseRotate(Object("{}")).value(), 0);
  EXPECT_EQ(ParseRotate(Object(R"({"gracePeriodSeconds": 3600})")).value(), 3600);
}

TEST(KeyCodec, RotateRejectsANonIntegerGracePeriod) {
  for (const char* body : {R"({"gracePeriodSeconds": 1.5})", R"({"gracePeriodSeconds": "60"})"}) {
    auto grace = ParseRotate(Object(body));
    ASSERT_FALSE(grace.has_value()) << body;
    EXPECT_EQ(grace.error().field, "gracePeriodSeconds");
  }
  auto huge = ParseRotate(Object(R"({"gracePeriodSeconds": 18446744073709551615})"));
  ASSERT_FALSE(huge.has_value());
  EXPECT_EQ(huge.error().field, "gracePeriodSeconds");
}

TEST(KeyCodec, BulkDeleteKeepsEveryIdAsGivenAndOnlyStringsCanNameAKey) {
  auto ids = ParseBulkDelete(Object(R"({"ids": ["7", 8, "abc", true, null, 1.5, 13.0, 1.3e1]})"));
  ASSERT_TRUE(ids.has_value());
  std::vector<std::string> texts;
  std::vector<bool> strings;
  for (const BulkDeleteId& id : *ids) {
    texts.push_back(id.text);
    strings.push_back(id.is_string);
  }
  EXPECT_EQ(texts, (std::vector<std::string>{"7", "8", "abc", "true", "null", "1.5", "13", "13"}));
  EXPECT_EQ(strings, (std::vector<bool>{true, false, true, false, false, false, false, false}));
}

TEST(KeyCodec, BulkDeleteRequiresAnArrayOfIds) {
  auto missing = ParseBulkDelete(Object("{}"));
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().field, "ids");
  auto scalar = ParseBulkDelete(Object(R"({"ids": "7"})"));
  ASSERT_FALSE(scalar.has_value());
  EXPECT_EQ(scalar.error().field, "ids");
}

}  // namespace
}  // namespace keyward::http
