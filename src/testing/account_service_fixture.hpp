// AccountServiceFixture: AccountFixture plus what the AccountService tests share (the secret of a
// token, verifying one, a signed-in account, the session behind a cookie, a denial). Shared by
// account_service_test.cpp and account_token_test.cpp, which make one test suite.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "core/crypto/token.hpp"
#include "testing/account_fixture.hpp"

namespace keyward::core::testing {

class AccountServiceFixture : public AccountFixture {
 protected:
  std::string SecretOf(const std::string& token) {
    return std::string(ParseToken(token).value().secret);
  }

  Verification VerifyToken(const std::string& token) {
    VerifyRequest req;
    req.token = token;
    req.client_ip = IpAddress::Parse("8.8.8.8");
    return verifier_.Verify(req);
  }

  // Gives the account a known password and signs it in from 9.9.9.9; returns the cookie.
  std::string SignedInAs(AccountId id, const std::string& email) {
    SetKnownPassword(id);
    return Must(sessions_.SignIn(email, kKnownPassword, IpAddress::Parse("9.9.9.9"))).cookie;
  }

  // The id hash of the session behind `cookie`.
  std::string SessionOf(const std::string& cookie) {
    return Must(sessions_.Authenticate(cookie, std::nullopt)).session.id_hash;
  }

  template <typename R>
  void ExpectDenied(const R& r, const char* what) {
    ASSERT_FALSE(r.has_value()) << what;
    EXPECT_EQ(r.error().code, ErrorCode::kPermissionDenied) << what;
  }
};

}  // namespace keyward::core::testing
