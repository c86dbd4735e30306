#include "http/visionone/codec.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <string>

#include "core/time_zone.hpp"
#include "http/visionone/errors.hpp"
#include "http/visionone/paging.hpp"

namespace keyward::http::visionone {
namespace {

namespace json = boost::json;

// 2027-01-15T08:00:00Z
constexpr core::Time kNow{core::Seconds{1'800'000'000}};

core::ApiKey SampleKey() {
  core::ApiKey key;
  key.id = 42;
  key.name = "Splunk";
  key.role_id = core::kAuditorRoleId;
  key.role_name = "Auditor";
  key.created_at = kNow - core::Seconds{3600};
  return key;
}

TEST(VisionOneCodec, EveryFieldIsAStringNeverNull) {
  const json::object o = KeyJson(SampleKey(), kNow);
  for (const char* name : {"id", "name", "description", "role", "status", "expiredDateTime",
                           "lastUsedDateTime", "createdDateTime"}) {
    ASSERT_TRUE(o.contains(name)) << name;
    EXPECT_TRUE(o.at(name).is_string()) << name;
  }
  EXPECT_EQ(o.size(), 8U);
  EXPECT_EQ(o.at("id").as_string(), "42");
  EXPECT_EQ(o.at("role").as_string(), "Auditor");
  EXPECT_EQ(o.at("expiredDateTime").as_string(), "");
  EXPECT_EQ(o.at("lastUsedDateTime").as_string(), "");
  EXPECT_EQ(o.at("createdDateTime").as_string(), "2027-01-15T07:00:00Z");
}

TEST(VisionOneCodec, TimesAreUtcWithZ) {
  core::ApiKey key = SampleKey();
  key.time_zone = "Asia/Tokyo";  // the key's zone does not change the dialect's UTC
  key.expires_at = kNow + core::Seconds{86400};
  key.last_used_at = kNow - core::Seconds{60};
  const json::object o = KeyJson(key, kNow);
  EXPECT_EQ(o.at("expiredDateTime").as_string(), "2027-01-16T08:00:00Z");
  EXPECT_EQ(o.at("lastUsedDateTime").as_string(), "2027-01-15T07:59:00Z");
}

TEST(VisionOneCodec, StatusIsEnabledOnlyWhenTheKeyWorks) {
  core::ApiKey key = SampleKey();
  EXPECT_EQ(StatusName(key, kNow), "enabled");
  key.enabled = false;
  EXPECT_EQ(StatusName(key, kNow), "disabled");
  key = SampleKey();
  key.locked = true;
  EXPECT_EQ(StatusName(key, kNow), "disabled");
  key = SampleKey();
  key.expires_at = kNow - core::Seconds{1};
  EXPECT_EQ(StatusName(key, kNow), "disabled");
  key = SampleKey();
  key.account_suspended = true;
  EXPECT_EQ(StatusName(key, kNow), "disabled");
}

TEST(VisionOneCodec, ETagFollowsEditableStateNotUse) {
  const core::ApiKey key = SampleKey();
  const std::string tag = ETagOf(key, kNow);
  ASSERT_EQ(tag.size(), 34U);
  EXPECT_EQ(tag.front(), '"');
  EXPECT_EQ(tag.back(), '"');
  core::ApiKey used = key;
  used.last_used_at = kNow;
  used.failed_attempts = 2;
  EXPECT_EQ(ETagOf(used, kNow), tag);
  core::ApiKey changed = key;
  changed.name = "Other";
  EXPECT_NE(ETagOf(changed, kNow), tag);
  changed = key;
  changed.description = "d";
  EXPECT_NE(ETagOf(changed, kNow), tag);
  changed = key;
  changed.role_id = core::kFullAccessRoleId;
  EXPECT_NE(ETagOf(changed, kNow), tag);
  changed = key;
  changed.enabled = false;
  EXPECT_NE(ETagOf(changed, kNow), tag);
  changed = key;
  changed.id = 43;
  EXPECT_NE(ETagOf(changed, kNow), tag);
  // Parts are delimited: moving text from name to description is another state.
  core::ApiKey a = key;
  a.name = "ab";
  a.description = "c";
  core::ApiKey b = key;
  b.name = "a";
  b.description = "bc";
  EXPECT_NE(ETagOf(a, kNow), ETagOf(b, kNow));
}

TEST(VisionOneCodec, IfMatchQuotedOrNot) {
  const std::string tag = ETagOf(SampleKey(), kNow);
  const std::string bare = tag.substr(1, tag.size() - 2);
  EXPECT_TRUE(IfMatchMatches(tag, tag));
  EXPECT_TRUE(IfMatchMatches(bare, tag));
  EXPECT_TRUE(IfMatchMatches("  " + tag + " ", tag));
  EXPECT_FALSE(IfMatchMatches("", tag));
  EXPECT_FALSE(IfMatchMatches("\"\"", tag));
  EXPECT_FALSE(IfMatchMatches("*", tag));
  EXPECT_FALSE(IfMatchMatches("W/" + tag, tag));
  EXPECT_FALSE(IfMatchMatches(bare.substr(1), tag));
  EXPECT_FALSE(IfMatchMatches(tag + ", " + tag, tag));
}

TEST(VisionOneCodec, ExpiryIsCalendarMonthsInUtc) {
  EXPECT_FALSE(ExpiryAfterMonths(kNow, 0));
  // 2027-01-15T08:00:00Z + 1 month
  EXPECT_EQ(core::FormatTime(*ExpiryAfterMonths(kNow, 1), "UTC"), "2027-02-15T08:00:00Z");
  EXPECT_EQ(core::FormatTime(*ExpiryAfterMonths(kNow, 12), "UTC"), "2028-01-15T08:00:00Z");
  // 2027-01-31T10:00:00Z + 1 month: February has no 31st.
  const core::Time end_of_january = kNow + core::Seconds{16 * 86400 + 2 * 3600};
  EXPECT_EQ(core::FormatTime(*ExpiryAfterMonths(end_of_january, 1), "UTC"), "2027-02-28T10:00:00Z");
  EXPECT_EQ(core::FormatTime(*ExpiryAfterMonths(end_of_january, 3), "UTC"), "2027-04-30T10:00:00Z");
}

json::value Json(std::string_view text) { return json::parse(text); }

TEST(VisionOneCodec, CreateItemFieldsAndErrors) {
  core::Result<CreateItem> item = ParseCreateItem(
      Json(R"({"name":"a","role":"Auditor","monthsToExpiration":3,"status":"disabled",)"
           R"("description":"d"})"),
      core::Locale::kEnUs);
  ASSERT_TRUE(item);
  EXPECT_EQ(item->months, 3);
  EXPECT_EQ(item->enabled, std::optional<bool>(false));
  EXPECT_EQ(item->description, std::optional<std::string>("d"));

  const auto field = [](std::string_view text) {
    core::Result<CreateItem> r = ParseCreateItem(Json(text), core::Locale::kEnUs);
    return r ? std::string("ok") : r.error().field;
  };
  EXPECT_EQ(field(R"({"role":"Auditor","monthsToExpiration":0})"), "name");
  EXPECT_EQ(field(R"({"name":"a","monthsToExpiration":0})"), "role");
  EXPECT_EQ(field(R"({"name":"a","role":"Auditor"})"), "monthsToExpiration");
  EXPECT_EQ(field(R"({"name":"a","role":"Auditor","monthsToExpiration":2})"), "monthsToExpiration");
  EXPECT_EQ(field(R"({"name":"a","role":"Auditor","monthsToExpiration":"1"})"),
            "monthsToExpiration");
  EXPECT_EQ(field(R"({"name":"a","role":"Auditor","monthsToExpiration":0,"status":"on"})"),
            "status");
  EXPECT_EQ(field(R"({"name":1,"role":"Auditor","monthsToExpiration":0})"), "name");
  EXPECT_EQ(field(R"({"name":"a","role":"Auditor","monthsToExpiration":0,"x":1})"), "x");
  EXPECT_EQ(field(R"({"name":null,"role":"Auditor","monthsToExpiration":0})"), "name");
  EXPECT_FALSE(ParseCreateItem(Json("[1]"), core::Locale::kEnUs));
}

TEST(VisionOneCodec, PatchFieldsAndErrors) {
  core::Result<PatchInput> patch =
      ParsePatch(Json(R"({"name":"b","status":"enabled"})").as_object(), core::Locale::kEnUs);
  ASSERT_TRUE(patch);
  EXPECT_EQ(patch->name, std::optional<std::string>("b"));
  EXPECT_EQ(patch->enabled, std::optional<bool>(true));
  EXPECT_FALSE(patch->expiry_given);
  patch = ParsePatch(Json(R"({"expiredDateTime":""})").as_object(), core::Locale::kEnUs);
  ASSERT_TRUE(patch);
  EXPECT_TRUE(patch->expiry_given);
  core::Result<PatchInput> bad =
      ParsePatch(Json(R"({"locale":"ja-JP"})").as_object(), core::Locale::kEnUs);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "locale");
  bad = ParsePatch(Json(R"({"role":3})").as_object(), core::Locale::kEnUs);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "role");
}

TEST(VisionOneCodec, ArrayBody) {
  EXPECT_TRUE(ParseArrayBody("[{}]", 100, core::Locale::kEnUs));
  EXPECT_FALSE(ParseArrayBody("[]", 100, core::Locale::kEnUs));
  EXPECT_FALSE(ParseArrayBody("{}", 100, core::Locale::kEnUs));
  EXPECT_FALSE(ParseArrayBody("", 100, core::Locale::kEnUs));
  EXPECT_FALSE(ParseArrayBody("[{},{}]", 1, core::Locale::kEnUs));
  core::Result<boost::json::array> dup =
      ParseArrayBody(R"([{"name":"a","name":"b"}])", 100, core::Locale::kEnUs);
  ASSERT_FALSE(dup);
}

TEST(VisionOneErrors, ShapeAndCodes) {
  const json::object body = ErrorBody(412, "stale");
  EXPECT_EQ(body.at("error").at("code").as_string(), "PreconditionFailed");
  EXPECT_EQ(body.at("error").at("number").as_int64(), 412);
  EXPECT_EQ(body.at("error").at("message").as_string(), "stale");
  EXPECT_EQ(CodeName(428), "PreconditionRequired");
  EXPECT_EQ(CodeName(403), "AccessDenied");
  EXPECT_EQ(CodeName(503), "ServiceUnavailable");
  EXPECT_EQ(CodeName(500), "InternalServerError");
  const json::object refusal = ErrorBody(
      Refusal(Render(Words::kMasterAdministrator, core::Locale::kJaJp)), core::Locale::kJaJp);
  EXPECT_EQ(refusal.at("error").at("code").as_string(), "BadRequest");
  EXPECT_EQ(refusal.at("error").at("message").as_string(),
            "この API ではマスター管理者ロールを API キーに付与できません");
  // Core's words in the caller's locale.
  const json::object missing =
      ErrorBody(core::MakeError(core::ErrorCode::kNotFound, core::Msg::kKeyNotFound, {"9"}),
                core::Locale::kJaJp);
  EXPECT_EQ(missing.at("error").at("message").as_string(), "API キー 9 は存在しません");
}

TEST(VisionOneErrors, FilterMessageNamesThePosition) {
  const FilterError error{FilterErrorKind::kExpectedEq, 6, "ne"};
  EXPECT_EQ(FilterMessage(error, core::Locale::kEnUs),
            "TMV1-Filter: expected eq after the field name at position 6 (found \"ne\")");
  EXPECT_NE(FilterMessage(error, core::Locale::kJaJp).find("6 文字目"), std::string::npos);
}

TEST(VisionOnePaging, SkipTokenRoundTrips) {
  const std::string token = EncodeSkipToken(SkipToken{
      .offset = 50, .top = 25, .order_text = "name asc", .filter_text = "name eq 'a:b''c'"});
  const std::optional<SkipToken> back = DecodeSkipToken(token);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->offset, 50U);
  EXPECT_EQ(back->top, 25);
  EXPECT_EQ(back->order_text, "name asc");
  EXPECT_EQ(back->filter_text, "name eq 'a:b''c'");
  EXPECT_EQ(
      token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-."),
      std::string::npos);
  // Never "kw_", which the query check would refuse as a credential.
  EXPECT_EQ(token.find('_'), std::string::npos);
  EXPECT_FALSE(DecodeSkipToken("!!"));
  EXPECT_FALSE(DecodeSkipToken(""));
  EXPECT_FALSE(DecodeSkipToken("abcd"));
}

TEST(VisionOnePaging, OrderBy) {
  ASSERT_TRUE(ParseOrderBy("createdDateTime desc", core::Locale::kEnUs));
  EXPECT_TRUE(ParseOrderBy("createdDateTime desc", core::Locale::kEnUs)->descending);
  EXPECT_FALSE(ParseOrderBy("createdDateTime asc", core::Locale::kEnUs)->descending);
  EXPECT_FALSE(ParseOrderBy("name", core::Locale::kEnUs)->descending);
  EXPECT_EQ(ParseOrderBy("lastUsedDateTime desc", core::Locale::kEnUs)->field,
            OrderField::kLastUsed);
  core::Result<OrderBy> bad = ParseOrderBy("created desc", core::Locale::kEnUs);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "orderBy");
  EXPECT_FALSE(ParseOrderBy("name sideways", core::Locale::kEnUs));
  EXPECT_EQ(OrderByText(OrderBy{}), "createdDateTime desc");
}

}  // namespace
}  // namespace keyward::http::visionone

namespace keyward::http::visionone {
namespace {

TEST(VisionOnePaging, NextLinkUsesHostAndScheme) {
  Request request;
  request.set(boost::beast::http::field::host, "keys.example.com:8443");
  ListQuery query;
  query.top = 3;
  query.order_text = "createdDateTime desc";
  query.filter_text = "status eq 'enabled'";
  const std::string link = NextLink(request, /*tls=*/true, query, 3);
  const std::string prefix =
      "https://keys.example.com:8443/v3.0/iam/apiKeys?top=3&orderBy=createdDateTime%20desc"
      "&skipToken=";
  ASSERT_EQ(link.substr(0, prefix.size()), prefix);
  const std::optional<SkipToken> token = DecodeSkipToken(link.substr(prefix.size()));
  ASSERT_TRUE(token);
  EXPECT_EQ(token->offset, 3U);
  EXPECT_EQ(token->top, 3);
  EXPECT_EQ(token->order_text, "createdDateTime desc");
  EXPECT_EQ(token->filter_text, "status eq 'enabled'");
  EXPECT_TRUE(NextLink(request, false, query, 3).starts_with("http://keys.example.com:8443/"));
  // A Host that is not a plain host[:port] is not echoed: the link is relative.
  request.set(boost::beast::http::field::host, "evil.example/path?x");
  EXPECT_TRUE(NextLink(request, true, query, 3).starts_with("/v3.0/iam/apiKeys?top=3"));
}

}  // namespace
}  // namespace keyward::http::visionone
