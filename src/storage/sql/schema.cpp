#include "storage/sql/schema.hpp"

#include <chrono>
#include <string>

#include "core/permissions.hpp"
#include "storage/sql/sql_rows.hpp"

namespace keyward::storage::sql {
namespace {

core::Result<std::int64_t> CurrentVersion(Connection& db) {
  KW_ASSIGN_OR_RETURN(Statement create, db.Prepare("CREATE TABLE IF NOT EXISTS schema_migrations ("
                                                   " version INTEGER PRIMARY KEY,"
                                                   " name TEXT NOT NULL,"
                                                   " applied_at BIGINT NOT NULL)",
                                                   "create schema_migrations"));
  KW_RETURN_IF_ERROR(create.Run());
  KW_ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("SELECT coalesce(max(version), 0) FROM schema_migrations", "read schema version"));
  KW_ASSIGN_OR_RETURN(const bool row, stmt.Step());
  if (!row) return core::Internal("read schema version: no row");
  return stmt.Int(0);
}

core::Status Apply(Connection& db, const Migration& m, const ScriptRunner& run_script) {
  const std::string what =
      "apply migration " + std::to_string(m.version) + " (" + std::string(m.name) + ")";
  KW_RETURN_IF_ERROR(run_script(m.sql, what));
  KW_ASSIGN_OR_RETURN(
      Statement record,
      db.Prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
                 what));
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  record.BindInt(1, m.version).BindText(2, m.name).BindInt(3, now.time_since_epoch().count());
  return record.Run();
}

core::Status WriteBuiltInRoles(Connection& db) {
  for (const core::Role& role : core::BuiltInRoles()) {
    KW_ASSIGN_OR_RETURN(
        Statement upsert,
        db.Prepare("INSERT INTO roles (id, name, name_key, description, built_in, scope)"
                   " VALUES (?1, ?2, ?3, ?4, 1, ?5)"
                   " ON CONFLICT (id) DO UPDATE SET name = excluded.name,"
                   " name_key = excluded.name_key, description = excluded.description,"
                   " built_in = 1, scope = excluded.scope",
                   "write built-in role"));
    upsert.BindInt(1, role.id)
        .BindText(2, role.name)
        .BindText(3, core::NameKey(role.name))
        .BindText(4, role.description)
        .BindText(5, ScopeName(role.permissions.scope()));
    KW_RETURN_IF_ERROR(upsert.Run());
    KW_RETURN_IF_ERROR(WriteRolePermissions(db, role.id, role.permissions));
  }
  return core::Ok();
}

}  // namespace

core::Status MigrateSchema(Connection& db, const std::vector<Migration>& migrations,
                           const ScriptRunner& run_script, std::string_view where) {
  KW_RETURN_IF_ERROR(CheckMigrations(migrations));
  KW_ASSIGN_OR_RETURN(const std::int64_t current, CurrentVersion(db));
  const int latest = migrations.back().version;
  if (current > latest) {
    return core::MakeError(
        core::ErrorCode::kInternal, core::Msg::kSchemaTooNew,
        {"the database " + std::string(where), std::to_string(current), std::to_string(latest)});
  }
  for (const Migration& m : migrations) {
    if (m.version > current) KW_RETURN_IF_ERROR(Apply(db, m, run_script));
  }
  return WriteBuiltInRoles(db);
}

}  // namespace keyward::storage::sql
