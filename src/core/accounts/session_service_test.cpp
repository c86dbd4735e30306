#include "core/accounts/session_service.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "testing/account_fixture.hpp"

namespace keyward::core {
namespace {

using testing::AccountFixture;
using ::testing::Contains;
using ::testing::HasSubstr;
using testing::kKnownPassword;
using ::testing::Not;

constexpr const char* kEmail = "user@example.com";
constexpr const char* kNewPassword = "a much better passphrase";

class SessionService : public AccountFixture {
 protected:
  // An account (Auditor, console_and_api, Tokyo) with the known password.
  AccountId MakeUser(const std::string& email = kEmail) {
    AccountInput in;
    in.email = email;
    in.role = "Auditor";
    in.access_level = "console_and_api";
    in.locale = "ja-JP";
    in.time_zone = "Asia/Tokyo";
    const AccountId id = Must(accounts_.Create(master_, in)).account.id;
    SetKnownPassword(id);
    return id;
  }

  Result<SignedIn> SignIn(const std::string& password, const char* ip = "1.1.1.1",
                          const std::string& email = kEmail) {
    return sessions_.SignIn(email, password, IpAddress::Parse(ip));
  }

  // Signs in with the known password; returns the cookie.
  std::string MustSignIn(const char* ip = "1.1.1.1", const std::string& email = kEmail) {
    return Must(SignIn(kKnownPassword, ip, email)).cookie;
  }

  Result<SessionAuth> Auth(const std::string& cookie) {
    return sessions_.Authenticate(cookie, IpAddress::Parse("1.1.1.1"));
  }

  static void ExpectCode(const Result<SessionAuth>& r, ErrorCode code) {
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, code);
  }

  bool Locked(AccountId id) {
    return Must(accounts_.Get(master_, id)).account.SignInLockedAt(clock_.Now());
  }
};

TEST_F(SessionService, SignInCreatesASessionTheCookieAuthenticates) {
  const AccountId id = MakeUser();
  const std::size_t before = AuditEvents("session.create").size();
  SignedIn in = Must(SignIn(kKnownPassword));
  EXPECT_FALSE(in.cookie.empty());
  EXPECT_FALSE(in.csrf_token.empty());
  EXPECT_EQ(in.account.account.id, id);
  std::vector<AuditEvent> created = AuditEvents("session.create");
  ASSERT_EQ(created.size(), before + 1);
  EXPECT_EQ(created.back().actor, "account:" + std::to_string(id));
  EXPECT_EQ(created.back().ip, "1.1.1.1");
  EXPECT_THAT(created.back().details_json, Not(HasSubstr(in.cookie)));

  SessionAuth auth = Must(Auth(in.cookie));
  EXPECT_EQ(auth.principal.actor, "account:" + std::to_string(id));
  EXPECT_EQ(auth.principal.account_id, id);
  EXPECT_EQ(auth.principal.key_id, 0);
  EXPECT_EQ(auth.principal.permissions, PermissionSet::Views());  // the Auditor role
  EXPECT_TRUE(auth.principal.permissions.Has(perm::kAuditView));
  EXPECT_FALSE(auth.principal.permissions.Has(perm::kApiKeysCreate));
  EXPECT_EQ(auth.principal.locale, Locale::kJaJp);
  EXPECT_EQ(auth.principal.time_zone, "Asia/Tokyo");
  EXPECT_FALSE(auth.must_change_password);
  EXPECT_EQ(auth.csrf_token, in.csrf_token);
  EXPECT_EQ(auth.session.account_id, id);

  SessionInfo info = Must(sessions_.Describe(auth));
  EXPECT_EQ(info.account.account.email, kEmail);
  EXPECT_EQ(info.expires_at, clock_.Now() + std::chrono::hours(12));
  EXPECT_EQ(info.idle_expires_at, clock_.Now() + std::chrono::minutes(30));
}

TEST_F(SessionService, TheSessionFollowsItsAccountsRole) {
  CreateRole(master_, "Orders", {"orders:read"});
  const AccountId id = MakeUser();
  const std::string cookie = MustSignIn();
  AccountInput in;
  in.role = "Orders";
  Must(accounts_.Update(master_, id, in));
  SessionAuth auth = Must(Auth(cookie));
  EXPECT_TRUE(auth.principal.permissions.Has("orders:read"));
  EXPECT_FALSE(auth.principal.permissions.Has(perm::kAuditView));
}

TEST_F(SessionService, OnlyADigestOfTheCookieIsStored) {
  MakeUser();
  SignedIn in = Must(SignIn(kKnownPassword));
  SessionAuth auth = Must(Auth(in.cookie));
  std::optional<Session> stored = StoredSession(auth.session.id_hash);
  ASSERT_TRUE(stored.has_value());
  EXPECT_FALSE(stored->id_hash.empty());
  EXPECT_NE(stored->id_hash, in.cookie);
  EXPECT_THAT(stored->id_hash, Not(HasSubstr(in.cookie)));
  EXPECT_FALSE(StoredSession(in.cookie).has_value());
  EXPECT_NE(in.csrf_token, in.cookie);
  EXPECT_NE(in.csrf_token, stored->id_hash);
}

TEST_F(SessionService, CsrfMatchesOnlyTheSessionsOwnToken) {
  MakeUser();
  SignedIn first = Must(SignIn(kKnownPassword));
  SignedIn second = Must(SignIn(kKnownPassword));
  SessionAuth auth = Must(Auth(first.cookie));
  EXPECT_TRUE(sessions_.CsrfMatches(auth, first.csrf_token));
  EXPECT_FALSE(sessions_.CsrfMatches(auth, second.csrf_token));
  EXPECT_FALSE(sessions_.CsrfMatches(auth, ""));
  EXPECT_FALSE(sessions_.CsrfMatches(auth, first.cookie));
  std::string altered = first.csrf_token;
  altered.back() = altered.back() == '0' ? '1' : '0';
  EXPECT_FALSE(sessions_.CsrfMatches(auth, altered));
}

TEST_F(SessionService, WrongPasswordAndUnknownEmailGetTheSameAnswer) {
  const AccountId id = MakeUser();
  const std::size_t before = AuditEvents("session.failure").size();
  Result<SignedIn> wrong = SignIn("not the password");
  Result<SignedIn> unknown = SignIn(kKnownPassword, "1.1.1.1", "nobody@example.com");
  ASSERT_FALSE(wrong.has_value());
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(wrong.error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(unknown.error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(wrong.error().msg, unknown.error().msg);
  EXPECT_EQ(wrong.error().Message(), unknown.error().Message());
  EXPECT_EQ(wrong.error().field, unknown.error().field);
  std::vector<AuditEvent> failures = AuditEvents("session.failure");
  ASSERT_EQ(failures.size(), before + 2);
  EXPECT_EQ(failures[before].target, "account:" + std::to_string(id));
  EXPECT_EQ(failures[before].outcome, "failure");
  EXPECT_EQ(failures[before + 1].outcome, "failure");
  for (const AuditEvent& e : failures) {
    EXPECT_THAT(e.details_json, Not(HasSubstr("not the password")));
    EXPECT_THAT(e.details_json, Not(HasSubstr(kKnownPassword)));
  }
}

TEST_F(SessionService, SignInRequiresEmailAndPassword) {
  Result<SignedIn> r = sessions_.SignIn("", kKnownPassword, std::nullopt);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().field, "email");
  r = sessions_.SignIn(kEmail, "", std::nullopt);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().field, "password");
}

TEST_F(SessionService, ApiOnlyAndDisabledAccountsAreRefusedOnceThePasswordIsRight) {
  const AccountId api = MakeUser("api@example.com");
  AccountInput in;
  in.access_level = "api_only";
  Must(accounts_.Update(master_, api, in));
  const AccountId off = MakeUser("off@example.com");
  Must(accounts_.SetEnabled(master_, off, false));
  for (const char* email : {"api@example.com", "off@example.com"}) {
    Result<SignedIn> right = SignIn(kKnownPassword, "1.1.1.1", email);
    ASSERT_FALSE(right.has_value()) << email;
    EXPECT_EQ(right.error().code, ErrorCode::kPermissionDenied) << email;
    Result<SignedIn> wrong = SignIn("not the password", "1.1.1.1", email);
    ASSERT_FALSE(wrong.has_value()) << email;
    EXPECT_EQ(wrong.error().code, ErrorCode::kUnauthenticated) << email;
  }
}

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

TEST_F(SessionService, AnIdleSessionEndsAfterThirtyMinutes) {
  MakeUser();
  const std::string cookie = MustSignIn();
  const std::string id_hash = Must(Auth(cookie)).session.id_hash;
  clock_.Advance(std::chrono::minutes(29));
  Must(Auth(cookie));
  clock_.Advance(std::chrono::minutes(29));
  Must(Auth(cookie));  // the call above kept it alive
  clock_.Advance(std::chrono::minutes(30));
  ExpectCode(Auth(cookie), ErrorCode::kUnauthenticated);
  EXPECT_FALSE(StoredSession(id_hash).has_value());
}

TEST_F(SessionService, ABusySessionStillEndsTwelveHoursAfterSignIn) {
  MakeUser();
  const std::string cookie = MustSignIn();
  for (int minutes = 20; minutes < 12 * 60; minutes += 20) {
    clock_.Advance(std::chrono::minutes(20));
    ASSERT_TRUE(Auth(cookie).has_value()) << minutes << " minutes in";
  }
  clock_.Advance(std::chrono::minutes(20));  // 12 h after sign-in
  ExpectCode(Auth(cookie), ErrorCode::kUnauthenticated);
}

TEST_F(SessionService, ChangePasswordChecksTheCurrentAndTheNewPassword) {
  MakeUser();
  SessionAuth auth = Must(Auth(MustSignIn()));
  Status st = sessions_.ChangePassword(auth, "not the password", kNewPassword);
  ASSERT_FALSE(st.has_value());
  EXPECT_EQ(st.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(st.error().field, "currentPassword");
  st = sessions_.ChangePassword(auth, kKnownPassword, "too short");
  ASSERT_FALSE(st.has_value());
  EXPECT_EQ(st.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(st.error().field, "newPassword");
  st = sessions_.ChangePassword(auth, kKnownPassword, kKnownPassword);
  ASSERT_FALSE(st.has_value());
  EXPECT_EQ(st.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(st.error().field, "newPassword");
  st = sessions_.ChangePassword(auth, "", kNewPassword);
  ASSERT_FALSE(st.has_value());
  EXPECT_EQ(st.error().field, "currentPassword");
  MustSignIn();  // the password is unchanged
}

TEST_F(SessionService, ChangePasswordClearsTheOneTimePasswordAndEndsOtherSessions) {
  const AccountId id = CreateAccount(master_, kEmail).account.id;
  const std::string otp = Must(accounts_.ResetPassword(master_, id));
  SignedIn here = Must(SignIn(otp));
  EXPECT_TRUE(here.account.account.must_change_password);
  SessionAuth auth = Must(Auth(here.cookie));
  EXPECT_TRUE(auth.must_change_password);

  ASSERT_TRUE(sessions_.ChangePassword(auth, otp, kNewPassword).has_value());
  SessionAuth after = Must(Auth(here.cookie));  // this session lives on
  EXPECT_FALSE(after.must_change_password);
  EXPECT_FALSE(Must(accounts_.Get(master_, id)).account.must_change_password);
  // Another session of the account (opened with the new password) ends at the next change.
  const std::string there = Must(SignIn(kNewPassword, "2.2.2.2")).cookie;
  const std::string there_hash = Must(Auth(there)).session.id_hash;
  ASSERT_TRUE(sessions_.ChangePassword(after, kNewPassword, "yet another passphrase").has_value());
  ExpectCode(Auth(there), ErrorCode::kUnauthenticated);
  EXPECT_FALSE(StoredSession(there_hash).has_value());
  Must(Auth(here.cookie));
  std::vector<AuditEvent> changed = AuditEvents("account.password");
  ASSERT_FALSE(changed.empty());
  EXPECT_EQ(changed.back().actor, "account:" + std::to_string(id));
  EXPECT_THAT(changed.back().details_json, Not(HasSubstr(kNewPassword)));
  EXPECT_THAT(changed.back().details_json, Not(HasSubstr(otp)));

  EXPECT_EQ(SignIn(otp).error().code, ErrorCode::kUnauthenticated);
  Must(SignIn("yet another passphrase"));
}

TEST_F(SessionService, AOneTimePasswordSignsInOnceOnly) {
  const AccountId id = CreateAccount(master_, kEmail).account.id;
  const std::string otp = Must(accounts_.ResetPassword(master_, id));
  const SignedIn first = Must(SignIn(otp));
  EXPECT_TRUE(Must(accounts_.Get(master_, id)).account.one_time_password_used);
  for (const char* ip : {"1.1.1.1", "2.2.2.2"}) {
    Result<SignedIn> again = SignIn(otp, ip);
    ASSERT_FALSE(again.has_value()) << ip;
    EXPECT_EQ(again.error().code, ErrorCode::kUnauthenticated) << ip;
    EXPECT_EQ(again.error().msg, Msg::kSignInFailed) << ip;
  }
  EXPECT_EQ(AuditEvents("session.failure").back().details_json,
            R"({"reason":"one_time_password_used"})");
  // A new reset gives a new one-time password, good for one sign-in too.
  const std::string otp2 = Must(accounts_.ResetPassword(master_, id));
  Must(SignIn(otp2));
  EXPECT_EQ(SignIn(otp2).error().code, ErrorCode::kUnauthenticated);
  // Once changed, the chosen password signs in as often as it likes.
  const std::string otp3 = Must(accounts_.ResetPassword(master_, id));
  const SessionAuth auth = Must(Auth(Must(SignIn(otp3)).cookie));
  ASSERT_TRUE(sessions_.ChangePassword(auth, otp3, kNewPassword).has_value());
  Must(SignIn(kNewPassword));
  Must(SignIn(kNewPassword));
  EXPECT_FALSE(first.cookie.empty());
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

TEST_F(SessionService, DisablingTheAccountEndsItsSessions) {
  const AccountId id = MakeUser();
  const std::string cookie = MustSignIn();
  const std::string id_hash = Must(Auth(cookie)).session.id_hash;
  Must(accounts_.SetEnabled(master_, id, false));
  EXPECT_FALSE(StoredSession(id_hash).has_value());
  Must(accounts_.SetEnabled(master_, id, true));
  ExpectCode(Auth(cookie), ErrorCode::kUnauthenticated);  // enabling does not bring it back
  MustSignIn();
}

TEST_F(SessionService, SwitchingToApiOnlyEndsItsSessionsButConsoleOnlyKeepsThem) {
  const AccountId id = MakeUser();
  const std::string cookie = MustSignIn();
  AccountInput in;
  in.access_level = "console_only";
  Must(accounts_.Update(master_, id, in));
  Must(Auth(cookie));
  in.access_level = "api_only";
  Must(accounts_.Update(master_, id, in));
  in.access_level = "console_and_api";
  Must(accounts_.Update(master_, id, in));
  ExpectCode(Auth(cookie), ErrorCode::kUnauthenticated);
}

TEST_F(SessionService, DeletingTheAccountEndsItsSessions) {
  const AccountId id = MakeUser();
  const std::string cookie = MustSignIn();
  const std::string id_hash = Must(Auth(cookie)).session.id_hash;
  ASSERT_TRUE(accounts_.Delete(master_, id).has_value());
  EXPECT_FALSE(StoredSession(id_hash).has_value());
  ExpectCode(Auth(cookie), ErrorCode::kUnauthenticated);
}

TEST_F(SessionService, SignOutEndsOnlyThatSession) {
  const AccountId id = MakeUser();
  const std::string cookie = MustSignIn();
  const std::string other = MustSignIn();
  SessionAuth auth = Must(Auth(cookie));
  const std::size_t before = AuditEvents("session.delete").size();
  ASSERT_TRUE(sessions_.SignOut(auth).has_value());
  ExpectCode(Auth(cookie), ErrorCode::kUnauthenticated);
  EXPECT_FALSE(StoredSession(auth.session.id_hash).has_value());
  Must(Auth(other));
  std::vector<AuditEvent> deleted = AuditEvents("session.delete");
  ASSERT_EQ(deleted.size(), before + 1);
  EXPECT_EQ(deleted.back().actor, "account:" + std::to_string(id));
}

TEST_F(SessionService, SweepRemovesStaleSessions) {
  MakeUser();
  const std::string idle = MustSignIn();
  const std::string busy = MustSignIn();
  const std::string idle_hash = Must(Auth(idle)).session.id_hash;
  const std::string busy_hash = Must(Auth(busy)).session.id_hash;
  EXPECT_EQ(Must(sessions_.Sweep()), 0);
  clock_.Advance(std::chrono::minutes(20));
  Must(Auth(busy));
  clock_.Advance(std::chrono::minutes(15));
  EXPECT_EQ(Must(sessions_.Sweep()), 1);
  EXPECT_FALSE(StoredSession(idle_hash).has_value());
  EXPECT_TRUE(StoredSession(busy_hash).has_value());
  clock_.Advance(std::chrono::minutes(31));
  EXPECT_EQ(Must(sessions_.Sweep()), 1);
  EXPECT_FALSE(StoredSession(busy_hash).has_value());
}

}  // namespace
}  // namespace keyward::core
