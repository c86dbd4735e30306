// API key tokens: `kw_<publicid>_<secret><checksum>` (docs/api.md "Token format"). 12 base62
// characters of public id, 43 of secret (>= 256 bits), 6 of base62 CRC32 over everything before.
// Parsing allocates nothing and rejects any malformed input without a lookup. Thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/random.hpp"

namespace keyward::core {

inline constexpr std::size_t kPublicIdLength = 12;
inline constexpr std::size_t kSecretLength = 43;
inline constexpr std::size_t kChecksumLength = 6;
inline constexpr std::string_view kTokenPrefix = "kw_";
inline constexpr std::size_t kTokenLength =
    kTokenPrefix.size() + kPublicIdLength + 1 + kSecretLength + kChecksumLength;

// A token's parts as views into the parsed text (valid while that text lives).
struct TokenView {
  std::string_view public_id;
  std::string_view secret;
};

// Uniform random base62 strings from `random` (rejection sampling, no modulo bias).
std::string GeneratePublicId(Random& random);
std::string GenerateSecret(Random& random);

// The full token for a public id and secret, checksum included.
std::string FormatToken(std::string_view public_id, std::string_view secret);

// The public prefix shown for a key: "kw_" + public id.
std::string TokenPrefix(std::string_view public_id);

// Where a token's public id would be, with nothing checked, or empty when the length is wrong:
// only for starting work that stands whatever the token turns out to be (a lookup's prefetch).
inline std::string_view UncheckedPublicId(std::string_view text) {
  if (text.size() != kTokenLength) return {};
  return text.substr(kTokenPrefix.size(), kPublicIdLength);
}

// Parses a presented token. nullopt for anything that is not exactly the format with a matching
// checksum: wrong length, prefix, alphabet, separator or checksum. Never throws.
std::optional<TokenView> ParseToken(std::string_view text);

// The 6-character base62 CRC32 (zero-padded, most significant digit first) of `text`.
std::string Checksum(std::string_view text);

}  // namespace keyward::core
