// Fuzzes the Vision One dialect's TMV1-Filter parser and evaluator (docs/vision-one.md
// "TMV1-Filter"), and the reading of a skip token: any text parses or is refused with a
// position inside it, a parsed filter evaluates and writes back to a filter that parses to the
// same tree, and nothing crashes.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>

#include "http/visionone/filter.hpp"
#include "http/visionone/paging.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace vo = keyward::http::visionone;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  (void)vo::DecodeSkipToken(input);
  std::variant<vo::Filter, vo::FilterError> parsed = vo::ParseFilter(input);
  if (const auto* error = std::get_if<vo::FilterError>(&parsed)) {
    if (error->position < 1 || error->position > input.size() + 1) std::abort();
    return 0;
  }
  const vo::Filter& filter = std::get<vo::Filter>(parsed);
  const vo::FilterSubject subject{
      .id = "42", .name = "Splunk", .role = "Auditor", .status = "enabled", .description = "it's"};
  const bool matches = filter.Matches(subject);
  // The canonical form may exceed the bounds (it adds parentheses); within them it round-trips.
  const std::string canonical = filter.ToString();
  std::variant<vo::Filter, vo::FilterError> again = vo::ParseFilter(canonical);
  if (const auto* back = std::get_if<vo::Filter>(&again)) {
    if (back->ToString() != canonical || back->Matches(subject) != matches) std::abort();
  }
  return 0;
}
