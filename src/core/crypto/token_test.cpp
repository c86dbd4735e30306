#include "core/crypto/token.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <map>
#include <random>
#include <regex>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace keyward::core {
namespace {

constexpr std::string_view kAlphabet =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

// Hands out a fixed byte sequence, cyclically, so rejection sampling can be observed.
class ScriptedRandom final : public Random {
 public:
  explicit ScriptedRandom(std::vector<std::uint8_t> bytes) : bytes_(std::move(bytes)) {}
  void Fill(std::span<std::uint8_t> out) override {
    for (auto& b : out) b = bytes_[next_++ % bytes_.size()];
  }

 private:
  std::vector<std::uint8_t> bytes_;
  std::size_t next_ = 0;
};

std::string ValidToken() {
  SeededRandom random(42);
  return FormatToken(GeneratePublicId(random), GenerateSecret(random));
}

TEST(Token, ChecksumOfCheckStringIsKnownCrc32) {
  // CRC-32 of "123456789" is 0xCBF43926 = 3421780262, which is "3jZRME" in base62.
  EXPECT_EQ(Checksum("123456789"), "3jZRME");
}

TEST(Token, ChecksumIsZeroPadded) {
  EXPECT_EQ(Checksum(""), "000000");
  EXPECT_EQ(Checksum("a").size(), kChecksumLength);
}

TEST(Token, FormatMatchesIndependentlyComputedToken) {
  // Expected value computed with zlib.crc32 outside this code base.
  EXPECT_EQ(FormatToken("AAAAAAAAAAAA", std::string(kSecretLength, 'b')),
            "kw_AAAAAAAAAAAA_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb4JB2QV");
}

TEST(Token, FormatMatchesDocumentedShape) {
  const std::string token = ValidToken();
  EXPECT_EQ(token.size(), kTokenLength);
  EXPECT_TRUE(std::regex_match(token, std::regex("^kw_[0-9A-Za-z]{12}_[0-9A-Za-z]{49}$")));
}

TEST(Token, RoundTrips) {
  SeededRandom random(7);
  for (int i = 0; i < 100; ++i) {
    const std::string public_id = GeneratePublicId(random);
    const std::string secret = GenerateSecret(random);
    const std::string token = FormatToken(public_id, secret);
    const auto parsed = ParseToken(token);
    ASSERT_TRUE(parsed.has_value()) << token;
    EXPECT_EQ(parsed->public_id, public_id);
    EXPECT_EQ(parsed->secret, secret);
  }
}

TEST(Token, ParsedViewsPointIntoText) {
  const std::string token = ValidToken();
  const auto parsed = ParseToken(token);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->public_id.data(), token.data() + kTokenPrefix.size());
  EXPECT_EQ(parsed->secret.data(), token.data() + kTokenPrefix.size() + kPublicIdLength + 1);
}

TEST(Token, PrefixIsKwAndPublicId) { EXPECT_EQ(TokenPrefix("3hT9xQ2mPz7a"), "kw_3hT9xQ2mPz7a"); }

TEST(Token, GeneratedPartsHaveRightLengthAndAlphabet) {
  SeededRandom random(1);
  const std::string public_id = GeneratePublicId(random);
  const std::string secret = GenerateSecret(random);
  EXPECT_EQ(public_id.size(), kPublicIdLength);
  EXPECT_EQ(secret.size(), kSecretLength);
  EXPECT_EQ(public_id.find_first_not_of(kAlphabet), std::string::npos);
  EXPECT_EQ(secret.find_first_not_of(kAlphabet), std::string::npos);
}

TEST(Token, GenerationSkipsBytesThatWouldBias) {
  // 248..255 must be redrawn; 0, 61 and 62 map to '0', 'z' and '0'.
  ScriptedRandom random({255, 0, 248, 61, 250, 62});
  EXPECT_EQ(GeneratePublicId(random), "0z00z00z00z0");
}

TEST(Token, GenerationUsesEveryCharacterEvenly) {
  SeededRandom random(2024);
  std::map<char, int> counts;
  constexpr int kSecrets = 2000;
  for (int i = 0; i < kSecrets; ++i) {
    for (char ch : GenerateSecret(random)) ++counts[ch];
  }
  ASSERT_EQ(counts.size(), kAlphabet.size());
  const double expected = static_cast<double>(kSecrets * kSecretLength) / 62.0;
  for (const auto& [ch, count] : counts) {
    EXPECT_GT(count, expected * 0.85) << ch;
    EXPECT_LT(count, expected * 1.15) << ch;
  }
}

TEST(Token, GenerationDiffersAcrossDraws) {
  SystemRandom random;
  EXPECT_NE(GenerateSecret(random), GenerateSecret(random));
  EXPECT_NE(GeneratePublicId(random), GeneratePublicId(random));
}

TEST(Token, RejectsWrongLength) {
  const std::string token = ValidToken();
  EXPECT_FALSE(ParseToken(""));
  EXPECT_FALSE(ParseToken("kw_"));
  EXPECT_FALSE(ParseToken(token.substr(0, token.size() - 1)));
  EXPECT_FALSE(ParseToken(token.substr(0, kTokenPrefix.size() + kPublicIdLength + 1)));
  EXPECT_FALSE(ParseToken(token + "0"));
  EXPECT_FALSE(ParseToken(token + "\n"));
}

TEST(Token, RejectsWrongPrefix) {
  for (std::string_view prefix : {"KW_", "kx_", "kw-", "Kw_", "ak_"}) {
    std::string token = ValidToken();
    token.replace(0, 3, prefix);
    EXPECT_FALSE(ParseToken(token)) << prefix;
  }
}

TEST(Token, RejectsWrongSeparator) {
  for (char separator : {'-', '.', '0', 'a', ' '}) {
    std::string token = ValidToken();
    token[kTokenPrefix.size() + kPublicIdLength] = separator;
    EXPECT_FALSE(ParseToken(token)) << separator;
  }
}

TEST(Token, RejectsCharacterOutsideAlphabetInEachPart) {
  const std::string valid = ValidToken();
  const std::array<std::size_t, 3> positions = {
      kTokenPrefix.size() + 3, kTokenPrefix.size() + kPublicIdLength + 5, kTokenLength - 2};
  for (std::size_t pos : positions) {
    for (char bad : {'-', '+', '/', '=', ' ', '_', '~'}) {
      std::string token = valid;
      token[pos] = bad;
      EXPECT_FALSE(ParseToken(token)) << "position " << pos << " char " << bad;
    }
  }
}

// Every byte outside the alphabet, at every position of the id and the secret, in a token whose
// checksum matches (FormatToken checksums whatever it is given): only the alphabet check can
// refuse it.
TEST(Token, RejectsEveryByteOutsideAlphabetEvenWithMatchingChecksum) {
  const std::string id = "3hT9xQ2mPz7a";
  const std::string secret(kSecretLength, 'k');
  ASSERT_TRUE(ParseToken(FormatToken(id, secret)));
  for (int b = 0; b < 256; ++b) {
    const char ch = static_cast<char>(b);
    if (kAlphabet.find(ch) != std::string_view::npos) continue;
    for (std::size_t i = 0; i < kPublicIdLength; ++i) {
      std::string bad = id;
      bad[i] = ch;
      EXPECT_FALSE(ParseToken(FormatToken(bad, secret))) << "id position " << i << " byte " << b;
    }
    for (std::size_t i = 0; i < kSecretLength; ++i) {
      std::string bad = secret;
      bad[i] = ch;
      EXPECT_FALSE(ParseToken(FormatToken(id, bad))) << "secret position " << i << " byte " << b;
    }
  }
}

// Every base62 character at every position of the id and the secret parses when the checksum
// matches.
TEST(Token, AcceptsEveryAlphabetCharacterAtEveryPosition) {
  const std::string id = "3hT9xQ2mPz7a";
  const std::string secret(kSecretLength, 'k');
  for (const char ch : kAlphabet) {
    for (std::size_t i = 0; i < kPublicIdLength; ++i) {
      std::string other = id;
      other[i] = ch;
      EXPECT_TRUE(ParseToken(FormatToken(other, secret))) << "id position " << i << " " << ch;
    }
    for (std::size_t i = 0; i < kSecretLength; ++i) {
      std::string other = secret;
      other[i] = ch;
      EXPECT_TRUE(ParseToken(FormatToken(id, other))) << "secret position " << i << " " << ch;
    }
  }
}

TEST(Token, RejectsEmbeddedNul) {
  std::string token = ValidToken();
  token[kTokenPrefix.size() + kPublicIdLength + 10] = '\0';
  EXPECT_EQ(token.size(), kTokenLength);
  EXPECT_FALSE(ParseToken(token));
}

TEST(Token, RejectsNonAscii) {
  std::string token = ValidToken();
  token[kTokenPrefix.size()] = static_cast<char>(0xE9);
  EXPECT_FALSE(ParseToken(token));

  // A two-byte UTF-8 character in place of two ASCII ones keeps the length.
  token = ValidToken();
  token.replace(kTokenLength - 10, 2, "\xC3\xA9");
  EXPECT_EQ(token.size(), kTokenLength);
  EXPECT_FALSE(ParseToken(token));
}

TEST(Token, RejectsFlippedCharacterInAnyPartByChecksum) {
  const std::string valid = ValidToken();
  ASSERT_TRUE(ParseToken(valid));
  for (std::size_t pos = kTokenPrefix.size(); pos < kTokenLength; ++pos) {
    if (pos == kTokenPrefix.size() + kPublicIdLength) continue;  // the separator
    std::string token = valid;
    // Another base62 character, so only the checksum can catch it.
    token[pos] = token[pos] == 'a' ? 'b' : 'a';
    EXPECT_FALSE(ParseToken(token)) << "position " << pos;
  }
}

TEST(Token, RejectsSwappedSecretCharacters) {
  std::string token = FormatToken("AAAAAAAAAAAA", "0123456789012345678901234567890123456789012");
  ASSERT_TRUE(ParseToken(token));
  std::swap(token[20], token[21]);
  EXPECT_FALSE(ParseToken(token));
}

}  // namespace
}  // namespace keyward::core

namespace keyward::core {
namespace {

// zlib.crc32 of each text, in the checksum's base62 form: every length around the eight-byte
// step of the sliced CRC.
TEST(TokenChecksum, MatchesZlibCrc32AtEveryLengthAroundTheEightByteStep) {
  EXPECT_EQ(Checksum(""), "000000");
  EXPECT_EQ(Checksum("a"), "4GEHKN");
  EXPECT_EQ(Checksum("abcdefg"), "0tp2eM");
  EXPECT_EQ(Checksum("abcdefgh"), "3Cca2K");
  EXPECT_EQ(Checksum("abcdefghijklmnopq"), "2rlw2T");
  EXPECT_EQ(Checksum("kw_AAAAAAAAAAAA_" + std::string(43, 'x')), "3qYdhJ");
}

// CRC-32 one bit at a time, straight from the polynomial: the reference for the sliced tables.
std::uint32_t BitwiseCrc32(std::string_view text) {
  std::uint32_t crc = 0xFFFFFFFFU;
  for (const char ch : text) {
    crc ^= static_cast<std::uint8_t>(ch);
    for (int k = 0; k < 8; ++k) crc = (crc & 1U) != 0 ? 0xEDB88320U ^ (crc >> 1) : crc >> 1;
  }
  return crc ^ 0xFFFFFFFFU;
}

std::string Base62Of(std::uint32_t value) {
  std::string digits(kChecksumLength, '0');
  for (std::size_t i = kChecksumLength; i-- > 0; value /= 62) digits[i] = kAlphabet[value % 62];
  return digits;
}

// A token's checksummed text (the length ParseToken checks) is computed in two halves combined
// afterwards; any bytes at all, at that length and every other, must give the plain CRC.
TEST(TokenChecksum, MatchesBitwiseCrc32OfRandomBytesAtEveryLength) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> byte(0, 255);
  const std::size_t token_text = kTokenLength - kChecksumLength;
  for (std::size_t length = 0; length <= token_text + 9; ++length) {
    for (int round = 0; round < (length == token_text ? 2000 : 20); ++round) {
      std::string text(length, '\0');
      for (char& ch : text) ch = static_cast<char>(byte(rng));
      ASSERT_EQ(Checksum(text), Base62Of(BitwiseCrc32(text))) << "length " << length;
    }
  }
}

}  // namespace
}  // namespace keyward::core
