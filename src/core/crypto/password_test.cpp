#include "core/crypto/password.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <regex>
#include <thread>

namespace keyward::core {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

// Cheap parameters for tests that are not about the cost.
constexpr Argon2Params kFast{64, 1, 1};
// A hash that takes a few hundred milliseconds, to hold a slot while another caller tries.
constexpr Argon2Params kSlow{32768, 8, 1};

TEST(PasswordHasher, HashThenVerifyMatchesOnlyTheSamePassword) {
  SeededRandom random(1);
  const PasswordHasher hasher(kFast, 4, random);
  const auto encoded = hasher.Hash("correct horse battery staple");
  ASSERT_TRUE(encoded) << encoded.error().Message();

  const auto right = hasher.Verify(*encoded, "correct horse battery staple");
  ASSERT_TRUE(right);
  EXPECT_TRUE(*right);
  const auto wrong = hasher.Verify(*encoded, "correct horse battery stapler");
  ASSERT_TRUE(wrong);
  EXPECT_FALSE(*wrong);
  const auto empty = hasher.Verify(*encoded, "");
  ASSERT_TRUE(empty);
  EXPECT_FALSE(*empty);
}

TEST(PasswordHasher, DefaultParametersAreOwaspsArgon2id) {
  SeededRandom random(2);
  const PasswordHasher hasher(Argon2Params{}, 1, random);
  const auto encoded = hasher.Hash("a password of some length");
  ASSERT_TRUE(encoded) << encoded.error().Message();
  // A 16-byte salt and a 32-byte hash are 22 and 43 characters of unpadded Base64.
  const std::regex shape(
      R"(^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$)");
  EXPECT_TRUE(std::regex_match(*encoded, shape)) << *encoded;
}

TEST(PasswordHasher, EveryHashHasItsOwnSalt) {
  SeededRandom random(3);
  const PasswordHasher hasher(kFast, 1, random);
  const auto first = hasher.Hash("the same password");
  const auto second = hasher.Hash("the same password");
  ASSERT_TRUE(first);
  ASSERT_TRUE(second);
  EXPECT_NE(*first, *second);
  // The salt is the fourth '$'-separated field.
  EXPECT_NE(first->substr(0, first->rfind('$')), second->substr(0, second->rfind('$')));
  EXPECT_TRUE(hasher.Verify(*second, "the same password").value());
}

TEST(PasswordHasher, MalformedEncodedStringsAreFalseNotErrors) {
  SeededRandom random(4);
  const PasswordHasher hasher(kFast, 1, random);
  const std::string good = hasher.Hash("a fine password").value();
  std::string argon2i = good;
  argon2i.replace(0, std::string_view("$argon2id").size(), "$argon2i");
  std::string bad_base64 = good;
  bad_base64.back() = '!';
  std::string with_nul = good;
  with_nul.insert(10, 1, '\0');
  const std::string malformed[] = {
      "",
      "garbage",
      "$argon2id$",
      argon2i,
      bad_base64,
      good.substr(0, good.size() - 10),
      good.substr(0, good.rfind('$')),
      with_nul,
      "$argon2id$v=19$m=64,t=1,p=1$c2FsdA$aGFzaA",  // salt and hash too short
      "$argon2id$v=19$m=0,t=0,p=0$AAAAAAAAAAAAAAAAAAAAAA$"
      "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
  };
  for (const std::string& encoded : malformed) {
    const auto result = hasher.Verify(encoded, "a fine password");
    ASSERT_TRUE(result) << encoded << ": " << result.error().Message();
    EXPECT_FALSE(*result) << encoded;
  }
}

TEST(PasswordHasher, BurnVerifyDoesTheWorkOfAVerify) {
  SeededRandom random(5);
  const PasswordHasher hasher(kFast, 1, random);
  // True only when argon2 accepted the dummy hash and computed a hash to compare with it.
  EXPECT_TRUE(hasher.BurnVerify("any password at all"));
  EXPECT_TRUE(hasher.BurnVerify(""));
}

TEST(PasswordHasher, CallerWithoutAFreeSlotGivesUpAfterTheWaitWithBusy) {
  SeededRandom random(6);
  constexpr milliseconds kWait{30};
  const PasswordHasher hasher(kSlow, 1, random, kWait);
  std::atomic<bool> slow_done = false;
  std::thread slow([&] {
    EXPECT_TRUE(hasher.Hash("a slow password to hash"));
    slow_done = true;
  });

  // A malformed string holds the slot for no time at all, so these probes never keep the slow
  // hash from starting; sooner or later one finds the slot taken by it.
  bool refused = false;
  while (!refused && !slow_done) {
    const auto start = steady_clock::now();
    const auto probe = hasher.Verify("not an encoded hash", "password");
    if (!probe) {
      refused = true;
      EXPECT_GE(steady_clock::now() - start, kWait) << "a caller waits before it gives up";
      EXPECT_EQ(probe.error().code, ErrorCode::kUnavailable);
      EXPECT_EQ(probe.error().msg, Msg::kBusy);
      // The slow hash still holds the only slot: BurnVerify gives up too.
      EXPECT_FALSE(hasher.BurnVerify("password"));
    } else {
      std::this_thread::sleep_for(milliseconds(2));
    }
  }
  slow.join();
  EXPECT_TRUE(refused) << "no caller was refused while the slow hash held the only slot";

  // The slot is free again once the slow hash is done.
  EXPECT_TRUE(hasher.Verify("not an encoded hash", "password"));
}

TEST(PasswordHasher, SeveralSlotsLetSeveralCallersRunAtOnce) {
  SeededRandom random(7);
  const PasswordHasher hasher(kSlow, 2, random, milliseconds(30));
  std::atomic<bool> slow_done = false;
  std::thread slow([&] {
    EXPECT_TRUE(hasher.Hash("a slow password to hash"));
    slow_done = true;
  });
  // With one slot taken by the slow hash, the second is free for every probe.
  while (!slow_done) {
    EXPECT_TRUE(hasher.Verify("not an encoded hash", "password"));
    std::this_thread::sleep_for(milliseconds(5));
  }
  slow.join();
}

TEST(ValidateNewPassword, AcceptsTwelveToTwoHundredFiftySixCodePoints) {
  EXPECT_TRUE(ValidateNewPassword(std::string(12, 'a'), "newPassword"));
  EXPECT_TRUE(ValidateNewPassword(std::string(256, 'a'), "newPassword"));
  std::string twelve_kana;
  for (int i = 0; i < 12; ++i) twelve_kana += "あ";  // 36 bytes, 12 code points
  EXPECT_TRUE(ValidateNewPassword(twelve_kana, "newPassword"));
  std::string long_accented;
  for (int i = 0; i < 256; ++i) long_accented += "é";  // 512 bytes, 256 code points
  EXPECT_TRUE(ValidateNewPassword(long_accented, "newPassword"));
  EXPECT_TRUE(ValidateNewPassword("pass phrase with spaces", "newPassword"));
}

TEST(ValidateNewPassword, RejectsTooShortAndTooLongNamingTheField) {
  std::string eleven_kana;
  for (int i = 0; i < 11; ++i) eleven_kana += "あ";  // 33 bytes, but 11 code points
  for (const std::string& password : {std::string(), std::string(11, 'a'), eleven_kana,
                                      std::string(257, 'a'), std::string(2000, 'a')}) {
    const Status status = ValidateNewPassword(password, "newPassword");
    ASSERT_FALSE(status) << password.size();
    EXPECT_EQ(status.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(status.error().msg, Msg::kPasswordLength);
    EXPECT_EQ(status.error().field, "newPassword");
    EXPECT_EQ(status.error().args, (std::vector<std::string>{"newPassword", "12", "256"}));
  }
}

TEST(ValidateNewPassword, RejectsControlCharactersAndBadUtf8) {
  const std::string base = "twelve chars";
  for (const std::string& control :
       {std::string("\t"), std::string("\n"), std::string("\r"), std::string(1, '\0'),
        std::string("\x7f"), std::string("\xc2\x85")}) {
    const Status status = ValidateNewPassword(base + control, "password");
    ASSERT_FALSE(status);
    EXPECT_EQ(status.error().msg, Msg::kControlCharacters);
    EXPECT_EQ(status.error().field, "password");
  }
  for (const std::string& bad : {std::string("\xff"), std::string("\xc3"),
                                 std::string("\xed\xa0\x80"), std::string("\xc0\xaf")}) {
    const Status status = ValidateNewPassword(base + bad, "password");
    ASSERT_FALSE(status);
    EXPECT_EQ(status.error().msg, Msg::kInvalidUtf8);
  }
}

TEST(GenerateOneTimePassword, IsTwentyBase62CharactersThatPassTheRules) {
  SystemRandom random;
  const std::string first = GenerateOneTimePassword(random);
  const std::string second = GenerateOneTimePassword(random);
  EXPECT_TRUE(std::regex_match(first, std::regex("^[0-9A-Za-z]{20}$"))) << first;
  EXPECT_TRUE(std::regex_match(second, std::regex("^[0-9A-Za-z]{20}$"))) << second;
  EXPECT_NE(first, second);
  EXPECT_TRUE(ValidateNewPassword(first, "oneTimePassword"));
}

}  // namespace
}  // namespace keyward::core
