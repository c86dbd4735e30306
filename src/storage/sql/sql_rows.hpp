// How core's values map to the SQL schema (sqlite/migrations/V*.sql, postgres/migrations/V*.sql):
// key and account rows, role scopes, allowlist text, times as seconds since the epoch. Shared by
// the unit of work and the migrations that seed built-in roles.
//
// Thread-safety: pure functions, except WriteRolePermissions, which runs on the caller's
// connection.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/permissions.hpp"
#include "core/result.hpp"
#include "core/store/account.hpp"
#include "core/store/api_key.hpp"
#include "storage/sql/sql_connection.hpp"

namespace keyward::storage::sql {

inline std::int64_t ToSeconds(core::Time t) { return t.time_since_epoch().count(); }
inline core::Time FromSeconds(std::int64_t s) { return core::Time{core::Seconds{s}}; }

// Column `column` of the current row as a time; nullopt for NULL.
std::optional<core::Time> OptionalTime(const Statement& stmt, int column);
std::optional<std::int64_t> OptionalSeconds(const std::optional<core::Time>& t);

// "explicit", "all", "all_but_tokens" or "views".
const char* ScopeName(core::PermissionSet::Scope scope);
std::optional<core::PermissionSet::Scope> ParseScope(std::string_view text);

// Allowlist entries in canonical form joined by ',' ("" for an empty list), and back.
std::string JoinAllowlist(const std::vector<core::Ipv4Range>& ranges);
core::Result<std::vector<core::Ipv4Range>> SplitAllowlist(std::string_view text);

// A key row with its role's name; append WHERE / ORDER BY. ReadKey reads the current row.
inline constexpr std::string_view kSelectKey =
    "SELECT k.id, k.public_id, k.name, k.description, k.role_id, r.name, k.locale, k.time_zone,"
    " k.enabled, k.locked, k.unlock_at, k.failed_attempts, k.expires_at, k.allowed_ips,"
    " k.source, k.account_id, k.created_at, k.last_used_at, k.secret_rotated_at,"
    " k.digest_version, k.digest, k.prev_digest_version, k.prev_digest, k.prev_digest_until,"
    " k.account_suspended, k.prev_last_used_at"
    " FROM api_keys k JOIN roles r ON r.id = k.role_id";
core::Result<core::ApiKey> ReadKey(const Statement& stmt);

// Inserts end in RETURNING id (both dialects): the new row's id is the one row they give.
// Every stored field of a key is bound to parameters ?1..?25 by BindKeyFields; kUpdateKey takes
// the key's id as ?26.
inline constexpr std::string_view kInsertKey =
    "INSERT INTO api_keys (public_id, name, name_key, description, role_id, locale, time_zone,"
    " enabled, locked, unlock_at, failed_attempts, expires_at, allowed_ips, source, account_id,"
    " created_at, last_used_at, secret_rotated_at, digest_version, digest, prev_digest_version,"
    " prev_digest, prev_digest_until, account_suspended, prev_last_used_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,"
    " ?19, ?20, ?21, ?22, ?23, ?24, ?25) RETURNING id";
inline constexpr std::string_view kUpdateKey =
    "UPDATE api_keys SET public_id = ?1, name = ?2, name_key = ?3, description = ?4,"
    " role_id = ?5, locale = ?6, time_zone = ?7, enabled = ?8, locked = ?9, unlock_at = ?10,"
    " failed_attempts = ?11, expires_at = ?12, allowed_ips = ?13, source = ?14,"
    " account_id = ?15, created_at = ?16, last_used_at = ?17, secret_rotated_at = ?18,"
    " digest_version = ?19, digest = ?20, prev_digest_version = ?21, prev_digest = ?22,"
    " prev_digest_until = ?23, account_suspended = ?24, prev_last_used_at = ?25 WHERE id = ?26";
void BindKeyFields(Statement& stmt, const core::ApiKey& key);

// An account row with its role's name and the latest end of a sign-in lockout of any of its
// addresses (migrations/V003__accounts.sql, V005__one_time_password_used.sql); append WHERE /
// ORDER BY. ReadAccount reads the current row.
inline constexpr std::string_view kSelectAccount =
    "SELECT a.id, a.email, a.type, a.role_id, r.name, a.access_level, a.given_name, a.surname,"
    " a.description, a.locale, a.time_zone, a.enabled, a.password_hash, a.must_change_password,"
    " a.created_at, a.password_changed_at,"
    " (SELECT max(f.locked_until) FROM sign_in_failures f WHERE f.account_id = a.id),"
    " a.one_time_password_used, a.attributes"
    " FROM accounts a JOIN roles r ON r.id = a.role_id";
core::Result<core::Account> ReadAccount(const Statement& stmt);

// Every stored field of an account is bound to parameters ?1..?17 by BindAccountFields;
// kUpdateAccount takes the account's id as ?18.
inline constexpr std::string_view kInsertAccount =
    "INSERT INTO accounts (email, email_key, type, role_id, access_level, given_name, surname,"
    " description, locale, time_zone, enabled, password_hash, must_change_password, created_at,"
    " password_changed_at, one_time_password_used, attributes)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)"
    " RETURNING id";
inline constexpr std::string_view kUpdateAccount =
    "UPDATE accounts SET email = ?1, email_key = ?2, type = ?3, role_id = ?4, access_level = ?5,"
    " given_name = ?6, surname = ?7, description = ?8, locale = ?9, time_zone = ?10,"
    " enabled = ?11, password_hash = ?12, must_change_password = ?13, created_at = ?14,"
    " password_changed_at = ?15, one_time_password_used = ?16, attributes = ?17 WHERE id = ?18";
void BindAccountFields(Statement& stmt, const core::Account& account);

// Replaces the permission rows of role `id` with `permissions` (rows only for an explicit set).
core::Status WriteRolePermissions(Connection& db, core::RoleId id,
                                  const core::PermissionSet& permissions);

}  // namespace keyward::storage::sql
