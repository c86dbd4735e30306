// The per-pepper HMAC states below use OpenSSL's SHA256_CTX, which OpenSSL 3 marks deprecated.
// It is the one API that lets a keyed SHA-256 state be copied without a heap allocation (the EVP
// digest and MAC contexts of OpenSSL 3 allocate on every copy or re-key, about half the cost of
// a MAC of a short secret), so this file, and only this file, asks for it.
#define OPENSSL_SUPPRESS_DEPRECATED

#include "core/crypto/digest.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <optional>
#include <utility>

namespace keyward::core {
namespace {

constexpr std::string_view kFingerprintLabel = "keyward pepper fingerprint v1";
constexpr std::string_view kDerivePrefix = "keyward derive ";
constexpr std::string_view kChainKeyFingerprintLabel = "keyward chain key fingerprint v1";
constexpr std::string_view kRetiredWord = "retired";

Error PepperError(std::size_t line, std::string_view reason) {
  std::string detail = "pepper file";
  if (line > 0) detail += " line " + std::to_string(line);
  detail += ": ";
  detail += reason;
  return MakeError(ErrorCode::kInvalidArgument, Msg::kStoreError, {std::move(detail)});
}

bool IsSpace(char ch) { return ch == ' ' || ch == '\t' || ch == '\r'; }

std::string_view Trim(std::string_view text) {
  while (!text.empty() && IsSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
  return text;
}

// A positive decimal uint32; nullopt for anything else (signs, spaces, overflow, zero).
std::optional<std::uint32_t> ParseVersion(std::string_view text) {
  if (text.empty() || text.size() > 10) return std::nullopt;
  std::uint64_t value = 0;
  for (char ch : text) {
    if (ch < '0' || ch > '9') return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(ch - '0');
  }
  if (value == 0 || value > std::numeric_limits<std::uint32_t>::max()) return std::nullopt;
  return static_cast<std::uint32_t>(value);
}

bool IsBase64Char(char ch) {
  return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
         ch == '+' || ch == '/';
}

// Standard base64, padded or not. EVP_DecodeBlock alone is too lenient (it skips whitespace and
// counts padding as zero bytes), so the shape is checked here and the padding subtracted.
std::optional<std::vector<std::uint8_t>> DecodeBase64(std::string_view text) {
  std::string padded(text);
  while (!padded.empty() && padded.back() == '=') padded.pop_back();
  const std::size_t data_chars = padded.size();
  if (data_chars == 0 || data_chars % 4 == 1 || text.size() - data_chars > 2) return std::nullopt;
  for (char ch : padded) {
    if (!IsBase64Char(ch)) return std::nullopt;
  }
  // Padding, if given, must be exactly what completes the last quantum.
  const std::size_t pad = (4 - data_chars % 4) % 4;
  if (text.size() != data_chars && text.size() != data_chars + pad) return std::nullopt;
  padded.append(pad, '=');
  if (padded.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    return std::nullopt;
  }
  std::vector<std::uint8_t> out(padded.size() / 4 * 3);
  const int written =
      EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(padded.data()),
                      static_cast<int>(padded.size()));
  OPENSSL_cleanse(padded.data(), padded.size());
  if (written < 0 || static_cast<std::size_t>(written) != out.size()) return std::nullopt;
  out.resize(out.size() - pad);
  return out;
}

[[noreturn]] void DieHmacFailed() {
  std::fputs("keyward: HMAC-SHA256 failed in OpenSSL\n", stderr);
  std::abort();
}

// One-shot HMAC-SHA256 for the rare, cold computations (fingerprints, derived keys).
bool HmacOnce(std::span<const std::uint8_t> key, std::string_view data,
              std::array<std::uint8_t, kDigestSize>& out) {
  std::size_t out_len = 0;
  return EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key.data(), key.size(),
                   reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(),
                   out.size(), &out_len) != nullptr &&
         out_len == kDigestSize;
}

std::array<std::uint8_t, kDigestSize> OneShotHmac(std::span<const std::uint8_t> key,
                                                  std::string_view data) {
  std::array<std::uint8_t, kDigestSize> out{};
  if (!HmacOnce(key, data, out)) DieHmacFailed();
  return out;
}

constexpr std::size_t kShaBlock = 64;

}  // namespace

// HMAC-SHA256 (RFC 2104) keyed once per pepper version: the SHA-256 states after absorbing
// (key XOR ipad) and (key XOR opad). A MAC then copies the two small states and runs the
// compression function twice for a secret shorter than 56 bytes, with no allocation.
class HmacKeys {
 public:
  explicit HmacKeys(const PepperSet& peppers) {
    for (const std::uint32_t version : peppers.versions()) {
      Keyed& k = keyed_.emplace_back();
      k.version = version;
      const std::span<const std::uint8_t> key = peppers.Find(version);
      std::array<std::uint8_t, kShaBlock> block{};
      if (key.size() > kShaBlock) {
        SHA256(key.data(), key.size(), block.data());  // a long key is hashed first
      } else {
        std::copy(key.begin(), key.end(), block.begin());
      }
      std::array<std::uint8_t, kShaBlock> pad{};
      for (std::size_t i = 0; i < kShaBlock; ++i) pad[i] = block[i] ^ 0x36;
      if (SHA256_Init(&k.inner) != 1 || SHA256_Update(&k.inner, pad.data(), pad.size()) != 1) {
        DieHmacFailed();
      }
      for (std::size_t i = 0; i < kShaBlock; ++i) pad[i] = block[i] ^ 0x5c;
      if (SHA256_Init(&k.outer) != 1 || SHA256_Update(&k.outer, pad.data(), pad.size()) != 1) {
        DieHmacFailed();
      }
      OPENSSL_cleanse(pad.data(), pad.size());
      OPENSSL_cleanse(block.data(), block.size());
    }
    // The current version first: the one almost every call asks for.
    std::stable_sort(keyed_.begin(), keyed_.end(), [&](const Keyed& a, const Keyed& b) {
      return (a.version == peppers.current_version()) > (b.version == peppers.current_version());
    });
  }
  ~HmacKeys() {
    for (Keyed& k : keyed_) OPENSSL_cleanse(&k, sizeof(k));
  }
  HmacKeys(const HmacKeys&) = delete;
  HmacKeys& operator=(const HmacKeys&) = delete;

  bool Mac(std::uint32_t version, std::string_view data,
           std::array<std::uint8_t, kDigestSize>& out) const {
    for (const Keyed& k : keyed_) {
      if (k.version != version) continue;
      SHA256_CTX ctx = k.inner;
      std::array<std::uint8_t, kDigestSize> inner{};
      bool ok = SHA256_Update(&ctx, data.data(), data.size()) == 1 &&
                SHA256_Final(inner.data(), &ctx) == 1;
      ctx = k.outer;
      ok = ok && SHA256_Update(&ctx, inner.data(), inner.size()) == 1 &&
           SHA256_Final(out.data(), &ctx) == 1;
      OPENSSL_cleanse(&ctx, sizeof(ctx));
      OPENSSL_cleanse(inner.data(), inner.size());
      return ok;
    }
    return false;
  }

 private:
  struct Keyed {
    std::uint32_t version = 0;
    SHA256_CTX inner{};
    SHA256_CTX outer{};
  };
  std::vector<Keyed> keyed_;
};

Result<PepperSet> PepperSet::Parse(std::string_view file_contents) {
  PepperSet set;
  std::size_t line_number = 0;
  while (!file_contents.empty()) {
    ++line_number;
    const std::size_t end = file_contents.find('\n');
    const std::string_view line = Trim(file_contents.substr(0, end));
    file_contents.remove_prefix(end == std::string_view::npos ? file_contents.size() : end + 1);
    if (line.empty() || line.front() == '#') continue;

    const std::size_t space = line.find_first_of(" \t");
    if (space == std::string_view::npos) {
      return PepperError(line_number, "expected \"<version> <base64 pepper>\"");
    }
    const auto version = ParseVersion(line.substr(0, space));
    if (!version) return PepperError(line_number, "version must be a positive integer");
    std::string_view rest = Trim(line.substr(space));
    // "retired" and a space can never begin a base64 pepper, which holds no space.
    const bool retired = rest.starts_with(kRetiredWord) && rest.size() > kRetiredWord.size() &&
                         IsSpace(rest[kRetiredWord.size()]);
    if (retired) rest = Trim(rest.substr(kRetiredWord.size()));
    auto bytes = DecodeBase64(rest);
    if (!bytes) {
      return PepperError(line_number, retired ? "retired chain key is not valid base64"
                                              : "pepper is not valid base64");
    }
    std::string problem;
    if (retired && bytes->size() != kDigestSize) {
      problem = "retired chain key must be 32 bytes";
    } else if (bytes->size() < kMinPepperBytes) {
      problem = "pepper must be at least 32 bytes";
    } else if (set.peppers_.contains(*version) || set.retired_.contains(*version)) {
      problem = "duplicate version " + std::to_string(*version);
    }
    if (!problem.empty()) {
      OPENSSL_cleanse(bytes->data(), bytes->size());
      return PepperError(line_number, problem);
    }
    if (retired) {
      std::array<std::uint8_t, kDigestSize>& key = set.retired_[*version];
      std::copy(bytes->begin(), bytes->end(), key.begin());
      OPENSSL_cleanse(bytes->data(), bytes->size());
    } else {
      set.peppers_.emplace(*version, std::move(*bytes));
      set.current_ = std::max(set.current_, *version);
    }
  }
  if (set.peppers_.empty()) return PepperError(0, "no pepper line (only retired versions)");
  if (!set.retired_.empty() && set.retired_.rbegin()->first > set.current_) {
    return PepperError(0, "the highest version, " + std::to_string(set.retired_.rbegin()->first) +
                              ", is retired: the current version must be a full pepper line");
  }
  return set;
}

std::string PepperSet::Generate(Random& random) {
  std::array<std::uint8_t, kMinPepperBytes> bytes{};
  random.Fill(bytes);
  std::string contents =
      "# Keyward pepper file: lines \"<version> <base64 of >= 32 random bytes>\"; the highest "
      "version is current. Keep it secret; every node on one database needs this same file.\n1 ";
  contents += Base64Encode(bytes);
  contents += '\n';
  OPENSSL_cleanse(bytes.data(), bytes.size());
  return contents;
}

std::span<const std::uint8_t> PepperSet::Find(std::uint32_t version) const {
  const auto it = peppers_.find(version);
  if (it == peppers_.end()) return {};
  return it->second;
}

std::vector<std::uint32_t> PepperSet::versions() const {
  std::vector<std::uint32_t> out;
  out.reserve(peppers_.size());
  for (const auto& entry : peppers_) out.push_back(entry.first);
  return out;
}

std::vector<std::uint32_t> PepperSet::retired_versions() const {
  std::vector<std::uint32_t> out;
  out.reserve(retired_.size());
  for (const auto& entry : retired_) out.push_back(entry.first);
  return out;
}

std::string PepperSet::Fingerprint(std::uint32_t version) const {
  const auto key = Find(version);
  if (key.empty()) return {};
  return HexEncode(OneShotHmac(key, kFingerprintLabel));
}

std::array<std::uint8_t, kDigestSize> PepperSet::DeriveKey(std::string_view purpose,
                                                           std::uint32_t version) const {
  if (const auto it = retired_.find(version); it != retired_.end()) {
    if (purpose == kAuditChainKeyPurpose) return it->second;
    return {};
  }
  const auto key = Find(version);
  if (key.empty()) return {};
  std::string label(kDerivePrefix);
  label += purpose;
  return OneShotHmac(key, label);
}

bool PepperSet::HoldsKey(std::string_view purpose, std::uint32_t version) const {
  if (retired_.contains(version)) return purpose == kAuditChainKeyPurpose;
  return peppers_.contains(version);
}

std::string PepperSet::ChainKeyFingerprint(std::uint32_t version) const {
  if (!HoldsKey(kAuditChainKeyPurpose, version)) return {};
  std::array<std::uint8_t, kDigestSize> key = DeriveKey(kAuditChainKeyPurpose, version);
  std::string out = HexEncode(OneShotHmac(key, kChainKeyFingerprintLabel));
  OPENSSL_cleanse(key.data(), key.size());
  return out;
}

SecretHasher::SecretHasher(PepperSet peppers)
    : peppers_(std::move(peppers)), keys_(std::make_unique<const HmacKeys>(peppers_)) {}

SecretHasher::~SecretHasher() = default;

SecretDigest SecretHasher::Digest(std::string_view secret) const {
  SecretDigest digest;
  digest.pepper_version = peppers_.current_version();
  if (!Compute(digest.pepper_version, secret, digest.mac)) DieHmacFailed();
  return digest;
}

bool SecretHasher::Matches(const SecretDigest& digest, std::string_view secret) const {
  std::array<std::uint8_t, kDigestSize> mac{};
  if (!Compute(digest.pepper_version, secret, mac)) return false;
  const bool equal = ConstantTimeEqual(mac, digest.mac);
  OPENSSL_cleanse(mac.data(), mac.size());
  return equal;
}

void SecretHasher::Burn(std::string_view secret) const {
  std::array<std::uint8_t, kDigestSize> mac{};
  // The OpenSSL calls are opaque to the optimiser, and OPENSSL_cleanse is made never to be
  // elided, so this work cannot be dropped.
  static_cast<void>(Compute(peppers_.current_version(), secret, mac));
  OPENSSL_cleanse(mac.data(), mac.size());
}

bool SecretHasher::Compute(std::uint32_t version, std::string_view secret,
                           std::array<std::uint8_t, kDigestSize>& out) const {
  return keys_->Mac(version, secret, out);
}

bool ConstantTimeEqual(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string Base64Encode(std::span<const std::uint8_t> bytes) {
  std::string out((bytes.size() + 2) / 3 * 4 + 1, '\0');
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes.data(),
                                      static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(written));
  return out;
}

std::string HexEncode(std::span<const std::uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const std::uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0x0F]);
  }
  return out;
}

}  // namespace keyward::core
