// Copies of the embedded store's database file (docs/operations.md "Backup and restore"): an online
// backup taken while a server writes, a restore into an empty data directory, and the automatic
// backup before schema migrations. All three use one copy, SQLite's backup API in a single step:
// the copy reads one snapshot of the source inside one read transaction, which in WAL mode never
// blocks the server's writer (nor does the writer restart the copy, as it would a copy made in
// several steps). The copy is written to a private temporary file beside the destination, turned
// into a standalone file (rollback journal, no -wal beside it), checked (PRAGMA integrity_check,
// Keyward's tables, a schema version), fsynced and only then given the destination's name.
// The pepper never lives in the database (storage/data_dir.hpp), so it is never in a copy.
//
// Thread-safety: the functions are safe to call from any thread; each opens its own connections.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/result.hpp"

namespace keyward::storage::sqlite {

// What a copy of a Keyward database holds.
struct StoreSummary {
  std::int64_t schema_version = 0;
  std::int64_t keys = 0;
  std::int64_t custom_roles = 0;
  std::int64_t accounts = 0;  // 0 before schema version 3, which brought accounts
  std::int64_t audit_events = 0;
  std::int64_t bytes = 0;  // the copy's size on disk
};

struct CopyOptions {
  // Replace a file already at the destination (else kAlreadyExists, and it is left alone).
  bool overwrite = false;
  // Refuse (kConflict, Msg::kSchemaTooNew) a database whose schema version is higher than
  // this; 0: any version.
  std::int64_t max_schema_version = 0;
};

// Copies the Keyward database at `source` to `destination` (mode 0600) as described above and
// says what the copy holds. `source` is opened read-only and never changed. Errors, each naming
// the file (Msg::kStoreError unless said): kNotFound when `source` does not exist;
// kInvalidArgument when it is not a SQLite database, fails the integrity check or does not hold
// Keyward's schema; kConflict (Msg::kSchemaTooNew) past options.max_schema_version;
// kAlreadyExists when `destination` exists and !options.overwrite; kUnavailable when a file
// cannot be read or written. On any error nothing is left at `destination` that was not there.
core::Result<StoreSummary> CopyDatabase(const std::string& source, const std::string& destination,
                                        const CopyOptions& options = {});

// The schema version recorded in the Keyward database at `path` (0 for a database without
// schema_migrations), read without changing the file.
core::Result<std::int64_t> SchemaVersionAt(const std::string& path);

// Whether the database at `path` records a pepper fingerprint (core/store/pepper_guard.hpp): a
// store that has been used, which only its own pepper can open. Read without changing the file.
core::Result<bool> RecordsPepper(const std::string& path);

// The name of the automatic backup taken before migrating a store at schema version `version` at
// `unix_seconds`: "keyward-schema-v<version>-<YYYYMMDD>T<HHMMSS>Z.db".
std::string MigrationBackupName(std::int64_t version, std::int64_t unix_seconds);

}  // namespace keyward::storage::sqlite
