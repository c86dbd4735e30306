#include "http/ds/key_codec.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <chrono>
#include <string>
#include <string_view>

namespace keyward::http::ds {
namespace {

namespace json = boost::json;
using std::chrono::hours;
using std::chrono::seconds;

const core::Time kT{seconds(1'800'000'000)};

json::object Object(std::string_view text) { return json::parse(text).as_object(); }

core::ApiKey Key() {
  core::ApiKey key;
  key.id = 42;
  key.name = "deploy";
  key.description = "ci";
  key.role_id = 2;
  key.locale = core::Locale::kJaJp;
  key.time_zone = "Asia/Tokyo";
  key.created_at = kT;
  return key;
}

TEST(DsKeyCodec, RendersEveryFieldWithItsType) {
  core::ApiKey key = Key();
  key.last_used_at = kT + hours(1);
  key.expires_at = kT + hours(48);
  key.failed_attempts = 2;
  const json::object o = DsKeyJson(key, kT + hours(2));
  EXPECT_EQ(o.at("ID").as_int64(), 42);
  EXPECT_EQ(o.at("keyName").as_string(), "deploy");
  EXPECT_EQ(o.at("description").as_string(), "ci");
  EXPECT_EQ(o.at("locale").as_string(), "ja-JP");
  EXPECT_EQ(o.at("roleID").as_int64(), 2);
  EXPECT_EQ(o.at("timeZone").as_string(), "Asia/Tokyo");
  EXPECT_TRUE(o.at("active").as_bool());
  EXPECT_EQ(o.at("created").as_int64(), 1'800'000'000'000);
  EXPECT_EQ(o.at("lastSignIn").as_int64(), 1'800'003'600'000);
  EXPECT_EQ(o.at("expiryDate").as_int64(), 1'800'172'800'000);
  EXPECT_EQ(o.at("unsuccessfulSignInAttempts").as_int64(), 2);
  EXPECT_FALSE(o.at("serviceAccount").as_bool());
  EXPECT_FALSE(o.contains("unlockTime"));
  EXPECT_FALSE(o.contains("secretKey"));
}

TEST(DsKeyCodec, UnsetTimesAreOmitted) {
  const json::object o = DsKeyJson(Key(), kT);
  EXPECT_FALSE(o.contains("lastSignIn"));
  EXPECT_FALSE(o.contains("unlockTime"));
  EXPECT_FALSE(o.contains("expiryDate"));
}

TEST(DsKeyCodec, ActiveIsEnabledAndNotLockedOut) {
  core::ApiKey key = Key();
  EXPECT_TRUE(KeyActive(key, kT));
  key.enabled = false;
  EXPECT_FALSE(KeyActive(key, kT));
  key.enabled = true;
  key.locked = true;  // manual: no end, no unlockTime
  EXPECT_FALSE(KeyActive(key, kT));
  EXPECT_FALSE(DsKeyJson(key, kT).contains("unlockTime"));
  key.unlock_at = kT + hours(1);  // automatic: unlockTime while it holds
  EXPECT_FALSE(KeyActive(key, kT));
  EXPECT_EQ(DsKeyJson(key, kT).at("unlockTime").as_int64(), 1'800'003'600'000);
  EXPECT_TRUE(KeyActive(key, kT + hours(2)));
  EXPECT_FALSE(DsKeyJson(key, kT + hours(2)).contains("unlockTime"));
  key.locked = false;
  key.account_suspended = true;
  EXPECT_FALSE(KeyActive(key, kT));
}

TEST(DsKeyCodec, IssuedAndCurrentAddTheirFields) {
  const json::object issued = DsIssuedKeyJson(core::IssuedKey{Key(), "kw_secret"}, kT);
  EXPECT_EQ(issued.at("secretKey").as_string(), "kw_secret");
  const json::object current = DsCurrentKeyJson(Key(), kT);
  EXPECT_EQ(current.at("roleURN").as_string(), "urn:keyward:role:2");
  EXPECT_EQ(current.at("tenantID").as_int64(), 0);
  EXPECT_EQ(current.at("tenantGUID").as_string(), "00000000-0000-0000-0000-000000000000");
  EXPECT_FALSE(current.contains("secretKey"));
}

TEST(DsKeyCodec, CreateReadsTheDialectsFields) {
  auto in = ParseDsCreateKey(Object(R"({"keyName": "k", "roleID": "2", "description": "d",
      "locale": "ja-JP", "timeZone": "UTC", "expiryDate": 1800000000999, "active": false,
      "secretKey": "ignored", "ID": 5, "whatever": {}})"));
  ASSERT_TRUE(in.has_value()) << in.error().Message();
  EXPECT_EQ(in->input.name, "k");
  EXPECT_EQ(in->input.role, "2");
  EXPECT_EQ(in->input.description, "d");
  EXPECT_EQ(in->input.locale, "ja-JP");
  EXPECT_EQ(in->input.time_zone, "UTC");
  EXPECT_EQ(in->input.expires_at, "2027-01-15T08:00:00Z");
  EXPECT_EQ(in->active, false);
}

TEST(DsKeyCodec, CreateNullsAreNotGiven) {
  auto in = ParseDsCreateKey(Object(R"({"keyName": "k", "roleID": 1, "description": null,
      "locale": null, "expiryDate": null, "active": null})"));
  ASSERT_TRUE(in.has_value());
  EXPECT_FALSE(in->input.description);
  EXPECT_FALSE(in->input.locale);
  EXPECT_FALSE(in->input.expires_at);
  EXPECT_FALSE(in->active);
}

TEST(DsKeyCodec, CreateErrorsNameTheField) {
  const auto field = [](std::string_view body) {
    auto in = ParseDsCreateKey(Object(body));
    EXPECT_FALSE(in.has_value()) << body;
    return in ? std::string() : in.error().field;
  };
  EXPECT_EQ(field(R"({"roleID": 2})"), "keyName");
  EXPECT_EQ(field(R"({"keyName": "k"})"), "roleID");
  EXPECT_EQ(field(R"({"keyName": 1, "roleID": 2})"), "keyName");
  EXPECT_EQ(field(R"({"keyName": "k", "roleID": "two"})"), "roleID");
  EXPECT_EQ(field(R"({"keyName": "k", "roleID": 2.5})"), "roleID");
  EXPECT_EQ(field(R"({"keyName": "k", "roleID": 2, "description": 3})"), "description");
  EXPECT_EQ(field(R"({"keyName": "k", "roleID": 2, "active": "false"})"), "active");
  EXPECT_EQ(field(R"({"keyName": "k", "roleID": 2, "expiryDate": "tomorrow"})"), "expiryDate");
  EXPECT_EQ(field(R"({"keyName": "k", "roleID": 2, "timeZone": []})"), "timeZone");
}

TEST(DsKeyCodec, ModifyIsPartial) {
  auto in = ParseDsModifyKey(Object(R"({"description": "x", "secretKey": "s", "ID": 1})"));
  ASSERT_TRUE(in.has_value());
  EXPECT_TRUE(in->HasUpdate());
  EXPECT_EQ(in->update.description, "x");
  EXPECT_FALSE(in->update.name);
  EXPECT_FALSE(in->update.expires_at_given);
  EXPECT_FALSE(in->active);
  in = ParseDsModifyKey(Object(R"({"active": true, "expiryDate": "1800000000000"})"));
  ASSERT_TRUE(in.has_value());
  EXPECT_FALSE(in->HasUpdate());
  EXPECT_EQ(in->active, true);
  EXPECT_EQ(in->expiry_millis, 1'800'000'000'000);
  in = ParseDsModifyKey(Object(R"({"roleID": "3"})"));
  ASSERT_TRUE(in.has_value());
  EXPECT_EQ(in->update.role, "3");
  EXPECT_FALSE(ParseDsModifyKey(Object(R"({"keyName": false})")).has_value());
}

TEST(DsKeyCodec, SearchValues) {
  core::ApiKey key = Key();
  key.expires_at = kT + hours(1);
  EXPECT_EQ(std::get<std::int64_t>(KeyFieldValue(key, "ID", kT)), 42);
  EXPECT_EQ(std::get<std::string>(KeyFieldValue(key, "keyName", kT)), "deploy");
  EXPECT_EQ(std::get<std::int64_t>(KeyFieldValue(key, "roleID", kT)), 2);
  EXPECT_EQ(std::get<bool>(KeyFieldValue(key, "active", kT)), true);
  EXPECT_EQ(std::get<bool>(KeyFieldValue(key, "serviceAccount", kT)), false);
  EXPECT_EQ(std::get<std::int64_t>(KeyFieldValue(key, "created", kT)), 1'800'000'000'000);
  EXPECT_EQ(std::get<std::int64_t>(KeyFieldValue(key, "expiryDate", kT)), 1'800'003'600'000);
  EXPECT_TRUE(std::holds_alternative<std::monostate>(KeyFieldValue(key, "lastSignIn", kT)));
  EXPECT_TRUE(std::holds_alternative<std::monostate>(KeyFieldValue(key, "unlockTime", kT)));
  // Every searchable field has a value function.
  for (const SearchField& f : KeySearchFields()) {
    (void)KeyFieldValue(key, f.name, kT);
  }
  EXPECT_EQ(KeySearchFields().size(), 12u);
}

}  // namespace
}  // namespace keyward::http::ds
