#include "core/accounts/account_service.hpp"

#include "core/accounts/account_rules.hpp"
#include "core/locale_and_zone.hpp"
#include "core/roles/master_administrator.hpp"
#include "core/roles/role_rules.hpp"
#include "core/store/audit_record.hpp"
#include "core/store/paging.hpp"
#include "core/time_zone.hpp"

namespace keyward::core {
namespace {

Result<AccessLevel> ParseAccessLevelField(const std::string& text) {
  const std::optional<AccessLevel> level = ParseAccessLevel(text);
  if (!level) return InvalidArgument(Msg::kAccessLevelInvalid, "accessLevel", {text.substr(0, 64)});
  return *level;
}

Status ValidateType(const std::string& type) {
  if (type != "local")
    return InvalidArgument(Msg::kAccountTypeInvalid, "type", {type.substr(0, 64)});
  return Ok();
}

Status ValidatePersonName(const std::string& text, std::string_view field) {
  if (text.empty()) return Ok();
  return ValidateName(text, field);
}

Status CheckEmailFree(UnitOfWork& uow, const std::string& email, AccountId self) {
  KW_ASSIGN_OR_RETURN(std::optional<Account> holder, uow.FindAccountByEmailKey(EmailKey(email)));
  if (holder && holder->id != self) {
    return MakeError(ErrorCode::kAlreadyExists, Msg::kEmailTaken, {email}, "email");
  }
  return Ok();
}

// Sets `field` to `value` when the input holds one, noting the change as `name` in `details`.
void AssignNoted(JsonObject& details, std::string_view name, std::string& field,
                 const std::optional<std::string>& value) {
  if (!value) return;
  details.AddStringChange(name, field, *value);
  field = *value;
}

// Applies the fields `input` holds (already validated; `level` and `locale` parsed from it) to
// `account`, noting each change in `details`: the body of Update's unit of work.
Status ApplyUpdate(UnitOfWork& uow, const Principal& caller, const AccountInput& input,
                   const std::optional<AccessLevel>& level, const std::optional<Locale>& locale,
                   Account& account, JsonObject& details) {
  if (input.email && *input.email != account.email) {
    KW_RETURN_IF_ERROR(CheckEmailFree(uow, *input.email, account.id));
    details.AddStringChange("email", account.email, *input.email);
    account.email = *input.email;
  }
  if (input.role) {
    KW_ASSIGN_OR_RETURN(Role role, ResolveRole(uow, *input.role, "role"));
    KW_RETURN_IF_ERROR(CheckCanGrant(caller.permissions, role.permissions));
    if (role.id != account.role_id) {
      details.AddChange("role", std::to_string(account.role_id), std::to_string(role.id));
      account.role_id = role.id;
    }
  }
  if (level && *level != account.access_level) {
    details.AddStringChange("accessLevel", AccessLevelName(account.access_level),
                            AccessLevelName(*level));
    account.access_level = *level;
  }
  AssignNoted(details, "givenName", account.given_name, input.given_name);
  AssignNoted(details, "surname", account.surname, input.surname);
  AssignNoted(details, "description", account.description, input.description);
  if (locale && *locale != account.locale) {
    details.AddStringChange("locale", LocaleName(account.locale), LocaleName(*locale));
    account.locale = *locale;
  }
  AssignNoted(details, "timeZone", account.time_zone, input.time_zone);
  if (input.enabled) {
    details.AddFlagChange("enabled", account.enabled, *input.enabled);
    account.enabled = *input.enabled;
  }
  if (input.attributes && *input.attributes != account.attributes) {
    // The dialect's own fields: that they changed is recorded, not their (unbounded) text.
    details.Add("attributesChanged", true);
    account.attributes = *input.attributes;
  }
  return Ok();
}

// Sets `hash` (of a password the caller chose) as the account's one-time password, noting it.
void SetOneTimePasswordHash(Account& account, std::string hash, Time now, JsonObject& details) {
  account.password_hash = std::move(hash);
  account.must_change_password = true;
  account.one_time_password_used = false;
  account.password_changed_at = now;
  details.Add("oneTimePassword", true);
}

}  // namespace

Result<AccountView> ReadAccountView(UnitOfWork& uow, AccountId id) {
  KW_ASSIGN_OR_RETURN(std::optional<Account> account, uow.FindAccount(id));
  if (!account) return AccountNotFound(id);
  AccountView view{std::move(*account), std::nullopt};
  KW_ASSIGN_OR_RETURN(view.token, uow.FindAccountToken(id));
  return view;
}

AccountService::AccountService(Store& store, const Clock& clock, Random& random,
                               const KeyService& keys, const PasswordHasher& passwords)
    : store_(store), clock_(clock), random_(random), keys_(keys), passwords_(passwords) {}

Result<AccountView> AccountService::Create(const Principal& caller,
                                           const AccountInput& input) const {
  KW_RETURN_IF_ERROR(RequirePermission(caller.permissions, perm::kAccountsCreate));
  Account account;
  if (!input.email) return InvalidArgument(Msg::kRequired, "email", {"email"});
  KW_RETURN_IF_ERROR(ValidateEmail(*input.email, "email"));
  account.email = *input.email;
  if (!input.role || input.role->empty()) return InvalidArgument(Msg::kRequired, "role", {"role"});
  if (!input.access_level) {
    return InvalidArgument(Msg::kRequired, "accessLevel", {"accessLevel"});
  }
  KW_ASSIGN_OR_RETURN(account.access_level, ParseAccessLevelField(*input.access_level));
  if (input.type) KW_RETURN_IF_ERROR(ValidateType(*input.type));
  if (input.given_name) {
    KW_RETURN_IF_ERROR(ValidatePersonName(*input.given_name, "givenName"));
    account.given_name = *input.given_name;
  }
  if (input.surname) {
    KW_RETURN_IF_ERROR(ValidatePersonName(*input.surname, "surname"));
    account.surname = *input.surname;
  }
  if (input.description) {
    KW_RETURN_IF_ERROR(ValidateDescription(*input.description, "description"));
    account.description = *input.description;
  }
  if (input.locale) {
    KW_ASSIGN_OR_RETURN(account.locale, ParseLocaleField(*input.locale));
  }
  if (input.time_zone) {
    KW_RETURN_IF_ERROR(ValidateTimeZoneField(*input.time_zone));
    account.time_zone = *input.time_zone;
  }
  account.enabled = input.enabled.value_or(true);
  if (input.attributes) {
    KW_RETURN_IF_ERROR(ValidateAttributes(*input.attributes, kMaxAttributesLength));
    account.attributes = *input.attributes;
  }
  const Time now = clock_.Now();
  account.created_at = now;
  if (input.one_time_password) {
    KW_RETURN_IF_ERROR(ValidateNewPassword(*input.one_time_password, "password"));
    KW_ASSIGN_OR_RETURN(account.password_hash, passwords_.Hash(*input.one_time_password));
    account.must_change_password = true;
    account.password_changed_at = now;
  }
  return TransactValue<AccountView>(store_, [&](UnitOfWork& uow) -> Result<AccountView> {
    KW_ASSIGN_OR_RETURN(Role role, ResolveRole(uow, *input.role, "role"));
    KW_RETURN_IF_ERROR(CheckCanGrant(caller.permissions, role.permissions));
    KW_RETURN_IF_ERROR(CheckEmailFree(uow, account.email, 0));
    account.role_id = role.id;
    KW_ASSIGN_OR_RETURN(AccountId id, uow.InsertAccount(account));
    JsonObject details;
    details.Add("email", account.email)
        .Add("role", std::int64_t{account.role_id})
        .Add("accessLevel", AccessLevelName(account.access_level))
        .Add("givenName", account.given_name)
        .Add("surname", account.surname)
        .Add("enabled", account.enabled)
        .Add("locale", LocaleName(account.locale))
        .Add("timeZone", account.time_zone);
    if (input.one_time_password) details.Add("oneTimePassword", true);
    KW_RETURN_IF_ERROR(
        AppendAuditEvent(uow, caller, now, "account.create", AccountTarget(id), details.str()));
    return ReadAccountView(uow, id);
  });
}

Result<AccountView> AccountService::Get(const Principal& caller, AccountId id) const {
  KW_RETURN_IF_ERROR(RequirePermission(caller.permissions, perm::kAccountsView));
  return TransactValue<AccountView>(store_,
                                    [&](UnitOfWork& uow) { return ReadAccountView(uow, id); });
}

Result<AccountPage> AccountService::List(const Principal& caller,
                                         const AccountListInput& input) const {
  KW_RETURN_IF_ERROR(RequirePermission(caller.permissions, perm::kAccountsView));
  KW_ASSIGN_OR_RETURN(PageRequest page, ParsePageRequest(input.limit, input.cursor));
  const int wanted = page.limit;
  page.limit = wanted + 1;  // one more tells whether a next page exists
  return TransactValue<AccountPage>(store_, [&](UnitOfWork& uow) -> Result<AccountPage> {
    KW_ASSIGN_OR_RETURN(std::vector<Account> accounts, uow.ListAccounts(page));
    AccountPage out;
    if (accounts.size() > static_cast<std::size_t>(wanted)) {
      accounts.resize(static_cast<std::size_t>(wanted));
      out.next_cursor = EncodeCursor(accounts.back().id);
    }
    for (Account& account : accounts) {
      AccountView view{std::move(account), std::nullopt};
      KW_ASSIGN_OR_RETURN(view.token, uow.FindAccountToken(view.account.id));
      out.items.push_back(std::move(view));
    }
    return out;
  });
}

Result<AccountView> AccountService::Mutate(
    const Principal& caller, AccountId id, std::string_view action,
    const std::function<Status(UnitOfWork&, Account&, JsonObject&)>& change) const {
  const Time now = clock_.Now();
  return TransactValue<AccountView>(store_, [&](UnitOfWork& uow) -> Result<AccountView> {
    KW_ASSIGN_OR_RETURN(std::optional<Account> found, uow.FindAccount(id));
    if (!found) return AccountNotFound(id);
    const Account before = *found;
    Account account = std::move(*found);
    KW_RETURN_IF_ERROR(CheckCanActOnAccount(uow, caller, account));
    KW_ASSIGN_OR_RETURN(const bool was_master, HoldsMasterCredential(uow, account, now));
    JsonObject details;
    KW_RETURN_IF_ERROR(change(uow, account, details));
    if (details.empty()) return ReadAccountView(uow, id);  // nothing changed: nothing to write
    KW_RETURN_IF_ERROR(uow.UpdateAccount(account));
    KW_RETURN_IF_ERROR(SyncToken(uow, account));
    // A session ends when its account is disabled or loses console access.
    if ((before.enabled && !account.enabled) ||
        (HasConsoleAccess(before.access_level) && !HasConsoleAccess(account.access_level))) {
      KW_RETURN_IF_ERROR(uow.DeleteAccountSessions(id, ""));
    }
    if (was_master) KW_RETURN_IF_ERROR(CheckMasterAdministratorRemains(uow, now));
    KW_RETURN_IF_ERROR(
        AppendAuditEvent(uow, caller, now, action, AccountTarget(id), details.str()));
    return ReadAccountView(uow, id);
  });
}

Result<AccountView> AccountService::Update(const Principal& caller, AccountId id,
                                           const AccountInput& input) const {
  KW_RETURN_IF_ERROR(RequirePermission(caller.permissions, perm::kAccountsEdit));
  if (input.email) KW_RETURN_IF_ERROR(ValidateEmail(*input.email, "email"));
  std::optional<AccessLevel> level;
  if (input.access_level) {
    KW_ASSIGN_OR_RETURN(level, ParseAccessLevelField(*input.access_level));
  }
  if (input.role && input.role->empty()) return InvalidArgument(Msg::kRequired, "role", {"role"});
  if (input.type) KW_RETURN_IF_ERROR(ValidateType(*input.type));
  if (input.given_name) KW_RETURN_IF_ERROR(ValidatePersonName(*input.given_name, "givenName"));
  if (input.surname) KW_RETURN_IF_ERROR(ValidatePersonName(*input.surname, "surname"));
  if (input.description) KW_RETURN_IF_ERROR(ValidateDescription(*input.description, "description"));
  std::optional<Locale> locale;
  if (input.locale) {
    KW_ASSIGN_OR_RETURN(locale, ParseLocaleField(*input.locale));
  }
  if (input.time_zone) KW_RETURN_IF_ERROR(ValidateTimeZoneField(*input.time_zone));
  if (input.attributes) {
    KW_RETURN_IF_ERROR(ValidateAttributes(*input.attributes, kMaxAttributesLength));
  }
  std::optional<std::string> password_hash;
  if (input.one_time_password) {
    KW_RETURN_IF_ERROR(ValidateNewPassword(*input.one_time_password, "password"));
    // Fail early (before the slow hash) when the account is missing or out of reach.
    const Status reachable = store_.Transact([&](UnitOfWork& uow) -> Status {
      KW_ASSIGN_OR_RETURN(std::optional<Account> account, uow.FindAccount(id));
      if (!account) return AccountNotFound(id);
      return CheckCanActOnAccount(uow, caller, *account);
    });
    if (!reachable) return reachable.error();
    KW_ASSIGN_OR_RETURN(password_hash, passwords_.Hash(*input.one_time_password));
  }
  const Time now = clock_.Now();
  return Mutate(
      caller, id, "account.update",
      [&](UnitOfWork& uow, Account& account, JsonObject& details) -> Status {
        KW_RETURN_IF_ERROR(ApplyUpdate(uow, caller, input, level, locale, account, details));
        if (!password_hash) return Ok();
        SetOneTimePasswordHash(account, *password_hash, now, details);
        return uow.DeleteAccountSessions(account.id, "");
      });
}

Result<AccountView> AccountService::SetEnabled(const Principal& caller, AccountId id,
                                               bool enabled) const {
  KW_RETURN_IF_ERROR(RequirePermission(caller.permissions, perm::kAccountsEdit));
  return Mutate(caller, id, enabled ? "account.enable" : "account.disable",
                [&](UnitOfWork&, Account& account, JsonObject& details) -> Status {
                  details.AddFlagChange("enabled", account.enabled, enabled);
                  account.enabled = enabled;
                  return Ok();
                });
}

Result<AccountView> AccountService::Unlock(const Principal& caller, AccountId id) const {
  KW_RETURN_IF_ERROR(RequirePermission(caller.permissions, perm::kAccountsEdit));
  const Time now = clock_.Now();
  return TransactValue<AccountView>(store_, [&](UnitOfWork& uow) -> Result<AccountView> {
    KW_ASSIGN_OR_RETURN(std::optional<Account> account, uow.FindAccount(id));
    if (!account) return AccountNotFound(id);
    KW_RETURN_IF_ERROR(CheckCanActOnAccount(uow, caller, *account));
    KW_RETURN_IF_ERROR(uow.ClearSignInFailures(id));
    JsonObject details;
    details.Add("lockedOut", account->SignInLockedAt(now));
    KW_RETURN_IF_ERROR(
        AppendAuditEvent(uow, caller, now, "account.unlock", AccountTarget(id), details.str()));
    return ReadAccountView(uow, id);
  });
}

Status AccountService::Delete(const Principal& caller, AccountId id) const {
  KW_RETURN_IF_ERROR(RequirePermission(caller.permissions, perm::kAccountsDelete));
  const Time now = clock_.Now();
  return store_.Transact([&](UnitOfWork& uow) -> Status {
    KW_ASSIGN_OR_RETURN(AccountView view, ReadAccountView(uow, id));
    KW_RETURN_IF_ERROR(CheckCanActOnAccount(uow, caller, view.account));
    KW_ASSIGN_OR_RETURN(const bool was_master, HoldsMasterCredential(uow, view.account, now));
    JsonObject details;
    details.Add("email", view.account.email).Add("role", std::int64_t{view.account.role_id});
    if (view.token) {
      KW_RETURN_IF_ERROR(uow.DeleteKey(view.token->id));
      details.Add("tokenKeyId", std::int64_t{view.token->id});
    }
    KW_RETURN_IF_ERROR(uow.DeleteAccount(id));
    if (was_master) KW_RETURN_IF_ERROR(CheckMasterAdministratorRemains(uow, now));
    return AppendAuditEvent(uow, caller, now, "account.delete", AccountTarget(id), details.str());
  });
}

Result<std::string> AccountService::ResetPassword(const Principal& caller, AccountId id) const {
  KW_RETURN_IF_ERROR(RequirePermission(caller.permissions, perm::kAccountsEdit));
  // Fail early (before the slow hash) when the account is missing or out of reach.
  const Status reachable = store_.Transact([&](UnitOfWork& uow) -> Status {
    KW_ASSIGN_OR_RETURN(std::optional<Account> account, uow.FindAccount(id));
    if (!account) return AccountNotFound(id);
    return CheckCanActOnAccount(uow, caller, *account);
  });
  if (!reachable) return reachable.error();
  std::string password = GenerateOneTimePassword(random_);
  KW_ASSIGN_OR_RETURN(std::string hash, passwords_.Hash(password));
  const Time now = clock_.Now();
  Result<AccountView> changed =
      Mutate(caller, id, "account.password",
             [&](UnitOfWork& uow, Account& account, JsonObject& details) -> Status {
               SetOneTimePasswordHash(account, hash, now, details);
               return uow.DeleteAccountSessions(account.id, "");
             });
  if (!changed) return changed.error();
  return password;
}

}  // namespace keyward::core
