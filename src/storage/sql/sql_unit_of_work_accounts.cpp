// Accounts, their sign-in failures and their console sessions in SqlUnitOfWork (migration
// V003: tables accounts, sign_in_failures, sessions). Sessions and failures go with their account
// through ON DELETE CASCADE.

#include <limits>
#include <string>

#include "storage/sql/sql_rows.hpp"
#include "storage/sql/sql_unit_of_work.hpp"

namespace keyward::storage::sql {
namespace {

using core::Account;
using core::AccountId;
using core::AccountNotFound;
using core::ErrorCode;
using core::MakeError;
using core::Msg;
using core::Result;
using core::Session;
using core::SignInFailures;
using core::Status;

core::Error EmailTaken(const Account& account) {
  return MakeError(ErrorCode::kAlreadyExists, Msg::kEmailTaken, {account.email}, "email");
}

Result<std::optional<Account>> FirstAccount(Result<std::vector<Account>> accounts) {
  if (!accounts) return accounts.error();
  if (accounts->empty()) return std::optional<Account>();
  return std::optional<Account>(std::move(accounts->front()));
}

// Translates a failed account write that slipped past the checks (the schema's own constraints).
core::Error AccountWriteError(const Statement& stmt, const Account& account, core::Error fallback) {
  if (stmt.last_violation() == Violation::kUnique) return EmailTaken(account);
  if (stmt.last_violation() == Violation::kForeignKey) {
    return MakeError(ErrorCode::kNotFound, Msg::kRoleNotFound, {std::to_string(account.role_id)});
  }
  return fallback;
}

// The failure of a write to a table whose rows belong to account `id`: a missing account trips
// the foreign key.
core::Error AccountRowWriteError(const Statement& stmt, AccountId id, core::Error fallback) {
  if (stmt.last_violation() == Violation::kForeignKey) return AccountNotFound(id);
  return fallback;
}

}  // namespace

Result<std::vector<Account>> SqlUnitOfWork::ReadAccounts(Statement& stmt) {
  std::vector<Account> out;
  for (;;) {
    KW_ASSIGN_OR_RETURN(const bool row, stmt.Step());
    if (!row) return out;
    KW_ASSIGN_OR_RETURN(Account account, ReadAccount(stmt));
    out.push_back(std::move(account));
  }
}

Result<std::optional<Account>> SqlUnitOfWork::FindAccount(AccountId id) {
  KW_ASSIGN_OR_RETURN(Statement stmt,
                      Prepare(std::string(kSelectAccount) + " WHERE a.id = ?1", "find account"));
  stmt.BindInt(1, id);
  return FirstAccount(ReadAccounts(stmt));
}

Result<std::optional<Account>> SqlUnitOfWork::FindAccountByEmailKey(std::string_view email_key) {
  KW_ASSIGN_OR_RETURN(
      Statement stmt,
      Prepare(std::string(kSelectAccount) + " WHERE a.email_key = ?1", "find account by email"));
  stmt.BindText(1, email_key);
  return FirstAccount(ReadAccounts(stmt));
}

Result<std::vector<Account>> SqlUnitOfWork::ListAccounts(const core::PageRequest& page) {
  if (page.limit <= 0) return std::vector<Account>();
  KW_ASSIGN_OR_RETURN(Statement stmt, Prepare(std::string(kSelectAccount) +
                                                  " WHERE a.id < ?1 ORDER BY a.id DESC LIMIT ?2",
                                              "list accounts"));
  stmt.BindInt(1, page.before_id.value_or(std::numeric_limits<AccountId>::max()))
      .BindInt(2, page.limit);
  return ReadAccounts(stmt);
}

Result<std::vector<Account>> SqlUnitOfWork::AccountsWithRole(core::RoleId role) {
  KW_ASSIGN_OR_RETURN(Statement stmt,
                      Prepare(std::string(kSelectAccount) + " WHERE a.role_id = ?1 ORDER BY a.id",
                              "list accounts with role"));
  stmt.BindInt(1, role);
  return ReadAccounts(stmt);
}

Status SqlUnitOfWork::CheckAccountWritable(const Account& account, AccountId self) {
  KW_ASSIGN_OR_RETURN(Statement role, Prepare("SELECT id FROM roles WHERE id = ?1", "check role"));
  role.BindInt(1, account.role_id);
  KW_ASSIGN_OR_RETURN(const bool role_exists, role.Step());
  if (!role_exists) {
    return MakeError(ErrorCode::kNotFound, Msg::kRoleNotFound, {std::to_string(account.role_id)});
  }
  KW_ASSIGN_OR_RETURN(
      Statement email,
      Prepare("SELECT id FROM accounts WHERE email_key = ?1 AND id <> ?2", "check account email"));
  email.BindText(1, core::EmailKey(account.email)).BindInt(2, self);
  KW_ASSIGN_OR_RETURN(const bool taken, email.Step());
  if (taken) return EmailTaken(account);
  return core::Ok();
}

Status SqlUnitOfWork::CheckAccountExists(AccountId id) {
  KW_ASSIGN_OR_RETURN(Statement stmt,
                      Prepare("SELECT id FROM accounts WHERE id = ?1", "find account"));
  stmt.BindInt(1, id);
  KW_ASSIGN_OR_RETURN(const bool found, stmt.Step());
  if (!found) return AccountNotFound(id);
  return core::Ok();
}

Result<AccountId> SqlUnitOfWork::InsertAccount(const Account& account) {
  KW_RETURN_IF_ERROR(CheckAccountWritable(account, /*self=*/0));
  KW_ASSIGN_OR_RETURN(Statement stmt, Prepare(kInsertAccount, "insert account"));
  BindAccountFields(stmt, account);
  Result<bool> row = stmt.Step();
  if (!row) return AccountWriteError(stmt, account, row.error());
  if (!*row) return core::Internal("insert account: no id returned");
  return static_cast<AccountId>(stmt.Int(0));
}

Status SqlUnitOfWork::UpdateAccount(const Account& account) {
  KW_RETURN_IF_ERROR(CheckAccountExists(account.id));
  KW_RETURN_IF_ERROR(CheckAccountWritable(account, account.id));
  KW_ASSIGN_OR_RETURN(Statement stmt, Prepare(kUpdateAccount, "update account"));
  BindAccountFields(stmt, account);
  stmt.BindInt(18, account.id);
  if (Status st = stmt.Run(); !st) return AccountWriteError(stmt, account, st.error());
  return core::Ok();
}

Status SqlUnitOfWork::DeleteAccount(AccountId id) {
  KW_ASSIGN_OR_RETURN(Statement stmt,
                      Prepare("DELETE FROM accounts WHERE id = ?1", "delete account"));
  KW_RETURN_IF_ERROR(stmt.BindInt(1, id).Run());
  if (stmt.Changes() == 0) return AccountNotFound(id);
  return core::Ok();
}

Result<std::optional<core::ApiKey>> SqlUnitOfWork::FindAccountToken(AccountId id) {
  KW_ASSIGN_OR_RETURN(
      Statement stmt,
      Prepare(std::string(kSelectKey) +
                  " WHERE k.account_id = ?1 AND k.source = ?2 ORDER BY k.id LIMIT 1",
              "find account token"));
  stmt.BindInt(1, id).BindText(2, core::KeySourceName(core::KeySource::kAccount));
  KW_ASSIGN_OR_RETURN(std::vector<core::ApiKey> keys, ReadKeys(stmt));
  if (keys.empty()) return std::optional<core::ApiKey>();
  return std::optional<core::ApiKey>(std::move(keys.front()));
}

Result<SignInFailures> SqlUnitOfWork::GetSignInFailures(AccountId id, std::string_view ip) {
  KW_ASSIGN_OR_RETURN(Statement stmt, Prepare("SELECT failures, locked_until FROM sign_in_failures"
                                              " WHERE account_id = ?1 AND ip = ?2",
                                              "read sign-in failures"));
  stmt.BindInt(1, id).BindText(2, ip);
  KW_ASSIGN_OR_RETURN(const bool row, stmt.Step());
  SignInFailures out;
  if (!row) return out;
  const std::int64_t failures = stmt.Int(0);
  if (failures < 0 || failures > std::numeric_limits<int>::max()) {
    return core::Internal("sign-in failures of account " + std::to_string(id) +
                          ": unreadable failures");
  }
  out.failures = static_cast<int>(failures);
  out.locked_until = OptionalTime(stmt, 1);
  return out;
}

Status SqlUnitOfWork::PutSignInFailures(AccountId id, std::string_view ip,
                                        const SignInFailures& failures) {
  // Zero failures and no lock reads the same as no row, so the row goes rather than piling up.
  if (failures.failures <= 0 && !failures.locked_until) {
    KW_ASSIGN_OR_RETURN(Statement erase,
                        Prepare("DELETE FROM sign_in_failures WHERE account_id = ?1 AND ip = ?2",
                                "write sign-in failures"));
    return erase.BindInt(1, id).BindText(2, ip).Run();
  }
  KW_ASSIGN_OR_RETURN(
      Statement stmt,
      Prepare("INSERT INTO sign_in_failures (account_id, ip, failures, locked_until)"
              " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (account_id, ip) DO UPDATE SET"
              " failures = excluded.failures, locked_until = excluded.locked_until",
              "write sign-in failures"));
  stmt.BindInt(1, id)
      .BindText(2, ip)
      .BindInt(3, failures.failures < 0 ? 0 : failures.failures)
      .BindOptionalInt(4, OptionalSeconds(failures.locked_until));
  if (Status st = stmt.Run(); !st) return AccountRowWriteError(stmt, id, st.error());
  return core::Ok();
}

Status SqlUnitOfWork::ClearSignInFailures(AccountId id) {
  KW_ASSIGN_OR_RETURN(Statement stmt, Prepare("DELETE FROM sign_in_failures WHERE account_id = ?1",
                                              "clear sign-in failures"));
  return stmt.BindInt(1, id).Run();
}

Status SqlUnitOfWork::InsertSession(const Session& session) {
  KW_ASSIGN_OR_RETURN(
      Statement stmt,
      Prepare("INSERT INTO sessions (id_hash, account_id, ip, created_at, last_seen_at)"
              " VALUES (?1, ?2, ?3, ?4, ?5)",
              "insert session"));
  stmt.BindText(1, session.id_hash)
      .BindInt(2, session.account_id)
      .BindText(3, session.ip)
      .BindInt(4, ToSeconds(session.created_at))
      .BindInt(5, ToSeconds(session.last_seen_at));
  if (Status st = stmt.Run(); !st) {
    if (stmt.last_violation() == Violation::kUnique) {
      return MakeError(ErrorCode::kAlreadyExists, Msg::kStoreError, {"duplicate session id"});
    }
    return AccountRowWriteError(stmt, session.account_id, st.error());
  }
  return core::Ok();
}

Result<std::optional<Session>> SqlUnitOfWork::FindSession(std::string_view id_hash) {
  KW_ASSIGN_OR_RETURN(Statement stmt,
                      Prepare("SELECT id_hash, account_id, ip, created_at, last_seen_at"
                              " FROM sessions WHERE id_hash = ?1",
                              "find session"));
  stmt.BindText(1, id_hash);
  KW_ASSIGN_OR_RETURN(const bool row, stmt.Step());
  if (!row) return std::optional<Session>();
  Session session;
  session.id_hash = stmt.Text(0);
  session.account_id = stmt.Int(1);
  session.ip = stmt.Text(2);
  session.created_at = FromSeconds(stmt.Int(3));
  session.last_seen_at = FromSeconds(stmt.Int(4));
  return std::optional<Session>(std::move(session));
}

Status SqlUnitOfWork::TouchSession(std::string_view id_hash, core::Time last_seen_at) {
  KW_ASSIGN_OR_RETURN(
      Statement stmt,
      Prepare("UPDATE sessions SET last_seen_at = ?1 WHERE id_hash = ?2", "touch session"));
  return stmt.BindInt(1, ToSeconds(last_seen_at)).BindText(2, id_hash).Run();
}

Status SqlUnitOfWork::DeleteSession(std::string_view id_hash) {
  KW_ASSIGN_OR_RETURN(Statement stmt,
                      Prepare("DELETE FROM sessions WHERE id_hash = ?1", "delete session"));
  return stmt.BindText(1, id_hash).Run();
}

Status SqlUnitOfWork::DeleteAccountSessions(AccountId id, std::string_view keep_id_hash) {
  KW_ASSIGN_OR_RETURN(Statement stmt, Prepare("DELETE FROM sessions WHERE account_id = ?1"
                                              " AND (?2 = '' OR id_hash <> ?2)",
                                              "delete account sessions"));
  return stmt.BindInt(1, id).BindText(2, keep_id_hash).Run();
}

Result<int> SqlUnitOfWork::DeleteStaleSessions(core::Time idle_before, core::Time created_before) {
  KW_ASSIGN_OR_RETURN(Statement stmt,
                      Prepare("DELETE FROM sessions WHERE last_seen_at < ?1 OR created_at < ?2",
                              "delete stale sessions"));
  KW_RETURN_IF_ERROR(
      stmt.BindInt(1, ToSeconds(idle_before)).BindInt(2, ToSeconds(created_before)).Run());
  return static_cast<int>(stmt.Changes());
}

}  // namespace keyward::storage::sql
