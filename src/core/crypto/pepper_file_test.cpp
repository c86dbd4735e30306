// PepperSet's retired lines (core/crypto/digest.hpp) and the pepper file edits
// (core/crypto/pepper_file.hpp).
#include "core/crypto/pepper_file.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/crypto/digest.hpp"

namespace keyward::core {
namespace {

// 32 bytes of 'a' and of 'b', base64.
constexpr std::string_view kPepperA = "YWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWE=";
constexpr std::string_view kPepperB = "YmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmI=";
// 32 bytes of 'k' (a chain key), and 16 bytes of 'k'.
constexpr std::string_view kKey32 = "a2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2s=";
constexpr std::string_view kKey16 = "a2tra2tra2tra2tra2traw==";

class FixedRandom final : public Random {
 public:
  void Fill(std::span<std::uint8_t> out) override {
    for (std::uint8_t& b : out) b = 'z';
  }
};

std::string Line(std::uint32_t version, std::string_view text) {
  return std::to_string(version) + " " + std::string(text) + "\n";
}

std::string TwoVersions() { return Line(1, kPepperA) + Line(2, kPepperB); }

PepperSet Parsed(const std::string& text) {
  Result<PepperSet> set = PepperSet::Parse(text);
  EXPECT_TRUE(set.has_value()) << (set ? "" : set.error().Message());
  return std::move(set).value();
}

std::string Retired(const std::string& text, std::uint32_t version) {
  Result<PepperFileEdit> edit = RetirePepperVersion(text, version);
  EXPECT_TRUE(edit.has_value()) << (edit ? "" : edit.error().Message());
  return edit ? edit->contents : std::string();
}

void ExpectParseError(const std::string& text, const std::string& words) {
  Result<PepperSet> set = PepperSet::Parse(text);
  ASSERT_FALSE(set.has_value()) << text;
  const std::string message = set.error().Message();
  EXPECT_NE(message.find(words), std::string::npos) << message;
  for (std::string_view secret : {kPepperA, kPepperB, kKey32, kKey16}) {
    EXPECT_EQ(message.find(secret), std::string::npos) << message;
  }
}

TEST(PepperSet, RetiredVersionKeepsItsChainKeyAndNothingElse) {
  const PepperSet full = Parsed(TwoVersions());
  const std::string text = Retired(TwoVersions(), 1);
  EXPECT_EQ(text.find(kPepperA), std::string::npos) << "the retired pepper is still in the file";
  const PepperSet retired = Parsed(text);

  EXPECT_TRUE(retired.IsRetired(1));
  EXPECT_FALSE(retired.IsRetired(2));
  EXPECT_EQ(retired.versions(), std::vector<std::uint32_t>{2});
  EXPECT_EQ(retired.retired_versions(), std::vector<std::uint32_t>{1});
  EXPECT_EQ(retired.current_version(), 2u);
  EXPECT_TRUE(retired.Find(1).empty());
  EXPECT_EQ(retired.Fingerprint(1), "");
  EXPECT_TRUE(retired.HoldsKey(kAuditChainKeyPurpose, 1));
  EXPECT_FALSE(retired.HoldsKey("session", 1));
  EXPECT_EQ(retired.DeriveKey(kAuditChainKeyPurpose, 1), full.DeriveKey(kAuditChainKeyPurpose, 1));
  EXPECT_EQ(retired.DeriveKey("session", 1), (std::array<std::uint8_t, kDigestSize>{}));
  EXPECT_EQ(retired.ChainKeyFingerprint(1), full.ChainKeyFingerprint(1));
  EXPECT_NE(full.ChainKeyFingerprint(1), full.ChainKeyFingerprint(2));
  EXPECT_EQ(retired.Fingerprint(2), full.Fingerprint(2));
}

TEST(SecretHasher, NoSecretMatchesUnderARetiredVersion) {
  const SecretHasher before(Parsed(Line(1, kPepperA)));
  const SecretDigest digest = before.Digest("the secret");
  ASSERT_TRUE(before.Matches(digest, "the secret"));

  const SecretHasher after(Parsed(Retired(TwoVersions(), 1)));
  EXPECT_FALSE(after.Matches(digest, "the secret"));
  Mac mac{};
  EXPECT_FALSE(after.Compute(1, "the secret", mac));
  EXPECT_EQ(after.Digest("the secret").pepper_version, 2u);
}

TEST(PepperSet, RetiredLinesThatCannotBeUsedAreRefusedWithoutEchoingBytes) {
  ExpectParseError(Line(1, "retired " + std::string(kKey16)) + Line(2, kPepperB),
                   "line 1: retired chain key must be 32 bytes");
  ExpectParseError(Line(1, "retired !!!") + Line(2, kPepperB),
                   "line 1: retired chain key is not valid base64");
  ExpectParseError(Line(1, kPepperA) + Line(2, "retired " + std::string(kKey32)),
                   "the highest version, 2, is retired");
  ExpectParseError(Line(1, "retired " + std::string(kKey32)), "no pepper line");
  ExpectParseError(Line(1, kPepperA) + Line(1, "retired " + std::string(kKey32)),
                   "line 2: duplicate version 1");
}

TEST(PepperFile, AddVersionAppendsOneAboveTheHighestAndKeepsEveryLine) {
  FixedRandom random;
  const std::string text = "# ours\n" + Line(1, "retired " + std::string(kKey32)) + "2 " +
                           std::string(kPepperB);  // no final newline
  Result<PepperFileEdit> edit = AddPepperVersion(text, random);
  ASSERT_TRUE(edit.has_value()) << edit.error().Message();
  EXPECT_EQ(edit->version, 3u);
  EXPECT_EQ(edit->contents, text + "\n3 enp6enp6enp6enp6enp6enp6enp6enp6enp6enp6eno=\n");
  const PepperSet set = Parsed(edit->contents);
  EXPECT_EQ(set.current_version(), 3u);
  EXPECT_TRUE(set.IsRetired(1));
}

TEST(PepperFile, AddVersionRefusesAFileThatDoesNotParse) {
  FixedRandom random;
  Result<PepperFileEdit> edit = AddPepperVersion("1 short\n", random);
  ASSERT_FALSE(edit.has_value());
  EXPECT_NE(edit.error().Message().find("line 1"), std::string::npos);
}

TEST(PepperFile, RetireReplacesOnlyTheVersionsLine) {
  const std::string text = "# keep me\r\n" + Line(1, kPepperA) + "\n# and me\n" + Line(2, kPepperB);
  const std::string retired = Retired(text, 1);
  const std::string prefix = "# keep me\r\n1 retired ";
  ASSERT_EQ(retired.substr(0, prefix.size()), prefix);
  EXPECT_NE(retired.find("\n\n# and me\n" + Line(2, kPepperB)), std::string::npos) << retired;
  EXPECT_EQ(Parsed(retired).versions(), std::vector<std::uint32_t>{2});
}

TEST(PepperFile, RetireRefusesAnUnknownTheCurrentAndARetiredVersionNamingIt) {
  Result<PepperFileEdit> unknown = RetirePepperVersion(TwoVersions(), 7);
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(unknown.error().Message(),
            "pepper version 7 is not in the pepper file (it holds 1, 2)");

  Result<PepperFileEdit> current = RetirePepperVersion(TwoVersions(), 2);
  ASSERT_FALSE(current.has_value());
  EXPECT_EQ(current.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(current.error().Message().find("pepper version 2 is the current version"),
            std::string::npos);

  Result<PepperFileEdit> again = RetirePepperVersion(Retired(TwoVersions(), 1), 1);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(again.error().Message(), "pepper version 1 is already retired");
}

}  // namespace
}  // namespace keyward::core
