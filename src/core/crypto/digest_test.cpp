#include "core/crypto/digest.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace keyward::core {
namespace {

// base64 of the 32 bytes 0x00..0x1f.
constexpr std::string_view kPepperA = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
// HMAC-SHA256(0x00..0x1f, "secret"), computed with Python's hmac module.
constexpr std::string_view kSecretUnderA =
    "723f228d66d0f98dd0b43d22396eda3938365077ed1737631b6ca62d2dca6b43";

// RFC 4231 test case 6: a 131-byte key of 0xaa.
std::string Rfc4231Key() { return std::string(174, 'q') + "o="; }
constexpr std::string_view kRfc4231Data = "Test Using Larger Than Block-Size Key - Hash Key First";
constexpr std::string_view kRfc4231Mac =
    "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54";

std::string Hex(const std::array<std::uint8_t, kDigestSize>& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (std::uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0x0F]);
  }
  return out;
}

PepperSet MustParse(std::string_view contents) {
  auto peppers = PepperSet::Parse(contents);
  EXPECT_TRUE(peppers.has_value()) << peppers.error().Message();
  return std::move(peppers).value();
}

std::string PepperLine(std::uint32_t version, std::string_view base64) {
  return std::to_string(version) + " " + std::string(base64) + "\n";
}

std::string GeneratedPepperBase64(std::uint64_t seed) {
  SeededRandom random(seed);
  const std::string file = PepperSet::Generate(random);
  const std::size_t start = file.find("\n1 ") + 3;
  return file.substr(start, file.find('\n', start) - start);
}

// Asserts that parsing fails with an invalid-argument error naming `where`, and never echoes
// the pepper text.
void ExpectParseError(std::string_view contents, std::string_view where) {
  const auto peppers = PepperSet::Parse(contents);
  ASSERT_FALSE(peppers.has_value()) << contents;
  EXPECT_EQ(peppers.error().code, ErrorCode::kInvalidArgument);
  const std::string message = peppers.error().Message();
  EXPECT_NE(message.find(where), std::string::npos) << message;
  EXPECT_EQ(message.find("AAECAwQF"), std::string::npos) << message;
}

TEST(Pepper, ParsesVersionAndBytes) {
  const PepperSet peppers = MustParse(PepperLine(1, kPepperA));
  EXPECT_EQ(peppers.current_version(), 1U);
  const auto bytes = peppers.Find(1);
  ASSERT_EQ(bytes.size(), 32U);
  for (std::size_t i = 0; i < bytes.size(); ++i) EXPECT_EQ(bytes[i], i);
  EXPECT_TRUE(peppers.Find(2).empty());
}

TEST(Pepper, IgnoresCommentsBlankLinesAndCarriageReturns) {
  const std::string contents =
      "# a comment\n\n   \r\n  # indented comment\r\n7 " + std::string(kPepperA) + "\r\n\n";
  const PepperSet peppers = MustParse(contents);
  EXPECT_EQ(peppers.versions(), std::vector<std::uint32_t>{7});
}

TEST(Pepper, HighestVersionIsCurrent) {
  const PepperSet peppers =
      MustParse(PepperLine(3, GeneratedPepperBase64(1)) + PepperLine(10, GeneratedPepperBase64(2)) +
                PepperLine(2, GeneratedPepperBase64(3)));
  EXPECT_EQ(peppers.current_version(), 10U);
  EXPECT_EQ(peppers.versions(), (std::vector<std::uint32_t>{2, 3, 10}));
}

TEST(Pepper, AcceptsUnpaddedBase64) {
  // 34 bytes: padded "…IQ==", here without its padding.
  const PepperSet peppers = MustParse("1 AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gIQ\n");
  EXPECT_EQ(peppers.Find(1).size(), 34U);
  EXPECT_EQ(peppers.Find(1)[33], 33);
}

TEST(Pepper, RejectsShortPepper) {
  // 31 bytes.
  ExpectParseError("1 AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg==\n", "line 1");
  ExpectParseError("# comment\n1 AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg==\n", "at least 32");
}

TEST(Pepper, RejectsBadBase64) {
  ExpectParseError("1 AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8!\n", "line 1");
  ExpectParseError("1 AAECAwQF BgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n", "base64");
  ExpectParseError("1 AAECAwQF=gcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n", "base64");
  // Wrong amount of padding, and a length no base64 text can have.
  ExpectParseError("1 AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gIQ=\n", "base64");
  ExpectParseError("1 AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8==\n", "base64");
  ExpectParseError("1 AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gI\n", "base64");
  ExpectParseError("1 AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8_\n", "base64");
}

TEST(Pepper, RejectsDuplicateVersion) {
  ExpectParseError(PepperLine(1, kPepperA) + PepperLine(1, GeneratedPepperBase64(9)), "line 2");
}

TEST(Pepper, RejectsFileWithoutPepperLine) {
  ExpectParseError("", "no pepper");
  ExpectParseError("# only a comment\n\n", "no pepper");
}

TEST(Pepper, RejectsBadVersion) {
  ExpectParseError(PepperLine(0, kPepperA), "line 1");
  ExpectParseError("-1 " + std::string(kPepperA), "version");
  ExpectParseError("v1 " + std::string(kPepperA), "version");
  ExpectParseError("4294967296 " + std::string(kPepperA), "version");
  ExpectParseError("\n\n" + std::string(kPepperA), "line 3");
}

TEST(Pepper, GeneratedFileParses) {
  SeededRandom random(5);
  const std::string file = PepperSet::Generate(random);
  EXPECT_EQ(file.front(), '#');
  EXPECT_EQ(file.back(), '\n');
  const PepperSet peppers = MustParse(file);
  EXPECT_EQ(peppers.current_version(), 1U);
  EXPECT_EQ(peppers.Find(1).size(), kMinPepperBytes);
}

TEST(Pepper, GeneratedPeppersDiffer) {
  SystemRandom random;
  EXPECT_NE(PepperSet::Generate(random), PepperSet::Generate(random));
}

TEST(Pepper, FingerprintIsHmacOfLabel) {
  const PepperSet peppers = MustParse(PepperLine(1, kPepperA));
  // HMAC-SHA256(0x00..0x1f, "keyward pepper fingerprint v1"), computed with Python.
  EXPECT_EQ(peppers.Fingerprint(1),
            "b7f626178d5347952b13bb4cf42c628c67a8c1fa996ebecee40f76d00ceb751d");
  EXPECT_EQ(peppers.Fingerprint(2), "");
}

TEST(Pepper, FingerprintsDifferPerPepper) {
  const PepperSet peppers = MustParse(PepperLine(1, kPepperA) + PepperLine(2, Rfc4231Key()));
  EXPECT_NE(peppers.Fingerprint(1), peppers.Fingerprint(2));
  EXPECT_EQ(peppers.Fingerprint(2).size(), 64U);
}

TEST(Pepper, DeriveKeyIsHmacOfPurpose) {
  const PepperSet peppers = MustParse(PepperLine(1, kPepperA));
  // HMAC-SHA256(0x00..0x1f, "keyward derive audit-chain"), computed with Python.
  EXPECT_EQ(Hex(peppers.DeriveKey("audit-chain", 1)),
            "4c39a3a350c5c8d615026921f479858e43d079c795ec60df9da537e1ba9100b1");
  EXPECT_NE(peppers.DeriveKey("audit-chain", 1), peppers.DeriveKey("other", 1));
}

TEST(ConstantTimeEqual, ComparesContentAndLength) {
  const std::vector<std::uint8_t> a{1, 2, 3};
  const std::vector<std::uint8_t> b{1, 2, 3};
  const std::vector<std::uint8_t> c{1, 2, 4};
  const std::vector<std::uint8_t> d{1, 2};
  EXPECT_TRUE(ConstantTimeEqual(a, b));
  EXPECT_FALSE(ConstantTimeEqual(a, c));
  EXPECT_FALSE(ConstantTimeEqual(a, d));
  EXPECT_TRUE(ConstantTimeEqual(std::span<const std::uint8_t>{}, std::span<const std::uint8_t>{}));
}

// The MAC overload (the chain's): a difference in any one byte, in any bit of it, is seen.
TEST(ConstantTimeEqual, TwoMacsDifferInAnyByteAndBit) {
  Mac a{};
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = static_cast<std::uint8_t>(i * 37 + 5);
  const Mac same = a;
  EXPECT_TRUE(ConstantTimeEqual(a, same));
  for (std::size_t i = 0; i < a.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      Mac other = a;
      other[i] ^= static_cast<std::uint8_t>(1U << bit);
      EXPECT_FALSE(ConstantTimeEqual(a, other)) << "byte " << i << " bit " << bit;
    }
  }
}

TEST(SecretHasher, DigestIsRfc4231TestCase6) {
  const SecretHasher hasher(MustParse(PepperLine(1, Rfc4231Key())));
  const SecretDigest digest = hasher.Digest(kRfc4231Data);
  EXPECT_EQ(digest.pepper_version, 1U);
  EXPECT_EQ(Hex(digest.mac), kRfc4231Mac);
}

// RFC 4231 test case 7: the same key, data longer than one SHA-256 block.
TEST(SecretHasher, DigestIsRfc4231TestCase7) {
  const SecretHasher hasher(MustParse(PepperLine(1, Rfc4231Key())));
  const SecretDigest digest = hasher.Digest(
      "This is a test using a larger than block-size key and a larger than block-size data. The "
      "key needs to be hashed before being used by the HMAC algorithm.");
  EXPECT_EQ(Hex(digest.mac), "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
}

// The precomputed HMAC states give what OpenSSL's own HMAC gives, for every input length around
// the block and padding boundaries and for keys of one, exactly one and more than one block.
TEST(SecretHasher, ComputeAgreesWithOpenSslHmac) {
  for (const std::size_t key_bytes : {32, 48, 64, 65, 100}) {
    std::vector<std::uint8_t> key(key_bytes);
    for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<std::uint8_t>(i * 13 + 1);
    std::string base64((key.size() + 2) / 3 * 4 + 1, '\0');
    base64.resize(
        static_cast<std::size_t>(EVP_EncodeBlock(reinterpret_cast<unsigned char*>(base64.data()),
                                                 key.data(), static_cast<int>(key.size()))));
    const SecretHasher hasher(MustParse(PepperLine(3, base64)));
    std::string data;
    for (std::size_t n = 0; n <= 200; ++n) {
      Mac mine{};
      ASSERT_TRUE(hasher.Compute(3, data, mine));
      Mac theirs{};
      std::size_t len = 0;
      ASSERT_NE(EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key.data(), key.size(),
                          reinterpret_cast<const unsigned char*>(data.data()), data.size(),
                          theirs.data(), theirs.size(), &len),
                nullptr);
      EXPECT_EQ(Hex(mine), Hex(theirs)) << "key " << key_bytes << " bytes, data " << n << " bytes";
      EXPECT_EQ(hasher.Digest(data).mac, mine);
      data.push_back(static_cast<char>('a' + n % 26));
    }
    Mac none{};
    EXPECT_FALSE(hasher.Compute(4, "x", none));
  }
}

TEST(SecretHasher, RepeatedDigestsReuseContextCorrectly) {
  const SecretHasher hasher(MustParse(PepperLine(1, kPepperA)));
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(Hex(hasher.Digest("secret").mac), kSecretUnderA);
    EXPECT_NE(Hex(hasher.Digest("secreT").mac), kSecretUnderA);
  }
}

TEST(SecretHasher, MatchesOnlyTheRightSecret) {
  const SecretHasher hasher(MustParse(PepperLine(1, kPepperA)));
  const SecretDigest digest = hasher.Digest("right");
  EXPECT_TRUE(hasher.Matches(digest, "right"));
  EXPECT_FALSE(hasher.Matches(digest, "wrong"));
  EXPECT_FALSE(hasher.Matches(digest, ""));
}

TEST(SecretHasher, OldVersionStillVerifiesAfterRotation) {
  const SecretDigest old_digest = SecretHasher(MustParse(PepperLine(1, kPepperA))).Digest("s3");
  const SecretHasher hasher(
      MustParse(PepperLine(1, kPepperA) + PepperLine(2, GeneratedPepperBase64(4))));
  EXPECT_TRUE(hasher.Matches(old_digest, "s3"));
  const SecretDigest new_digest = hasher.Digest("s3");
  EXPECT_EQ(new_digest.pepper_version, 2U);
  EXPECT_NE(new_digest.mac, old_digest.mac);
  EXPECT_TRUE(hasher.Matches(new_digest, "s3"));
}

TEST(SecretHasher, UnknownVersionNeverMatches) {
  const SecretHasher hasher(MustParse(PepperLine(1, kPepperA)));
  SecretDigest digest = hasher.Digest("s");
  digest.pepper_version = 2;
  EXPECT_FALSE(hasher.Matches(digest, "s"));
}

TEST(SecretHasher, BurnLeavesLaterResultsIntact) {
  const SecretHasher hasher(MustParse(PepperLine(1, kPepperA)));
  hasher.Burn("anything");
  EXPECT_EQ(Hex(hasher.Digest("secret").mac), kSecretUnderA);
}

TEST(SecretHasher, ConcurrentThreadsGiveSameDigests) {
  const SecretHasher hasher(
      MustParse(PepperLine(1, kPepperA) + PepperLine(2, GeneratedPepperBase64(6))));
  const SecretHasher old_hasher(MustParse(PepperLine(1, kPepperA)));
  constexpr int kSecrets = 200;
  std::vector<SecretDigest> expected;
  for (int i = 0; i < kSecrets; ++i)
    expected.push_back(hasher.Digest("secret" + std::to_string(i)));
  const SecretDigest old_digest = old_hasher.Digest("old");

  std::vector<int> mismatches(8, 0);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < mismatches.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 5; ++round) {
        for (int i = 0; i < kSecrets; ++i) {
          const std::string secret = "secret" + std::to_string(i);
          const auto index = static_cast<std::size_t>(i);
          if (hasher.Digest(secret) != expected[index]) ++mismatches[t];
          if (!hasher.Matches(expected[index], secret)) ++mismatches[t];
          if (!hasher.Matches(old_digest, "old")) ++mismatches[t];
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int count : mismatches) EXPECT_EQ(count, 0);
}

TEST(SecretHasher, RecreatedHasherUsesItsOwnPepper) {
  // std::optional reuses the same storage, so a stale per-address cache would show here.
  std::optional<SecretHasher> hasher;
  for (int i = 0; i < 4; ++i) {
    hasher.emplace(MustParse(PepperLine(1, kPepperA)));
    EXPECT_EQ(Hex(hasher->Digest("secret").mac), kSecretUnderA);
    hasher.emplace(MustParse(PepperLine(1, Rfc4231Key())));
    EXPECT_EQ(Hex(hasher->Digest(kRfc4231Data).mac), kRfc4231Mac);
  }
}

TEST(SecretHasher, RecreatedHasherWorksInAnotherThread) {
  std::optional<SecretHasher> hasher;
  hasher.emplace(MustParse(PepperLine(1, kPepperA)));
  std::thread([&] { EXPECT_EQ(Hex(hasher->Digest("secret").mac), kSecretUnderA); }).join();
  hasher.emplace(MustParse(PepperLine(1, Rfc4231Key())));
  std::thread([&] { EXPECT_EQ(Hex(hasher->Digest(kRfc4231Data).mac), kRfc4231Mac); }).join();
}

TEST(SecretHasher, ManyHashersInOneThreadStayCorrect) {
  // More live hashers than the per-thread cache holds: evicted contexts are re-keyed.
  std::vector<std::unique_ptr<SecretHasher>> hashers;
  for (int i = 0; i < 40; ++i) {
    hashers.push_back(std::make_unique<SecretHasher>(
        MustParse(PepperLine(1, i % 2 == 0 ? std::string(kPepperA) : Rfc4231Key()))));
  }
  for (int round = 0; round < 2; ++round) {
    for (std::size_t i = 0; i < hashers.size(); ++i) {
      if (i % 2 == 0) {
        EXPECT_EQ(Hex(hashers[i]->Digest("secret").mac), kSecretUnderA);
      } else {
        EXPECT_EQ(Hex(hashers[i]->Digest(kRfc4231Data).mac), kRfc4231Mac);
      }
    }
  }
}

}  // namespace
}  // namespace keyward::core
