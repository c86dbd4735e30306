// AccountService: the account's authentication token (generate, delete) and the first-start
// Master Administrator account. The other use cases are in account_service.cpp.
#include "core/accounts/account_rules.hpp"
#include "core/accounts/account_service.hpp"
#include "core/crypto/token.hpp"
#include "core/roles/master_administrator.hpp"
#include "core/store/audit_record.hpp"
#include "core/time_zone.hpp"

namespace keyward::core {
namespace {

constexpr std::string_view kBootstrapMetaKey = "bootstrap.admin_account";

}  // namespace

Result<IssuedKey> AccountService::IssueToken(const Principal& caller, AccountId id,
                                             const std::optional<std::string>& expires_at) const {
  KW_RETURN_IF_ERROR(RequirePermission(caller.permissions, perm::kAccountsTokens));
  const Time now = clock_.Now();
  std::optional<Time> expiry;
  if (expires_at) {
    Result<Time> parsed = ParseTime(*expires_at, caller.time_zone);
    if (!parsed) return parsed.error().WithField("expiresAt");
    if (*parsed <= now) return InvalidArgument(Msg::kExpiryNotFuture, "expiresAt");
    expiry = *parsed;
  }
  return TransactValue<IssuedKey>(store_, [&](UnitOfWork& uow) -> Result<IssuedKey> {
    KW_ASSIGN_OR_RETURN(AccountView view, ReadAccountView(uow, id));
    KW_RETURN_IF_ERROR(CheckCanActOnAccount(uow, caller, view.account));
    if (view.token) return MakeError(ErrorCode::kAlreadyExists, Msg::kTokenExists);
    if (!HasApiAccess(view.account.access_level)) {
      return MakeError(ErrorCode::kConflict, Msg::kAccountNoApiAccess, {std::to_string(id)});
    }
    AccountTokenInput token;
    token.account_id = id;
    token.name = TokenName(id);
    token.role_id = view.account.role_id;
    token.locale = view.account.locale;
    token.time_zone = view.account.time_zone;
    token.expires_at = expiry;
    token.account_suspended = TokenSuspended(view.account);
    KW_ASSIGN_OR_RETURN(IssuedKey issued, keys_.IssueAccountToken(uow, caller, token));
    JsonObject details;
    details.Add("keyId", std::int64_t{issued.key.id})
        .Add("prefix", TokenPrefix(issued.key.public_id));
    if (expiry) details.Add("expiresAt", FormatTime(*expiry, "UTC"));
    KW_RETURN_IF_ERROR(AppendAuditEvent(uow, caller, now, "account.token.create", AccountTarget(id),
                                        details.str()));
    return issued;
  });
}

Status AccountService::DeleteToken(const Principal& caller, AccountId id) const {
  KW_RETURN_IF_ERROR(RequirePermission(caller.permissions, perm::kAccountsTokens));
  const Time now = clock_.Now();
  return store_.Transact([&](UnitOfWork& uow) -> Status {
    KW_ASSIGN_OR_RETURN(AccountView view, ReadAccountView(uow, id));
    KW_RETURN_IF_ERROR(CheckCanActOnAccount(uow, caller, view.account));
    if (!view.token) {
      return MakeError(ErrorCode::kNotFound, Msg::kAccountHasNoToken, {std::to_string(id)});
    }
    const bool was_master = IsLiveMasterKey(*view.token, now);
    KW_RETURN_IF_ERROR(uow.DeleteKey(view.token->id));
    if (was_master) KW_RETURN_IF_ERROR(CheckMasterAdministratorRemains(uow, now));
    JsonObject details;
    details.Add("keyId", std::int64_t{view.token->id})
        .Add("prefix", TokenPrefix(view.token->public_id));
    return AppendAuditEvent(uow, caller, now, "account.token.delete", AccountTarget(id),
                            details.str());
  });
}

Result<std::optional<std::string>> AccountService::BootstrapAdministrator() const {
  KW_ASSIGN_OR_RETURN(std::optional<std::string> done,
                      TransactValue<std::optional<std::string>>(
                          store_, [](UnitOfWork& uow) { return uow.GetMeta(kBootstrapMetaKey); }));
  if (done) return std::optional<std::string>{};
  std::string password = GenerateOneTimePassword(random_);
  KW_ASSIGN_OR_RETURN(std::string hash, passwords_.Hash(password));
  const Time now = clock_.Now();
  bool created = false;
  const Status st = store_.Transact([&](UnitOfWork& uow) -> Status {
    KW_ASSIGN_OR_RETURN(std::optional<std::string> again, uow.GetMeta(kBootstrapMetaKey));
    if (again) return Ok();  // another node got there first
    KW_RETURN_IF_ERROR(uow.SetMeta(kBootstrapMetaKey, "1"));
    KW_ASSIGN_OR_RETURN(std::optional<Account> existing,
                        uow.FindAccountByEmailKey(EmailKey(kBootstrapAdminEmail)));
    if (existing) return Ok();
    Account account;
    account.email = std::string(kBootstrapAdminEmail);
    account.role_id = kMasterAdministratorRoleId;
    account.access_level = AccessLevel::kConsoleAndApi;
    account.given_name = "Master";
    account.surname = "Administrator";
    account.password_hash = hash;
    account.must_change_password = true;
    account.created_at = now;
    account.password_changed_at = now;
    KW_ASSIGN_OR_RETURN(AccountId id, uow.InsertAccount(account));
    JsonObject details;
    details.Add("email", account.email)
        .Add("role", std::int64_t{account.role_id})
        .Add("accessLevel", AccessLevelName(account.access_level))
        .Add("oneTimePassword", true);
    created = true;
    return AppendAuditEvent(uow, Principal::System(), now, "account.create", AccountTarget(id),
                            details.str());
  });
  if (!st) return st.error();
  if (!created) return std::optional<std::string>{};
  return std::optional<std::string>{std::move(password)};
}

}  // namespace keyward::core
