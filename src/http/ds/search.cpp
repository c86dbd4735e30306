// The Deep Security search language (docs/deep-security.md "Search").
//
// Decisions (documented on the page):
// - String tests compare case-insensitively (ASCII letters fold; other characters compare as
//   they are), as Deep Security compares names.
// - With stringWildcards (default true), `%` matches any run of characters (none included) and
//   `_` exactly one character (a code point, not a byte). There is no escape character: to match
//   a literal `%` or `_`, send stringWildcards false, which compares the whole value literally.
// - A null field value matches no test but nullTest true (string not-equal included).
// - Members of a criterion that belong to no test it uses are ignored; null is read as absent.
#include "http/ds/search.hpp"

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "http/ds/fields.hpp"
#include "http/json_fields.hpp"

namespace keyward::http::ds {
namespace {

namespace json = boost::json;

// A stringValue longer than this is refused: no searchable value is longer (names 128
// characters, descriptions 1024), and it bounds a compiled pattern's size.
constexpr std::size_t kMaxStringValue = 1024;
// More criteria than this are refused (bounds the work of one search).
constexpr std::size_t kMaxCriteria = 100;

enum class Op { kLess, kLessOrEqual, kEqual, kGreaterOrEqual, kGreater, kNotEqual };

std::optional<Op> ParseOp(std::string_view text) {
  if (text == "less-than") return Op::kLess;
  if (text == "less-than-or-equal") return Op::kLessOrEqual;
  if (text == "equal") return Op::kEqual;
  if (text == "greater-than-or-equal") return Op::kGreaterOrEqual;
  if (text == "greater-than") return Op::kGreater;
  if (text == "not-equal") return Op::kNotEqual;
  return std::nullopt;
}

template <typename A, typename B>
bool Compare(Op op, A a, B b) {
  switch (op) {
    case Op::kLess:
      return a < b;
    case Op::kLessOrEqual:
      return a <= b;
    case Op::kEqual:
      return a == b;
    case Op::kGreaterOrEqual:
      return a >= b;
    case Op::kGreater:
      return a > b;
    case Op::kNotEqual:
      return a != b;
  }
  return false;
}

// A number a criterion compares with: an integer, or a number with a fraction.
struct Number {
  std::int64_t integer = 0;
  std::optional<double> real;

  bool Test(Op op, std::int64_t value) const {
    if (real) return Compare(op, static_cast<double>(value), *real);
    return Compare(op, value, integer);
  }
};

enum class Kind { kString, kNumeric, kBoolean, kChoice, kDate, kNull, kId };

// UTF-8 text as code points, ASCII letters folded to lower case when `fold`. A byte that does
// not start a well-formed sequence stands for itself, so any input decodes.
std::u32string CodePoints(std::string_view text, bool fold) {
  std::u32string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t len = 1;
    char32_t cp = c;
    if (c >= 0xC0 && c < 0xE0) {
      len = 2;
      cp = c & 0x1Fu;
    } else if (c >= 0xE0 && c < 0xF0) {
      len = 3;
      cp = c & 0x0Fu;
    } else if (c >= 0xF0 && c < 0xF8) {
      len = 4;
      cp = c & 0x07u;
    }
    bool ok = len == 1 || i + len <= text.size();
    for (std::size_t k = 1; ok && k < len; ++k) {
      const auto cont = static_cast<unsigned char>(text[i + k]);
      if ((cont & 0xC0u) != 0x80u) {
        ok = false;
      } else {
        cp = (cp << 6) | (cont & 0x3Fu);
      }
    }
    if (!ok) {
      len = 1;
      cp = c;
    }
    if (fold && cp >= U'A' && cp <= U'Z') cp = cp - U'A' + U'a';
    out.push_back(cp);
    i += len;
  }
  return out;
}

// One run of a pattern between two '%': its code points ('_' matches any one when the pattern
// takes wildcards), and its Shift-And masks (bit k of masks[c] is set when position k takes c).
struct Piece {
  std::u32string text;
  std::size_t words = 0;                                           // 64-bit words per mask
  std::vector<std::uint64_t> any;                                  // the '_' positions
  std::unordered_map<char32_t, std::vector<std::uint64_t>> masks;  // '_' positions included

  explicit Piece(std::u32string_view piece) : text(piece) {
    words = (text.size() + 63) / 64;
    any.assign(words, 0);
    for (std::size_t k = 0; k < text.size(); ++k) {
      if (text[k] == U'_') any[k / 64] |= std::uint64_t{1} << (k % 64);
    }
    for (std::size_t k = 0; k < text.size(); ++k) {
      if (text[k] == U'_') continue;
      auto [it, fresh] = masks.try_emplace(text[k], any);
      it->second[k / 64] |= std::uint64_t{1} << (k % 64);
    }
  }

  // Whether the piece matches `s` at `at` (which leaves room for it).
  bool At(const std::u32string& s, std::size_t at) const {
    for (std::size_t k = 0; k < text.size(); ++k) {
      if (text[k] != U'_' && s[at + k] != text[k]) return false;
    }
    return true;
  }

  // Where the piece first matches `s` within [from, end), or npos. Bit-parallel (Shift-And):
  // one pass over the text, `words` operations per code point, no backtracking.
  std::size_t Find(const std::u32string& s, std::size_t from, std::size_t end) const {
    if (text.empty()) return from;
    if (end < from || end - from < text.size()) return std::u32string::npos;
    std::vector<std::uint64_t> state(words, 0);
    const std::size_t last = text.size() - 1;
    for (std::size_t i = from; i < end; ++i) {
      const auto it = masks.find(s[i]);
      const std::vector<std::uint64_t>& mask = it == masks.end() ? any : it->second;
      std::uint64_t carry = 1;  // a match may start here
      for (std::size_t w = 0; w < words; ++w) {
        const std::uint64_t next = state[w] >> 63;
        state[w] = ((state[w] << 1) | carry) & mask[w];
        carry = next;
      }
      if ((state[last / 64] >> (last % 64)) & 1u) return i + 1 - text.size();
    }
    return std::u32string::npos;
  }
};

// A stringTest's value, compiled: the whole value (for a literal comparison), or its pieces
// between '%' for a wildcard match.
struct Pattern {
  std::u32string whole;
  bool wildcards = true;
  std::vector<Piece> pieces;

  Pattern() = default;
  Pattern(std::u32string value, bool with_wildcards)
      : whole(std::move(value)), wildcards(with_wildcards) {
    if (!wildcards) return;
    const std::u32string_view p(whole);
    std::size_t start = 0;
    for (std::size_t i = 0; i <= p.size(); ++i) {
      if (i == p.size() || p[i] == U'%') {
        pieces.emplace_back(p.substr(start, i - start));
        start = i + 1;
      }
    }
  }

  // Whether the pattern matches the whole of `text`. The first piece is anchored at the start,
  // the last at the end, and each one between is found at its leftmost place after the one
  // before (leftmost is always safe, since a '%' follows it). Iterative, no recursion.
  bool Matches(const std::u32string& text) const {
    if (!wildcards) return text == whole;
    if (pieces.size() == 1) {
      return pieces[0].text.size() == text.size() && pieces[0].At(text, 0);
    }
    const Piece& head = pieces.front();
    const Piece& tail = pieces.back();
    if (head.text.size() + tail.text.size() > text.size()) return false;
    if (!head.At(text, 0) || !tail.At(text, text.size() - tail.text.size())) return false;
    std::size_t pos = head.text.size();
    const std::size_t end = text.size() - tail.text.size();
    for (std::size_t k = 1; k + 1 < pieces.size(); ++k) {
      const std::size_t at = pieces[k].Find(text, pos, end);
      if (at == std::u32string::npos) return false;
      pos = at + pieces[k].text.size();
    }
    return true;
  }
};

struct Criterion {
  std::string field;
  Kind kind = Kind::kNull;
  Op op = Op::kEqual;
  Pattern pattern;      // kString (ASCII-folded)
  std::u32string text;  // kChoice
  Number number;        // kNumeric, kId
  bool flag = false;    // kBoolean: the value; kNull: whether the field must be null
  std::optional<std::int64_t> first, last;  // kDate, epoch milliseconds
  bool first_inclusive = true;
  bool last_inclusive = true;
};

std::string Member(std::string_view prefix, std::string_view name) {
  return std::string(prefix) + "." + std::string(name);
}

// A member that must be a string when present (null: absent).
core::Result<std::optional<std::string>> StringMember(const json::object& o, std::string_view name,
                                                      const std::string& field) {
  const json::value* v = o.if_contains(name);
  if (v == nullptr || v->is_null()) return std::optional<std::string>();
  if (!v->is_string()) return WrongType(field, "a string");
  return std::optional<std::string>(std::string(v->get_string()));
}

core::Result<std::optional<bool>> BoolMember(const json::object& o, std::string_view name,
                                             const std::string& field) {
  const json::value* v = o.if_contains(name);
  if (v == nullptr || v->is_null()) return std::optional<bool>();
  if (!v->is_bool()) return WrongType(field, "true or false");
  return std::optional<bool>(v->get_bool());
}

core::Result<std::optional<std::int64_t>> IntMember(const json::object& o, std::string_view name,
                                                    const std::string& field) {
  const json::value* v = o.if_contains(name);
  if (v == nullptr || v->is_null()) return std::optional<std::int64_t>();
  KW_ASSIGN_OR_RETURN(std::int64_t value, IntValue(*v, field));
  return std::optional<std::int64_t>(value);
}

// numericValue / idValue: an integer (or a numeric string), or a finite number with a fraction.
core::Result<std::optional<Number>> NumberMember(const json::object& o, std::string_view name,
                                                 const std::string& field) {
  const json::value* v = o.if_contains(name);
  if (v == nullptr || v->is_null()) return std::optional<Number>();
  if (v->is_double()) {
    Number n;
    n.real = v->get_double();
    return std::optional<Number>(n);
  }
  KW_ASSIGN_OR_RETURN(std::int64_t value, IntValue(*v, field));
  return std::optional<Number>(Number{value, std::nullopt});
}

core::Result<Op> OpMember(const json::object& o, std::string_view name, const std::string& field,
                          bool equality_only) {
  KW_ASSIGN_OR_RETURN(std::optional<std::string> text, StringMember(o, name, field));
  const std::optional<Op> op = text ? ParseOp(*text) : std::nullopt;
  if (!op || (equality_only && *op != Op::kEqual && *op != Op::kNotEqual)) {
    return core::InvalidArgument(core::Msg::kFilterInvalid, field, {field, text.value_or("")});
  }
  return *op;
}

const char* KindWord(FieldKind kind) {
  switch (kind) {
    case FieldKind::kString:
      return "a string field: use stringTest or nullTest";
    case FieldKind::kNumeric:
      return "a numeric field: use numericTest or nullTest";
    case FieldKind::kBoolean:
      return "a boolean field: use booleanTest or nullTest";
    case FieldKind::kDate:
      return "a date field: use firstDateValue/lastDateValue or nullTest";
    case FieldKind::kId:
      return "an id field: use idTest, numericTest or nullTest";
    case FieldKind::kChoice:
      return "a choice field: use choiceTest or nullTest";
  }
  return "";
}

bool KindTakes(FieldKind field, Kind test) {
  if (test == Kind::kNull) return true;
  switch (field) {
    case FieldKind::kString:
      return test == Kind::kString;
    case FieldKind::kNumeric:
      return test == Kind::kNumeric;
    case FieldKind::kBoolean:
      return test == Kind::kBoolean;
    case FieldKind::kDate:
      return test == Kind::kDate;
    case FieldKind::kId:
      return test == Kind::kId || test == Kind::kNumeric;
    case FieldKind::kChoice:
      return test == Kind::kChoice;
  }
  return false;
}

core::Result<Criterion> ParseCriterion(const json::value& value, const std::string& at,
                                       std::span<const SearchField> fields) {
  if (!value.is_object()) return WrongType(at, "an object");
  const json::object& o = value.get_object();
  Criterion c;
  const std::string name_field = Member(at, "fieldName");
  KW_ASSIGN_OR_RETURN(std::optional<std::string> name, StringMember(o, "fieldName", name_field));
  if (!name) return Required(name_field);
  const SearchField* field = nullptr;
  for (const SearchField& f : fields) {
    if (f.name == *name) field = &f;
  }
  if (field == nullptr) {
    return core::InvalidArgument(core::Msg::kFilterInvalid, name_field, {name_field, *name});
  }
  c.field = *name;

  // Which tests the criterion uses: exactly one.
  std::vector<std::pair<Kind, std::string_view>> tests;
  const auto given = [&](std::string_view member) {
    const json::value* v = o.if_contains(member);
    return v != nullptr && !v->is_null();
  };
  if (given("stringTest")) tests.emplace_back(Kind::kString, "stringTest");
  if (given("numericTest")) tests.emplace_back(Kind::kNumeric, "numericTest");
  if (given("booleanTest")) tests.emplace_back(Kind::kBoolean, "booleanTest");
  if (given("choiceTest")) tests.emplace_back(Kind::kChoice, "choiceTest");
  if (given("firstDateValue") || given("lastDateValue")) {
    tests.emplace_back(Kind::kDate, given("firstDateValue") ? "firstDateValue" : "lastDateValue");
  }
  if (given("nullTest")) tests.emplace_back(Kind::kNull, "nullTest");
  if (given("idTest")) tests.emplace_back(Kind::kId, "idTest");
  if (tests.empty()) {
    return core::InvalidArgument(core::Msg::kRequired, at,
                                 {at + ": one of stringTest, numericTest, booleanTest, choiceTest, "
                                       "firstDateValue/lastDateValue, nullTest, idTest"});
  }
  if (tests.size() > 1) {
    return WrongType(at, "a criterion with one test, not " + std::string(tests[0].second) +
                             " and " + std::string(tests[1].second));
  }
  c.kind = tests[0].first;
  const std::string test_field = Member(at, tests[0].second);
  if (!KindTakes(field->kind, c.kind)) {
    return WrongType(test_field, "a test that " + *name + " takes (" + *name + " is " +
                                     KindWord(field->kind) + ")");
  }

  switch (c.kind) {
    case Kind::kString: {
      KW_ASSIGN_OR_RETURN(c.op, OpMember(o, "stringTest", test_field, /*equality_only=*/true));
      const std::string value_field = Member(at, "stringValue");
      KW_ASSIGN_OR_RETURN(std::optional<std::string> text,
                          StringMember(o, "stringValue", value_field));
      if (!text) return Required(value_field);
      if (text->size() > kMaxStringValue) {
        return core::InvalidArgument(core::Msg::kTextTooLong, value_field,
                                     {value_field, std::to_string(kMaxStringValue)});
      }
      KW_ASSIGN_OR_RETURN(std::optional<bool> wildcards,
                          BoolMember(o, "stringWildcards", Member(at, "stringWildcards")));
      c.pattern = Pattern(CodePoints(*text, /*fold=*/true), wildcards.value_or(true));
      break;
    }
    case Kind::kChoice: {
      KW_ASSIGN_OR_RETURN(c.op, OpMember(o, "choiceTest", test_field, /*equality_only=*/true));
      const std::string value_field = Member(at, "choiceValue");
      KW_ASSIGN_OR_RETURN(std::optional<std::string> text,
                          StringMember(o, "choiceValue", value_field));
      if (!text) return Required(value_field);
      if (text->size() > kMaxStringValue) {
        return core::InvalidArgument(core::Msg::kTextTooLong, value_field,
                                     {value_field, std::to_string(kMaxStringValue)});
      }
      c.text = CodePoints(*text, /*fold=*/false);
      break;
    }
    case Kind::kNumeric:
    case Kind::kId: {
      const bool id = c.kind == Kind::kId;
      KW_ASSIGN_OR_RETURN(c.op, OpMember(o, id ? "idTest" : "numericTest", test_field, false));
      const std::string value_field = Member(at, id ? "idValue" : "numericValue");
      KW_ASSIGN_OR_RETURN(std::optional<Number> number,
                          NumberMember(o, id ? "idValue" : "numericValue", value_field));
      if (!number) return Required(value_field);
      c.number = *number;
      break;
    }
    case Kind::kBoolean: {
      KW_ASSIGN_OR_RETURN(std::optional<bool> flag, BoolMember(o, "booleanTest", test_field));
      c.flag = *flag;
      break;
    }
    case Kind::kNull: {
      KW_ASSIGN_OR_RETURN(std::optional<bool> flag, BoolMember(o, "nullTest", test_field));
      c.flag = *flag;
      break;
    }
    case Kind::kDate: {
      KW_ASSIGN_OR_RETURN(c.first, IntMember(o, "firstDateValue", Member(at, "firstDateValue")));
      KW_ASSIGN_OR_RETURN(c.last, IntMember(o, "lastDateValue", Member(at, "lastDateValue")));
      KW_ASSIGN_OR_RETURN(std::optional<bool> first_inclusive,
                          BoolMember(o, "firstDateInclusive", Member(at, "firstDateInclusive")));
      KW_ASSIGN_OR_RETURN(std::optional<bool> last_inclusive,
                          BoolMember(o, "lastDateInclusive", Member(at, "lastDateInclusive")));
      c.first_inclusive = first_inclusive.value_or(true);
      c.last_inclusive = last_inclusive.value_or(true);
      break;
    }
  }
  return c;
}

bool Test(const Criterion& c, const FieldValue& value) {
  const bool null = std::holds_alternative<std::monostate>(value);
  if (c.kind == Kind::kNull) return null == c.flag;
  if (null) return false;
  switch (c.kind) {
    case Kind::kString: {
      const auto* text = std::get_if<std::string>(&value);
      if (text == nullptr) return false;
      const bool equal = c.pattern.Matches(CodePoints(*text, /*fold=*/true));
      return c.op == Op::kEqual ? equal : !equal;
    }
    case Kind::kChoice: {
      const auto* text = std::get_if<std::string>(&value);
      if (text == nullptr) return false;
      const bool equal = CodePoints(*text, /*fold=*/false) == c.text;
      return c.op == Op::kEqual ? equal : !equal;
    }
    case Kind::kNumeric:
    case Kind::kId: {
      const auto* number = std::get_if<std::int64_t>(&value);
      return number != nullptr && c.number.Test(c.op, *number);
    }
    case Kind::kBoolean: {
      const auto* flag = std::get_if<bool>(&value);
      return flag != nullptr && *flag == c.flag;
    }
    case Kind::kDate: {
      const auto* millis = std::get_if<std::int64_t>(&value);
      if (millis == nullptr) return false;
      if (c.first && (c.first_inclusive ? *millis < *c.first : *millis <= *c.first)) return false;
      if (c.last && (c.last_inclusive ? *millis > *c.last : *millis >= *c.last)) return false;
      return true;
    }
    case Kind::kNull:
      break;
  }
  return false;
}

}  // namespace

struct Search::Criteria {
  std::int64_t max_items = kDefaultMaxItems;
  bool sort_by_object_id = false;
  std::vector<Criterion> criteria;
};

Search::Search(std::unique_ptr<Criteria> criteria) : criteria_(std::move(criteria)) {}
Search::Search(Search&&) noexcept = default;
Search& Search::operator=(Search&&) noexcept = default;
Search::~Search() = default;

core::Result<Search> Search::Parse(const json::object& body, std::span<const SearchField> fields) {
  auto parsed = std::make_unique<Criteria>();
  KW_ASSIGN_OR_RETURN(std::optional<std::int64_t> max, IntMember(body, "maxItems", "maxItems"));
  if (max) {
    if (*max < 0) return WrongType("maxItems", "an integer of 0 or more");
    parsed->max_items = *max;
  }
  KW_ASSIGN_OR_RETURN(std::optional<bool> sort,
                      BoolMember(body, "sortByObjectID", "sortByObjectID"));
  parsed->sort_by_object_id = sort.value_or(false);
  const json::value* criteria = body.if_contains("searchCriteria");
  if (criteria != nullptr && !criteria->is_null()) {
    // One criterion alone, not in an array, is read as an array of one.
    if (criteria->is_object()) {
      KW_ASSIGN_OR_RETURN(Criterion c, ParseCriterion(*criteria, "searchCriteria", fields));
      parsed->criteria.push_back(std::move(c));
    } else if (criteria->is_array()) {
      const json::array& list = criteria->get_array();
      if (list.size() > kMaxCriteria) {
        return core::InvalidArgument(core::Msg::kTooManyItems, "searchCriteria",
                                     {"searchCriteria", std::to_string(kMaxCriteria)});
      }
      for (std::size_t i = 0; i < list.size(); ++i) {
        KW_ASSIGN_OR_RETURN(
            Criterion c,
            ParseCriterion(list[i], "searchCriteria[" + std::to_string(i) + "]", fields));
        parsed->criteria.push_back(std::move(c));
      }
    } else {
      return WrongType("searchCriteria", "an array of criteria");
    }
  }
  return Search(std::move(parsed));
}

bool Search::Matches(const FieldValueOf& value_of) const {
  for (const Criterion& c : criteria_->criteria) {
    if (!Test(c, value_of(c.field))) return false;
  }
  return true;
}

std::int64_t Search::max_items() const { return criteria_->max_items; }
bool Search::sort_by_object_id() const { return criteria_->sort_by_object_id; }

}  // namespace keyward::http::ds
