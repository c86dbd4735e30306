// Random: the source of secrets and public ids, injectable so tests can be deterministic.
// SystemRandom (OpenSSL's CSPRNG) is thread-safe; SeededRandom is not (one per test).
#pragma once

#include <cstdint>
#include <span>

namespace keyward::core {

class Random {
 public:
  virtual ~Random() = default;
  // Fills `out` with random bytes. Aborts the process if the system CSPRNG fails: a key
  // service that cannot draw randomness must not issue secrets.
  virtual void Fill(std::span<std::uint8_t> out) = 0;
};

class SystemRandom final : public Random {
 public:
  void Fill(std::span<std::uint8_t> out) override;
};

// Deterministic bytes from a seed (splitmix64). Never for production secrets.
class SeededRandom final : public Random {
 public:
  explicit SeededRandom(std::uint64_t seed) : state_(seed) {}
  void Fill(std::span<std::uint8_t> out) override;

 private:
  std::uint64_t state_;
};

}  // namespace keyward::core
