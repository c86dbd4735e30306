// Whether text a caller typed where no credential belongs (a name, a description, an address, a
// query value) may be a token or a secret pasted there, so that it is neither kept nor echoed:
// request bodies holding one are refused (http/json_fields.hpp RefuseSecrets) and error messages
// never repeat one (core/messages.hpp RenderMessage). See docs/security.md "Secrets". Pure;
// thread-safe.
#pragma once

#include <cstddef>
#include <string_view>

namespace keyward::core {

// A token's prefix and the length of its public id (core/crypto/token.hpp, which this layer may
// not include; http/json_fields.cpp asserts they agree).
inline constexpr std::string_view kSecretShapePrefix = "kw_";
inline constexpr std::size_t kSecretShapePublicId = 12;

// How many base62 characters in a row, mixing upper case, lower case and digits, pass for a
// secret sent without "kw_" and its public id: a token's secret is 43 random base62 characters
// (every kind is there), so most of one is still caught.
inline constexpr std::size_t kSecretLikeRun = 32;

inline bool IsBase62Char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

// True when `text` holds a token's start: "kw_" and a whole public id of base62 characters.
inline bool HoldsTokenStart(std::string_view text) {
  for (std::size_t at = text.find(kSecretShapePrefix); at != std::string_view::npos;
       at = text.find(kSecretShapePrefix, at + 1)) {
    std::size_t run = 0;
    const std::string_view rest = text.substr(at + kSecretShapePrefix.size());
    while (run < rest.size() && run < kSecretShapePublicId && IsBase62Char(rest[run])) ++run;
    if (run == kSecretShapePublicId) return true;
  }
  return false;
}

// True when `text` holds a token's start (HoldsTokenStart) or a run of kSecretLikeRun base62
// characters holding an upper-case letter, a lower-case letter and a digit. A run of fewer kinds
// (a hex digest, "aaaa...") is not taken for a secret.
inline bool LooksLikeSecret(std::string_view text) {
  if (HoldsTokenStart(text)) return true;
  std::size_t run = 0;
  bool upper = false;
  bool lower = false;
  bool digit = false;
  for (const char c : text) {
    if (!IsBase62Char(c)) {
      run = 0;
      upper = lower = digit = false;
      continue;
    }
    ++run;
    upper = upper || (c >= 'A' && c <= 'Z');
    lower = lower || (c >= 'a' && c <= 'z');
    digit = digit || (c >= '0' && c <= '9');
    if (run >= kSecretLikeRun && upper && lower && digit) return true;
  }
  return false;
}

}  // namespace keyward::core
