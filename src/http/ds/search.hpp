// The Deep Security search language (docs/deep-security.md "Search"): a SearchFilter body
// {maxItems, searchCriteria, sortByObjectID} read against the searchable fields of one resource,
// and applied to objects through their field values. Every test kind: stringTest with % and _
// wildcards (stringWildcards), numericTest, booleanTest, choiceTest, date ranges
// (firstDateValue/lastDateValue, inclusive or not), nullTest and idTest; all criteria must
// match. Parsing errors name the field as sent ("searchCriteria[1].numericTest"). Pure: no I/O,
// so it is unit-tested and fuzzed (fuzz/fuzz_ds_search.cpp) apart from any server. Thread-safe.
#pragma once

#include <boost/json/object.hpp>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/result.hpp"

namespace keyward::http::ds {

// Which tests a criterion on a field may use.
enum class FieldKind { kString, kNumeric, kBoolean, kDate, kId, kChoice };

struct SearchField {
  std::string_view name;  // as the dialect spells it ("keyName")
  FieldKind kind;
};

// One field's value on one object: null (e.g. a never-used key's lastSignIn), a string, an
// integer (numeric and id fields, and dates in epoch milliseconds) or a boolean.
using FieldValue = std::variant<std::monostate, std::string, std::int64_t, bool>;

// The value of the field named `name` (one of the resource's SearchFields) on one object.
using FieldValueOf = std::function<FieldValue(std::string_view name)>;

inline constexpr std::int64_t kDefaultMaxItems = 5000;

// A parsed SearchFilter.
class Search {
 public:
  // Reads `body` (an empty object: every object, at most kDefaultMaxItems, in the list's order)
  // against `fields`. kInvalidArgument naming the member for a wrong type, an unknown field
  // name, a test the field's kind does not take, a criterion with no test or two, an unknown
  // operator, a negative maxItems.
  static core::Result<Search> Parse(const boost::json::object& body,
                                    std::span<const SearchField> fields);

  // Whether the object whose values `value_of` gives matches every criterion.
  bool Matches(const FieldValueOf& value_of) const;

  // The most objects a search answers (maxItems; 0 means none).
  std::int64_t max_items() const;
  // Whether the answer is sorted by id ascending (sortByObjectID).
  bool sort_by_object_id() const;

  Search(Search&&) noexcept;
  Search& operator=(Search&&) noexcept;
  ~Search();

  struct Criteria;  // the parsed criteria (search.cpp)

 private:
  explicit Search(std::unique_ptr<Criteria> criteria);
  std::unique_ptr<Criteria> criteria_;
};

// The answer of `search` over `items` (in their list order): the items that match, sorted by id
// ascending when the search asks for it, at most max_items of them. `value_of(item, name)` gives
// an item's FieldValue of field `name`; `id_of(item)` its integer id.
template <typename T, typename ValueOf, typename IdOf>
std::vector<const T*> ApplySearch(const Search& search, const std::vector<T>& items,
                                  ValueOf value_of, IdOf id_of) {
  std::vector<const T*> matched;
  for (const T& item : items) {
    if (search.Matches([&](std::string_view name) { return value_of(item, name); })) {
      matched.push_back(&item);
    }
  }
  if (search.sort_by_object_id()) {
    std::stable_sort(matched.begin(), matched.end(),
                     [&](const T* a, const T* b) { return id_of(*a) < id_of(*b); });
  }
  const auto max = static_cast<std::size_t>(search.max_items());
  if (matched.size() > max) matched.resize(max);
  return matched;
}

}  // namespace keyward::http::ds
