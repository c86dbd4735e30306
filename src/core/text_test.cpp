#include "core/text.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <optional>
#include <string_view>

namespace keyward::core {
namespace {

// A view of exactly `text`'s bytes in a heap block of that size, so that under AddressSanitizer
// a read one byte past the view is a reported overflow.
struct HeapView {
  explicit HeapView(std::string_view text) : bytes(new char[text.size()]), size(text.size()) {
    std::memcpy(bytes.get(), text.data(), text.size());
  }
  std::string_view view() const { return {bytes.get(), size}; }
  std::unique_ptr<char[]> bytes;
  std::size_t size;
};

TEST(FirstInvalidUtf8, ValidTextHasNone) {
  EXPECT_EQ(FirstInvalidUtf8(""), std::nullopt);
  EXPECT_EQ(FirstInvalidUtf8("plain ASCII"), std::nullopt);
  EXPECT_EQ(FirstInvalidUtf8("\xe6\x9d\xb1\xe4\xba\xac \xf0\x9f\x94\x91"), std::nullopt);
}

TEST(FirstInvalidUtf8, NamesTheFirstByteOfTheFirstBadSequence) {
  EXPECT_EQ(FirstInvalidUtf8("ab\xff"), 2u);
  EXPECT_EQ(FirstInvalidUtf8("a\xc0\xaf"), 1u);          // overlong "/"
  EXPECT_EQ(FirstInvalidUtf8("\xed\xa0\x80"), 0u);       // a surrogate, U+D800
  EXPECT_EQ(FirstInvalidUtf8("ok\xe6\x9d"), 2u);         // truncated
  EXPECT_EQ(FirstInvalidUtf8("\xf4\x90\x80\x80"), 0u);   // past U+10FFFF
  EXPECT_EQ(FirstInvalidUtf8("\xe6\x9d\xb1\x80x"), 3u);  // a stray continuation byte
}

TEST(AsciiIEquals, FoldsAsciiLettersOnly) {
  EXPECT_TRUE(AsciiIEquals("Content-Type", "content-type"));
  EXPECT_TRUE(AsciiIEquals("", ""));
  EXPECT_FALSE(AsciiIEquals("bearer", "bearer "));
  EXPECT_FALSE(AsciiIEquals("a", "b"));
  EXPECT_FALSE(AsciiIEquals("[", "{"));        // 0x5B and 0x7B differ by 0x20 but are not letters
  EXPECT_FALSE(AsciiIEquals("\xC9", "\xE9"));  // nor are bytes past ASCII
}

// The Vision One filter parser's keyword check found by fuzzing (fuzz/corpus/visionone_filter):
// only the last character differs in case, at the very end of the input's allocation.
TEST(AsciiIEquals, ReadsNothingPastEitherViewWhenOnlyTheLastCharacterDiffersInCase) {
  const HeapView word("nOT");
  const HeapView keyword("not");
  EXPECT_TRUE(AsciiIEquals(word.view(), keyword.view()));
  const HeapView other("noX");
  EXPECT_FALSE(AsciiIEquals(other.view(), keyword.view()));
}

}  // namespace
}  // namespace keyward::core
