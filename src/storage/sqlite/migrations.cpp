#include "storage/sqlite/migrations.hpp"

#include <sqlite3.h>

#include <string>

#include "storage/sql/schema.hpp"
#include "storage/sqlite/sqlite_statement.hpp"

namespace keyward::storage::sqlite {

int LatestSchemaVersion() {
  const std::vector<Migration>& migrations = EmbeddedMigrations();
  return migrations.empty() ? 0 : migrations.back().version;
}

core::Status Migrate(sqlite3* db, std::string_view path) {
  KW_RETURN_IF_ERROR(Execute(db, "BEGIN IMMEDIATE", "begin migration"));
  SqliteConnection connection(db);
  core::Status st = sql::MigrateSchema(
      connection, EmbeddedMigrations(),
      [db](std::string_view script, std::string_view what) {
        const std::string text(script);  // sqlite3_exec wants a terminated string
        return Execute(db, text.c_str(), what);
      },
      path);
  if (st) st = Execute(db, "COMMIT", "commit migration");
  if (!st && sqlite3_get_autocommit(db) == 0) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  return st;
}

}  // namespace keyward::storage::sqlite
