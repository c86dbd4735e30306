#include "http/json_fields.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <string>
#include <string_view>
#include <utility>

namespace keyward::http {
namespace {

namespace json = boost::json;

json::object Object(std::string_view text) { return json::parse(text).as_object(); }

TEST(JsonFields, EmptyBodyIsAnEmptyObject) {
  auto body = ParseBody("");
  ASSERT_TRUE(body.has_value());
  EXPECT_TRUE(body->empty());
  EXPECT_TRUE(ParseBody(" \r\n").has_value());
}

TEST(JsonFields, MalformedBodyIsMalformedJson) {
  auto body = ParseBody("{\"name\": ");
  ASSERT_FALSE(body.has_value());
  EXPECT_EQ(body.error().code, core::ErrorCode::kMalformedJson);
}

TEST(JsonFields, MalformedJsonSaysWhatAndWhere) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"{\"name\": \"a\xff\"}", "invalid UTF-8 at byte 11"},
      {"{\"name\": \"\xc0\xaf\"}", "invalid UTF-8 at byte 10"},      // overlong
      {"{\"name\": \"\xed\xa0\x80\"}", "invalid UTF-8 at byte 10"},  // a surrogate
      {std::string_view("{\"name\": \"a\0b\"}", 15),
       "an unescaped control character 0x00 at byte 11"},
      {"{\"name\": \"a\tb\"}", "an unescaped control character 0x09 at byte 11"},
      {"{\"name\" 1}", "syntax error at byte 8"},
      {"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
       "too deep at byte 32"},
      {"{\"name\": ", "incomplete JSON at byte 9"},
  };
  for (const auto& [text, fault] : cases) {
    auto body = ParseBody(text);
    ASSERT_FALSE(body.has_value()) << text;
    EXPECT_EQ(body.error().code, core::ErrorCode::kMalformedJson) << text;
    EXPECT_EQ(body.error().Message(), "the request body is not valid JSON: " + std::string(fault));
  }
}

TEST(JsonFields, NonObjectBodyIsInvalidArgument) {
  auto body = ParseBody("[1, 2]");
  ASSERT_FALSE(body.has_value());
  EXPECT_EQ(body.error().code, core::ErrorCode::kInvalidArgument);
}

TEST(JsonFields, DuplicateKeysAreRefusedNamingTheField) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"role": "Auditor", "role": "Master Administrator"})", "role"},
      {R"({"name": "n", "ro\u006ce": "x", "role": "y"})", "role"},  // the same key, escaped
      {R"({"a": {"b": 1, "c": {"d": 1, "d": 2}}})", "a.c.d"},
      {R"({"items": [{"x": 1}, {"y": 1, "y": 2}]})", "items[1].y"},
      {R"({"m": [[1, 2], [{"k": 1, "k": 1}]]})", "m[1][0].k"},
  };
  for (const auto& [text, field] : cases) {
    auto body = ParseBody(text);
    ASSERT_FALSE(body.has_value()) << text;
    EXPECT_EQ(body.error().code, core::ErrorCode::kInvalidArgument) << text;
    EXPECT_EQ(body.error().msg, core::Msg::kDuplicateField) << text;
    EXPECT_EQ(body.error().field, field) << text;
  }
  // The same key in different objects is no duplicate.
  EXPECT_TRUE(
      ParseBody(R"({"a": {"k": 1}, "b": {"k": 1}, "k": [{"k": 1}, {"k": 2}]})").has_value());
}

// docs/security.md "Secrets": a token typed where a name belongs would be kept, answered, audited
// and forwarded; the body is refused naming the field, never echoing the value.
TEST(JsonFields, ATokenOrSecretWhereNoneBelongsIsRefusedNamingTheField) {
  const std::string token = "kw_AbCdEfGhIjKl_VWmt0tjmiuXXDFv4Bo2dylRk5gWGva2d8f4dRuMAOLf4Sthw6";
  const std::string secret = token.substr(16, 43);
  const std::pair<std::string, std::string> cases[] = {
      {R"({"name": ")" + token + R"("})", "name"},
      {R"({"name": "n", "description": "pasted )" + secret + R"("})", "description"},
      {R"({"allowedIps": ["1.2.3.4", ")" + token + R"("]})", "allowedIps[1]"},
      {R"({"searchCriteria": [{"stringValue": ")" + token + R"("}]})",
       "searchCriteria[0].stringValue"},
      {R"({")" + token + R"(": "n"})", "(omitted)"},
      {R"({"a": {")" + token + R"(": 1}})", "a.(omitted)"},
      // Scanned before the duplicate check, whose message would name the member.
      {R"({")" + token + R"(": 1, ")" + token + R"(": 2})", "(omitted)"},
  };
  for (const auto& [text, field] : cases) {
    auto body = ParseBody(text);
    ASSERT_FALSE(body.has_value()) << text;
    EXPECT_EQ(body.error().code, core::ErrorCode::kInvalidArgument) << text;
    EXPECT_EQ(body.error().msg, core::Msg::kSecretInField) << text;
    EXPECT_EQ(body.error().field, field) << text;
    for (const std::string& arg : body.error().args) {
      EXPECT_EQ(arg.find(secret), std::string::npos) << text;
    }
  }
  // Members that carry a credential by design are read as they are.
  EXPECT_TRUE(ParseBody(R"({"key": ")" + token + R"(", "permissions": []})").has_value());
  EXPECT_TRUE(
      ParseBody(R"({"currentPassword": ")" + secret + R"(", "newPassword": ")" + secret + R"("})")
          .has_value());
  EXPECT_TRUE(ParseBody(R"({"dsCredentials": {"userName": "a@b.c", "password": ")" + token +
                        R"("}, "secretKey": ")" + token + R"("})")
                  .has_value());
  // Sign-in reads its body unsearched.
  EXPECT_TRUE(ParseBody(R"({"email": ")" + token + R"(", "password": "x"})", SecretScan::kNone)
                  .has_value());
  // Names of one kind of character, however long, are names.
  EXPECT_TRUE(ParseBody(R"({"name": ")" + std::string(200, 'n') + R"("})").has_value());
}

TEST(JsonFields, AnArrayBodyIsSearchedToo) {
  const std::string token = "kw_AbCdEfGhIjKl_VWmt0tjmiuXXDFv4Bo2dylRk5gWGva2d8f4dRuMAOLf4Sthw6";
  auto status = RefuseSecrets(json::parse(R"([{"name": "ok"}, {"name": ")" + token + R"("}])"));
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().field, "[1].name");
  EXPECT_TRUE(RefuseSecrets(json::parse(R"([{"name": "ok"}])")).has_value());
}

TEST(JsonFields, NoFieldsBodyRejectsAnyMember) {
  EXPECT_TRUE(ParseNoFields(Object("{}")).has_value());
  auto extra = ParseNoFields(Object(R"({"force": true})"));
  ASSERT_FALSE(extra.has_value());
  EXPECT_EQ(extra.error().field, "force");
}

}  // namespace
}  // namespace keyward::http
