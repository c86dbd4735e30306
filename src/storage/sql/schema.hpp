// Schema migration, written once for every SQL store: the versions applied so far are recorded
// in schema_migrations(version, name, applied_at); the missing ones run in order; a schema newer
// than the binary is refused rather than misread; the built-in roles are then rewritten from
// core::BuiltInRoles(), so their names, descriptions and scopes always match the binary.
//
// Thread-safety: runs on one connection, inside a transaction its caller holds.
#pragma once

#include <functional>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "storage/sql/migration.hpp"
#include "storage/sql/sql_connection.hpp"

namespace keyward::storage::sql {

// Runs one migration's script (several statements, no parameters); `what` names it in errors.
using ScriptRunner = std::function<core::Status(std::string_view script, std::string_view what)>;

// Brings the schema on `db` up to the last of `migrations` inside the caller's transaction and
// rewrites the built-in roles. `where` names the database in errors (no password). Refuses
// (kInternal, Msg::kSchemaTooNew: the version found, the versions known, what to do) a schema
// from a newer binary, before changing anything.
core::Status MigrateSchema(Connection& db, const std::vector<Migration>& migrations,
                           const ScriptRunner& run_script, std::string_view where);

}  // namespace keyward::storage::sql
