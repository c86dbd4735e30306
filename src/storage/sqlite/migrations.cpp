#include "storage/sqlite/migrations.hpp"

#include <sqlite3.h>

#include <chrono>
#include <string>

#include "core/permissions.hpp"
#include "storage/sql/sql_rows.hpp"
#include "storage/sqlite/sqlite_statement.hpp"

namespace keyward::storage::sqlite {
namespace {

core::Status CheckEmbedded(const std::vector<Migration>& migrations) {
  if (migrations.empty()) return core::Internal("no schema migrations compiled in");
  int previous = 0;
  for (const Migration& m : migrations) {
    if (m.version <= previous) {
      return core::Internal("schema migrations out of order at version " +
                            std::to_string(m.version));
    }
    previous = m.version;
  }
  return core::Ok();
}

core::Result<std::int64_t> CurrentVersion(sqlite3* db) {
  KW_RETURN_IF_ERROR(Execute(db,
                             "CREATE TABLE IF NOT EXISTS schema_migrations ("
                             " version INTEGER PRIMARY KEY,"
                             " name TEXT NOT NULL,"
                             " applied_at INTEGER NOT NULL)",
                             "create schema_migrations"));
  KW_ASSIGN_OR_RETURN(
      Statement stmt,
      Statement::Prepare(db, "SELECT coalesce(max(version), 0) FROM schema_migrations",
                         "read schema version"));
  KW_ASSIGN_OR_RETURN(const bool row, stmt.Step());
  if (!row) return core::Internal("read schema version: no row");
  return stmt.Int(0);
}

core::Status Apply(sqlite3* db, const Migration& m) {
  const std::string what =
      "apply migration " + std::to_string(m.version) + " (" + std::string(m.name) + ")";
  const std::string sql(m.sql);  // sqlite3_exec wants a terminated string
  KW_RETURN_IF_ERROR(Execute(db, sql.c_str(), what));
  KW_ASSIGN_OR_RETURN(
      Statement record,
      Statement::Prepare(
          db, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
          what));
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  record.BindInt(1, m.version).BindText(2, m.name).BindInt(3, now.time_since_epoch().count());
  return record.Run();
}

// The built-in roles are rewritten from the binary at every open: always present, and always
// the binary's names, descriptions and scopes.
core::Status WriteBuiltInRoles(sqlite3* db) {
  for (const core::Role& role : core::BuiltInRoles()) {
    KW_ASSIGN_OR_RETURN(
        Statement upsert,
        Statement::Prepare(db,
                           "INSERT INTO roles (id, name, name_key, description, built_in, scope)"
                           " VALUES (?1, ?2, ?3, ?4, 1, ?5)"
                           " ON CONFLICT (id) DO UPDATE SET name = excluded.name,"
                           " name_key = excluded.name_key, description = excluded.description,"
                           " built_in = 1, scope = excluded.scope",
                           "write built-in role"));
    upsert.BindInt(1, role.id)
        .BindText(2, role.name)
        .BindText(3, core::NameKey(role.name))
        .BindText(4, role.description)
        .BindText(5, sql::ScopeName(role.permissions.scope()));
    KW_RETURN_IF_ERROR(upsert.Run());
    SqliteConnection connection(db);
    KW_RETURN_IF_ERROR(sql::WriteRolePermissions(connection, role.id, role.permissions));
  }
  return core::Ok();
}

core::Status MigrateInTransaction(sqlite3* db, std::string_view path) {
  const std::vector<Migration>& migrations = EmbeddedMigrations();
  KW_RETURN_IF_ERROR(CheckEmbedded(migrations));
  KW_ASSIGN_OR_RETURN(const std::int64_t current, CurrentVersion(db));
  const int latest = migrations.back().version;
  if (current > latest) {
    return core::MakeError(core::ErrorCode::kInternal, core::Msg::kStoreError,
                           {"the database " + std::string(path) + " has schema version " +
                            std::to_string(current) + ", newer than this binary supports (" +
                            std::to_string(latest) + "); run a newer Keyward"});
  }
  for (const Migration& m : migrations) {
    if (m.version > current) KW_RETURN_IF_ERROR(Apply(db, m));
  }
  return WriteBuiltInRoles(db);
}

}  // namespace

int LatestSchemaVersion() {
  const std::vector<Migration>& migrations = EmbeddedMigrations();
  return migrations.empty() ? 0 : migrations.back().version;
}

core::Status Migrate(sqlite3* db, std::string_view path) {
  KW_RETURN_IF_ERROR(Execute(db, "BEGIN IMMEDIATE", "begin migration"));
  core::Status st = MigrateInTransaction(db, path);
  if (st) st = Execute(db, "COMMIT", "commit migration");
  if (!st && sqlite3_get_autocommit(db) == 0) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  return st;
}

}  // namespace keyward::storage::sqlite
