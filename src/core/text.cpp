#include "core/text.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace keyward::core {
namespace {

struct Utf8Lead {
  std::size_t length;  // bytes in the sequence
  char32_t payload;    // the code point bits the lead byte carries
  char32_t min;        // the smallest code point this length may encode (no overlong forms)
};

std::optional<Utf8Lead> ReadLead(unsigned char lead) {
  if ((lead & 0xE0u) == 0xC0u) return Utf8Lead{2, lead & 0x1Fu, 0x80};
  if ((lead & 0xF0u) == 0xE0u) return Utf8Lead{3, lead & 0x0Fu, 0x800};
  if ((lead & 0xF8u) == 0xF0u) return Utf8Lead{4, lead & 0x07u, 0x10000};
  return std::nullopt;  // a continuation byte, or 0xF8-0xFF
}

// Reads one UTF-8 sequence at `pos`, advancing past it. Rejects what RFC 3629 forbids:
// overlong forms, surrogates, code points past U+10FFFF and truncated sequences.
std::optional<char32_t> DecodeUtf8(std::string_view text, std::size_t& pos) {
  const auto first = static_cast<unsigned char>(text[pos]);
  if (first < 0x80) {
    ++pos;
    return first;
  }
  const auto lead = ReadLead(first);
  if (!lead || text.size() - pos < lead->length) return std::nullopt;
  char32_t cp = lead->payload;
  for (std::size_t i = 1; i < lead->length; ++i) {
    const auto next = static_cast<unsigned char>(text[pos + i]);
    if ((next & 0xC0u) != 0x80u) return std::nullopt;
    cp = (cp << 6) | (next & 0x3Fu);
  }
  if (cp < lead->min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
  pos += lead->length;
  return cp;
}

// C0, DEL and C1.
bool IsControl(char32_t cp) { return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F); }

// Code points that show nothing, or reorder what is shown, so two names that look the same can
// differ: zero-width spaces and joiners, bidirectional marks, embeddings, overrides and
// isolates, the byte order mark, fillers, variation selectors and tags.
bool IsInvisible(char32_t cp) {
  static constexpr std::pair<char32_t, char32_t> kRanges[] = {
      {0x00AD, 0x00AD},    // soft hyphen
      {0x034F, 0x034F},    // combining grapheme joiner
      {0x061C, 0x061C},    // Arabic letter mark
      {0x115F, 0x1160},    // Hangul fillers
      {0x17B4, 0x17B5},    // Khmer inherent vowels
      {0x180B, 0x180F},    // Mongolian variation selectors and vowel separator
      {0x200B, 0x200F},    // zero-width space, non-joiner, joiner; LRM, RLM
      {0x2028, 0x202E},    // line and paragraph separators; embeddings and overrides
      {0x2060, 0x206F},    // word joiner, invisible operators, isolates, deprecated formats
      {0x3164, 0x3164},    // Hangul filler
      {0xFE00, 0xFE0F},    // variation selectors
      {0xFEFF, 0xFEFF},    // byte order mark / zero-width no-break space
      {0xFFA0, 0xFFA0},    // halfwidth Hangul filler
      {0xFFF0, 0xFFFB},    // unassigned specials, interlinear annotation
      {0x1D173, 0x1D17A},  // musical formatting
      {0xE0000, 0xE0FFF},  // tags and supplementary variation selectors
  };
  for (const auto& [first, last] : kRanges) {
    if (cp >= first && cp <= last) return true;
  }
  return false;
}

enum class TextFault { kNone, kInvalidUtf8, kControl, kInvisible };

struct TextScan {
  TextFault fault = TextFault::kNone;
  std::size_t code_points = 0;
};

// Counts the code points of `text`, stopping at the first fault. Tab, LF and CR pass when
// `allow_line_breaks` is set; invisible code points (IsInvisible) fail when `refuse_invisible`.
TextScan ScanText(std::string_view text, bool allow_line_breaks, bool refuse_invisible) {
  TextScan scan;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto cp = DecodeUtf8(text, pos);
    if (!cp) return {TextFault::kInvalidUtf8, scan.code_points};
    const bool line_break = *cp == U'\t' || *cp == U'\n' || *cp == U'\r';
    if (IsControl(*cp) && !(allow_line_breaks && line_break)) {
      return {TextFault::kControl, scan.code_points};
    }
    if (refuse_invisible && IsInvisible(*cp)) return {TextFault::kInvisible, scan.code_points};
    ++scan.code_points;
  }
  return scan;
}

// The error for a fault, or nullopt when there is none.
std::optional<Error> FaultError(TextFault fault, std::string_view field) {
  switch (fault) {
    case TextFault::kNone:
      return std::nullopt;
    case TextFault::kInvalidUtf8:
      return InvalidArgument(Msg::kInvalidUtf8, std::string(field), {std::string(field)});
    case TextFault::kControl:
      return InvalidArgument(Msg::kControlCharacters, std::string(field), {std::string(field)});
    case TextFault::kInvisible:
      return InvalidArgument(Msg::kInvisibleCharacters, std::string(field), {std::string(field)});
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::size_t> FirstInvalidUtf8(std::string_view text) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t start = pos;
    if (!DecodeUtf8(text, pos)) return start;
  }
  return std::nullopt;
}

std::string NameKey(std::string_view name) {
  std::string key(name);
  // Bytes of multibyte UTF-8 sequences are all >= 0x80, so folding bytes folds only ASCII.
  for (char& c : key) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return key;
}

Status ValidateName(std::string_view name, std::string_view field) {
  // A name is shown and compared by people, and travels in X-Keyward-Key-Name / -Role: nothing
  // in it may hide, so "Full Access" plus a zero-width space cannot pass for Full Access.
  const TextScan scan = ScanText(name, /*allow_line_breaks=*/false, /*refuse_invisible=*/true);
  if (auto error = FaultError(scan.fault, field)) return *error;
  if (scan.code_points == 0 || scan.code_points > kMaxNameLength) {
    return InvalidArgument(Msg::kNameLength, std::string(field),
                           {std::string(field), std::to_string(kMaxNameLength)});
  }
  return Ok();
}

Status ValidateAttributes(std::string_view text, std::size_t max_bytes, std::string_view field) {
  if (text.size() > max_bytes) {
    return InvalidArgument(Msg::kTextTooLong, std::string(field),
                           {std::string(field), std::to_string(max_bytes)});
  }
  return Ok();
}

Status ValidateDescription(std::string_view text, std::string_view field) {
  const TextScan scan = ScanText(text, /*allow_line_breaks=*/true, /*refuse_invisible=*/false);
  if (auto error = FaultError(scan.fault, field)) return *error;
  if (scan.code_points > kMaxDescriptionLength) {
    return InvalidArgument(Msg::kTextTooLong, std::string(field),
                           {std::string(field), std::to_string(kMaxDescriptionLength)});
  }
  return Ok();
}

}  // namespace keyward::core
