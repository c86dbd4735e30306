// Schema migrations for the PostgreSQL store: versioned SQL files (migrations/V001__initial.sql,
// ...; the same versions as the SQLite store's, in PostgreSQL's dialect) embedded in the binary at
// build time, applied in order at open inside one transaction that holds an advisory lock, so
// nodes that start together migrate once and the others wait, then find the work done.
//
// Thread-safety: EmbeddedMigrations is immutable; Migrate runs on one connection held by the
// caller.
#pragma once

#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "storage/sql/migration.hpp"

namespace keyward::storage::postgres {

class PgConnection;

using sql::Migration;

// The migrations compiled into this binary, by version ascending (generated at build time by
// storage/embed_migrations.cmake).
const std::vector<Migration>& EmbeddedMigrations();

// Brings the database on `connection` up to the last embedded version and (re)writes the built-in
// roles, in one transaction rolled back on any failure. `where` names the database in errors (no
// password). With `create` false, a database without Keyward's schema is refused (kNotFound)
// and left untouched.
core::Status Migrate(PgConnection& connection, std::string_view where, bool create);

}  // namespace keyward::storage::postgres
