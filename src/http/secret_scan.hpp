// Finding API key tokens and bare secrets in text that must never carry one: query strings
// (docs/api.md "Conventions": a token in a query string is refused) and the paths the access log
// writes. Text is percent-decoded before it is looked at, so an encoded token is found as surely
// as a plain one. See docs/security.md "HTTP transport attacks". Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace keyward::http {

// How many base62 characters in a row pass for a secret sent without "kw_" and its public id: a
// token ends in 49 (43 of secret, 6 of checksum); most of them is still most of a secret.
inline constexpr std::size_t kBareSecretRun = 32;

// `text` percent-decoded again and again until nothing changes (at most 4 rounds: "%256B" is
// "%6B" is "k"), so that a token encoded twice is found too. A '%' not followed by two hex
// digits stays as it is; '+' stays '+' (no token holds a space).
std::string DecodeForScan(std::string_view text);

// Whether `text` holds "kw_", the prefix of every token, anywhere.
bool HasTokenPrefix(std::string_view text);

// Whether `text` holds the start of a token anywhere: "kw_" and a whole public id (12 base62
// characters).
bool HasTokenShape(std::string_view text);

// Whether `text` holds a run of at least kBareSecretRun base62 characters.
bool HasBareSecretShape(std::string_view text);

// Whether a piece of a path or a method, once decoded, may carry a secret: it holds "kw_"
// anywhere or the shape of a bare secret.
bool MayCarrySecret(std::string_view text);

}  // namespace keyward::http
