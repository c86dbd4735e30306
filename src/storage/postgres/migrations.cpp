#include "storage/postgres/migrations.hpp"

#include <string>

#include "storage/postgres/pg_connection.hpp"
#include "storage/sql/schema.hpp"

namespace keyward::storage::postgres {
namespace {

// The advisory lock migrations hold ("kwmigr" in ASCII), apart from the units of work's.
constexpr std::string_view kLockMigrations = "SELECT pg_advisory_xact_lock(120139582989426)";

core::Result<bool> HasSchema(PgConnection& connection) {
  KW_ASSIGN_OR_RETURN(sql::Statement stmt,
                      connection.Prepare("SELECT to_regclass('schema_migrations') IS NOT NULL",
                                         "look for the schema"));
  KW_ASSIGN_OR_RETURN(const bool row, stmt.Step());
  return row && stmt.Text(0) == "t";
}

core::Status MigrateInTransaction(PgConnection& connection, std::string_view where, bool create) {
  KW_RETURN_IF_ERROR(connection.Execute(kLockMigrations, "lock the schema"));
  if (!create) {
    KW_ASSIGN_OR_RETURN(const bool exists, HasSchema(connection));
    if (!exists) {
      return core::MakeError(core::ErrorCode::kNotFound, core::Msg::kSetting,
                             {"--database: no Keyward store in " + std::string(where)});
    }
  }
  return sql::MigrateSchema(
      connection, EmbeddedMigrations(),
      [&connection](std::string_view script, std::string_view what) {
        return connection.Execute(script, what);
      },
      where);
}

}  // namespace

core::Status Migrate(PgConnection& connection, std::string_view where, bool create) {
  KW_RETURN_IF_ERROR(connection.Execute("BEGIN", "begin migration"));
  core::Status st = MigrateInTransaction(connection, where, create);
  if (st) st = connection.Execute("COMMIT", "commit migration");
  if (!st) (void)connection.Execute("ROLLBACK", "roll back migration");
  return st;
}

}  // namespace keyward::storage::postgres
