#include "core/verification/failure_throttle.hpp"

#include <gtest/gtest.h>

namespace keyward::core {
namespace {

const Time kStart{Seconds{1'800'000'000}};  // a minute boundary

constexpr ThrottleBudget kOwn = ThrottleBudget::kOwnAuthentication;
constexpr ThrottleBudget kPresented = ThrottleBudget::kPresentedKeys;

IpAddress Ip(const char* text) { return IpAddress::Parse(text).value(); }

TEST(SlidingFailureThrottle, RefusesAnAddressPastItsBudgetForTheRestOfTheMinute) {
  SlidingFailureThrottle throttle(3);
  const IpAddress a = Ip("8.8.8.8");
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(throttle.Allowed(kOwn, a, kStart));
    throttle.RecordFailure(kOwn, a, kStart);
  }
  EXPECT_FALSE(throttle.Allowed(kOwn, a, kStart));
  EXPECT_FALSE(throttle.Allowed(kOwn, a, kStart + Seconds{59}));
  EXPECT_EQ(throttle.RetryAfterSeconds(kOwn, a, kStart + Seconds{50}), 10);
  EXPECT_TRUE(throttle.Allowed(kOwn, a, kStart + Seconds{60}));
  EXPECT_EQ(throttle.RetryAfterSeconds(kOwn, a, kStart + Seconds{60}), 0);
}

TEST(SlidingFailureThrottle, OtherAddressesKeepTheirOwnBudget) {
  SlidingFailureThrottle throttle(2);
  for (int i = 0; i < 5; ++i) throttle.RecordFailure(kOwn, Ip("8.8.8.8"), kStart);
  EXPECT_FALSE(throttle.Allowed(kOwn, Ip("8.8.8.8"), kStart));
  EXPECT_TRUE(throttle.Allowed(kOwn, Ip("8.8.4.4"), kStart));
  EXPECT_TRUE(throttle.Allowed(kOwn, Ip("2001:4860::8888"), kStart));
}

TEST(SlidingFailureThrottle, TheTwoBudgetsOfAnAddressNeverShareACount) {
  SlidingFailureThrottle throttle(2);
  const IpAddress gateway = Ip("8.8.8.8");
  for (int i = 0; i < 50; ++i) throttle.RecordFailure(kPresented, gateway, kStart);
  EXPECT_FALSE(throttle.Allowed(kPresented, gateway, kStart));
  EXPECT_TRUE(throttle.Allowed(kOwn, gateway, kStart));
  EXPECT_EQ(throttle.RetryAfterSeconds(kOwn, gateway, kStart), 0);
  for (int i = 0; i < 2; ++i) throttle.RecordFailure(kOwn, Ip("8.8.4.4"), kStart);
  EXPECT_FALSE(throttle.Allowed(kOwn, Ip("8.8.4.4"), kStart));
  EXPECT_TRUE(throttle.Allowed(kPresented, Ip("8.8.4.4"), kStart));
}

TEST(SlidingFailureThrottle, MemoryStaysFixedWhateverTheNumberOfAddresses) {
  SlidingFailureThrottle throttle(30, 1024, 4);
  const std::size_t before = throttle.memory_bytes();
  for (std::uint32_t i = 0; i < 200'000; ++i) {
    throttle.RecordFailure(kOwn, IpAddress::V4(0x0B000000u + i), kStart);
  }
  EXPECT_EQ(throttle.memory_bytes(), before);
  EXPECT_EQ(before, 1024u * 4u * 8u);
  // Sized for its load, a flood of one-failure addresses leaves a clean address allowed.
  SlidingFailureThrottle roomy(30);
  for (std::uint32_t i = 0; i < 20'000; ++i)
    roomy.RecordFailure(kOwn, IpAddress::V4(0x0B000000u + i), kStart);
  EXPECT_TRUE(roomy.Allowed(kOwn, Ip("8.8.8.8"), kStart));
}

TEST(SlidingFailureThrottle, ZeroLimitDisablesIt) {
  SlidingFailureThrottle throttle(0);
  for (int i = 0; i < 100; ++i) throttle.RecordFailure(kOwn, Ip("8.8.8.8"), kStart);
  EXPECT_TRUE(throttle.Allowed(kOwn, Ip("8.8.8.8"), kStart));
}

}  // namespace
}  // namespace keyward::core
