#include "app/backup_command.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "app/serve_options.hpp"
#include "storage/data_dir.hpp"
#include "storage/sqlite/migrations.hpp"
#include "storage/sqlite/sqlite_backup.hpp"

namespace keyward::app {
namespace {

namespace fs = std::filesystem;

// Exit status for an error: a refusal the operator can fix by changing the command (a file
// that must not be replaced, a directory that is not empty, a file that is not a usable
// backup) is 2; a failure of the machine (I/O) is 1.
int ExitFor(const core::Error& error) {
  switch (error.code) {
    case core::ErrorCode::kInvalidArgument:
    case core::ErrorCode::kNotFound:
    case core::ErrorCode::kAlreadyExists:
    case core::ErrorCode::kConflict:
      return 2;
    default:
      return 1;
  }
}

std::string Summary(const storage::sqlite::StoreSummary& s) {
  return "schema version " + std::to_string(s.schema_version) + ", " + std::to_string(s.keys) +
         " API keys, " + std::to_string(s.custom_roles) + " custom roles, " +
         std::to_string(s.accounts) + " accounts, " + std::to_string(s.audit_events) +
         " audit events, " + std::to_string(s.bytes) + " bytes";
}

// The entries of `dir` (at most `limit` names, sorted), for naming what is in the way.
std::vector<std::string> Entries(const std::string& dir, std::size_t limit, std::size_t& total) {
  std::vector<std::string> names;
  total = 0;
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, ec)) {
    ++total;
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  if (names.size() > limit) names.resize(limit);
  return names;
}

}  // namespace

int RunBackup(const ServeConfig& config, const std::string& file, bool force, std::ostream& out,
              std::ostream& err) {
  if (config.database) {
    err << "keyward: backup: the store is a PostgreSQL database (--database); back it up with "
           "pg_dump while the nodes run (docs/postgresql.md, \"Backups\")\n";
    return 2;
  }
  const std::string source = storage::DatabasePath(config.data_dir);
  storage::sqlite::CopyOptions options;
  options.overwrite = force;
  core::Result<storage::sqlite::StoreSummary> copied =
      storage::sqlite::CopyDatabase(source, file, options);
  if (!copied) {
    err << "keyward: backup: " << copied.error().Message() << "\n";
    if (copied.error().code == core::ErrorCode::kAlreadyExists) {
      err << "keyward: backup: choose a new file name, or pass --force to replace it\n";
    }
    return ExitFor(copied.error());
  }
  out << "backed up " << source << " to " << file << ": " << Summary(*copied) << "\n";
  err << "keyward: the pepper is not in the backup; keep "
      << (config.pepper_file ? *config.pepper_file : config.data_dir + "/pepper")
      << " safe and apart from it: a restore needs it\n";
  return 0;
}

int RunRestore(const ServeConfig& config, const std::string& file, std::ostream& out,
               std::ostream& err) {
  if (config.database) {
    err << "keyward: restore: the store is a PostgreSQL database (--database); restore a pg_dump "
           "archive with pg_restore into a new database (docs/postgresql.md, \"Backups\")\n";
    return 2;
  }
  const std::string& dir = config.data_dir;
  std::error_code ec;
  const bool existed = fs::exists(dir, ec);
  if (existed) {
    if (!fs::is_directory(dir, ec)) {
      err << "keyward: restore: refused: " << dir << " is not a directory\n";
      return 2;
    }
    std::size_t total = 0;
    const std::vector<std::string> names = Entries(dir, 5, total);
    if (total > 0) {
      err << "keyward: restore: refused: the data directory " << dir << " is not empty (it holds";
      for (const std::string& name : names) err << " " << name;
      if (total > names.size()) err << " and " << (total - names.size()) << " more";
      err << "); restore into a new or empty directory, so nothing there is overwritten\n";
      return 2;
    }
  } else {
    fs::create_directories(
        fs::path(dir).parent_path().empty() ? fs::path(".") : fs::path(dir).parent_path(), ec);
    if (::mkdir(dir.c_str(), 0700) != 0) {
      err << "keyward: restore: cannot create " << dir << ": " << std::strerror(errno) << "\n";
      return 1;
    }
  }
  if (::chmod(dir.c_str(), 0700) != 0) {
    err << "keyward: restore: cannot set the mode of " << dir << ": " << std::strerror(errno)
        << "\n";
    return 1;
  }
  const std::string database = storage::DatabasePath(dir);
  storage::sqlite::CopyOptions options;
  options.max_schema_version = storage::sqlite::LatestSchemaVersion();
  core::Result<storage::sqlite::StoreSummary> copied =
      storage::sqlite::CopyDatabase(file, database, options);
  if (!copied) {
    if (!existed) ::rmdir(dir.c_str());  // leaves no trace of a refused restore
    err << "keyward: restore: refused: " << copied.error().Message() << "\n";
    return ExitFor(copied.error());
  }
  out << "restored " << file << " to " << database << ": " << Summary(*copied) << "\n";
  if (copied->schema_version < storage::sqlite::LatestSchemaVersion()) {
    err << "keyward: the backup has schema version " << copied->schema_version
        << "; the next start migrates it to " << storage::sqlite::LatestSchemaVersion()
        << " after saving a copy under " << dir << "/backups\n";
  }
  err << "keyward: no pepper was restored (a backup never holds one): before starting, put this "
         "store's pepper back as "
      << dir << "/pepper (mode 0600), or start with --pepper-file FILE\n";
  return 0;
}

void AddBackupCommands(CLI::App& app, ConfigLayers& layers, int& exit_code) {
  struct Args {
    ServeConfig config;
    std::string file;
    bool force = false;
  };
  auto backup_args = std::make_shared<Args>();
  CLI::App* backup = app.add_subcommand(
      "backup", "Copy the embedded store to FILE while the server runs (never the pepper)");
  backup->add_option("file", backup_args->file, "The backup file to write (mode 0600)")->required();
  AddStoreOptions(*backup, backup_args->config);
  backup->add_flag("--force", backup_args->force, "Replace FILE if it exists")->group("Options");
  RunWithSettings(*backup, layers, exit_code, [backup_args] {
    return RunBackup(backup_args->config, backup_args->file, backup_args->force, std::cout,
                     std::cerr);
  });

  auto restore_args = std::make_shared<Args>();
  CLI::App* restore = app.add_subcommand(
      "restore", "Check a backup and copy it into a new, empty data directory (no pepper)");
  restore->add_option("file", restore_args->file, "The backup file to restore")->required();
  AddStoreOptions(*restore, restore_args->config);
  // Named on the command line, never taken from a configuration file: restoring goes into a new
  // directory the operator chooses.
  restore->get_option("--data-dir")->required();
  RunWithSettings(*restore, layers, exit_code, [restore_args] {
    return RunRestore(restore_args->config, restore_args->file, std::cout, std::cerr);
  });
}

}  // namespace keyward::app
