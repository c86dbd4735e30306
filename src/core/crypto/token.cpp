#include "core/crypto/token.hpp"

#include <array>
#include <cstdint>
#include <span>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

constexpr std::uint8_t kNotADigit = 0xFF;

constexpr std::array<std::uint8_t, 256> MakeDigitValues() {
  std::array<std::uint8_t, 256> values{};
  values.fill(kNotADigit);
  for (std::size_t i = 0; i < kAlphabet.size(); ++i) {
    values[static_cast<std::uint8_t>(kAlphabet[i])] = static_cast<std::uint8_t>(i);
  }
  return values;
}

constexpr std::array<std::uint8_t, 256> kDigitValue = MakeDigitValues();

// The CRC-32 register after `n` bytes at `p`, from `crc` (no pre- or post-inversion).
std::uint32_t Crc32Update(std::uint32_t crc, const std::uint8_t* p, std::size_t n) {
  for (; n >= 8; n -= 8, p += 8) {
    const std::uint32_t lo = crc ^ (std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 |
                                    std::uint32_t{p[2]} << 16 | std::uint32_t{p[3]} << 24);
    crc = kCrcTables[7][lo & 0xFFU] ^ kCrcTables[6][(lo >> 8) & 0xFFU] ^
          kCrcTables[5][(lo >> 16) & 0xFFU] ^ kCrcTables[4][lo >> 24] ^ kCrcTables[3][p[4]] ^
          kCrcTables[2][p[5]] ^ kCrcTables[1][p[6]] ^ kCrcTables[0][p[7]];
  }
  for (; n > 0; --n, ++p) crc = kCrcTable[(crc ^ *p) & 0xFFU] ^ (crc >> 8);
  return crc;
}

// A token's checksummed text is split in two halves whose CRCs run at once (each step of one
// waits for the step before, so two independent chains take about half the time): the register
// is linear, so crc(head + tail) = Shift(crc(head)) ^ crc0(tail), where crc0 starts from zero and
// Shift advances a register over as many zero bytes as the tail has. Shift is linear too, so it
// is four table lookups, one per byte of the register.
constexpr std::size_t kCrcHeadLength = 32;
constexpr std::size_t kCrcTailLength = kChecksumPos - kCrcHeadLength;

constexpr std::array<std::array<std::uint32_t, 256>, 4> MakeTailShiftTables() {
  std::array<std::array<std::uint32_t, 256>, 4> tables{};
  for (std::size_t k = 0; k < 4; ++k) {
    for (std::uint32_t b = 0; b < 256; ++b) {
      std::uint32_t crc = b << (8 * k);
      for (std::size_t i = 0; i < kCrcTailLength; ++i) crc = kCrcTable[crc & 0xFFU] ^ (crc >> 8);
      tables[k][b] = crc;
    }
  }
  return tables;
}

constexpr auto kTailShift = MakeTailShiftTables();

// zlib's crc32 of `text`.
std::uint32_t Crc32(std::string_view text) {
  const auto* p = reinterpret_cast<const std::uint8_t*>(text.data());
  if (text.size() != kChecksumPos) return Crc32Update(0xFFFFFFFFU, p, text.size()) ^ 0xFFFFFFFFU;
  const std::uint32_t head = Crc32Update(0xFFFFFFFFU, p, kCrcHeadLength);
  const std::uint32_t tail = Crc32Update(0, p + kCrcHeadLength, kCrcTailLength);
  const std::uint32_t shifted = kTailShift[0][head & 0xFFU] ^ kTailShift[1][(head >> 8) & 0xFFU] ^
                                kTailShift[2][(head >> 16) & 0xFFU] ^ kTailShift[3][head >> 24];
  return (shifted ^ tail) ^ 0xFFFFFFFFU;
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

// The value of six base62 digits, or UINT64_MAX when one is not a digit. Base62 numbers of six
// digits and their values match one to one, so comparing values compares the digits.
std::uint64_t DecodeChecksum(std::string_view digits) {
  std::uint64_t value = 0;
  bool all = true;
  for (const char ch : digits) {
    const std::uint8_t d = kDigitValue[static_cast<std::uint8_t>(ch)];
    all &= d != kNotADigit;
    value = value * kBase + d;
  }
  return all ? value : UINT64_MAX;
}

#if defined(__SSE2__)
// One bit per byte of the 16 at `p` that is base62. Signed compares: bytes from 0x80 up are
// negative and fall outside both ranges.
unsigned Base62Bits16(const char* p) {
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  auto within = [](__m128i x, char lo, char hi) {
    return _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8(static_cast<char>(lo - 1))),
                         _mm_cmplt_epi8(x, _mm_set1_epi8(static_cast<char>(hi + 1))));
  };
  const __m128i digit = within(v, '0', '9');
  const __m128i letter = within(_mm_or_si128(v, _mm_set1_epi8(0x20)), 'a', 'z');  // folds case
  return static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(digit, letter)));
}
#else
bool AllBase62(std::string_view text) {
  bool all = true;
  for (const char ch : text) all &= kDigitValue[static_cast<std::uint8_t>(ch)] != kNotADigit;
  return all;
}
#endif

// Whether the public id and the secret of a token of the right length are base62: sixteen bytes
// at a time where the CPU can (four loads instead of 55 table lookups on every verification).
bool IdAndSecretBase62(std::string_view token) {
#if defined(__SSE2__)
  static_assert(kSecretLength > 32 && kSecretLength <= 48 && kPublicIdLength <= 16);
  const char* p = token.data();
  constexpr unsigned kIdBits = (1U << kPublicIdLength) - 1;
  const unsigned id = Base62Bits16(p + kTokenPrefix.size()) & kIdBits;
  const unsigned secret = Base62Bits16(p + kSecretPos) & Base62Bits16(p + kSecretPos + 16) &
                          Base62Bits16(p + kChecksumPos - 16);
  return id == kIdBits && secret == 0xFFFFU;
#else
  return AllBase62(token.substr(kTokenPrefix.size(), kPublicIdLength)) &&
         AllBase62(token.substr(kSecretPos, kSecretLength));
#endif
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
  if (!IdAndSecretBase62(text)) return std::nullopt;
  if (DecodeChecksum(text.substr(kChecksumPos)) != Crc32(text.substr(0, kChecksumPos))) {
    return std::nullopt;
  }
  return TokenView{text.substr(kTokenPrefix.size(), kPublicIdLength),
                   text.substr(kSecretPos, kSecretLength)};
}

std::string Checksum(std::string_view text) {
  const auto digits = EncodeChecksum(text);
  return std::string(digits.data(), digits.size());
}

}  // namespace keyward::core
