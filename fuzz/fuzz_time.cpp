// Fuzzes RFC 3339 parsing in a zone: any input is a time or an error, never a crash; a parsed time
// formats and parses back to itself.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/time_zone.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  for (const char* zone : {"UTC", "Asia/Tokyo", "America/New_York"}) {
    auto t = keyward::core::ParseTime(text, zone);
    if (!t) continue;
    auto back = keyward::core::ParseTime(keyward::core::FormatTime(*t, zone), zone);
    if (!back || *back != *t) std::abort();
  }
  return 0;
}
