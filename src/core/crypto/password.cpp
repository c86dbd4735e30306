#include "core/crypto/password.hpp"

#include <argon2.h>

#include <algorithm>
#include <array>
#include <cstring>

#include "core/crypto/token.hpp"
#include "core/text.hpp"

namespace keyward::core {
namespace {

constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kHashBytes = 32;

// The encoded string of an all-zero salt and hash under `params`. No password hashes to it in
// practice; it exists so BurnVerify does exactly the work of a real Verify. In argon2's unpadded
// Base64, 16 zero bytes are 22 'A's and 32 zero bytes 43.
std::string DummyEncoded(const Argon2Params& params) {
  return "$argon2id$v=19$m=" + std::to_string(params.memory_kib) +
         ",t=" + std::to_string(params.iterations) + ",p=" + std::to_string(params.parallelism) +
         "$" + std::string(22, 'A') + "$" + std::string(43, 'A');
}

Error Busy() { return MakeError(ErrorCode::kUnavailable, Msg::kBusy); }

// Failures of the machine rather than of the encoded string.
bool IsResourceFailure(int rc) {
  return rc == ARGON2_MEMORY_ALLOCATION_ERROR || rc == ARGON2_THREAD_FAIL;
}

int RunVerify(const std::string& encoded, std::string_view password) {
  return argon2id_verify(encoded.c_str(), password.data(), password.size());
}

}  // namespace

// Holds one of the hasher's slots for its lifetime, if it got one.
class PasswordHasher::Slot {
 public:
  explicit Slot(const PasswordHasher& hasher) : hasher_(hasher), held_(hasher.AcquireSlot()) {}
  ~Slot() {
    if (held_) hasher_.ReleaseSlot();
  }
  Slot(const Slot&) = delete;
  Slot& operator=(const Slot&) = delete;

  bool held() const { return held_; }

 private:
  const PasswordHasher& hasher_;
  const bool held_;
};

PasswordHasher::PasswordHasher(Argon2Params params, int max_concurrent, Random& random,
                               std::chrono::milliseconds slot_wait)
    : params_(params),
      max_concurrent_(std::max(max_concurrent, 1)),
      slot_wait_(slot_wait),
      dummy_encoded_(DummyEncoded(params)),
      random_(random) {}

bool PasswordHasher::AcquireSlot() const {
  std::unique_lock lock(slots_mutex_);
  if (!slot_freed_.wait_for(lock, slot_wait_, [this] { return slots_in_use_ < max_concurrent_; })) {
    return false;
  }
  ++slots_in_use_;
  return true;
}

void PasswordHasher::ReleaseSlot() const {
  {
    std::lock_guard lock(slots_mutex_);
    --slots_in_use_;
  }
  slot_freed_.notify_one();
}

Result<std::string> PasswordHasher::Hash(std::string_view password) const {
  std::array<std::uint8_t, kSaltBytes> salt{};
  {
    std::lock_guard lock(random_mutex_);
    random_.Fill(salt);
  }
  std::string encoded(argon2_encodedlen(params_.iterations, params_.memory_kib, params_.parallelism,
                                        kSaltBytes, kHashBytes, Argon2_id),
                      '\0');
  const Slot slot(*this);
  if (!slot.held()) return Busy();
  const int rc = argon2id_hash_encoded(params_.iterations, params_.memory_kib, params_.parallelism,
                                       password.data(), password.size(), salt.data(), salt.size(),
                                       kHashBytes, encoded.data(), encoded.size());
  if (rc != ARGON2_OK) return Internal(std::string("argon2id: ") + argon2_error_message(rc));
  encoded.resize(std::strlen(encoded.c_str()));
  return encoded;
}

Result<bool> PasswordHasher::Verify(std::string_view encoded, std::string_view password) const {
  // argon2 reads a C string: an embedded NUL would silently cut the hash short.
  if (encoded.find('\0') != std::string_view::npos) return false;
  const std::string text(encoded);
  const Slot slot(*this);
  if (!slot.held()) return Busy();
  const int rc = RunVerify(text, password);
  if (rc == ARGON2_OK) return true;
  if (IsResourceFailure(rc)) return Internal(std::string("argon2id: ") + argon2_error_message(rc));
  // A mismatch, and every way an encoded string can be malformed.
  return false;
}

bool PasswordHasher::BurnVerify(std::string_view password) const {
  const Slot slot(*this);
  if (!slot.held()) return false;
  const int rc = RunVerify(dummy_encoded_, password);
  return rc == ARGON2_VERIFY_MISMATCH || rc == ARGON2_OK;
}

Status ValidateNewPassword(std::string_view password, std::string_view field) {
  // ValidateDescription's scan rejects invalid UTF-8 and every control character except tab and
  // line breaks; its own length limit is not ours, so only its other errors count.
  if (auto status = ValidateDescription(password, field);
      !status && status.error().msg != Msg::kTextTooLong) {
    return status.error();
  }
  if (password.find_first_of("\t\n\r") != std::string_view::npos) {
    return InvalidArgument(Msg::kControlCharacters, std::string(field), {std::string(field)});
  }
  // Valid UTF-8 by now: every byte that is not a continuation byte starts one code point.
  const auto code_points =
      static_cast<std::size_t>(std::count_if(password.begin(), password.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U;
      }));
  if (code_points < kMinPasswordLength || code_points > kMaxPasswordLength) {
    return InvalidArgument(Msg::kPasswordLength, std::string(field),
                           {std::string(field), std::to_string(kMinPasswordLength),
                            std::to_string(kMaxPasswordLength)});
  }
  return Ok();
}

std::string GenerateOneTimePassword(Random& random) {
  // Every character of a secret is drawn uniformly and independently, so its first 20 are a
  // uniform 20-character base62 string.
  static_assert(kSecretLength >= kOneTimePasswordLength);
  return GenerateSecret(random).substr(0, kOneTimePasswordLength);
}

}  // namespace keyward::core
