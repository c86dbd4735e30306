// `keyward backup FILE` and `keyward restore FILE --data-dir DIR` (docs/operations.md "Backup and
// restore"): the CLI glue over storage/sqlite/sqlite_backup.hpp for the embedded store. Neither
// needs the pepper nor ever copies it; both refuse a PostgreSQL store (--database), whose backups
// are pg_dump's (docs/postgresql.md "Backups").
#pragma once

#include <CLI/CLI.hpp>

#include <ostream>
#include <string>

#include "app/config.hpp"
#include "app/config_layers.hpp"

namespace keyward::app {

// Adds `backup` and `restore` to `app`, with the store's flags and --config (`layers`); their
// exit status goes to `exit_code` (0 done, 1 failed, 2 refused: a usage error, a configuration
// that cannot be used or a destination that must not be touched).
void AddBackupCommands(CLI::App& app, ConfigLayers& layers, int& exit_code);

// `keyward backup FILE`: an online copy of DATA_DIR/keyward.db to FILE (never over an existing
// FILE unless `force`). Says what it wrote on `out`, errors on `err`; returns the exit status.
int RunBackup(const ServeConfig& config, const std::string& file, bool force, std::ostream& out,
              std::ostream& err);

// `keyward restore FILE --data-dir DIR`: FILE checked and copied to DIR/keyward.db, DIR absent
// or empty. Says what it restored and that the pepper must be put back; returns the exit status.
int RunRestore(const ServeConfig& config, const std::string& file, std::ostream& out,
               std::ostream& err);

}  // namespace keyward::app
