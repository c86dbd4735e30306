#include "http/ds/search.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <array>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace keyward::http::ds {
namespace {

namespace json = boost::json;

constexpr std::array kFields = {
    SearchField{"ID", FieldKind::kId},          SearchField{"keyName", FieldKind::kString},
    SearchField{"roleID", FieldKind::kNumeric}, SearchField{"active", FieldKind::kBoolean},
    SearchField{"created", FieldKind::kDate},   SearchField{"lastSignIn", FieldKind::kDate},
    SearchField{"type", FieldKind::kChoice},
};

struct Item {
  std::int64_t id;
  std::string name;
  std::int64_t role;
  bool active;
  std::int64_t created;
  std::optional<std::int64_t> last;
  std::string type;
};

FieldValue ValueOf(const Item& item, std::string_view name) {
  if (name == "ID") return item.id;
  if (name == "keyName") return item.name;
  if (name == "roleID") return item.role;
  if (name == "active") return item.active;
  if (name == "created") return item.created;
  if (name == "lastSignIn") {
    if (!item.last) return std::monostate{};
    return *item.last;
  }
  if (name == "type") return item.type;
  return std::monostate{};
}

const std::vector<Item> kItems = {
    {3, "deploy-bot", 2, true, 1000, 5000, "local"},
    {1, "Backup_job", 1, false, 2000, std::nullopt, "local"},
    {7, "ci%runner", 100, true, 3000, 6000, "external"},
    {5, "日本語キー", 2, true, 4000, std::nullopt, "local"},
};

core::Result<Search> Parse(std::string_view body) {
  return Search::Parse(json::parse(body).as_object(), kFields);
}

// The ids the search answers, in order.
std::vector<std::int64_t> Ids(std::string_view body) {
  core::Result<Search> search = Parse(body);
  EXPECT_TRUE(search.has_value()) << body << ": " << search.error().Message();
  if (!search) return {};
  std::vector<std::int64_t> ids;
  for (const Item* item :
       ApplySearch(*search, kItems, ValueOf, [](const Item& i) { return i.id; })) {
    ids.push_back(item->id);
  }
  return ids;
}

std::string Criterion(std::string_view members) {
  return std::string(R"({"searchCriteria": [{)") + std::string(members) + "}]}";
}

using Ids_ = std::vector<std::int64_t>;

TEST(DsSearch, EmptyFilterAnswersEverythingInListOrder) {
  EXPECT_EQ(Ids("{}"), (Ids_{3, 1, 7, 5}));
  EXPECT_EQ(Ids(R"({"searchCriteria": []})"), (Ids_{3, 1, 7, 5}));
  EXPECT_EQ(Parse("{}")->max_items(), kDefaultMaxItems);
}

TEST(DsSearch, SortByObjectIdAndMaxItems) {
  EXPECT_EQ(Ids(R"({"sortByObjectID": true})"), (Ids_{1, 3, 5, 7}));
  EXPECT_EQ(Ids(R"({"sortByObjectID": true, "maxItems": 2})"), (Ids_{1, 3}));
  EXPECT_EQ(Ids(R"({"maxItems": "3"})"), (Ids_{3, 1, 7}));
  EXPECT_EQ(Ids(R"({"maxItems": 0})"), Ids_{});
}

TEST(DsSearch, StringEqualIsCaseInsensitive) {
  EXPECT_EQ(Ids(Criterion(R"("fieldName": "keyName", "stringTest": "equal",
                              "stringValue": "DEPLOY-BOT")")),
            Ids_{3});
  EXPECT_EQ(Ids(Criterion(R"("fieldName": "keyName", "stringTest": "not-equal",
                              "stringValue": "deploy-bot")")),
            (Ids_{1, 7, 5}));
}

TEST(DsSearch, PercentMatchesAnyRunAndUnderscoreOneCharacter) {
  EXPECT_EQ(
      Ids(Criterion(R"("fieldName": "keyName", "stringTest": "equal", "stringValue": "%bot")")),
      Ids_{3});
  EXPECT_EQ(Ids(Criterion(R"("fieldName": "keyName", "stringTest": "equal", "stringValue": "%")")),
            (Ids_{3, 1, 7, 5}));
  EXPECT_EQ(
      Ids(Criterion(R"("fieldName": "keyName", "stringTest": "equal", "stringValue": "%u%")")),
      (Ids_{1, 7}));
  EXPECT_EQ(Ids(Criterion(
                R"("fieldName": "keyName", "stringTest": "equal", "stringValue": "deploy_bot")")),
            Ids_{3});
  // `_` is one character, a code point: five of them match the five-character Japanese name.
  EXPECT_EQ(
      Ids(Criterion(R"("fieldName": "keyName", "stringTest": "equal", "stringValue": "_____")")),
      Ids_{5});
  EXPECT_EQ(
      Ids(Criterion(R"("fieldName": "keyName", "stringTest": "equal", "stringValue": "日本%")")),
      Ids_{5});
}

TEST(DsSearch, WildcardsOffMatchesPercentAndUnderscoreLiterally) {
  EXPECT_EQ(Ids(Criterion(R"("fieldName": "keyName", "stringTest": "equal",
                              "stringValue": "ci%runner", "stringWildcards": false)")),
            Ids_{7});
  EXPECT_EQ(Ids(Criterion(R"("fieldName": "keyName", "stringTest": "equal",
                              "stringValue": "%", "stringWildcards": false)")),
            Ids_{});
  EXPECT_EQ(Ids(Criterion(R"("fieldName": "keyName", "stringTest": "equal",
                              "stringValue": "backup_job", "stringWildcards": false)")),
            Ids_{1});
}

TEST(DsSearch, HostileWildcardPatternFinishesQuickly) {
  // Many '%' pieces against a long non-matching text: the matcher is iterative and greedy.
  std::string pattern;
  for (int i = 0; i < 500; ++i) pattern += "%a";
  pattern += "%b";
  const std::vector<Item> items = {{1, std::string(200, 'a'), 1, true, 0, std::nullopt, ""}};
  core::Result<Search> search = Parse(Criterion(
      R"("fieldName": "keyName", "stringTest": "equal", "stringValue": ")" + pattern + "\""));
  ASSERT_TRUE(search.has_value());
  EXPECT_TRUE(ApplySearch(*search, items, ValueOf, [](const Item& i) { return i.id; }).empty());
}

core::Error ErrorOf(std::string_view body);

// Whether `pattern` (with wildcards) matches `name`, through a search over one item.
bool NameMatches(const std::string& name, const std::string& pattern) {
  const std::vector<Item> items = {{1, name, 1, true, 0, std::nullopt, ""}};
  core::Result<Search> search = Parse(Criterion(
      R"("fieldName": "keyName", "stringTest": "equal", "stringValue": ")" + pattern + "\""));
  EXPECT_TRUE(search.has_value()) << pattern;
  return search &&
         !ApplySearch(*search, items, ValueOf, [](const Item& i) { return i.id; }).empty();
}

TEST(DsSearch, MiddlePiecesAreFoundLeftmostWithUnderscores) {
  EXPECT_TRUE(NameMatches("abcXbcYd", "a%b_Y%d"));
  EXPECT_TRUE(NameMatches("aXbYbZc", "a%b%b%c"));
  EXPECT_FALSE(NameMatches("aXbYc", "a%b%b%c"));
  EXPECT_TRUE(NameMatches("aa", "%a%a%"));
  EXPECT_FALSE(NameMatches("a", "%a%a%"));
  EXPECT_TRUE(NameMatches("", "%"));
  EXPECT_TRUE(NameMatches("", "%%"));
  EXPECT_FALSE(NameMatches("", "_"));
  EXPECT_TRUE(NameMatches("abc", "a%%c"));
  EXPECT_FALSE(NameMatches("ab", "a%b%b"));
}

TEST(DsSearch, PiecesLongerThanOneMachineWord) {
  // A middle piece of 100 characters with '_' in it, found after a false start.
  std::string piece(100, 'x');
  piece[10] = '_';
  piece[70] = '_';
  std::string name = "s" + std::string(99, 'x') + "yz" + std::string(100, 'x') + "e";
  EXPECT_TRUE(NameMatches(name, "s%" + piece + "%e"));
  name = "s" + std::string(99, 'x') + "e";
  EXPECT_FALSE(NameMatches(name, "s%" + piece + "%e"));
}

TEST(DsSearch, AStringValueIsBounded) {
  EXPECT_EQ(ErrorOf(Criterion(R"("fieldName": "keyName", "stringTest": "equal",
                                  "stringValue": ")" +
                              std::string(1025, 'a') + "\""))
                .field,
            "searchCriteria[0].stringValue");
}

TEST(DsSearch, NumericTestOperators) {
  const auto ids = [](std::string_view op, std::string_view value) {
    return Ids(Criterion(std::string(R"("fieldName": "roleID", "numericTest": ")") +
                         std::string(op) + R"(", "numericValue": )" + std::string(value)));
  };
  EXPECT_EQ(ids("less-than", "2"), Ids_{1});
  EXPECT_EQ(ids("less-than-or-equal", "2"), (Ids_{3, 1, 5}));
  EXPECT_EQ(ids("equal", "\"2\""), (Ids_{3, 5}));
  EXPECT_EQ(ids("greater-than-or-equal", "2"), (Ids_{3, 7, 5}));
  EXPECT_EQ(ids("greater-than", "2"), Ids_{7});
  EXPECT_EQ(ids("not-equal", "2"), (Ids_{1, 7}));
  EXPECT_EQ(ids("greater-than", "1.5"), (Ids_{3, 7, 5}));
}

TEST(DsSearch, IdTest) {
  EXPECT_EQ(Ids(Criterion(R"("fieldName": "ID", "idTest": "equal", "idValue": 7)")), Ids_{7});
  EXPECT_EQ(Ids(Criterion(R"("fieldName": "ID", "idTest": "greater-than", "idValue": 3)")),
            (Ids_{7, 5}));
}

TEST(DsSearch, BooleanTest) {
  EXPECT_EQ(Ids(Criterion(R"("fieldName": "active", "booleanTest": false)")), Ids_{1});
  EXPECT_EQ(Ids(Criterion(R"("fieldName": "active", "booleanTest": true)")), (Ids_{3, 7, 5}));
}

TEST(DsSearch, ChoiceTest) {
  EXPECT_EQ(
      Ids(Criterion(R"("fieldName": "type", "choiceTest": "equal", "choiceValue": "external")")),
      Ids_{7});
  EXPECT_EQ(Ids(Criterion(
                R"("fieldName": "type", "choiceTest": "not-equal", "choiceValue": "external")")),
            (Ids_{3, 1, 5}));
}

TEST(DsSearch, DateRanges) {
  EXPECT_EQ(Ids(Criterion(R"("fieldName": "created", "firstDateValue": 2000,
                              "lastDateValue": 3000)")),
            (Ids_{1, 7}));
  EXPECT_EQ(Ids(Criterion(R"("fieldName": "created", "firstDateValue": 2000,
                              "lastDateValue": 3000, "firstDateInclusive": false,
                              "lastDateInclusive": false)")),
            Ids_{});
  EXPECT_EQ(Ids(Criterion(R"("fieldName": "created", "firstDateValue": 3000)")), (Ids_{7, 5}));
  EXPECT_EQ(Ids(Criterion(R"("fieldName": "created", "lastDateValue": "2000",
                              "lastDateInclusive": false)")),
            Ids_{3});
  // A null date is in no range.
  EXPECT_EQ(Ids(Criterion(R"("fieldName": "lastSignIn", "firstDateValue": 0)")), (Ids_{3, 7}));
}

TEST(DsSearch, NullTest) {
  EXPECT_EQ(Ids(Criterion(R"("fieldName": "lastSignIn", "nullTest": true)")), (Ids_{1, 5}));
  EXPECT_EQ(Ids(Criterion(R"("fieldName": "lastSignIn", "nullTest": false)")), (Ids_{3, 7}));
}

TEST(DsSearch, EveryCriterionMustMatch) {
  EXPECT_EQ(Ids(R"({"searchCriteria": [
                {"fieldName": "roleID", "numericTest": "equal", "numericValue": 2},
                {"fieldName": "keyName", "stringTest": "equal", "stringValue": "d%"}]})"),
            Ids_{3});
}

TEST(DsSearch, OneCriterionNotInAnArrayIsRead) {
  EXPECT_EQ(Ids(R"({"searchCriteria": {"fieldName": "ID", "idTest": "equal", "idValue": 1}})"),
            Ids_{1});
}

TEST(DsSearch, UnknownMembersAndNullsAreIgnored) {
  EXPECT_EQ(Ids(R"({"extra": 1, "maxItems": null, "searchCriteria": [{"fieldName": "ID",
                "idTest": "equal", "idValue": 1, "stringTest": null, "whatever": [1]}]})"),
            Ids_{1});
}

// The error `body` gets: its field and message.
core::Error ErrorOf(std::string_view body) {
  core::Result<Search> search = Parse(body);
  EXPECT_FALSE(search.has_value()) << body;
  return search ? core::Error{} : search.error();
}

TEST(DsSearch, ErrorsNameTheMember) {
  core::Error e = ErrorOf(R"({"searchCriteria": [{"fieldName": "ID", "idTest": "equal",
                             "idValue": 1}, {}, {"fieldName": "foo", "nullTest": true}]})");
  EXPECT_EQ(e.field, "searchCriteria[1].fieldName");
  EXPECT_EQ(e.code, core::ErrorCode::kInvalidArgument);

  e = ErrorOf(R"({"searchCriteria": [{"fieldName": "foo", "nullTest": true}]})");
  EXPECT_EQ(e.field, "searchCriteria[0].fieldName");
  EXPECT_NE(e.Message().find("foo"), std::string::npos);

  EXPECT_EQ(ErrorOf(R"({"maxItems": "many"})").field, "maxItems");
  EXPECT_EQ(ErrorOf(R"({"maxItems": -1})").field, "maxItems");
  EXPECT_EQ(ErrorOf(R"({"maxItems": 1.5})").field, "maxItems");
  EXPECT_EQ(ErrorOf(R"({"sortByObjectID": "yes"})").field, "sortByObjectID");
  EXPECT_EQ(ErrorOf(R"({"searchCriteria": "ID"})").field, "searchCriteria");
  EXPECT_EQ(ErrorOf(R"({"searchCriteria": [1]})").field, "searchCriteria[0]");
  EXPECT_EQ(ErrorOf(Criterion(R"("fieldName": 5, "nullTest": true)")).field,
            "searchCriteria[0].fieldName");
}

TEST(DsSearch, CriterionNeedsExactlyOneTest) {
  EXPECT_NE(ErrorOf(Criterion(R"("fieldName": "ID")")).Message().find("searchCriteria[0]"),
            std::string::npos);
  EXPECT_EQ(ErrorOf(Criterion(R"("fieldName": "ID", "nullTest": true, "idTest": "equal",
                                  "idValue": 1)"))
                .field,
            "searchCriteria[0]");
}

TEST(DsSearch, TestMustSuitTheFieldKind) {
  EXPECT_EQ(ErrorOf(Criterion(R"("fieldName": "keyName", "numericTest": "equal",
                                  "numericValue": 1)"))
                .field,
            "searchCriteria[0].numericTest");
  EXPECT_EQ(ErrorOf(Criterion(R"("fieldName": "roleID", "stringTest": "equal",
                                  "stringValue": "1")"))
                .field,
            "searchCriteria[0].stringTest");
  EXPECT_EQ(ErrorOf(Criterion(R"("fieldName": "active", "firstDateValue": 1)")).field,
            "searchCriteria[0].firstDateValue");
}

TEST(DsSearch, EachTestChecksItsMembers) {
  EXPECT_EQ(ErrorOf(Criterion(R"("fieldName": "keyName", "stringTest": "like",
                                  "stringValue": "a")"))
                .field,
            "searchCriteria[0].stringTest");
  EXPECT_EQ(ErrorOf(Criterion(R"("fieldName": "keyName", "stringTest": "less-than",
                                  "stringValue": "a")"))
                .field,
            "searchCriteria[0].stringTest");
  EXPECT_EQ(ErrorOf(Criterion(R"("fieldName": "keyName", "stringTest": "equal")")).field,
            "searchCriteria[0].stringValue");
  EXPECT_EQ(ErrorOf(Criterion(R"("fieldName": "keyName", "stringTest": "equal",
                                  "stringValue": 3)"))
                .field,
            "searchCriteria[0].stringValue");
  EXPECT_EQ(ErrorOf(Criterion(R"("fieldName": "keyName", "stringTest": "equal",
                                  "stringValue": "a", "stringWildcards": "no")"))
                .field,
            "searchCriteria[0].stringWildcards");
  EXPECT_EQ(ErrorOf(Criterion(R"("fieldName": "roleID", "numericTest": "equal")")).field,
            "searchCriteria[0].numericValue");
  EXPECT_EQ(ErrorOf(Criterion(R"("fieldName": "roleID", "numericTest": "about",
                                  "numericValue": 1)"))
                .field,
            "searchCriteria[0].numericTest");
  EXPECT_EQ(ErrorOf(Criterion(R"("fieldName": "roleID", "numericTest": "equal",
                                  "numericValue": "two")"))
                .field,
            "searchCriteria[0].numericValue");
  EXPECT_EQ(ErrorOf(Criterion(R"("fieldName": "ID", "idTest": "equal", "idValue": true)")).field,
            "searchCriteria[0].idValue");
  EXPECT_EQ(ErrorOf(Criterion(R"("fieldName": "active", "booleanTest": "true")")).field,
            "searchCriteria[0].booleanTest");
  EXPECT_EQ(ErrorOf(Criterion(R"("fieldName": "active", "nullTest": 1)")).field,
            "searchCriteria[0].nullTest");
  EXPECT_EQ(ErrorOf(Criterion(R"("fieldName": "type", "choiceTest": "equal")")).field,
            "searchCriteria[0].choiceValue");
  EXPECT_EQ(ErrorOf(Criterion(R"("fieldName": "created", "firstDateValue": "soon")")).field,
            "searchCriteria[0].firstDateValue");
  EXPECT_EQ(ErrorOf(Criterion(R"("fieldName": "created", "lastDateValue": 1,
                                  "lastDateInclusive": 0)"))
                .field,
            "searchCriteria[0].lastDateInclusive");
}

TEST(DsSearch, TooManyCriteriaAreRefused) {
  std::string body = R"({"searchCriteria": [)";
  for (int i = 0; i < 101; ++i) {
    if (i > 0) body += ",";
    body += R"({"fieldName": "ID", "nullTest": false})";
  }
  body += "]}";
  EXPECT_EQ(ErrorOf(body).field, "searchCriteria");
}

}  // namespace
}  // namespace keyward::http::ds
