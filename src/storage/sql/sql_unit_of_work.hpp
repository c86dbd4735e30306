// SqlUnitOfWork: core's UnitOfWork over one SQL connection (sql_connection.hpp), inside a
// transaction its store opened: SqliteStore's or PostgresStore's. Written once, in SQL both
// databases read. Unique names, public ids and role references are checked before
// writing so that each refusal carries core's error and message; the schema's constraints stay
// as the last line of defence.
//
// Thread-safety: none of its own; used only by the thread running the unit of work, while the
// store holds the connection for it.
#pragma once

#include "core/store/store.hpp"
#include "storage/sql/sql_connection.hpp"

namespace keyward::storage::sql {

class SqlUnitOfWork final : public core::UnitOfWork {
 public:
  explicit SqlUnitOfWork(Connection& db) : db_(db) {}

  core::Result<std::optional<core::ApiKey>> FindKey(core::KeyId id) override;
  core::Result<std::optional<core::ApiKey>> FindKeyByPublicId(std::string_view public_id) override;
  core::Result<std::optional<core::KeyId>> FindKeyIdByNameKey(std::string_view name_key) override;
  core::Result<std::vector<core::ApiKey>> ListKeys(const core::KeyFilter& filter,
                                                   const core::PageRequest& page) override;
  core::Result<core::KeyCounts> CountKeys(const core::KeyCountBounds& bounds) override;
  core::Result<core::PepperVersionUse> CountPepperUse(std::uint32_t version,
                                                      core::Time now) override;
  core::Result<std::vector<core::ApiKey>> KeysUsingPepper(std::uint32_t version,
                                                          core::Time now) override;
  core::Result<std::vector<core::ApiKey>> KeysWithRole(core::RoleId role) override;
  core::Result<std::vector<core::ApiKey>> AllKeys() override;
  core::Status ForEachKey(const std::function<core::Status(core::ApiKey&&)>& fn) override;
  core::Status SetLastUsed(const std::vector<core::KeyUse>& uses) override;
  core::Result<core::KeyId> InsertKey(const core::ApiKey& key) override;
  core::Status UpdateKey(const core::ApiKey& key) override;
  core::Status DeleteKey(core::KeyId id) override;

  core::Result<std::optional<core::Role>> FindRole(core::RoleId id) override;
  core::Result<std::optional<core::Role>> FindRoleByNameKey(std::string_view name_key) override;
  core::Result<std::vector<core::Role>> ListRoles() override;
  core::Result<core::RoleId> InsertRole(const core::Role& role) override;
  core::Status UpdateRole(const core::Role& role) override;
  core::Status DeleteRole(core::RoleId id) override;

  core::Result<std::optional<core::Account>> FindAccount(core::AccountId id) override;
  core::Result<std::optional<core::Account>> FindAccountByEmailKey(
      std::string_view email_key) override;
  core::Result<std::vector<core::Account>> ListAccounts(const core::PageRequest& page) override;
  core::Result<std::vector<core::Account>> AccountsWithRole(core::RoleId role) override;
  core::Result<core::AccountId> InsertAccount(const core::Account& account) override;
  core::Status UpdateAccount(const core::Account& account) override;
  core::Status DeleteAccount(core::AccountId id) override;
  core::Result<std::optional<core::ApiKey>> FindAccountToken(core::AccountId id) override;

  core::Result<core::SignInFailures> GetSignInFailures(core::AccountId id,
                                                       std::string_view ip) override;
  core::Status PutSignInFailures(core::AccountId id, std::string_view ip,
                                 const core::SignInFailures& failures) override;
  core::Status ClearSignInFailures(core::AccountId id) override;

  core::Status InsertSession(const core::Session& session) override;
  core::Result<std::optional<core::Session>> FindSession(std::string_view id_hash) override;
  core::Status TouchSession(std::string_view id_hash, core::Time last_seen_at) override;
  core::Status DeleteSession(std::string_view id_hash) override;
  core::Status DeleteAccountSessions(core::AccountId id, std::string_view keep_id_hash) override;
  core::Result<int> DeleteStaleSessions(core::Time idle_before, core::Time created_before) override;

  core::Result<std::int64_t> AppendAudit(const core::AuditEvent& event) override;
  core::Status SetAuditHash(std::int64_t id, std::string_view prev_hash,
                            std::string_view hash) override;
  core::Result<std::vector<core::AuditEvent>> ListAudit(std::int64_t after_id, int limit) override;
  core::Result<std::optional<core::AuditEvent>> LastAudit() override;
  core::Result<std::vector<core::AuditEvent>> QueryAudit(const core::AuditFilter& filter,
                                                         const core::PageRequest& page) override;
  core::Status DeleteAuditThrough(std::int64_t id) override;

  core::Result<std::optional<std::string>> GetMeta(std::string_view key) override;
  core::Status SetMeta(std::string_view key, std::string_view value) override;

 private:
  core::Status CheckKeyWritable(const core::ApiKey& key, core::KeyId self);
  core::Status CheckRoleNameFree(const std::string& name, core::RoleId self);
  core::Status CheckRoleChangeable(core::RoleId id);
  // Ok when the account's role exists and its email key is free (`self`: its own id, 0 on insert).
  core::Status CheckAccountWritable(const core::Account& account, core::AccountId self);
  // Ok when account `id` exists, else kNotFound (Msg::kAccountNotFound).
  core::Status CheckAccountExists(core::AccountId id);
  // Reads every row of `stmt` (selecting kSelectRole's columns) with its permissions.
  core::Result<std::vector<core::Role>> ReadRoles(Statement& stmt);
  core::Result<std::vector<core::ApiKey>> ReadKeys(Statement& stmt);
  // Every row of `stmt` (selecting kSelectAccount's columns).
  core::Result<std::vector<core::Account>> ReadAccounts(Statement& stmt);
  // Every row of `stmt` (selecting kSelectAudit's columns).
  core::Result<std::vector<core::AuditEvent>> ReadAuditEvents(Statement& stmt);
  core::Result<Statement> Prepare(std::string_view sql, std::string_view what) {
    return db_.Prepare(sql, what);
  }

  Connection& db_;
};

}  // namespace keyward::storage::sql
