// Names and free text as Keyward accepts them: the validation of a key's, role's or account's
// name and of a description, and the name as compared for uniqueness. Stateless functions;
// thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace keyward::core {

inline constexpr std::size_t kMaxNameLength = 128;
inline constexpr std::size_t kMaxDescriptionLength = 1024;

// The name as compared for uniqueness: ASCII letters folded to lower case, every other code
// point exactly as given. Decided here, not by a database collation.
std::string NameKey(std::string_view name);

// Validates a key, role or account name: 1-128 code points of valid UTF-8, no control
// characters and no invisible, bidirectional-control or byte-order-mark characters (zero-width
// space and joiners, U+200E/F, U+202A-202E, U+2066-2069, U+FEFF, ...). Errors name `field`.
Status ValidateName(std::string_view name, std::string_view field = "name");
// Validates a description: at most 1024 code points of valid UTF-8, no control characters
// other than tab and line breaks (LF, CR).
Status ValidateDescription(std::string_view text, std::string_view field = "description");
// Where `text` stops being valid UTF-8 (RFC 3629: no overlong forms, surrogates, code points
// past U+10FFFF or truncated sequences): the offset of the first byte of the first bad sequence,
// or nullopt when all of it is valid.
std::optional<std::size_t> FirstInvalidUtf8(std::string_view text);
// `text` without the spaces and tabs at either end (HTTP's optional whitespace, RFC 9110 5.6.3).
// Inline: forward-auth trims header values on every request.
inline std::string_view TrimOws(std::string_view text) {
  const auto ows = [](char c) { return c == ' ' || c == '\t'; };
  while (!text.empty() && ows(text.front())) text.remove_prefix(1);
  while (!text.empty() && ows(text.back())) text.remove_suffix(1);
  return text;
}

// Whether `a` and `b` are equal with ASCII letters compared regardless of case (HTTP field names,
// schemes, media types, filter keywords). Reads nothing past either view. (Boost 1.74's
// beast::iequals reads one byte past the end when only the last characters differ in case.)
inline bool AsciiIEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// A dialect's attributes (Role::attributes, Account::attributes): at most `max_bytes` bytes.
// The adapter that writes them makes them valid JSON; core only bounds them.
Status ValidateAttributes(std::string_view text, std::size_t max_bytes,
                          std::string_view field = "attributes");

}  // namespace keyward::core
