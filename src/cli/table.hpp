// Text tables for people reading a terminal: columns aligned by display width, so names in
// Japanese (two columns a character) line up with ASCII ones. Also the helpers that make text
// from the server safe to print. Pure; thread-compatible.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace keyward::cli {

// Returns the number of terminal columns `utf8` occupies: East Asian wide and fullwidth
// characters count two, combining marks and zero-width characters none, everything else one.
// Invalid UTF-8 counts one column a byte (Printable() shows such a byte as one U+FFFD).
std::size_t DisplayWidth(std::string_view utf8);

// Returns `text` with everything that could disturb a terminal replaced by U+FFFD: control
// characters (C0 incl. tab and newline, DEL, C1), bidirectional overrides, invalid UTF-8 bytes.
// Server data (names, descriptions, messages) goes through this before it reaches a terminal.
std::string Printable(std::string_view text);

// Returns `text` cut to at most `max_width` columns, ending in "…" when something was cut.
// Precondition: max_width >= 1.
std::string Truncate(std::string_view text, std::size_t max_width);

// Rows of cells rendered as aligned columns separated by two spaces, the first row a header.
class Table {
 public:
  explicit Table(std::vector<std::string> header);

  // Precondition: cells.size() equals the header's size. Cells should already be Printable().
  void AddRow(std::vector<std::string> cells);

  // Returns the header and the rows, one line each ending in '\n', without trailing spaces.
  std::string Render() const;

 private:
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace keyward::cli
