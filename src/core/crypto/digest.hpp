// Secret digests: HMAC-SHA256(pepper, secret) with a versioned pepper that lives outside the
// store, compared in constant time. The pepper file holds lines `<version> <base64 of >= 32
// bytes>`; the highest version is current, older ones still verify digests made with them.
// A retired version's line is `<version> retired <base64 of its 32-byte audit chain key>`: it
// keeps only the key that verifies the audit events chained under it (docs/operations.md
// "Pepper rotation"), so no secret digest under a retired version ever matches.
// PepperSet is immutable after construction (thread-safe to share). SecretHasher keys HMAC once
// per pepper version at construction (the inner and outer SHA-256 states), so Digest/Matches are
// thread-safe, share nothing written, and allocate nothing on the hot path.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/random.hpp"
#include "core/result.hpp"

namespace keyward::core {

inline constexpr std::size_t kDigestSize = 32;
inline constexpr std::size_t kMinPepperBytes = 32;
// The purpose of the audit chain key (PepperSet::DeriveKey), the one key a retired version keeps.
inline constexpr std::string_view kAuditChainKeyPurpose = "audit chain";

struct SecretDigest {
  std::uint32_t pepper_version = 0;
  std::array<std::uint8_t, kDigestSize> mac{};
  friend bool operator==(const SecretDigest&, const SecretDigest&) = default;
};

class PepperSet {
 public:
  // Parses a pepper file. Blank lines and lines starting with '#' are ignored. Errors (bad
  // version, bad base64, fewer than 32 bytes, a retired chain key not of 32 bytes, duplicate
  // version, no full pepper line, the highest version retired) name the line number, never the
  // pepper bytes.
  static Result<PepperSet> Parse(std::string_view file_contents);
  // A new pepper file's contents with one version-1 pepper of 32 random bytes.
  static std::string Generate(Random& random);

  // The highest version; never a retired one.
  std::uint32_t current_version() const { return current_; }
  // The pepper bytes of `version`, or an empty span when there is none (a retired version has
  // none).
  std::span<const std::uint8_t> Find(std::uint32_t version) const;
  // The versions held in full (not retired), ascending.
  std::vector<std::uint32_t> versions() const;
  // The retired versions, ascending.
  std::vector<std::uint32_t> retired_versions() const;
  bool IsRetired(std::uint32_t version) const { return retired_.contains(version); }
  // A fingerprint of one version (lowercase hex of HMAC(pepper, "keyward pepper fingerprint
  // v1")), safe to store: it reveals nothing usable about the pepper. Empty for an unknown or a
  // retired version.
  std::string Fingerprint(std::uint32_t version) const;
  // A key derived from pepper `version` for `purpose` (e.g. the audit chain key):
  // HMAC(pepper, "keyward derive " + purpose). For a retired version, the key its line keeps when
  // `purpose` is kAuditChainKeyPurpose. All zeros when there is no such key (HoldsKey false).
  std::array<std::uint8_t, kDigestSize> DeriveKey(std::string_view purpose,
                                                  std::uint32_t version) const;
  // Whether DeriveKey(purpose, version) gives a real key.
  bool HoldsKey(std::string_view purpose, std::uint32_t version) const;
  // A fingerprint of the audit chain key of `version` (lowercase hex of HMAC(chain key, "keyward
  // chain key fingerprint v1")), the same whether the version is held in full or retired, safe to
  // store. Empty when the set has no chain key for `version`.
  std::string ChainKeyFingerprint(std::uint32_t version) const;

 private:
  std::map<std::uint32_t, std::vector<std::uint8_t>> peppers_;
  std::map<std::uint32_t, std::array<std::uint8_t, kDigestSize>> retired_;  // chain keys
  std::uint32_t current_ = 0;
};

// Standard base64 (padded) of `bytes`.
std::string Base64Encode(std::span<const std::uint8_t> bytes);

// Lowercase hex of `bytes`.
std::string HexEncode(std::span<const std::uint8_t> bytes);

// Constant-time equality of two byte strings of the same length (false if lengths differ; the
// length itself is not secret).
bool ConstantTimeEqual(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b);

class HmacKeys;  // digest.cpp

using Mac = std::array<std::uint8_t, kDigestSize>;

// The same for two MACs, inline for the verification chain (OpenSSL's CRYPTO_memcmp is a byte
// loop behind a call): the four words are XORed and ORed together with no early exit, and the
// empty asm statement hides the running value from the optimiser, so it cannot turn the
// accumulation into a compare that stops at the first difference.
inline bool ConstantTimeEqual(const Mac& a, const Mac& b) {
  std::uint64_t diff = 0;
  for (std::size_t i = 0; i < kDigestSize; i += sizeof(std::uint64_t)) {
    std::uint64_t x = 0;
    std::uint64_t y = 0;
    std::memcpy(&x, a.data() + i, sizeof x);
    std::memcpy(&y, b.data() + i, sizeof y);
    diff |= x ^ y;
    __asm__ volatile("" : "+r"(diff));
  }
  return diff == 0;
}

class SecretHasher {
 public:
  explicit SecretHasher(PepperSet peppers);
  ~SecretHasher();
  SecretHasher(const SecretHasher&) = delete;
  SecretHasher& operator=(const SecretHasher&) = delete;

  // HMAC-SHA256 of `secret` under the current pepper. Aborts the process if OpenSSL fails (or
  // the set is empty): a digest that is not one must never be stored.
  SecretDigest Digest(std::string_view secret) const;
  // Whether `secret` matches `digest` (under the digest's pepper version), in constant time.
  // False when that pepper version is unknown.
  bool Matches(const SecretDigest& digest, std::string_view secret) const;
  // Computes one HMAC and discards it: what an unknown public id pays, so timing tells nothing.
  void Burn(std::string_view secret) const;

  // HMAC-SHA256 of `secret` under pepper `version` into `out`; false when that version is
  // unknown. For a caller that compares one MAC with several digests (ConstantTimeEqual).
  bool Compute(std::uint32_t version, std::string_view secret, Mac& out) const;

  const PepperSet& peppers() const { return peppers_; }

 private:
  PepperSet peppers_;
  std::unique_ptr<const HmacKeys> keys_;
};

}  // namespace keyward::core
