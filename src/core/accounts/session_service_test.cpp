#include "core/accounts/session_service.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "testing/session_fixture.hpp"

namespace keyward::core {
namespace {

using ::testing::HasSubstr;
using testing::kEmail;
using testing::kKnownPassword;
using testing::kNewPassword;
using ::testing::Not;

// One fixture class for the whole SessionService suite, whichever file its tests are in (this
// one and session_lockout_test.cpp).
using SessionService = testing::SessionFixture;

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
