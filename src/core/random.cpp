#include "core/random.hpp"

#include <openssl/rand.h>

#include <cstdio>
#include <cstdlib>
#include <limits>

namespace keyward::core {

void SystemRandom::Fill(std::span<std::uint8_t> out) {
  if (out.empty()) return;
  if (out.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()) ||
      RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) {
    std::fputs("keyward: the system random number generator failed\n", stderr);
    std::abort();
  }
}

void SeededRandom::Fill(std::span<std::uint8_t> out) {
  for (auto& b : out) {
    state_ += 0x9E3779B97F4A7C15ULL;
    std::uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    b = static_cast<std::uint8_t>(z);
  }
}

}  // namespace keyward::core
