#include "cli/table.hpp"

#include <gtest/gtest.h>

namespace keyward::cli {
namespace {

TEST(DisplayWidth, CountsColumnsNotBytes) {
  EXPECT_EQ(DisplayWidth(""), 0u);
  EXPECT_EQ(DisplayWidth("abc"), 3u);
  EXPECT_EQ(DisplayWidth("日本語"), 6u);       // 9 bytes, 3 wide characters
  EXPECT_EQ(DisplayWidth("ｷｰ"), 2u);           // halfwidth katakana stay narrow
  EXPECT_EQ(DisplayWidth("Ａ"), 2u);           // fullwidth Latin
  EXPECT_EQ(DisplayWidth("e\xCC\x81"), 1u);    // e + combining acute
  EXPECT_EQ(DisplayWidth("caf\xC3\xA9"), 4u);  // precomposed é
  EXPECT_EQ(DisplayWidth("\xFF\xFE"), 2u);     // invalid bytes, one column each
  EXPECT_EQ(DisplayWidth("\xE6\x97"), 2u);     // truncated sequence
}

TEST(Printable, ReplacesWhatCouldDisturbATerminal) {
  EXPECT_EQ(Printable("plain 日本語"), "plain 日本語");
  EXPECT_EQ(Printable("\x1b[31mred"), "\xEF\xBF\xBD[31mred");
  EXPECT_EQ(Printable("a\nb\tc"),
            "a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD"
            "c");
  EXPECT_EQ(Printable("x\xC2\x9By"), "x\xEF\xBF\xBDy");  // C1 CSI
  EXPECT_EQ(Printable("\xE2\x80\xAE"
                      "evil"),
            "\xEF\xBF\xBD"
            "evil");                                             // right-to-left override
  EXPECT_EQ(Printable("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong '/'
}

TEST(Truncate, CutsAtTheColumnLimitWithAnEllipsis) {
  EXPECT_EQ(Truncate("short", 10), "short");
  EXPECT_EQ(Truncate("abcdefghij", 5), "abcd…");
  EXPECT_EQ(Truncate("日本語キー", 5), "日本…");  // a wide character never straddles the limit
  EXPECT_LE(DisplayWidth(Truncate("日本語キー", 6)), 6u);
}

TEST(Table, AlignsColumnsByDisplayWidthWithJapaneseNames) {
  Table table({"ID", "NAME", "ROLE"});
  table.AddRow({"1", "日本語キー", "Auditor"});
  table.AddRow({"22", "ascii", "Master Administrator"});
  table.AddRow({"333", "é", ""});
  EXPECT_EQ(table.Render(),
            "ID   NAME        ROLE\n"
            "1    日本語キー  Auditor\n"
            "22   ascii       Master Administrator\n"
            "333  é\n");
}

TEST(Table, HeaderAloneRendersOneLine) { EXPECT_EQ(Table({"A", "B"}).Render(), "A  B\n"); }

}  // namespace
}  // namespace keyward::cli
