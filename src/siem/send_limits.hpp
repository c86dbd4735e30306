// SendLimits: how long one delivery attempt may take. Plain value type.
#pragma once

#include <atomic>
#include <chrono>

namespace keyward::siem {

using SteadyTime = std::chrono::steady_clock::time_point;

// An attempt gives up at `deadline`, or as soon as `*abort` turns true (when set).
struct SendLimits {
  SteadyTime deadline;
  const std::atomic<bool>* abort = nullptr;
};

}  // namespace keyward::siem
