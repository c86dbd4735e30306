#include "core/text.hpp"

#include <gtest/gtest.h>

#include <string_view>

namespace keyward::core {
namespace {

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

}  // namespace
}  // namespace keyward::core
