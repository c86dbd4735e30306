// AccountFixture: KeyFixture plus the account side of core: a PasswordHasher with cheap argon2
// parameters (tests hash many passwords), a RoleService, an AccountService and a SessionService
// with the default options and a per-address failure throttle. Shared by the role, account and
// session tests.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "core/accounts/account_service.hpp"
#include "core/accounts/session_service.hpp"
#include "core/crypto/password.hpp"
#include "core/roles/role_service.hpp"
#include "core/verification/failure_throttle.hpp"
#include "testing/key_fixture.hpp"

namespace keyward::core::testing {

// 64 KiB, one pass, one lane: the cheapest argon2id that still runs the real code.
inline constexpr Argon2Params kCheapArgon2{64, 1, 1};
// A password the tests give accounts through a reset and a change.
inline constexpr const char* kKnownPassword = "correct horse battery";

class AccountFixture : public KeyFixture {
 protected:
  AccountFixture()
      : password_random_(1234),
        passwords_(kCheapArgon2, 4, password_random_),
        roles_(store_, clock_),
        accounts_(store_, clock_, random_, service_, passwords_),
        sessions_(store_, clock_, random_, hasher_, passwords_, SessionOptions{}, &throttle_) {}

  // Fails the test (and returns an empty value) unless `r` holds a value.
  template <typename T>
  static T Must(Result<T> r) {
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().Message());
    return r ? std::move(r).value() : T{};
  }

  Role CreateRole(const Principal& by, const std::string& name,
                  const std::vector<std::string>& permissions) {
    RoleInput in;
    in.name = name;
    in.permissions = permissions;
    return Must(roles_.Create(by, in));
  }

  AccountView CreateAccount(const Principal& by, const std::string& email,
                            const std::string& role = "Auditor",
                            const std::string& access_level = "console_and_api") {
    AccountInput in;
    in.email = email;
    in.role = role;
    in.access_level = access_level;
    return Must(accounts_.Create(by, in));
  }

  // Gives account `id` the password `password` the way a person would: a reset by the master key,
  // a sign-in with the one-time password, a change, and a sign-out.
  void SetKnownPassword(AccountId id, const std::string& password = kKnownPassword) {
    const std::string otp = Must(accounts_.ResetPassword(master_, id));
    const Account account = Must(accounts_.Get(master_, id)).account;
    const SignedIn in = Must(sessions_.SignIn(account.email, otp, IpAddress::Parse("9.9.9.9")));
    const SessionAuth auth = Must(sessions_.Authenticate(in.cookie, IpAddress::Parse("9.9.9.9")));
    ASSERT_TRUE(sessions_.ChangePassword(auth, otp, password).has_value());
    ASSERT_TRUE(sessions_.SignOut(auth).has_value());
  }

  // The principal of a new API key with role `role` (id or name).
  Principal KeyOfRole(const std::string& role) {
    const IssuedKey key = MustCreate(master_, "key " + std::to_string(++key_serial_), role);
    return As(key.token);
  }

  std::vector<std::string> AuditActions() {
    std::vector<std::string> out;
    for (const AuditEvent& e : AuditTrail()) out.push_back(e.action);
    return out;
  }

  // The events with action `action`, oldest first.
  std::vector<AuditEvent> AuditEvents(const std::string& action) {
    std::vector<AuditEvent> out;
    for (AuditEvent& e : AuditTrail()) {
      if (e.action == action) out.push_back(std::move(e));
    }
    return out;
  }

  std::optional<Session> StoredSession(const std::string& id_hash) {
    return Must(TransactValue<std::optional<Session>>(
        store_, [&](UnitOfWork& uow) { return uow.FindSession(id_hash); }));
  }

  SeededRandom password_random_;
  PasswordHasher passwords_;
  SlidingFailureThrottle throttle_{30};
  RoleService roles_;
  AccountService accounts_;
  SessionService sessions_;
  int key_serial_ = 0;
};

}  // namespace keyward::core::testing
