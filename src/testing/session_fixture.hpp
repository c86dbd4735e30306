// SessionFixture: AccountFixture plus what the SessionService tests share: a user account with
// the known password, signing it in, authenticating a cookie, and whether an account is locked.
// Shared by session_service_test.cpp and session_lockout_test.cpp, which make one test suite.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "testing/account_fixture.hpp"

namespace keyward::core::testing {

inline constexpr const char* kEmail = "user@example.com";
inline constexpr const char* kNewPassword = "a much better passphrase";

class SessionFixture : public AccountFixture {
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

}  // namespace keyward::core::testing
