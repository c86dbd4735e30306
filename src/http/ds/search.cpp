// STUB (replaced by the search language's implementation): matches everything.
#include "http/ds/search.hpp"

namespace keyward::http::ds {

struct Search::Criteria {
  std::int64_t max_items = kDefaultMaxItems;
  bool sort_by_object_id = false;
};

Search::Search(std::unique_ptr<Criteria> criteria) : criteria_(std::move(criteria)) {}
Search::Search(Search&&) noexcept = default;
Search& Search::operator=(Search&&) noexcept = default;
Search::~Search() = default;

core::Result<Search> Search::Parse(const boost::json::object& /*body*/,
                                   std::span<const SearchField> /*fields*/) {
  return Search(std::make_unique<Criteria>());
}

bool Search::Matches(const FieldValueOf& /*value_of*/) const { return true; }
std::int64_t Search::max_items() const { return criteria_->max_items; }
bool Search::sort_by_object_id() const { return criteria_->sort_by_object_id; }

}  // namespace keyward::http::ds
