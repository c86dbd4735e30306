#include "http/secret_scan.hpp"

#include <gtest/gtest.h>

#include <string>

namespace keyward::http {
namespace {

const std::string kToken = "kw_AbCdEfGhIjKl_" + std::string(43, 's') + "ChkSum";

TEST(DecodeForScan, DecodesAgainUntilNothingChanges) {
  EXPECT_EQ(DecodeForScan("%6Bw_"), "kw_");
  EXPECT_EQ(DecodeForScan("%256Bw_"), "kw_");
  EXPECT_EQ(DecodeForScan("Bearer%20kw_x"), "Bearer kw_x");
}

TEST(DecodeForScan, LeavesMalformedEscapesAsTheyAre) {
  EXPECT_EQ(DecodeForScan("%zzkw_"), "%zzkw_");
  EXPECT_EQ(DecodeForScan("100%"), "100%");
  EXPECT_EQ(DecodeForScan("%4"), "%4");
  EXPECT_EQ(DecodeForScan("a+b"), "a+b");
}

TEST(HasTokenPrefix, FindsKwAnywhere) {
  EXPECT_TRUE(HasTokenPrefix("zzkw_1"));
  EXPECT_TRUE(HasTokenPrefix("kw_"));
  EXPECT_FALSE(HasTokenPrefix("kw-1"));
  EXPECT_FALSE(HasTokenPrefix("KW_1"));
}

TEST(HasTokenShape, NeedsKwAndAWholePublicId) {
  EXPECT_TRUE(HasTokenShape(kToken));
  EXPECT_TRUE(HasTokenShape("x=zz" + kToken));
  EXPECT_TRUE(HasTokenShape("kw_x kw_AbCdEfGhIjKl"));
  EXPECT_FALSE(HasTokenShape("kw_AbCdEfGhIjK"));  // 11 characters of public id
  EXPECT_FALSE(HasTokenShape("q=kw_x"));
}

TEST(HasBareSecretShape, FindsALongBase62Run) {
  EXPECT_TRUE(HasBareSecretShape(std::string(kBareSecretRun, 'a')));
  EXPECT_TRUE(HasBareSecretShape("/x/" + kToken.substr(16)));
  EXPECT_FALSE(HasBareSecretShape(std::string(kBareSecretRun - 1, 'a') + "-" +
                                  std::string(kBareSecretRun - 1, 'a')));
}

TEST(MayCarrySecret, JudgesTheDecodedText) {
  EXPECT_TRUE(MayCarrySecret("%6Bw_AbCd"));
  EXPECT_TRUE(MayCarrySecret(kToken.substr(16)));
  EXPECT_FALSE(MayCarrySecret("apikeys"));
  EXPECT_FALSE(MayCarrySecret("42"));
}

}  // namespace
}  // namespace keyward::http
