// PasswordHasher: console passwords as argon2id encoded strings (the PHC format,
// `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`: a 16-byte random salt and a 32-byte hash), and
// the rules a new password must follow. Every hash or verify takes `memory_kib` of memory and a
// noticeable amount of CPU, so at most `max_concurrent` of them run at once; a caller that gets no
// slot within the wait is told kUnavailable (Msg::kBusy) rather than queueing without bound.
// Thread-safe: the hasher draws from its Random under its own lock, so a Random used nowhere else
// may be thread-compatible (SeededRandom) and one shared with other users must be thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include "core/random.hpp"
#include "core/result.hpp"

namespace keyward::core {

// The argon2id cost. The defaults are OWASP's first recommendation: 19 MiB, 2 passes, 1 lane.
struct Argon2Params {
  std::uint32_t memory_kib = 19456;
  std::uint32_t iterations = 2;
  std::uint32_t parallelism = 1;
};

inline constexpr std::size_t kMinPasswordLength = 12;   // code points
inline constexpr std::size_t kMaxPasswordLength = 256;  // code points
inline constexpr std::size_t kOneTimePasswordLength = 20;

class PasswordHasher {
 public:
  static constexpr std::chrono::milliseconds kDefaultSlotWait{2000};

  // `random` must outlive the hasher. A `max_concurrent` below 1 counts as 1. `slot_wait` is how
  // long a call waits for a free slot before it gives up with kBusy.
  PasswordHasher(Argon2Params params, int max_concurrent, Random& random,
                 std::chrono::milliseconds slot_wait = kDefaultSlotWait);

  PasswordHasher(const PasswordHasher&) = delete;
  PasswordHasher& operator=(const PasswordHasher&) = delete;

  // Returns the argon2id encoded string of `password` under a fresh salt. Errors: kUnavailable
  // (Msg::kBusy) when no slot came free in time; kInternal when argon2 fails (parameters it
  // refuses, memory it cannot allocate).
  Result<std::string> Hash(std::string_view password) const;

  // Whether `password` matches `encoded` (compared in constant time by argon2). An `encoded` that
  // is not a well-formed argon2id string is false, never an error. Errors: kUnavailable
  // (Msg::kBusy) as for Hash; kInternal when argon2 cannot allocate or start its threads.
  Result<bool> Verify(std::string_view encoded, std::string_view password) const;

  // Does the work of one Verify against a fixed dummy hash made with this hasher's parameters,
  // so a sign-in for an unknown email takes as long as one for a known email. Returns true once
  // that work is done; false, having done nothing, when no slot came free in time (where Verify
  // would have answered kBusy, so a caller that answers kBusy on false stays indistinguishable).
  bool BurnVerify(std::string_view password) const;

  const Argon2Params& params() const { return params_; }

 private:
  class Slot;

  // Takes a slot, waiting up to slot_wait_; false when none came free.
  bool AcquireSlot() const;
  void ReleaseSlot() const;

  const Argon2Params params_;
  const int max_concurrent_;
  const std::chrono::milliseconds slot_wait_;
  const std::string dummy_encoded_;
  Random& random_;

  mutable std::mutex random_mutex_;
  mutable std::mutex slots_mutex_;
  mutable std::condition_variable slot_freed_;
  mutable int slots_in_use_ = 0;
};

// Validates a password someone chose: 12 to 256 code points of valid UTF-8 and no control
// characters (tab and line breaks included). Errors are kInvalidArgument naming `field`:
// Msg::kInvalidUtf8, Msg::kControlCharacters or Msg::kPasswordLength.
Status ValidateNewPassword(std::string_view password, std::string_view field);

// Returns a one-time password: 20 uniformly drawn base62 characters (about 119 bits).
std::string GenerateOneTimePassword(Random& random);

}  // namespace keyward::core
