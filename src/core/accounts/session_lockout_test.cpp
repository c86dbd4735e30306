// SessionService's defence against password guessing: an account locked after five wrong
// passwords from one address, for fifteen minutes; the per-address throttle across emails; an
// unknown email locked exactly like a real account; what a failed sign-in records. The other
// SessionService tests are in session_service_test.cpp.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/accounts/session_service.hpp"
#include "testing/session_fixture.hpp"

namespace keyward::core {
namespace {

using ::testing::Contains;
using testing::kEmail;
using testing::kKnownPassword;

// One fixture class for the whole SessionService suite, whichever file its tests are in.
using SessionService = testing::SessionFixture;

TEST_F(SessionService, FiveWrongPasswordsLockTheAccountForThatAddress) {
  const AccountId id = MakeUser();
  for (int i = 0; i < 5; ++i) {
    Result<SignedIn> r = SignIn("not the password", "1.1.1.1");
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, ErrorCode::kUnauthenticated) << i;
  }
  Result<SignedIn> locked = SignIn(kKnownPassword, "1.1.1.1");
  ASSERT_FALSE(locked.has_value());
  EXPECT_EQ(locked.error().code, ErrorCode::kRateLimited);
  EXPECT_TRUE(Locked(id));
  std::vector<AuditEvent> lockouts = AuditEvents("auth.lockout");
  ASSERT_EQ(lockouts.size(), 1u);
  EXPECT_EQ(lockouts[0].target, "account:" + std::to_string(id));
  EXPECT_EQ(lockouts[0].ip, "1.1.1.1");

  MustSignIn("2.2.2.2");  // another address is not locked out

  AccountView unlocked = Must(accounts_.Unlock(master_, id));
  EXPECT_FALSE(unlocked.account.SignInLockedAt(clock_.Now()));
  EXPECT_FALSE(Locked(id));
  EXPECT_THAT(AuditActions(), Contains("account.unlock"));
  MustSignIn("1.1.1.1");
}

TEST_F(SessionService, ALockoutEndsByItselfAfterFifteenMinutes) {
  const AccountId id = MakeUser();
  for (int i = 0; i < 5; ++i) ASSERT_FALSE(SignIn("not the password").has_value());
  clock_.Advance(std::chrono::minutes(14));
  EXPECT_EQ(SignIn(kKnownPassword).error().code, ErrorCode::kRateLimited);
  clock_.Advance(std::chrono::minutes(1));
  EXPECT_FALSE(Locked(id));
  MustSignIn();
}

TEST_F(SessionService, ASuccessfulSignInResetsItsAddressesCount) {
  MakeUser();
  for (int i = 0; i < 4; ++i) ASSERT_FALSE(SignIn("not the password").has_value());
  MustSignIn();
  for (int i = 0; i < 4; ++i) ASSERT_FALSE(SignIn("not the password").has_value());
  MustSignIn();
  EXPECT_TRUE(AuditEvents("auth.lockout").empty());
}

TEST_F(SessionService, TheAddressThrottleBoundsGuessesAcrossEmails) {
  for (int i = 0; i < 30; ++i) {  // the throttle allows 30 failures a minute
    Result<SignedIn> r = SignIn("guess", "3.3.3.3", "nobody" + std::to_string(i) + "@example.com");
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, ErrorCode::kUnauthenticated) << i;
  }
  MakeUser();
  Result<SignedIn> throttled = SignIn(kKnownPassword, "3.3.3.3");
  ASSERT_FALSE(throttled.has_value());
  EXPECT_EQ(throttled.error().code, ErrorCode::kRateLimited);
  MustSignIn("1.1.1.1");
  clock_.Advance(std::chrono::minutes(1));
  MustSignIn("3.3.3.3");
}

TEST_F(SessionService, AnUnknownEmailLocksExactlyLikeARealAccount) {
  MakeUser();
  std::vector<Error> real, unknown;
  for (int i = 0; i < 6; ++i) {
    real.push_back(SignIn("not the password", "4.4.4.4").error());
    unknown.push_back(SignIn("not the password", "4.4.4.4", "nobody@example.com").error());
  }
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(real[i].code, unknown[i].code) << i;
    EXPECT_EQ(real[i].Message(), unknown[i].Message()) << i;
    EXPECT_EQ(real[i].Message(Locale::kJaJp), unknown[i].Message(Locale::kJaJp)) << i;
  }
  EXPECT_EQ(unknown[4].code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(unknown[5].code, ErrorCode::kRateLimited);
  EXPECT_EQ(unknown[5].msg, Msg::kSignInLocked);
  // Per (email, address), as for a real account; and it ends by itself alike.
  EXPECT_EQ(SignIn("x", "5.5.5.5", "nobody@example.com").error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(SignIn("x", "4.4.4.4", "other@example.com").error().code, ErrorCode::kUnauthenticated);
  clock_.Advance(std::chrono::minutes(15));
  EXPECT_EQ(SignIn("x", "4.4.4.4", "nobody@example.com").error().code, ErrorCode::kUnauthenticated);
  MustSignIn("4.4.4.4");
}

TEST_F(SessionService, AFailedSignInRecordsOnlyAPlainEmail) {
  const std::vector<std::string> typed_emails = {
      master_token_,
      "kw_" + std::string(20, 'a') + "@example.com",
      std::string(300, 'a') + "@x.io",
      "AbCdEfGhIjKlMnOpQrSt@example.com",
      "not an email",
      "user@example.com\n{\"forged\": 1}",
  };
  for (const std::string& typed : typed_emails) {
    ASSERT_FALSE(SignIn("wrong password", "6.6.6.6", typed).has_value());
    const AuditEvent e = AuditEvents("session.failure").back();
    EXPECT_EQ(e.details_json, R"({"reason":"unknown_email"})") << typed;
  }
  ASSERT_FALSE(SignIn("wrong password", "6.6.6.6", "Someone.Else@example.com").has_value());
  EXPECT_EQ(AuditEvents("session.failure").back().details_json,
            R"({"reason":"unknown_email","email":"Someone.Else@example.com"})");
}

}  // namespace
}  // namespace keyward::core
