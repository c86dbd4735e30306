#include "core/text.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>
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
