// The API key half of SqlUnitOfWork; roles and meta are in sql_unit_of_work_roles.cpp,
// the audit trail in sql_unit_of_work_audit.cpp, accounts, sign-in failures and sessions in
// sql_unit_of_work_accounts.cpp.
#include "storage/sql/sql_unit_of_work.hpp"

#include <limits>
#include <string>

#include "storage/sql/sql_rows.hpp"

namespace keyward::storage::sql {
namespace {

using core::ApiKey;
using core::ErrorCode;
using core::KeyId;
using core::MakeError;
using core::Msg;
using core::Result;
using core::Status;

// The status of the row `k` at the SQL expression `now`, with ApiKey::StatusAt's precedence:
// disabled (or the token of a suspended account), expired, locked out (a manual lock, or an
// automatic one not yet past unlock_at), enabled; as a StatusCode. One text for both queries
// below, so the list's status filter and the summary's counts cannot disagree.
std::string StatusAt(std::string_view now) {
  const std::string at(now);
  return "(CASE WHEN k.enabled = 0 OR k.account_suspended <> 0 THEN 0"
         " WHEN k.expires_at IS NOT NULL AND k.expires_at <= " +
         at + " THEN 1 WHEN k.locked <> 0 AND (k.unlock_at IS NULL OR " + at +
         " < k.unlock_at) THEN 2 ELSE 3 END)";
}

// ?1 the page's upper id bound, ?2 a StatusCode, ?3 now, ?4 role, ?5 source, ?6 q, ?7 the limit;
// ?8-?10 KeyFilter's time bounds. Each optional filter is NULL (q: empty; status: -1) when not
// given; a NULL is tested through a CAST, which gives PostgreSQL the parameter's type.
std::string ListKeysSql(const Connection& db) {
  return std::string(kSelectKey) + " WHERE k.id < ?1 AND (?2 = -1 OR " + StatusAt("?3") +
         " = ?2)"
         " AND (CAST(?4 AS BIGINT) IS NULL OR k.role_id = ?4)"
         " AND (CAST(?5 AS TEXT) IS NULL OR k.source = ?5)"
         " AND (?6 = '' OR " +
         db.ContainsFolded("k.name", "?6") + " OR " + db.ContainsFolded("k.description", "?6") +
         ")"
         " AND (CAST(?8 AS BIGINT) IS NULL OR k.expires_at < ?8)"
         " AND (CAST(?9 AS BIGINT) IS NULL OR k.last_used_at IS NULL OR k.last_used_at < ?9)"
         " AND (CAST(?10 AS BIGINT) IS NULL OR COALESCE(k.secret_rotated_at, k.created_at) < ?10)"
         " ORDER BY k.id DESC LIMIT ?7";
}

// 1 when the SQL condition `condition` holds, else 0 (NULL counts as not holding).
std::string OneIf(std::string_view condition) {
  return "CASE WHEN " + std::string(condition) + " THEN 1 ELSE 0 END";
}

// KeyCounts's buckets over every key in one scan, no row leaving the database (?1 now, ?2
// expires_until, ?3 used_before, ?4 secret_issued_before). COALESCE: SUM over no rows is NULL.
const std::string& CountKeysSql() {
  static const std::string sql =
      "SELECT COALESCE(SUM(" + OneIf("s = 0") + "), 0), COALESCE(SUM(" + OneIf("s = 1") +
      "), 0), COALESCE(SUM(" + OneIf("s = 2") + "), 0), COALESCE(SUM(" + OneIf("s = 3") +
      "), 0), COALESCE(SUM(expiring), 0), COALESCE(SUM(unused), 0), COALESCE(SUM(stale), 0)"
      " FROM (SELECT " +
      StatusAt("?1") + " AS s, " + OneIf("k.expires_at > ?1 AND k.expires_at <= ?2") +
      " AS expiring, " + OneIf("k.last_used_at IS NULL OR k.last_used_at < ?3") + " AS unused, " +
      OneIf("COALESCE(k.secret_rotated_at, k.created_at) < ?4") + " AS stale FROM api_keys k) c";
  return sql;
}

std::int64_t StatusCode(core::KeyStatus status) {
  switch (status) {
    case core::KeyStatus::kDisabled:
      return 0;
    case core::KeyStatus::kExpired:
      return 1;
    case core::KeyStatus::kLockedOut:
      return 2;
    case core::KeyStatus::kEnabled:
      return 3;
  }
  return -1;
}

// The first column of the first row, if there is a row.
Result<std::optional<std::int64_t>> FirstInt(Statement& stmt) {
  KW_ASSIGN_OR_RETURN(const bool row, stmt.Step());
  if (!row) return std::optional<std::int64_t>();
  return std::optional<std::int64_t>(stmt.Int(0));
}

Result<std::optional<ApiKey>> FirstKey(Statement& stmt) {
  KW_ASSIGN_OR_RETURN(const bool row, stmt.Step());
  if (!row) return std::optional<ApiKey>();
  KW_ASSIGN_OR_RETURN(ApiKey key, ReadKey(stmt));
  return std::optional<ApiKey>(std::move(key));
}

// Translates a failed key write that slipped past the checks (the schema's own constraints).
core::Error KeyWriteError(const Statement& stmt, const ApiKey& key, core::Error fallback) {
  if (stmt.last_violation() == Violation::kUnique) {
    if (stmt.last_message().find("name_key") != std::string::npos) {
      return MakeError(ErrorCode::kAlreadyExists, Msg::kKeyNameTaken, {key.name});
    }
    return MakeError(ErrorCode::kAlreadyExists, Msg::kStoreError, {"duplicate public id"});
  }
  if (stmt.last_violation() == Violation::kForeignKey) {
    return MakeError(ErrorCode::kNotFound, Msg::kRoleNotFound, {std::to_string(key.role_id)});
  }
  return fallback;
}

}  // namespace

Result<std::vector<ApiKey>> SqlUnitOfWork::ReadKeys(Statement& stmt) {
  std::vector<ApiKey> out;
  for (;;) {
    KW_ASSIGN_OR_RETURN(const bool row, stmt.Step());
    if (!row) return out;
    KW_ASSIGN_OR_RETURN(ApiKey key, ReadKey(stmt));
    out.push_back(std::move(key));
  }
}

Result<std::optional<ApiKey>> SqlUnitOfWork::FindKey(KeyId id) {
  KW_ASSIGN_OR_RETURN(Statement stmt,
                      Prepare(std::string(kSelectKey) + " WHERE k.id = ?1", "find key"));
  stmt.BindInt(1, id);
  return FirstKey(stmt);
}

Result<std::optional<ApiKey>> SqlUnitOfWork::FindKeyByPublicId(std::string_view public_id) {
  KW_ASSIGN_OR_RETURN(Statement stmt, Prepare(std::string(kSelectKey) + " WHERE k.public_id = ?1",
                                              "find key by public id"));
  stmt.BindText(1, public_id);
  return FirstKey(stmt);
}

Result<std::optional<KeyId>> SqlUnitOfWork::FindKeyIdByNameKey(std::string_view name_key) {
  KW_ASSIGN_OR_RETURN(Statement stmt,
                      Prepare("SELECT id FROM api_keys WHERE name_key = ?1", "find key by name"));
  stmt.BindText(1, name_key);
  return FirstInt(stmt);
}

Result<std::vector<ApiKey>> SqlUnitOfWork::ListKeys(const core::KeyFilter& filter,
                                                    const core::PageRequest& page) {
  if (page.limit <= 0) return std::vector<ApiKey>();
  KW_ASSIGN_OR_RETURN(Statement stmt, Prepare(ListKeysSql(db_), "list keys"));
  stmt.BindInt(1, page.before_id.value_or(std::numeric_limits<KeyId>::max()));
  stmt.BindInt(2, filter.status ? StatusCode(*filter.status) : -1);
  stmt.BindInt(3, ToSeconds(filter.now)).BindOptionalInt(4, filter.role);
  if (filter.source) {
    stmt.BindText(5, core::KeySourceName(*filter.source));
  } else {
    stmt.BindNull(5);
  }
  stmt.BindText(6, filter.q).BindInt(7, page.limit);
  stmt.BindOptionalInt(8, OptionalSeconds(filter.expires_before))
      .BindOptionalInt(9, OptionalSeconds(filter.last_used_before))
      .BindOptionalInt(10, OptionalSeconds(filter.secret_rotated_before));
  return ReadKeys(stmt);
}

Result<core::KeyCounts> SqlUnitOfWork::CountKeys(const core::KeyCountBounds& bounds) {
  KW_ASSIGN_OR_RETURN(Statement stmt, Prepare(CountKeysSql(), "count keys"));
  stmt.BindInt(1, ToSeconds(bounds.now))
      .BindInt(2, ToSeconds(bounds.expires_until))
      .BindInt(3, ToSeconds(bounds.used_before))
      .BindInt(4, ToSeconds(bounds.secret_issued_before));
  KW_ASSIGN_OR_RETURN(const bool row, stmt.Step());
  if (!row) return core::Internal("key counts: no row");
  core::KeyCounts counts;
  counts.disabled = stmt.Int(0);
  counts.expired = stmt.Int(1);
  counts.locked_out = stmt.Int(2);
  counts.enabled = stmt.Int(3);
  counts.expiring = stmt.Int(4);
  counts.unused = stmt.Int(5);
  counts.stale_secret = stmt.Int(6);
  return counts;
}

Result<std::vector<ApiKey>> SqlUnitOfWork::KeysWithRole(core::RoleId role) {
  KW_ASSIGN_OR_RETURN(Statement stmt,
                      Prepare(std::string(kSelectKey) + " WHERE k.role_id = ?1 ORDER BY k.id",
                              "list keys with role"));
  stmt.BindInt(1, role);
  return ReadKeys(stmt);
}

Result<std::vector<ApiKey>> SqlUnitOfWork::AllKeys() {
  KW_ASSIGN_OR_RETURN(Statement stmt,
                      Prepare(std::string(kSelectKey) + " ORDER BY k.id", "list all keys"));
  return ReadKeys(stmt);
}

Status SqlUnitOfWork::ForEachKey(const std::function<Status(ApiKey&&)>& fn) {
  KW_ASSIGN_OR_RETURN(Statement stmt,
                      Prepare(std::string(kSelectKey) + " ORDER BY k.id", "read all keys"));
  for (;;) {
    KW_ASSIGN_OR_RETURN(const bool row, stmt.Step());
    if (!row) return core::Ok();
    KW_ASSIGN_OR_RETURN(ApiKey key, ReadKey(stmt));
    KW_RETURN_IF_ERROR(fn(std::move(key)));
  }
}

Status SqlUnitOfWork::SetLastUsed(const std::vector<core::KeyUse>& uses) {
  KW_ASSIGN_OR_RETURN(Statement stmt,
                      Prepare("UPDATE api_keys SET last_used_at = ?1,"
                              " prev_last_used_at = COALESCE(?2, prev_last_used_at) WHERE id = ?3",
                              "record last use"));
  for (const core::KeyUse& use : uses) {
    stmt.Reset();
    stmt.BindInt(1, ToSeconds(use.last_used_at))
        .BindOptionalInt(2, OptionalSeconds(use.previous_secret_used_at))
        .BindInt(3, use.id);
    KW_RETURN_IF_ERROR(stmt.Run());
  }
  return core::Ok();
}

Status SqlUnitOfWork::CheckKeyWritable(const ApiKey& key, KeyId self) {
  KW_ASSIGN_OR_RETURN(Statement role, Prepare("SELECT id FROM roles WHERE id = ?1", "check role"));
  role.BindInt(1, key.role_id);
  KW_ASSIGN_OR_RETURN(const auto role_id, FirstInt(role));
  if (!role_id) {
    return MakeError(ErrorCode::kNotFound, Msg::kRoleNotFound, {std::to_string(key.role_id)});
  }
  KW_ASSIGN_OR_RETURN(
      Statement name,
      Prepare("SELECT id FROM api_keys WHERE name_key = ?1 AND id <> ?2", "check key name"));
  name.BindText(1, core::KeyNameKey(key)).BindInt(2, self);
  KW_ASSIGN_OR_RETURN(const auto name_owner, FirstInt(name));
  if (name_owner) return MakeError(ErrorCode::kAlreadyExists, Msg::kKeyNameTaken, {key.name});
  KW_ASSIGN_OR_RETURN(
      Statement public_id,
      Prepare("SELECT id FROM api_keys WHERE public_id = ?1 AND id <> ?2", "check public id"));
  public_id.BindText(1, key.public_id).BindInt(2, self);
  KW_ASSIGN_OR_RETURN(const auto public_id_owner, FirstInt(public_id));
  if (public_id_owner) {
    return MakeError(ErrorCode::kAlreadyExists, Msg::kStoreError, {"duplicate public id"});
  }
  return core::Ok();
}

Result<KeyId> SqlUnitOfWork::InsertKey(const ApiKey& key) {
  KW_RETURN_IF_ERROR(CheckKeyWritable(key, /*self=*/0));
  KW_ASSIGN_OR_RETURN(Statement stmt, Prepare(kInsertKey, "insert key"));
  BindKeyFields(stmt, key);
  Result<bool> row = stmt.Step();
  if (!row) return KeyWriteError(stmt, key, row.error());
  if (!*row) return core::Internal("insert key: no id returned");
  return static_cast<KeyId>(stmt.Int(0));
}

Status SqlUnitOfWork::UpdateKey(const ApiKey& key) {
  KW_ASSIGN_OR_RETURN(Statement exists,
                      Prepare("SELECT id FROM api_keys WHERE id = ?1", "update key"));
  exists.BindInt(1, key.id);
  KW_ASSIGN_OR_RETURN(const auto found, FirstInt(exists));
  if (!found) return MakeError(ErrorCode::kNotFound, Msg::kKeyNotFound, {std::to_string(key.id)});
  KW_RETURN_IF_ERROR(CheckKeyWritable(key, key.id));
  KW_ASSIGN_OR_RETURN(Statement stmt, Prepare(kUpdateKey, "update key"));
  BindKeyFields(stmt, key);
  stmt.BindInt(26, key.id);
  if (Status st = stmt.Run(); !st) return KeyWriteError(stmt, key, st.error());
  return core::Ok();
}

Status SqlUnitOfWork::DeleteKey(KeyId id) {
  KW_ASSIGN_OR_RETURN(Statement stmt, Prepare("DELETE FROM api_keys WHERE id = ?1", "delete key"));
  KW_RETURN_IF_ERROR(stmt.BindInt(1, id).Run());
  if (stmt.Changes() == 0) {
    return MakeError(ErrorCode::kNotFound, Msg::kKeyNotFound, {std::to_string(id)});
  }
  return core::Ok();
}

}  // namespace keyward::storage::sql
