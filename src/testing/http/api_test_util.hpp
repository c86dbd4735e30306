// Test helpers for ApiHandler (header-only, test code only): the core services an ApiHandler
// needs beyond keys and verification (roles, accounts, console sessions, the audit trail) over a
// test's store, and the ApiServices that wire all of them. Not thread-safe; one test thread.
#pragma once

#include "core/accounts/account_service.hpp"
#include "core/accounts/session_service.hpp"
#include "core/audit/audit_service.hpp"
#include "core/crypto/password.hpp"
#include "core/roles/role_service.hpp"
#include "http/front/api_handler.hpp"
#include "http/logger.hpp"
#include "http/metrics.hpp"
#include "testing/account_fixture.hpp"

namespace keyward::http::testing {

class ApiTestServices {
 public:
  // Over `store` (the one `keys` writes through) and `clock` (the KeyService's). The references
  // must outlive this object.
  ApiTestServices(core::Store& store, const core::Clock& clock, core::Random& random,
                  const core::KeyService& keys, const core::SecretHasher& hasher)
      : password_random_(1234),
        passwords_(core::testing::kCheapArgon2, 4, password_random_),
        roles_(store, clock),
        accounts_(store, clock, random, keys, passwords_),
        sessions_(store, clock, random, hasher, passwords_),
        audit_(store, hasher.peppers()) {}

  ApiTestServices(const ApiTestServices&) = delete;
  ApiTestServices& operator=(const ApiTestServices&) = delete;

  // Everything an ApiHandler serves with: these services and the ones given.
  ApiServices Wire(core::KeyService& keys, core::Verifier& verifier, core::Store& store,
                   const core::Clock& clock, Metrics& metrics, Logger& logger) const {
    return ApiServices{.keys = keys,
                       .verifier = verifier,
                       .store = store,
                       .clock = clock,
                       .roles = roles_,
                       .accounts = accounts_,
                       .sessions = sessions_,
                       .audit = audit_,
                       .metrics = metrics,
                       .logger = logger};
  }

 private:
  core::SeededRandom password_random_;
  core::PasswordHasher passwords_;
  core::RoleService roles_;
  core::AccountService accounts_;
  core::SessionService sessions_;
  core::AuditService audit_;
};

}  // namespace keyward::http::testing
