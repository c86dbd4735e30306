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

TEST(LooksLikeSecret, FindsATokenOrAMixedBase62Run) {
  EXPECT_TRUE(LooksLikeSecret(kToken));
  EXPECT_TRUE(LooksLikeSecret("pasted kw_AbCdEfGhIjKl here"));
  // A secret alone: 43 random base62 characters mix every kind.
  EXPECT_TRUE(LooksLikeSecret("x VWmt0tjmiuXXDFv4Bo2dylRk5gWGva2d8f4dRuMAOLf x"));
  EXPECT_TRUE(LooksLikeSecret(std::string(30, 'a') + "B1"));
  // A long run of fewer kinds is a digest or filler, not a secret.
  EXPECT_FALSE(LooksLikeSecret(std::string(300, 'a')));
  EXPECT_FALSE(LooksLikeSecret("3f2a9c0d4e5b6a7f8091a2b3c4d5e6f70123456789abcdef0123456789abcdef"));
  EXPECT_FALSE(LooksLikeSecret("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"));
  // Kinds spread over shorter runs do not add up.
  EXPECT_FALSE(LooksLikeSecret(std::string(20, 'a') + " " + std::string(20, 'B') + " 1234"));
  EXPECT_FALSE(LooksLikeSecret(std::string(30, 'a') + "B"));  // 31 characters
  EXPECT_FALSE(LooksLikeSecret("Splunk forwarder (production, eu-west-1)"));
  EXPECT_FALSE(LooksLikeSecret("kw_short"));
}

TEST(MayCarrySecret, JudgesTheDecodedText) {
  EXPECT_TRUE(MayCarrySecret("%6Bw_AbCd"));
  EXPECT_TRUE(MayCarrySecret(kToken.substr(16)));
  EXPECT_FALSE(MayCarrySecret("apikeys"));
  EXPECT_FALSE(MayCarrySecret("42"));
}

}  // namespace
}  // namespace keyward::http
