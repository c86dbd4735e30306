// AccountService: the account use cases (docs/api.md "Roles, accounts, sessions, audit"): create,
// read, list, edit, enable, disable, unlock, delete, set a one-time password, and the account's one
// authentication token (generate, delete). The token is an API key with source "account" whose
// role, locale and time zone follow its account in the same unit of work, and which is suspended
// (authenticates nothing) while the account is disabled or has no API access.
//
// Every call checks its permission and both escalation rules (a caller acts on an account only
// when the account's role is within its own permissions, and gives no role above its own), keeps
// the last Master Administrator credential, and audits its change in its unit of work. Secrets
// (one-time passwords, tokens) are returned once and never stored or audited.
//
// Thread-safe: holds references to thread-safe collaborators and no mutable state of its own.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/crypto/password.hpp"
#include "core/json_text.hpp"
#include "core/keys/key_service.hpp"
#include "core/principal.hpp"
#include "core/random.hpp"
#include "core/result.hpp"
#include "core/store/account.hpp"
#include "core/store/store.hpp"

namespace keyward::core {

inline constexpr std::string_view kBootstrapAdminEmail = "admin@localhost";

// A field the caller may leave out (nullopt) or give. Create requires email, role, accessLevel.
struct AccountInput {
  std::optional<std::string> email;
  std::optional<std::string> role;  // id or name
  std::optional<std::string> access_level;
  std::optional<std::string> given_name;
  std::optional<std::string> surname;
  std::optional<std::string> description;
  std::optional<std::string> type;
  std::optional<std::string> locale;
  std::optional<std::string> time_zone;
  std::optional<bool> enabled;
  // Account::attributes (JSON object text, written by a dialect adapter); an update replaces them.
  std::optional<std::string> attributes;
  // A password chosen by the caller (the Deep Security dialect's `password`), set as a one-time
  // password: it must be changed at first sign-in, like ResetPassword's. Never stored or audited,
  // only its hash. Errors name the field "password".
  std::optional<std::string> one_time_password;
};

// An account with its token (if it has one), as responses show it.
struct AccountView {
  Account account;
  std::optional<ApiKey> token;
};

struct AccountListInput {
  std::optional<std::string> limit;
  std::optional<std::string> cursor;
};

struct AccountPage {
  std::vector<AccountView> items;
  std::optional<std::string> next_cursor;
};

class AccountService {
 public:
  AccountService(Store& store, const Clock& clock, Random& random, const KeyService& keys,
                 const PasswordHasher& passwords);

  // accounts:create.
  Result<AccountView> Create(const Principal& caller, const AccountInput& input) const;
  // accounts:view.
  Result<AccountView> Get(const Principal& caller, AccountId id) const;
  Result<AccountPage> List(const Principal& caller, const AccountListInput& input) const;
  // accounts:edit.
  Result<AccountView> Update(const Principal& caller, AccountId id,
                             const AccountInput& input) const;
  Result<AccountView> SetEnabled(const Principal& caller, AccountId id, bool enabled) const;
  // Clears the sign-in lockouts of every client address.
  Result<AccountView> Unlock(const Principal& caller, AccountId id) const;
  // accounts:delete. The token, the sessions and the sign-in failures go with it.
  Status Delete(const Principal& caller, AccountId id) const;
  // accounts:edit. A new one-time password (returned once) that must be changed at first
  // sign-in; ends the account's sessions.
  Result<std::string> ResetPassword(const Principal& caller, AccountId id) const;
  // accounts:tokens. `expires_at` RFC 3339, read in the caller's zone without an offset.
  Result<IssuedKey> IssueToken(const Principal& caller, AccountId id,
                               const std::optional<std::string>& expires_at) const;
  Status DeleteToken(const Principal& caller, AccountId id) const;

  // At the first start of a store without the bootstrap account (an empty store, or one made
  // before accounts existed): creates admin@localhost, Master Administrator, with a one-time
  // password, which it returns; nullopt when the account was created before (even if it has
  // since been deleted).
  Result<std::optional<std::string>> BootstrapAdministrator() const;

 private:
  Result<AccountView> Mutate(
      const Principal& caller, AccountId id, std::string_view action,
      const std::function<Status(UnitOfWork&, Account&, JsonObject&)>& change) const;

  Store& store_;
  const Clock& clock_;
  Random& random_;
  const KeyService& keys_;
  const PasswordHasher& passwords_;
};

// The account and its token, read in `uow`; kNotFound when there is none.
Result<AccountView> ReadAccountView(UnitOfWork& uow, AccountId id);

}  // namespace keyward::core
