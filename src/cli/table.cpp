#include "cli/table.hpp"

#include <algorithm>
#include <cassert>
#include <cstdint>

namespace keyward::cli {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
constexpr std::string_view kEllipsis = "\xE2\x80\xA6";     // U+2026

struct Decoded {
  char32_t code_point;  // kInvalid for a byte that starts no valid sequence
  std::size_t length;   // bytes consumed, at least 1
};
constexpr char32_t kInvalid = 0xFFFFFFFF;

// Decodes one UTF-8 sequence at the start of `s` (non-empty), rejecting overlong forms,
// surrogates and values past U+10FFFF, so every byte of bad input is reported on its own.
Decoded DecodeOne(std::string_view s) {
  const auto b0 = static_cast<unsigned char>(s[0]);
  if (b0 < 0x80) return {b0, 1};
  std::size_t length = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    length = 2;
    cp = b0 & 0x1F;
    min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    length = 3;
    cp = b0 & 0x0F;
    min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    length = 4;
    cp = b0 & 0x07;
    min = 0x10000;
  } else {
    return {kInvalid, 1};
  }
  if (s.size() < length) return {kInvalid, 1};
  for (std::size_t i = 1; i < length; ++i) {
    const auto b = static_cast<unsigned char>(s[i]);
    if ((b & 0xC0) != 0x80) return {kInvalid, 1};
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return {kInvalid, 1};
  return {cp, length};
}

bool InRanges(char32_t cp, std::initializer_list<std::pair<char32_t, char32_t>> ranges) {
  return std::any_of(ranges.begin(), ranges.end(),
                     [cp](const auto& r) { return cp >= r.first && cp <= r.second; });
}

bool IsZeroWidth(char32_t cp) {
  return InRanges(cp, {{0x0300, 0x036F},
                       {0x0483, 0x0489},
                       {0x0591, 0x05BD},
                       {0x200B, 0x200F},
                       {0x20D0, 0x20FF},
                       {0x3099, 0x309A},
                       {0xFE00, 0xFE0F},
                       {0xFE20, 0xFE2F},
                       {0xFEFF, 0xFEFF},
                       {0xE0100, 0xE01EF}});
}

// The East Asian Wide and Fullwidth blocks that matter in names: Hangul, CJK, kana, fullwidth
// forms, common emoji.
bool IsWide(char32_t cp) {
  return InRanges(cp, {{0x1100, 0x115F},
                       {0x2E80, 0x303E},
                       {0x3041, 0x33FF},
                       {0x3400, 0x4DBF},
                       {0x4E00, 0x9FFF},
                       {0xA000, 0xA4CF},
                       {0xAC00, 0xD7A3},
                       {0xF900, 0xFAFF},
                       {0xFE30, 0xFE4F},
                       {0xFF00, 0xFF60},
                       {0xFFE0, 0xFFE6},
                       {0x1F300, 0x1F64F},
                       {0x1F900, 0x1F9FF},
                       {0x20000, 0x2FFFD},
                       {0x30000, 0x3FFFD}});
}

bool IsUnsafe(char32_t cp) {
  return cp == kInvalid || cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) ||
         InRanges(cp, {{0x202A, 0x202E}, {0x2066, 0x2069}});
}

std::size_t CodePointWidth(char32_t cp) {
  if (cp == kInvalid) return 1;
  if (IsZeroWidth(cp)) return 0;
  return IsWide(cp) ? 2 : 1;
}

}  // namespace

std::size_t DisplayWidth(std::string_view utf8) {
  std::size_t width = 0;
  while (!utf8.empty()) {
    const Decoded d = DecodeOne(utf8);
    width += CodePointWidth(d.code_point);
    utf8.remove_prefix(d.length);
  }
  return width;
}

std::string Printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    const Decoded d = DecodeOne(text);
    if (IsUnsafe(d.code_point)) {
      out += kReplacement;
    } else {
      out += text.substr(0, d.length);
    }
    text.remove_prefix(d.length);
  }
  return out;
}

std::string Truncate(std::string_view text, std::size_t max_width) {
  assert(max_width >= 1);
  if (DisplayWidth(text) <= max_width) return std::string(text);
  std::string out;
  std::size_t width = 0;
  // Leave one column for the ellipsis.
  while (!text.empty()) {
    const Decoded d = DecodeOne(text);
    const std::size_t w = CodePointWidth(d.code_point);
    if (width + w > max_width - 1) break;
    out += text.substr(0, d.length);
    width += w;
    text.remove_prefix(d.length);
  }
  out += kEllipsis;
  return out;
}

Table::Table(std::vector<std::string> header) { rows_.push_back(std::move(header)); }

void Table::AddRow(std::vector<std::string> cells) {
  assert(cells.size() == rows_.front().size());
  rows_.push_back(std::move(cells));
}

std::string Table::Render() const {
  const std::size_t columns = rows_.front().size();
  std::vector<std::size_t> widths(columns, 0);
  for (const auto& row : rows_) {
    for (std::size_t c = 0; c < columns; ++c) {
      widths[c] = std::max(widths[c], DisplayWidth(row[c]));
    }
  }
  std::string out;
  for (const auto& row : rows_) {
    std::string line;
    for (std::size_t c = 0; c < columns; ++c) {
      if (c > 0) line += "  ";
      line += row[c];
      if (c + 1 < columns) line.append(widths[c] - DisplayWidth(row[c]), ' ');
    }
    // An empty last cell would leave the padding of the one before it behind.
    line.erase(line.find_last_not_of(' ') + 1);
    out += line;
    out += '\n';
  }
  return out;
}

}  // namespace keyward::cli
