// Accept-Encoding and If-None-Match as the console reads them (negotiation.hpp).
#include "http/console/negotiation.hpp"

#include <gtest/gtest.h>

namespace keyward::http::console {
namespace {

TEST(AcceptsGzip, ListedGzipIsAccepted) {
  EXPECT_TRUE(AcceptsGzip("gzip"));
  EXPECT_TRUE(AcceptsGzip("gzip, deflate, br"));
  EXPECT_TRUE(AcceptsGzip("br;q=1.0, gzip;q=0.8, *;q=0.1"));
  EXPECT_TRUE(AcceptsGzip("GZip"));
  EXPECT_TRUE(AcceptsGzip("x-gzip"));
  EXPECT_TRUE(AcceptsGzip("  deflate ,gzip ; q=0.001"));
}

TEST(AcceptsGzip, QZeroRefusesIt) {
  EXPECT_FALSE(AcceptsGzip("gzip;q=0"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0.0"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0.000"));
  EXPECT_FALSE(AcceptsGzip("gzip; Q=0"));
  EXPECT_FALSE(AcceptsGzip("deflate, gzip;q=0, br"));
  // An explicit refusal wins over the wildcard.
  EXPECT_FALSE(AcceptsGzip("*, gzip;q=0"));
}

TEST(AcceptsGzip, WildcardCountsOnlyWhenGzipIsNotListed) {
  EXPECT_TRUE(AcceptsGzip("*"));
  EXPECT_TRUE(AcceptsGzip("br, *;q=0.5"));
  EXPECT_FALSE(AcceptsGzip("*;q=0"));
  EXPECT_TRUE(AcceptsGzip("*;q=0, gzip"));
}

TEST(AcceptsGzip, NothingOrOtherCodingsRefuseIt) {
  EXPECT_FALSE(AcceptsGzip(""));
  EXPECT_FALSE(AcceptsGzip("identity"));
  EXPECT_FALSE(AcceptsGzip("deflate, br"));
  EXPECT_FALSE(AcceptsGzip("gzipx"));
  EXPECT_FALSE(AcceptsGzip(","));
}

TEST(AcceptsGzip, MalformedQValueAcceptsNothing) {
  EXPECT_FALSE(AcceptsGzip("gzip;q=2"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=1.5"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0.0001"));
  EXPECT_FALSE(AcceptsGzip("gzip;q="));
  EXPECT_FALSE(AcceptsGzip("gzip;q=abc"));
  EXPECT_FALSE(AcceptsGzip("gzip;level=9"));
  EXPECT_TRUE(AcceptsGzip("gzip;q=1.000"));
  EXPECT_TRUE(AcceptsGzip("gzip;q=1."));
}

TEST(EtagMatches, TheSameTagMatches) {
  EXPECT_TRUE(EtagMatches(R"("abc")", R"("abc")"));
  EXPECT_TRUE(EtagMatches(R"("x", "abc")", R"("abc")"));
  EXPECT_TRUE(EtagMatches(R"(  "x" ,  "abc"  )", R"("abc")"));
}

TEST(EtagMatches, WeakTagsCompareWeakly) {
  EXPECT_TRUE(EtagMatches(R"(W/"abc")", R"("abc")"));
  EXPECT_TRUE(EtagMatches(R"("x", W/"abc")", R"("abc")"));
}

TEST(EtagMatches, StarMatchesAnything) {
  EXPECT_TRUE(EtagMatches("*", R"("abc")"));
  EXPECT_TRUE(EtagMatches(" *", R"("abc")"));
}

TEST(EtagMatches, OtherTagsDoNot) {
  EXPECT_FALSE(EtagMatches("", R"("abc")"));
  EXPECT_FALSE(EtagMatches(R"("abcd")", R"("abc")"));
  EXPECT_FALSE(EtagMatches(R"("ab")", R"("abc")"));
  EXPECT_FALSE(EtagMatches(R"("abc-gzip")", R"("abc")"));
  EXPECT_FALSE(EtagMatches("abc", R"("abc")"));  // unquoted: malformed
}

TEST(EtagMatches, MalformedListMatchesNothingFromTheFault) {
  EXPECT_FALSE(EtagMatches(R"(garbage, "abc")", R"("abc")"));
  EXPECT_FALSE(EtagMatches(R"("abc)", R"("abc")"));
  EXPECT_TRUE(EtagMatches(R"("abc", garbage)", R"("abc")"));
}

}  // namespace
}  // namespace keyward::http::console
