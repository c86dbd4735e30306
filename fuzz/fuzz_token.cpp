// Fuzzes token parsing: any input parses or is rejected, never crashes; whatever parses formats
// back to the same text.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/crypto/token.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto token = keyward::core::ParseToken(text);
  if (token && keyward::core::FormatToken(token->public_id, token->secret) != text) std::abort();
  return 0;
}
