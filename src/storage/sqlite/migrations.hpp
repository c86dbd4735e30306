// Schema migrations for the SQLite store: versioned SQL files (migrations/V001__initial.sql, ...)
// embedded in the binary at build time, applied in order at open inside one transaction, each
// recorded in schema_migrations(version, name, applied_at). A database whose recorded version
// is higher than this binary knows is refused rather than misread.
//
// Thread-safety: EmbeddedMigrations is immutable; Migrate runs on one connection held by the
// caller.
#pragma once

#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "storage/sql/migration.hpp"

struct sqlite3;

namespace keyward::storage::sqlite {

using sql::Migration;

// The migrations compiled into this binary, by version ascending (generated at build time by
// storage/embed_migrations.cmake).
const std::vector<Migration>& EmbeddedMigrations();

// The highest version in EmbeddedMigrations().
int LatestSchemaVersion();

// Brings the database on `db` up to LatestSchemaVersion() and (re)writes the built-in roles, in
// one IMMEDIATE transaction that is rolled back on any failure. `path` names the database in
// errors. Refuses (kInternal, Msg::kStoreError) a database from a newer binary.
core::Status Migrate(sqlite3* db, std::string_view path);

}  // namespace keyward::storage::sqlite
