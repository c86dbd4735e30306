#include "core/time_zone.hpp"

#include <date/tz.h>
#include <fmt/format.h>

#include <chrono>
#include <cstdint>
#include <exception>
#include <optional>
#include <string>

namespace keyward::core {
namespace {

constexpr std::size_t kMaxZoneNameLength = 64;

// The OS tz database is a directory tree, so a name is screened before it reaches the library:
// IANA names are short and use only these characters, never "..", never an absolute path.
bool LooksLikeZoneName(std::string_view name) {
  if (name.empty() || name.size() > kMaxZoneNameLength) return false;
  if (name.front() == '/' || name.find("..") != std::string_view::npos) return false;
  // The OS database also lists "localtime", the host's own zone, which is not an IANA name.
  if (name == "localtime") return false;
  for (const char c : name) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '/' || c == '_' || c == '-' || c == '+';
    if (!ok) return false;
  }
  return true;
}

// The zone, or nullptr when it is not in the database. A zone's file is read on first use, so a
// lookup also forces that read here: a zone that cannot be loaded counts as unknown.
const date::time_zone* FindZone(std::string_view name) {
  if (!LooksLikeZoneName(name)) return nullptr;
  try {
    const date::time_zone* zone = date::locate_zone(name);
    (void)zone->get_info(std::chrono::sys_seconds{});
    return zone;
  } catch (const std::exception&) {
    return nullptr;
  }
}

bool IsUtcName(std::string_view zone) { return zone == "UTC" || zone == "Etc/UTC"; }

Error TimeInvalid(std::string_view text) {
  return MakeError(ErrorCode::kInvalidArgument, Msg::kTimeInvalid, {std::string(text)});
}

// A cursor over the text being parsed; every read fails rather than run past the end.
class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}

  bool AtEnd() const { return pos_ == text_.size(); }
  char Peek() const { return AtEnd() ? '\0' : text_[pos_]; }

  bool Accept(char c) {
    if (Peek() != c) return false;
    ++pos_;
    return true;
  }

  // Exactly `count` ASCII digits as a number.
  std::optional<int> Digits(std::size_t count) {
    if (text_.size() - pos_ < count) return std::nullopt;
    int value = 0;
    for (std::size_t i = 0; i < count; ++i) {
      const char c = text_[pos_ + i];
      if (c < '0' || c > '9') return std::nullopt;
      value = value * 10 + (c - '0');
    }
    pos_ += count;
    return value;
  }

  // Skips one or more digits; false when there are none.
  bool SkipDigits() {
    const std::size_t start = pos_;
    while (Peek() >= '0' && Peek() <= '9') ++pos_;
    return pos_ > start;
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

struct ParsedTime {
  date::local_seconds local;
  std::optional<std::chrono::minutes> offset;  // nullopt: no offset, read in the caller's zone
};

std::optional<date::local_days> ReadDate(Reader& in) {
  const auto year = in.Digits(4);
  if (!year || !in.Accept('-')) return std::nullopt;
  const auto month = in.Digits(2);
  if (!month || !in.Accept('-')) return std::nullopt;
  const auto day = in.Digits(2);
  if (!day) return std::nullopt;
  const date::year_month_day ymd{date::year{*year}, date::month{static_cast<unsigned>(*month)},
                                 date::day{static_cast<unsigned>(*day)}};
  // ok() checks the month and the day against that month, leap years included.
  if (!ymd.ok()) return std::nullopt;
  return date::local_days{ymd};
}

// HH:MM:SS with optional fractional seconds, which are dropped.
std::optional<std::chrono::seconds> ReadTimeOfDay(Reader& in) {
  const auto hour = in.Digits(2);
  if (!hour || *hour > 23 || !in.Accept(':')) return std::nullopt;
  const auto minute = in.Digits(2);
  if (!minute || *minute > 59 || !in.Accept(':')) return std::nullopt;
  const auto second = in.Digits(2);
  // A leap second (60) is refused: times here have no way to name it.
  if (!second || *second > 59) return std::nullopt;
  if (in.Accept('.') && !in.SkipDigits()) return std::nullopt;
  return std::chrono::hours{*hour} + std::chrono::minutes{*minute} + std::chrono::seconds{*second};
}

// "Z", "+hh:mm" or "-hh:mm" as the offset from UTC.
std::optional<std::chrono::minutes> ReadOffset(Reader& in) {
  if (in.Accept('Z') || in.Accept('z')) return std::chrono::minutes{0};
  const char sign = in.Peek();
  if (sign != '+' && sign != '-') return std::nullopt;
  in.Accept(sign);
  const auto hours = in.Digits(2);
  if (!hours || *hours > 23 || !in.Accept(':')) return std::nullopt;
  const auto minutes = in.Digits(2);
  if (!minutes || *minutes > 59) return std::nullopt;
  const std::chrono::minutes magnitude =
      std::chrono::hours{*hours} + std::chrono::minutes{*minutes};
  return sign == '-' ? -magnitude : magnitude;
}

std::optional<ParsedTime> ParseRfc3339(std::string_view text) {
  Reader in(text);
  const auto day = ReadDate(in);
  if (!day || !(in.Accept('T') || in.Accept('t'))) return std::nullopt;
  const auto time_of_day = ReadTimeOfDay(in);
  if (!time_of_day) return std::nullopt;
  ParsedTime parsed{*day + *time_of_day, std::nullopt};
  if (in.AtEnd()) return parsed;
  parsed.offset = ReadOffset(in);
  if (!parsed.offset || !in.AtEnd()) return std::nullopt;
  return parsed;
}

// A local time read in `zone_name`; an unknown zone reads as UTC, as FormatTime renders it.
Result<Time> LocalToSys(date::local_seconds local, std::string_view text,
                        std::string_view zone_name) {
  const date::time_zone* zone = FindZone(zone_name);
  if (zone == nullptr) return Time{local.time_since_epoch()};
  date::local_info info;
  try {
    info = zone->get_info(local);
  } catch (const std::exception&) {
    return TimeInvalid(text);
  }
  if (info.result == date::local_info::nonexistent) {
    return MakeError(ErrorCode::kInvalidArgument, Msg::kTimeNonexistent,
                     {std::string(text), std::string(zone_name)});
  }
  // For an ambiguous time `first` is the period before the transition, whose instant is earlier.
  return Time{local.time_since_epoch() - info.first.offset};
}

}  // namespace

Status ValidateTimeZone(std::string_view name) {
  if (FindZone(name) == nullptr) {
    return MakeError(ErrorCode::kInvalidArgument, Msg::kTimeZoneInvalid, {std::string(name)});
  }
  return Ok();
}

std::string FormatTime(Time t, std::string_view zone) {
  std::chrono::minutes offset{0};
  const date::time_zone* found = IsUtcName(zone) ? nullptr : FindZone(zone);
  if (found != nullptr) {
    try {
      // Historic offsets may carry seconds, which RFC 3339 cannot write; dropping them from both
      // the local time and the offset keeps the rendered instant exact.
      offset = std::chrono::duration_cast<std::chrono::minutes>(found->get_info(t).offset);
    } catch (const std::exception&) {
      found = nullptr;
    }
  }
  const Time local = t + offset;
  const auto day = std::chrono::floor<date::days>(local);
  const date::year_month_day ymd{day};
  const date::hh_mm_ss<std::chrono::seconds> hms{local - day};
  std::string out =
      fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  hms.hours().count(), hms.minutes().count(), hms.seconds().count());
  if (found == nullptr) return out + "Z";
  const auto magnitude = offset < std::chrono::minutes{0} ? -offset : offset;
  return out + fmt::format("{}{:02}:{:02}", offset < std::chrono::minutes{0} ? '-' : '+',
                           magnitude.count() / 60, magnitude.count() % 60);
}

Result<Time> ParseTime(std::string_view text, std::string_view zone) {
  const auto parsed = ParseRfc3339(text);
  if (!parsed) return TimeInvalid(text);
  Result<Time> t = parsed->offset
                       ? Result<Time>(Time{parsed->local.time_since_epoch() - *parsed->offset})
                       : LocalToSys(parsed->local, text, zone);
  if (!t) return t;
  // Keyward's times must render as RFC 3339 (four-digit years) in every zone a caller may use.
  constexpr Time kEarliest{Seconds{0}};           // 1970-01-01T00:00:00Z
  constexpr Time kLatest{Seconds{253370764800}};  // 9999-01-01T00:00:00Z
  if (*t < kEarliest || *t >= kLatest) return TimeInvalid(text);
  return t;
}

Result<Time> ParseTimeField(std::string_view text, std::string_view zone, std::string_view field) {
  Result<Time> time = ParseTime(text, zone);
  if (!time) return time.error().WithField(std::string(field));
  return time;
}

}  // namespace keyward::core
