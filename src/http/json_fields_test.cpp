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

TEST(JsonFields, NoFieldsBodyRejectsAnyMember) {
  EXPECT_TRUE(ParseNoFields(Object("{}")).has_value());
  auto extra = ParseNoFields(Object(R"({"force": true})"));
  ASSERT_FALSE(extra.has_value());
  EXPECT_EQ(extra.error().field, "force");
}

}  // namespace
}  // namespace keyward::http
