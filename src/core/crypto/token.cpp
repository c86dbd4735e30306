#include "core/crypto/token.hpp"

#include <array>
#include <cstdint>
#include <span>

namespace keyward::core {
namespace {

constexpr std::string_view kAlphabet =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
constexpr std::uint32_t kBase = 62;
// Bytes at or above 248 (= 4 * 62) are redrawn, so every character is equally likely.
constexpr std::uint8_t kRejectFrom = 4 * 62;

constexpr std::size_t kSeparatorPos = kTokenPrefix.size() + kPublicIdLength;
constexpr std::size_t kSecretPos = kSeparatorPos + 1;
constexpr std::size_t kChecksumPos = kSecretPos + kSecretLength;

// zlib's CRC-32 (reflected polynomial 0xEDB88320), one table entry per byte value.
constexpr std::array<std::uint32_t, 256> MakeCrcTable() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t n = 0; n < 256; ++n) {
    std::uint32_t c = n;
    for (int k = 0; k < 8; ++k) c = (c & 1U) != 0 ? 0xEDB88320U ^ (c >> 1) : c >> 1;
    table[n] = c;
  }
  return table;
}

// Slicing-by-8 tables: table[k][b] is the CRC of byte b followed by k zero bytes, so eight input
// bytes fold in per step instead of one (the token is checked on every verification).
constexpr std::array<std::array<std::uint32_t, 256>, 8> MakeSlicedCrcTables() {
  std::array<std::array<std::uint32_t, 256>, 8> tables{};
  tables[0] = MakeCrcTable();
  for (std::size_t k = 1; k < 8; ++k) {
    for (std::size_t n = 0; n < 256; ++n) {
      const std::uint32_t prev = tables[k - 1][n];
      tables[k][n] = (prev >> 8) ^ tables[0][prev & 0xFFU];
    }
  }
  return tables;
}

constexpr auto kCrcTables = MakeSlicedCrcTables();
constexpr const std::array<std::uint32_t, 256>& kCrcTable = kCrcTables[0];

constexpr std::array<bool, 256> MakeBase62Table() {
  std::array<bool, 256> table{};
  for (const char ch : kAlphabet) table[static_cast<std::uint8_t>(ch)] = true;
  return table;
}

constexpr std::array<bool, 256> kIsBase62 = MakeBase62Table();

std::uint32_t Crc32(std::string_view text) {
  std::uint32_t crc = 0xFFFFFFFFU;
  const auto* p = reinterpret_cast<const std::uint8_t*>(text.data());
  std::size_t n = text.size();
  for (; n >= 8; n -= 8, p += 8) {
    // Little-endian assembly of the first four bytes, whatever the host order.
    const std::uint32_t lo = crc ^ (std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 |
                                    std::uint32_t{p[2]} << 16 | std::uint32_t{p[3]} << 24);
    crc = kCrcTables[7][lo & 0xFFU] ^ kCrcTables[6][(lo >> 8) & 0xFFU] ^
          kCrcTables[5][(lo >> 16) & 0xFFU] ^ kCrcTables[4][lo >> 24] ^ kCrcTables[3][p[4]] ^
          kCrcTables[2][p[5]] ^ kCrcTables[1][p[6]] ^ kCrcTables[0][p[7]];
  }
  for (; n > 0; --n, ++p) crc = kCrcTable[(crc ^ *p) & 0xFFU] ^ (crc >> 8);
  return crc ^ 0xFFFFFFFFU;
}

// 62^6 > 2^32, so six digits always hold a CRC32.
std::array<char, kChecksumLength> EncodeChecksum(std::string_view text) {
  std::uint32_t value = Crc32(text);
  std::array<char, kChecksumLength> digits{};
  for (std::size_t i = kChecksumLength; i-- > 0;) {
    digits[i] = kAlphabet[value % kBase];
    value /= kBase;
  }
  return digits;
}

bool AllBase62(std::string_view text) {
  bool all = true;
  for (const char ch : text) all &= kIsBase62[static_cast<std::uint8_t>(ch)];
  return all;
}

std::string GenerateBase62(Random& random, std::size_t length) {
  std::string out;
  out.reserve(length);
  // One batch usually suffices: only 8 of 256 byte values are rejected.
  std::array<std::uint8_t, 64> batch{};
  while (out.size() < length) {
    random.Fill(std::span<std::uint8_t>(batch));
    for (std::uint8_t byte : batch) {
      if (byte >= kRejectFrom) continue;
      out.push_back(kAlphabet[byte % kBase]);
      if (out.size() == length) break;
    }
  }
  return out;
}

}  // namespace

std::string GeneratePublicId(Random& random) { return GenerateBase62(random, kPublicIdLength); }

std::string GenerateSecret(Random& random) { return GenerateBase62(random, kSecretLength); }

std::string FormatToken(std::string_view public_id, std::string_view secret) {
  std::string token;
  token.reserve(kTokenLength);
  token.append(kTokenPrefix);
  token.append(public_id);
  token.push_back('_');
  token.append(secret);
  token.append(Checksum(token));
  return token;
}

std::string TokenPrefix(std::string_view public_id) {
  std::string prefix(kTokenPrefix);
  prefix.append(public_id);
  return prefix;
}

std::optional<TokenView> ParseToken(std::string_view text) {
  if (text.size() != kTokenLength) return std::nullopt;
  if (text.substr(0, kTokenPrefix.size()) != kTokenPrefix) return std::nullopt;
  if (text[kSeparatorPos] != '_') return std::nullopt;
  const std::string_view public_id = text.substr(kTokenPrefix.size(), kPublicIdLength);
  const std::string_view secret = text.substr(kSecretPos, kSecretLength);
  const std::string_view checksum = text.substr(kChecksumPos);
  if (!AllBase62(public_id) || !AllBase62(secret) || !AllBase62(checksum)) return std::nullopt;
  const auto expected = EncodeChecksum(text.substr(0, kChecksumPos));
  if (checksum != std::string_view(expected.data(), expected.size())) return std::nullopt;
  return TokenView{public_id, secret};
}

std::string Checksum(std::string_view text) {
  const auto digits = EncodeChecksum(text);
  return std::string(digits.data(), digits.size());
}

}  // namespace keyward::core
