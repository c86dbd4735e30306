#include "http/secret_scan.hpp"

#include "core/crypto/token.hpp"
#include "core/secret_shape.hpp"

namespace keyward::http {
namespace {

constexpr int kMaxDecodeRounds = 4;

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// One round of lenient percent-decoding; false when `text` held no escape to decode.
bool DecodeOnce(std::string_view text, std::string& out) {
  out.clear();
  out.reserve(text.size());
  bool decoded = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      const int high = HexValue(text[i + 1]);
      const int low = HexValue(text[i + 2]);
      if (high >= 0 && low >= 0) {
        out += static_cast<char>(high * 16 + low);
        i += 2;
        decoded = true;
        continue;
      }
    }
    out += text[i];
  }
  return decoded;
}

}  // namespace

std::string DecodeForScan(std::string_view text) {
  std::string current(text);
  std::string next;
  for (int round = 0; round < kMaxDecodeRounds; ++round) {
    if (current.find('%') == std::string::npos || !DecodeOnce(current, next)) break;
    current.swap(next);
  }
  return current;
}

bool HasTokenPrefix(std::string_view text) {
  return text.find(core::kTokenPrefix) != std::string_view::npos;
}

bool HasTokenShape(std::string_view text) { return core::HoldsTokenStart(text); }

bool HasBareSecretShape(std::string_view text) {
  std::size_t run = 0;
  for (const char c : text) {
    run = core::IsBase62Char(c) ? run + 1 : 0;
    if (run >= kBareSecretRun) return true;
  }
  return false;
}

bool MayCarrySecret(std::string_view text) {
  const std::string decoded = DecodeForScan(text);
  return HasTokenPrefix(decoded) || HasBareSecretShape(decoded);
}

}  // namespace keyward::http
