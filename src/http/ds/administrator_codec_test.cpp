#include "http/ds/administrator_codec.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "http/ds/fields.hpp"

namespace keyward::http::ds {
namespace {

namespace json = boost::json;
using std::chrono::seconds;

json::object Parse(std::string_view text) { return json::parse(text).as_object(); }

const core::Time kNow{seconds{1'800'000'000}};

core::AccountView View(std::string attributes = "") {
  core::AccountView view;
  core::Account& a = view.account;
  a.id = 7;
  a.email = "ada@example.com";
  a.role_id = 2;
  a.given_name = "Ada";
  a.surname = "Lovelace";
  a.description = "d";
  a.locale = core::Locale::kJaJp;
  a.time_zone = "Asia/Tokyo";
  a.created_at = kNow - seconds{3600};
  a.attributes = std::move(attributes);
  return view;
}

template <typename T>
void ExpectFieldError(const core::Result<T>& r, const std::string& field) {
  ASSERT_FALSE(r.has_value()) << field;
  EXPECT_EQ(r.error().code, core::ErrorCode::kInvalidArgument) << field;
  EXPECT_EQ(r.error().field, field);
}

TEST(DsAdministratorCodec, EveryFieldHasItsNameAndType) {
  core::AccountView view = View();
  view.account.password_changed_at = kNow - seconds{60};
  const json::object o = AdministratorJson(view, kNow);
  EXPECT_EQ(o.at("ID").as_int64(), 7);
  EXPECT_EQ(o.at("username").as_string(), "ada@example.com");
  EXPECT_EQ(o.at("fullName").as_string(), "Ada Lovelace");  // from the account's names
  EXPECT_EQ(o.at("description").as_string(), "d");
  EXPECT_EQ(o.at("roleID").as_int64(), 2);
  EXPECT_EQ(o.at("locale").as_string(), "ja-JP");
  EXPECT_EQ(o.at("timeZone").as_string(), "Asia/Tokyo");
  EXPECT_TRUE(o.at("active").as_bool());
  EXPECT_EQ(o.at("created").as_int64(), EpochMillis(kNow - seconds{3600}));
  EXPECT_EQ(o.at("lastPasswordChange").as_int64(), EpochMillis(kNow - seconds{60}));
  EXPECT_FALSE(o.at("external").as_bool());
  EXPECT_FALSE(o.at("readOnly").as_bool());
  EXPECT_EQ(o.at("type").as_string(), "normal");
  for (const char* absent : {"password", "lastSignIn", "unlockTime", "unsuccessfulSignInAttempts",
                             "externalUserID", "emailAddress", "phoneNumber"}) {
    EXPECT_FALSE(o.contains(absent)) << absent;
  }
}

TEST(DsAdministratorCodec, ActiveReadsEnabledAndNotLockedNow) {
  core::AccountView view = View();
  view.account.enabled = false;
  EXPECT_FALSE(AdministratorJson(view, kNow).at("active").as_bool());
  view.account.enabled = true;
  view.account.sign_in_locked_until = kNow + seconds{300};
  const json::object locked = AdministratorJson(view, kNow);
  EXPECT_FALSE(locked.at("active").as_bool());
  EXPECT_EQ(locked.at("unlockTime").as_int64(), EpochMillis(kNow + seconds{300}));
  view.account.sign_in_locked_until = kNow - seconds{1};
  const json::object expired = AdministratorJson(view, kNow);
  EXPECT_TRUE(expired.at("active").as_bool());
  EXPECT_FALSE(expired.contains("unlockTime"));
}

TEST(DsAdministratorCodec, KeptFieldsAreReturnedAsGivenTypeIncluded) {
  const auto in = ParseAdministratorCreate(Parse(R"({"username": "a@example.com", "roleID": 2,
      "fullName": "A. L.", "emailAddress": "notify@example.com", "timeFormat": "24",
      "passwordNeverExpires": true, "mfaType": "none", "phoneNumber": "1", "mobileNumber": "2",
      "pagerNumber": "3", "primaryContact": false, "receiveNotifications": true,
      "reportPDFPasswordEnabled": false, "directoryName": "", "directoryInfo": "x",
      "UTCOffset": "+09:00"})"));
  ASSERT_TRUE(in.has_value()) << in.error().Message();
  ASSERT_TRUE(in->account.attributes.has_value());
  const json::object o = AdministratorJson(View(*in->account.attributes), kNow);
  const json::object given = Parse(R"({"fullName": "A. L.", "emailAddress": "notify@example.com",
      "timeFormat": "24", "passwordNeverExpires": true, "mfaType": "none", "phoneNumber": "1",
      "mobileNumber": "2", "pagerNumber": "3", "primaryContact": false,
      "receiveNotifications": true, "reportPDFPasswordEnabled": false, "directoryName": "",
      "directoryInfo": "x", "UTCOffset": "+09:00"})");
  for (const auto& member : given) {
    ASSERT_TRUE(o.contains(member.key())) << member.key();
    EXPECT_EQ(o.at(member.key()), member.value()) << member.key();
  }
  EXPECT_EQ(Parse(*in->account.attributes), given);
}

TEST(DsAdministratorCodec, CreateReadsKeywardFieldsAndAsksConsoleAndApi) {
  const auto in = ParseAdministratorCreate(Parse(R"({"username": "a@example.com",
      "roleID": "2", "description": "d", "locale": "ja-JP", "timeZone": "Asia/Tokyo",
      "active": false, "password": "a passphrase 01", "ID": 5, "created": 1, "type": "x",
      "readOnly": true, "unknown": [1]})"));
  ASSERT_TRUE(in.has_value()) << in.error().Message();
  EXPECT_EQ(*in->account.email, "a@example.com");
  EXPECT_EQ(*in->account.role, "2");
  EXPECT_EQ(*in->account.access_level, "console_and_api");
  EXPECT_EQ(*in->account.description, "d");
  EXPECT_EQ(*in->account.locale, "ja-JP");
  EXPECT_EQ(*in->account.time_zone, "Asia/Tokyo");
  EXPECT_EQ(*in->account.one_time_password, "a passphrase 01");
  EXPECT_FALSE(*in->active);
  EXPECT_FALSE(in->account.type.has_value());
  EXPECT_FALSE(in->account.attributes.has_value());
}

TEST(DsAdministratorCodec, UsernameAndRoleIdAreRequired) {
  ExpectFieldError(ParseAdministratorCreate(Parse(R"({"roleID": 2})")), "username");
  ExpectFieldError(ParseAdministratorCreate(Parse(R"({"username": null, "roleID": 2})")),
                   "username");
  ExpectFieldError(ParseAdministratorCreate(Parse(R"({"username": "a@example.com"})")), "roleID");
}

TEST(DsAdministratorCodec, AUsernameThatIsNotAnEmailAddressIsNamed) {
  ExpectFieldError(ParseAdministratorCreate(Parse(R"({"username": "ada", "roleID": 2})")),
                   "username");
  ExpectFieldError(
      ParseAdministratorModify(Parse(R"({"username": "a b@example.com"})"), View().account),
      "username");
}

TEST(DsAdministratorCodec, WrongTypesAreNamed) {
  for (const auto& [name, value] :
       std::vector<std::pair<std::string, std::string>>{{"username", "1"},
                                                        {"roleID", "\"two\""},
                                                        {"roleID", "1.5"},
                                                        {"description", "[]"},
                                                        {"locale", "1"},
                                                        {"timeZone", "false"},
                                                        {"active", "\"true\""},
                                                        {"password", "123"},
                                                        {"fullName", "5"},
                                                        {"emailAddress", "{}"},
                                                        {"UTCOffset", "9"},
                                                        {"passwordNeverExpires", "\"no\""},
                                                        {"primaryContact", "0"},
                                                        {"receiveNotifications", "[]"},
                                                        {"reportPDFPasswordEnabled", "1"}}) {
    const json::object body =
        Parse(R"({"username": "a@example.com", "roleID": 2, ")" + name + "\": " + value + "}");
    ExpectFieldError(ParseAdministratorModify(body, View().account), name);
    ExpectFieldError(ParseAdministratorCreate(body), name);
  }
}

TEST(DsAdministratorCodec, ModifyIsAPartialMergeOfTheKeptFields) {
  const core::AccountView stored =
      View(R"({"fullName": "Ada", "phoneNumber": "1", "primaryContact": true})");
  const auto in = ParseAdministratorModify(
      Parse(R"({"phoneNumber": "2", "fullName": null, "mfaType": "none"})"), stored.account);
  ASSERT_TRUE(in.has_value()) << in.error().Message();
  EXPECT_FALSE(in->account.email.has_value());
  EXPECT_FALSE(in->account.role.has_value());
  EXPECT_FALSE(in->account.access_level.has_value());
  EXPECT_FALSE(in->account.description.has_value());
  EXPECT_FALSE(in->active.has_value());
  EXPECT_FALSE(in->account.one_time_password.has_value());
  EXPECT_EQ(Parse(*in->account.attributes),
            Parse(R"({"fullName": "Ada", "phoneNumber": "2", "primaryContact": true,
                      "mfaType": "none"})"));
}

TEST(DsAdministratorCodec, ModifyWithoutKeptFieldsLeavesAttributesAlone) {
  const auto in = ParseAdministratorModify(Parse(R"({"roleID": "1", "active": true, "other": 1})"),
                                           View(R"({"fullName": "Ada"})").account);
  ASSERT_TRUE(in.has_value());
  EXPECT_EQ(*in->account.role, "1");
  EXPECT_TRUE(*in->active);
  EXPECT_FALSE(in->account.attributes.has_value());
}

TEST(DsAdministratorCodec, SearchFieldsCoverTheDocumentedOnes) {
  std::vector<std::string_view> names;
  for (const SearchField& field : AdministratorSearchFields()) names.push_back(field.name);
  for (std::string_view name : {"ID", "username", "fullName", "description", "emailAddress",
                                "roleID", "active", "created"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
  }
}

}  // namespace
}  // namespace keyward::http::ds
