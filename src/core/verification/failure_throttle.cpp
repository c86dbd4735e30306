#include "core/verification/failure_throttle.hpp"

#include <algorithm>
#include <limits>
#include <string>

#include "core/random.hpp"

namespace keyward::core {
namespace {

std::uint32_t MinuteOf(Time now) {
  return static_cast<std::uint32_t>(now.time_since_epoch().count() / 60);
}

std::uint64_t Mix(std::uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

std::uint64_t AddressBits(const IpAddress& client) {
  if (client.is_v4()) return client.v4();
  // IPv6: hash the text form; throttling works per address, collisions only over-count.
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const char c : client.ToString()) {
    h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  }
  return h | (std::uint64_t{1} << 63);
}

}  // namespace

SlidingFailureThrottle::SlidingFailureThrottle(int limit, std::size_t width, std::size_t depth)
    : limit_(limit),
      width_(std::max<std::size_t>(width, 1)),
      depth_(std::max<std::size_t>(depth, 1)),
      cells_(std::make_unique<std::atomic<std::uint64_t>[]>(width_ * depth_)) {
  // A per-process seed: an attacker cannot pick addresses that collide with a victim's.
  SystemRandom random;
  std::uint8_t bytes[8];
  random.Fill(bytes);
  seed_ = 0;
  for (const std::uint8_t b : bytes) seed_ = (seed_ << 8) | b;
  for (std::size_t i = 0; i < width_ * depth_; ++i) cells_[i].store(0, std::memory_order_relaxed);
}

std::size_t SlidingFailureThrottle::Slot(ThrottleBudget budget, const IpAddress& client,
                                         std::size_t row) const {
  // The budgets of one address land on unrelated counters.
  const std::uint64_t budget_bits =
      budget == ThrottleBudget::kPresentedKeys ? std::uint64_t{0x9e3779b97f4a7c15} : 0;
  const std::uint64_t h = Mix(AddressBits(client) ^ seed_ ^ Mix(row + 1) ^ budget_bits);
  return row * width_ + static_cast<std::size_t>(h % width_);
}

std::uint32_t SlidingFailureThrottle::Estimate(ThrottleBudget budget, const IpAddress& client,
                                               std::uint32_t minute) const {
  std::uint32_t best = std::numeric_limits<std::uint32_t>::max();
  for (std::size_t row = 0; row < depth_; ++row) {
    const std::uint64_t cell = cells_[Slot(budget, client, row)].load(std::memory_order_relaxed);
    const auto cell_minute = static_cast<std::uint32_t>(cell >> 32);
    const std::uint32_t count = cell_minute == minute ? static_cast<std::uint32_t>(cell) : 0;
    best = std::min(best, count);
  }
  return best;
}

bool SlidingFailureThrottle::Allowed(ThrottleBudget budget, const IpAddress& client, Time now) {
  if (limit_ <= 0) return true;
  return Estimate(budget, client, MinuteOf(now)) < static_cast<std::uint32_t>(limit_);
}

void SlidingFailureThrottle::RecordFailure(ThrottleBudget budget, const IpAddress& client,
                                           Time now) {
  if (limit_ <= 0) return;
  const std::uint32_t minute = MinuteOf(now);
  for (std::size_t row = 0; row < depth_; ++row) {
    std::atomic<std::uint64_t>& cell = cells_[Slot(budget, client, row)];
    std::uint64_t old = cell.load(std::memory_order_relaxed);
    std::uint64_t next = 0;
    do {
      const auto cell_minute = static_cast<std::uint32_t>(old >> 32);
      const std::uint32_t count = cell_minute == minute ? static_cast<std::uint32_t>(old) : 0;
      const std::uint32_t bumped =
          count == std::numeric_limits<std::uint32_t>::max() ? count : count + 1;
      next = (std::uint64_t{minute} << 32) | bumped;
    } while (!cell.compare_exchange_weak(old, next, std::memory_order_relaxed));
  }
}

std::int64_t SlidingFailureThrottle::RetryAfterSeconds(ThrottleBudget budget,
                                                       const IpAddress& client, Time now) const {
  if (limit_ <= 0) return 0;
  if (Estimate(budget, client, MinuteOf(now)) < static_cast<std::uint32_t>(limit_)) return 0;
  return 60 - now.time_since_epoch().count() % 60;
}

}  // namespace keyward::core
