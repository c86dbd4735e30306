#include "core/time_zone.hpp"

#include <date/date.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace keyward::core {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

// The UTC instant of a calendar date and time.
Time MakeUtc(int y, unsigned mo, unsigned d, int h, int mi, int s) {
  return Time{date::sys_days{date::year{y} / date::month{mo} / date::day{d}}} + hours{h} +
         minutes{mi} + std::chrono::seconds{s};
}

TEST(TimeFormat, RendersTokyoWithItsOffset) {
  EXPECT_EQ(FormatTime(MakeUtc(2026, 11, 22, 6, 0, 0), "Asia/Tokyo"), "2026-11-22T15:00:00+09:00");
}

TEST(TimeFormat, RendersUtcWithZ) {
  EXPECT_EQ(FormatTime(MakeUtc(2026, 11, 22, 6, 0, 0), "UTC"), "2026-11-22T06:00:00Z");
  EXPECT_EQ(FormatTime(MakeUtc(2026, 11, 22, 6, 0, 0), "Etc/UTC"), "2026-11-22T06:00:00Z");
}

TEST(TimeFormat, RendersNewYorkWinterAsEst) {
  EXPECT_EQ(FormatTime(MakeUtc(2026, 1, 15, 17, 30, 5), "America/New_York"),
            "2026-01-15T12:30:05-05:00");
}

TEST(TimeFormat, RendersNewYorkSummerAsEdt) {
  EXPECT_EQ(FormatTime(MakeUtc(2026, 7, 4, 16, 0, 0), "America/New_York"),
            "2026-07-04T12:00:00-04:00");
}

TEST(TimeFormat, RendersHalfHourOffset) {
  EXPECT_EQ(FormatTime(MakeUtc(2026, 1, 1, 0, 0, 0), "Asia/Kolkata"), "2026-01-01T05:30:00+05:30");
}

TEST(TimeFormat, RendersUnknownZoneAsUtc) {
  EXPECT_EQ(FormatTime(MakeUtc(2026, 11, 22, 6, 0, 0), "Mars/Olympus"), "2026-11-22T06:00:00Z");
}

TEST(TimeParse, ReadsZuluTime) {
  const auto t = ParseTime("2026-11-22T06:00:00Z", "Asia/Tokyo");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(*t, MakeUtc(2026, 11, 22, 6, 0, 0));
}

TEST(TimeParse, ReadsLowercaseSeparators) {
  const auto t = ParseTime("2026-11-22t06:00:00z", "UTC");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(*t, MakeUtc(2026, 11, 22, 6, 0, 0));
}

TEST(TimeParse, OffsetOverridesZone) {
  const auto plus = ParseTime("2026-11-22T15:00:00+09:00", "America/New_York");
  ASSERT_TRUE(plus.has_value());
  EXPECT_EQ(*plus, MakeUtc(2026, 11, 22, 6, 0, 0));
  const auto minus = ParseTime("2026-11-22T01:00:00-05:30", "Asia/Tokyo");
  ASSERT_TRUE(minus.has_value());
  EXPECT_EQ(*minus, MakeUtc(2026, 11, 22, 6, 30, 0));
}

TEST(TimeParse, ReadsTimeWithoutOffsetInZone) {
  const auto t = ParseTime("2026-11-22T15:00:00", "Asia/Tokyo");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(*t, MakeUtc(2026, 11, 22, 6, 0, 0));
}

TEST(TimeParse, TruncatesFractionalSeconds) {
  const auto t = ParseTime("2026-11-22T06:00:07.999999Z", "UTC");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(*t, MakeUtc(2026, 11, 22, 6, 0, 7));
}

TEST(TimeParse, RoundTripsFormattedTime) {
  const Time t = MakeUtc(2026, 3, 29, 0, 59, 59);
  for (const char* zone : {"UTC", "Asia/Tokyo", "America/New_York", "Europe/London"}) {
    const auto back = ParseTime(FormatTime(t, zone), "UTC");
    ASSERT_TRUE(back.has_value()) << zone;
    EXPECT_EQ(*back, t) << zone;
  }
}

TEST(TimeParse, RejectsNonexistentLocalTime) {
  const auto t = ParseTime("2026-03-08T02:30:00", "America/New_York");
  ASSERT_FALSE(t.has_value());
  EXPECT_EQ(t.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(t.error().msg, Msg::kTimeNonexistent);
  EXPECT_EQ(t.error().args, (std::vector<std::string>{"2026-03-08T02:30:00", "America/New_York"}));
  EXPECT_TRUE(t.error().field.empty());
}

TEST(TimeParse, AcceptsNonexistentLocalTimeWithOffset) {
  const auto t = ParseTime("2026-03-08T02:30:00-05:00", "America/New_York");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(*t, MakeUtc(2026, 3, 8, 7, 30, 0));
}

TEST(TimeParse, AmbiguousLocalTimeTakesEarlierInstant) {
  // 01:30 happens twice on 2026-11-01 in New York: first in EDT (-04:00), then in EST (-05:00).
  const auto t = ParseTime("2026-11-01T01:30:00", "America/New_York");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(*t, MakeUtc(2026, 11, 1, 5, 30, 0));
}

TEST(TimeParse, AcceptsLeapDayInLeapYear) {
  const auto t = ParseTime("2028-02-29T00:00:00Z", "UTC");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(*t, MakeUtc(2028, 2, 29, 0, 0, 0));
}

TEST(TimeParse, RejectsBadText) {
  const char* const bad[] = {
      "",
      "2026-11-22 15:00:00Z",       // missing T
      "2026-11-2215:00:00Z",        // missing T
      "2026-13-01T00:00:00Z",       // month 13
      "2026-00-01T00:00:00Z",       // month 0
      "2026-02-30T00:00:00Z",       // Feb 30
      "2025-02-29T00:00:00Z",       // not a leap year
      "2026-04-31T00:00:00Z",       // April has 30 days
      "2026-01-00T00:00:00Z",       // day 0
      "2026-01-01T24:00:00Z",       // hour 24
      "2026-01-01T00:60:00Z",       // minute 60
      "2026-01-01T00:00:60Z",       // leap second
      "2026-01-01T00:00:00+24:00",  // offset hours
      "2026-01-01T00:00:00+09:60",  // offset minutes
      "2026-01-01T00:00:00+0900",   // offset without colon
      "2026-01-01T00:00:00+9:00",   // one-digit offset hours
      "2026-01-01T00:00:00.Z",      // empty fraction
      "2026-01-01T00:00Z",          // no seconds
      "2026-1-01T00:00:00Z",        // one-digit month
      "26-01-01T00:00:00Z",         // two-digit year
      "2026-01-01T00:00:00Zjunk",   // trailing junk
      "2026-01-01T00:00:00 ",       // trailing space
      " 2026-01-01T00:00:00Z",      // leading space
      "tomorrow",
      "2026-01-01",
  };
  for (const char* text : bad) {
    const auto t = ParseTime(text, "UTC");
    ASSERT_FALSE(t.has_value()) << '"' << text << '"';
    EXPECT_EQ(t.error().code, ErrorCode::kInvalidArgument) << text;
    EXPECT_EQ(t.error().msg, Msg::kTimeInvalid) << text;
    EXPECT_EQ(t.error().args, std::vector<std::string>{text}) << text;
    EXPECT_TRUE(t.error().field.empty()) << text;
  }
}

TEST(TimeZone, AcceptsIanaNames) {
  for (const char* name : {"UTC", "Etc/UTC", "Asia/Tokyo", "America/New_York", "Etc/GMT+9"}) {
    EXPECT_TRUE(ValidateTimeZone(name).has_value()) << name;
  }
}

TEST(TimeZone, RejectsUnknownAndSuspiciousNames) {
  for (const char* name : {"Mars/Olympus", "", "../etc/passwd", "/etc/passwd", "Asia/Tokyo ",
                           "asia/tokyo", "Asia/../Asia/Tokyo", "localtime", "zone.tab"}) {
    const Status s = ValidateTimeZone(name);
    ASSERT_FALSE(s.has_value()) << '"' << name << '"';
    EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument) << name;
    EXPECT_EQ(s.error().msg, Msg::kTimeZoneInvalid) << name;
    EXPECT_TRUE(s.error().field.empty()) << name;
  }
}

TEST(TimeZone, RejectsOverlongName) {
  EXPECT_FALSE(ValidateTimeZone("America/" + std::string(80, 'A')).has_value());
}

}  // namespace
}  // namespace keyward::core

namespace keyward::core {
namespace {

TEST(TimeParse, RejectsInstantsThatCannotRenderWithAFourDigitYearEverywhere) {
  EXPECT_FALSE(ParseTime("9999-12-31T23:59:59Z", "UTC").has_value());
  EXPECT_FALSE(ParseTime("1969-12-31T23:59:59Z", "UTC").has_value());
  ASSERT_TRUE(ParseTime("9998-12-31T23:59:59Z", "UTC").has_value());
  EXPECT_EQ(FormatTime(ParseTime("9998-12-31T23:59:59Z", "UTC").value(), "Pacific/Kiritimati"),
            "9999-01-01T13:59:59+14:00");
}

}  // namespace
}  // namespace keyward::core
