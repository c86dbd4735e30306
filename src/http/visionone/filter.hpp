// The TMV1-Filter language of the Vision One dialect (docs/vision-one.md "TMV1-Filter"): terms
// `field eq 'value'` on id, name, role, status and description, joined by `and` / `or`, negated
// by `not`, grouped by parentheses (precedence not > and > or). A quote inside a value is
// written twice (''). Keywords (eq, and, or, not) are matched in any letter case; field names are
// lower case as listed; values are compared exactly (case-sensitive). ParseFilter never throws
// and bounds its input (length and nesting), so it is fuzzed as is.
//
// Pure functions and immutable values; thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace keyward::http::visionone {

// The longest filter accepted, in bytes, and the deepest nesting of parentheses and `not`.
inline constexpr std::size_t kMaxFilterLength = 4096;
inline constexpr int kMaxFilterDepth = 32;

enum class FilterField { kId, kName, kRole, kStatus, kDescription };

// What a filter is evaluated against: a key's fields as the dialect shows them.
struct FilterSubject {
  std::string id;
  std::string name;
  std::string role;
  std::string status;
  std::string description;
};

// Why a filter is refused.
enum class FilterErrorKind {
  kTooLong,        // longer than kMaxFilterLength
  kTooDeep,        // nesting beyond kMaxFilterDepth
  kEmpty,          // nothing but spaces
  kExpectedTerm,   // a field name, `not` or `(` was expected
  kUnknownField,   // a word that is not one of the five fields
  kExpectedEq,     // `eq` was expected after a field name
  kExpectedValue,  // a quoted value was expected after `eq`
  kUnterminated,   // a quoted value has no closing quote
  kExpectedClose,  // `)` was expected
  kUnexpected,     // text after a complete filter (e.g. a missing `and`)
};

struct FilterError {
  FilterErrorKind kind;
  std::size_t position;  // 1-based byte offset in the filter where the problem starts
  std::string near;      // the word found there (bounded), or empty at the end of the filter
};

// A parsed filter: a tree in a flat vector, the root last.
class Filter {
 public:
  struct Term {
    FilterField field;
    std::string value;
  };
  struct Not {
    std::size_t operand;
  };
  struct And {
    std::size_t left, right;
  };
  struct Or {
    std::size_t left, right;
  };
  using Node = std::variant<Term, Not, And, Or>;

  // Whether `subject` matches. An empty filter (no nodes) matches everything.
  bool Matches(const FilterSubject& subject) const;
  // The filter written back in canonical form (fully parenthesised); for tests.
  std::string ToString() const;

  std::vector<Node> nodes;

 private:
  bool Eval(std::size_t node, const FilterSubject& subject) const;
  std::string Write(std::size_t node) const;
};

// Parses `text`. Errors name the 1-based position where the problem starts.
std::variant<Filter, FilterError> ParseFilter(std::string_view text);

// The field's name as written in a filter ("id", "name", ...).
std::string_view FilterFieldName(FilterField field);

}  // namespace keyward::http::visionone
