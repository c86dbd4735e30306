#include "core/failure_throttle.hpp"

#include <gtest/gtest.h>

namespace keyward::core {
namespace {

const Time kStart{Seconds{1'800'000'000}};  // a minute boundary

IpAddress Ip(const char* text) { return IpAddress::Parse(text).value(); }

TEST(SlidingFailureThrottle, RefusesAnAddressPastItsBudgetForTheRestOfTheMinute) {
  SlidingFailureThrottle throttle(3);
  const IpAddress a = Ip("8.8.8.8");
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(throttle.Allowed(a, kStart));
    throttle.RecordFailure(a, kStart);
  }
  EXPECT_FALSE(throttle.Allowed(a, kStart));
  EXPECT_FALSE(throttle.Allowed(a, kStart + Seconds{59}));
  EXPECT_EQ(throttle.RetryAfterSeconds(a, kStart + Seconds{50}), 10);
  EXPECT_TRUE(throttle.Allowed(a, kStart + Seconds{60}));
  EXPECT_EQ(throttle.RetryAfterSeconds(a, kStart + Seconds{60}), 0);
}

TEST(SlidingFailureThrottle, OtherAddressesKeepTheirOwnBudget) {
  SlidingFailureThrottle throttle(2);
  for (int i = 0; i < 5; ++i) throttle.RecordFailure(Ip("8.8.8.8"), kStart);
  EXPECT_FALSE(throttle.Allowed(Ip("8.8.8.8"), kStart));
  EXPECT_TRUE(throttle.Allowed(Ip("8.8.4.4"), kStart));
  EXPECT_TRUE(throttle.Allowed(Ip("2001:4860::8888"), kStart));
}

TEST(SlidingFailureThrottle, MemoryStaysFixedWhateverTheNumberOfAddresses) {
  SlidingFailureThrottle throttle(30, 1024, 4);
  const std::size_t before = throttle.memory_bytes();
  for (std::uint32_t i = 0; i < 200'000; ++i) {
    throttle.RecordFailure(IpAddress::V4(0x0B000000u + i), kStart);
  }
  EXPECT_EQ(throttle.memory_bytes(), before);
  EXPECT_EQ(before, 1024u * 4u * 8u);
  // Sized for its load, a flood of one-failure addresses leaves a clean address allowed.
  SlidingFailureThrottle roomy(30);
  for (std::uint32_t i = 0; i < 20'000; ++i)
    roomy.RecordFailure(IpAddress::V4(0x0B000000u + i), kStart);
  EXPECT_TRUE(roomy.Allowed(Ip("8.8.8.8"), kStart));
}

TEST(SlidingFailureThrottle, ZeroLimitDisablesIt) {
  SlidingFailureThrottle throttle(0);
  for (int i = 0; i < 100; ++i) throttle.RecordFailure(Ip("8.8.8.8"), kStart);
  EXPECT_TRUE(throttle.Allowed(Ip("8.8.8.8"), kStart));
}

}  // namespace
}  // namespace keyward::core
