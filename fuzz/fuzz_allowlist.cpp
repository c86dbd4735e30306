// Fuzzes allowlist and client-address parsing: every entry is accepted or rejected with an error,
// never a crash; an accepted entry prints back to a form that parses to the same range.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/net/ip.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto range = keyward::core::ParseAllowlistEntry(text);
  if (range) {
    auto again = keyward::core::ParseAllowlistEntry(range->ToString());
    if (!again || !(*again == *range)) std::abort();
  } else {
    (void)range.error().Message();
  }
  (void)keyward::core::IpAddress::Parse(text);
  return 0;
}
