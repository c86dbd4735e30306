// Clock: where core reads the time, so rules about time are tested on a clock the test moves.
// SystemClock and ManualClock are thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <ctime>

namespace keyward::core {

// Keyward keeps times with second precision (RFC 3339 without fractions on the wire).
using Time = std::chrono::sys_seconds;
using Seconds = std::chrono::seconds;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Time Now() const = 0;
};

// The wall clock, read where the kernel keeps it cheaply: times are whole seconds, so the coarse
// clock (the time at the last timer tick, a few milliseconds behind at most) gives the same
// answer at a quarter of the cost, on every verification.
class SystemClock final : public Clock {
 public:
  Time Now() const override {
#if defined(CLOCK_REALTIME_COARSE)
    timespec ts{};
    if (clock_gettime(CLOCK_REALTIME_COARSE, &ts) == 0) return Time{Seconds{ts.tv_sec}};
#endif
    return std::chrono::floor<Seconds>(std::chrono::system_clock::now());
  }
};

// A clock that stands still until told to move. For tests.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(Time start) : now_(start.time_since_epoch().count()) {}
  Time Now() const override { return Time{Seconds{now_.load()}}; }
  void Set(Time t) { now_.store(t.time_since_epoch().count()); }
  void Advance(Seconds d) { now_.fetch_add(d.count()); }

 private:
  std::atomic<Seconds::rep> now_;
};

}  // namespace keyward::core
