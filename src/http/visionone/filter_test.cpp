#include "http/visionone/filter.hpp"

#include <gtest/gtest.h>

#include <string>
#include <variant>

namespace keyward::http::visionone {
namespace {

Filter Parse(std::string_view text) {
  std::variant<Filter, FilterError> parsed = ParseFilter(text);
  EXPECT_TRUE(std::holds_alternative<Filter>(parsed)) << text;
  if (auto* f = std::get_if<Filter>(&parsed)) return *f;
  return Filter{};
}

FilterError Error(std::string_view text) {
  std::variant<Filter, FilterError> parsed = ParseFilter(text);
  EXPECT_TRUE(std::holds_alternative<FilterError>(parsed)) << text;
  if (auto* e = std::get_if<FilterError>(&parsed)) return *e;
  return FilterError{FilterErrorKind::kEmpty, 0, {}};
}

FilterSubject Key() {
  return FilterSubject{.id = "42",
                       .name = "Splunk",
                       .role = "Auditor",
                       .status = "enabled",
                       .description = "it's mine"};
}

TEST(VisionOneFilter, EachFieldMatchesItsValueExactly) {
  EXPECT_TRUE(Parse("id eq '42'").Matches(Key()));
  EXPECT_TRUE(Parse("name eq 'Splunk'").Matches(Key()));
  EXPECT_TRUE(Parse("role eq 'Auditor'").Matches(Key()));
  EXPECT_TRUE(Parse("status eq 'enabled'").Matches(Key()));
  EXPECT_TRUE(Parse("description eq 'it''s mine'").Matches(Key()));
  EXPECT_FALSE(Parse("name eq 'splunk'").Matches(Key()));  // values are case-sensitive
  EXPECT_FALSE(Parse("id eq '4'").Matches(Key()));
}

TEST(VisionOneFilter, DoubledQuoteIsOneQuote) {
  const Filter f = Parse("description eq 'it''s mine'");
  EXPECT_EQ(f.ToString(), "description eq 'it''s mine'");
}

TEST(VisionOneFilter, KeywordsInAnyCase) {
  EXPECT_TRUE(Parse("name EQ 'Splunk' AND NOT status Eq 'disabled'").Matches(Key()));
}

TEST(VisionOneFilter, NotBindsTighterThanAndTighterThanOr) {
  EXPECT_EQ(Parse("id eq '1' or id eq '2' and not id eq '3'").ToString(),
            "(id eq '1' or (id eq '2' and not id eq '3'))");
  EXPECT_EQ(Parse("not id eq '1' and id eq '2'").ToString(), "(not id eq '1' and id eq '2')");
  EXPECT_EQ(Parse("id eq '1' and id eq '2' or id eq '3'").ToString(),
            "((id eq '1' and id eq '2') or id eq '3')");
}

TEST(VisionOneFilter, ParenthesesGroup) {
  EXPECT_EQ(Parse("(id eq '1' or id eq '2') and id eq '3'").ToString(),
            "((id eq '1' or id eq '2') and id eq '3')");
  EXPECT_TRUE(Parse("(name eq 'x' or name eq 'Splunk') and role eq 'Auditor'").Matches(Key()));
  EXPECT_FALSE(Parse("not (name eq 'x' or name eq 'Splunk')").Matches(Key()));
  EXPECT_TRUE(Parse("  ( ( status eq 'enabled' ) )  ").Matches(Key()));
}

TEST(VisionOneFilter, OrAndNotEvaluate) {
  EXPECT_TRUE(Parse("name eq 'x' or name eq 'Splunk'").Matches(Key()));
  EXPECT_FALSE(Parse("name eq 'x' and name eq 'Splunk'").Matches(Key()));
  EXPECT_TRUE(Parse("not not name eq 'Splunk'").Matches(Key()));
}

TEST(VisionOneFilter, ValueMayHoldKeywordsParenthesesAndNonAscii) {
  FilterSubject key = Key();
  key.name = "a and (b) or not 'c' 日本";
  EXPECT_TRUE(Parse("name eq 'a and (b) or not ''c'' 日本'").Matches(key));
  key.name = "";
  EXPECT_TRUE(Parse("name eq ''").Matches(key));
}

TEST(VisionOneFilter, ErrorsSayWhatAndWhere) {
  FilterError e = Error("nme eq 'x'");
  EXPECT_EQ(e.kind, FilterErrorKind::kUnknownField);
  EXPECT_EQ(e.position, 1U);
  EXPECT_EQ(e.near, "nme");

  e = Error("name ne 'x'");
  EXPECT_EQ(e.kind, FilterErrorKind::kExpectedEq);
  EXPECT_EQ(e.position, 6U);

  e = Error("name eq x");
  EXPECT_EQ(e.kind, FilterErrorKind::kExpectedValue);
  EXPECT_EQ(e.position, 9U);

  e = Error("name eq 'x");
  EXPECT_EQ(e.kind, FilterErrorKind::kUnterminated);
  EXPECT_EQ(e.position, 9U);

  e = Error("(name eq 'x'");
  EXPECT_EQ(e.kind, FilterErrorKind::kExpectedClose);
  EXPECT_EQ(e.position, 13U);

  e = Error("name eq 'x' name eq 'y'");
  EXPECT_EQ(e.kind, FilterErrorKind::kUnexpected);
  EXPECT_EQ(e.position, 13U);

  e = Error("name eq 'x' and");
  EXPECT_EQ(e.kind, FilterErrorKind::kExpectedTerm);
  EXPECT_EQ(e.position, 16U);

  e = Error("and name eq 'x'");
  EXPECT_EQ(e.kind, FilterErrorKind::kExpectedTerm);
  EXPECT_EQ(e.position, 1U);

  e = Error("name eq 'x')");
  EXPECT_EQ(e.kind, FilterErrorKind::kUnexpected);
  EXPECT_EQ(e.position, 12U);

  EXPECT_EQ(Error("   ").kind, FilterErrorKind::kEmpty);
  EXPECT_EQ(Error("").kind, FilterErrorKind::kEmpty);
  EXPECT_EQ(Error("()").kind, FilterErrorKind::kExpectedTerm);
  EXPECT_EQ(Error("Name eq 'x'").kind, FilterErrorKind::kUnknownField);  // fields are lower case
}

TEST(VisionOneFilter, LengthAndDepthAreBounded) {
  EXPECT_EQ(Error(std::string(kMaxFilterLength + 1, ' ')).kind, FilterErrorKind::kTooLong);
  std::string deep;
  for (int i = 0; i < 40; ++i) deep += "(";
  deep += "id eq '1'";
  for (int i = 0; i < 40; ++i) deep += ")";
  EXPECT_EQ(Error(deep).kind, FilterErrorKind::kTooDeep);
  std::string nots;
  for (int i = 0; i < 40; ++i) nots += "not ";
  EXPECT_EQ(Error(nots + "id eq '1'").kind, FilterErrorKind::kTooDeep);
  std::string ok;
  for (int i = 0; i < 20; ++i) ok += "(";
  ok += "id eq '42'";
  for (int i = 0; i < 20; ++i) ok += ")";
  EXPECT_TRUE(Parse(ok).Matches(Key()));
}

TEST(VisionOneFilter, LongChainsOfOrEvaluate) {
  std::string text = "id eq '0'";
  for (int i = 1; i < 250; ++i) text += " or id eq '" + std::to_string(i) + "'";
  ASSERT_LE(text.size(), kMaxFilterLength);
  EXPECT_TRUE(Parse(text).Matches(Key()));
}

}  // namespace
}  // namespace keyward::http::visionone
