// SlidingFailureThrottle: the per-client-IP failure throttle of the verification chain
// (docs/architecture.md "The verification chain", step 1): an address that failed more than `limit`
// times within a minute is answered RATE_LIMITED until its minute has passed. Memory is fixed at
// construction whatever the number of addresses: failures are counted in a count-min sketch
// (`depth` rows of `width` counters, one hash per row, the smallest count wins), so an address is
// never under-counted and another address only over-counts it when it collides in every row.
// Counters hold the minute they count and restart when the minute changes. The two budgets of an
// address (ThrottleBudget) hash to different counters, so they never share a count.
//
// Thread-safe and lock-free: each counter is one atomic word.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "core/verification/verifier.hpp"

namespace keyward::core {

class SlidingFailureThrottle final : public FailureThrottle {
 public:
  // `limit` failures a minute are allowed (0 disables the throttle); `width` counters per row,
  // `depth` rows: memory is width * depth * 8 bytes.
  explicit SlidingFailureThrottle(int limit = 30, std::size_t width = 16384, std::size_t depth = 4);

  bool Allowed(ThrottleBudget budget, const IpAddress& client, Time now) override;
  void RecordFailure(ThrottleBudget budget, const IpAddress& client, Time now) override;

  // Seconds until `client` may try again on `budget` (0 when allowed now).
  std::int64_t RetryAfterSeconds(ThrottleBudget budget, const IpAddress& client,
                                 Time now) const override;
  std::size_t memory_bytes() const { return width_ * depth_ * sizeof(std::uint64_t); }

 private:
  std::uint32_t Estimate(ThrottleBudget budget, const IpAddress& client,
                         std::uint32_t minute) const;
  std::size_t Slot(ThrottleBudget budget, const IpAddress& client, std::size_t row) const;

  int limit_;
  std::size_t width_;
  std::size_t depth_;
  std::uint64_t seed_;
  // Each word: minute (high 32 bits) and count (low 32 bits).
  std::unique_ptr<std::atomic<std::uint64_t>[]> cells_;
};

}  // namespace keyward::core
