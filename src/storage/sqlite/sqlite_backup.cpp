#include "storage/sqlite/sqlite_backup.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <exception>
#include <filesystem>
#include <memory>
#include <string_view>
#include <thread>

#include "storage/file_sync.hpp"
#include "storage/sqlite/sqlite_statement.hpp"

namespace keyward::storage::sqlite {
namespace {

struct CloseDb {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using DbOwner = std::unique_ptr<sqlite3, CloseDb>;

// The tables every Keyward schema has had since version 1.
constexpr const char* kKeywardTables[] = {"schema_migrations", "roles", "api_keys", "audit_events",
                                          "meta"};

core::Error StoreError(core::ErrorCode code, std::string text) {
  return core::MakeError(code, core::Msg::kStoreError, {std::move(text)});
}

core::Error NotKeyward(const std::string& path, std::string_view why) {
  return StoreError(core::ErrorCode::kInvalidArgument,
                    path + " is not a usable Keyward database: " + std::string(why));
}

// A SQLite failure on `path`: a file that is not a database or is damaged is the caller's
// (kInvalidArgument); anything else is the store's.
core::Error FileFailure(int code, const std::string& path, std::string_view what) {
  switch (code & 0xff) {
    case SQLITE_NOTADB:
      return NotKeyward(path, "not a SQLite database");
    case SQLITE_CORRUPT:
      return NotKeyward(path, "the file is damaged (SQLite reports it corrupt)");
    default: {
      const core::Error e = ErrorFromCode(code, what);
      return StoreError(e.code, path + ": " + (e.args.empty() ? std::string() : e.args.front()));
    }
  }
}

core::Result<DbOwner> OpenReadOnly(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) {
      return StoreError(core::ErrorCode::kNotFound, "no database at " + path);
    }
    return StoreError(core::ErrorCode::kUnavailable,
                      "cannot read " + path + ": " + std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode)) {
    return StoreError(core::ErrorCode::kInvalidArgument, path + " is not a regular file");
  }
  sqlite3* raw = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
  DbOwner db(raw);
  if (rc != SQLITE_OK) return FileFailure(rc, path, "open");
  sqlite3_extended_result_codes(db.get(), 1);
  sqlite3_busy_timeout(db.get(), 5000);
  return db;
}

// Whether `db` has a table named `table`.
core::Result<bool> HasTable(sqlite3* db, const std::string& path, const char* table) {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1",
                              -1, &raw, nullptr);
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> stmt(raw, sqlite3_finalize);
  if (rc != SQLITE_OK) return FileFailure(sqlite3_extended_errcode(db), path, "read the schema");
  sqlite3_bind_text(stmt.get(), 1, table, -1, SQLITE_STATIC);
  rc = sqlite3_step(stmt.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return FileFailure(sqlite3_extended_errcode(db), path, "read the schema");
}

// The single integer `sql` returns (0 for NULL).
core::Result<std::int64_t> QueryInt(sqlite3* db, const std::string& path, const char* sql) {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(db, sql, -1, &raw, nullptr);
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> stmt(raw, sqlite3_finalize);
  if (rc != SQLITE_OK) return FileFailure(sqlite3_extended_errcode(db), path, "read");
  rc = sqlite3_step(stmt.get());
  if (rc == SQLITE_ROW) return sqlite3_column_int64(stmt.get(), 0);
  if (rc == SQLITE_DONE) return std::int64_t{0};
  return FileFailure(sqlite3_extended_errcode(db), path, "read");
}

core::Result<std::int64_t> ReadSchemaVersion(sqlite3* db, const std::string& path) {
  KW_ASSIGN_OR_RETURN(const bool has, HasTable(db, path, "schema_migrations"));
  if (!has) return std::int64_t{0};
  return QueryInt(db, path, "SELECT coalesce(max(version), 0) FROM schema_migrations");
}

// PRAGMA integrity_check, then Keyward's tables and a schema version; what the file holds.
core::Result<StoreSummary> Check(sqlite3* db, const std::string& path, const std::string& named,
                                 const CopyOptions& options) {
  {
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &raw, nullptr);
    std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> stmt(raw, sqlite3_finalize);
    if (rc != SQLITE_OK) return FileFailure(sqlite3_extended_errcode(db), named, "check");
    rc = sqlite3_step(stmt.get());
    if (rc != SQLITE_ROW) return FileFailure(sqlite3_extended_errcode(db), named, "check");
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt.get(), 0));
    if (text == nullptr || std::string_view(text) != "ok") {
      return NotKeyward(named, "PRAGMA integrity_check reports damage");
    }
  }
  for (const char* table : kKeywardTables) {
    KW_ASSIGN_OR_RETURN(const bool has, HasTable(db, path, table));
    if (!has) return NotKeyward(named, std::string("it has no ") + table + " table");
  }
  StoreSummary out;
  KW_ASSIGN_OR_RETURN(out.schema_version, ReadSchemaVersion(db, path));
  if (out.schema_version < 1) return NotKeyward(named, "it records no schema version");
  if (options.max_schema_version > 0 && out.schema_version > options.max_schema_version) {
    return core::MakeError(
        core::ErrorCode::kConflict, core::Msg::kSchemaTooNew,
        {named, std::to_string(out.schema_version), std::to_string(options.max_schema_version)});
  }
  KW_ASSIGN_OR_RETURN(out.keys, QueryInt(db, path, "SELECT count(*) FROM api_keys"));
  KW_ASSIGN_OR_RETURN(out.custom_roles,
                      QueryInt(db, path, "SELECT count(*) FROM roles WHERE built_in = 0"));
  KW_ASSIGN_OR_RETURN(out.audit_events, QueryInt(db, path, "SELECT count(*) FROM audit_events"));
  KW_ASSIGN_OR_RETURN(const bool has_accounts, HasTable(db, path, "accounts"));
  if (has_accounts) {
    KW_ASSIGN_OR_RETURN(out.accounts, QueryInt(db, path, "SELECT count(*) FROM accounts"));
  }
  return out;
}

// fsync of a file or directory, said as a store error.
core::Status Sync(const std::string& path) {
  if (SyncPath(path)) return core::Ok();
  return StoreError(core::ErrorCode::kUnavailable,
                    "cannot sync " + path + ": " + std::strerror(errno));
}

// Removes the temporary copy (and a journal SQLite may have left beside it) unless released.
class TempFile {
 public:
  explicit TempFile(std::string path) : path_(std::move(path)) {}
  ~TempFile() {
    if (path_.empty()) return;
    ::unlink(path_.c_str());
    ::unlink((path_ + "-journal").c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }
  void Release() { path_.clear(); }

 private:
  std::string path_;
};

// Copies `src` into the fresh database `dest` in one backup step. In WAL mode the one step holds
// a read snapshot and so never sees a writer's changes half-way; a busy or locked source (a WAL
// recovery in progress) is retried for up to five seconds.
core::Status BackupPages(sqlite3* src, sqlite3* dest, const std::string& source) {
  sqlite3_backup* backup = sqlite3_backup_init(dest, "main", src, "main");
  if (backup == nullptr) {
    return FileFailure(sqlite3_extended_errcode(dest), source, "start the copy");
  }
  int rc = SQLITE_OK;
  for (int attempt = 0; attempt < 100; ++attempt) {
    rc = sqlite3_backup_step(backup, -1);
    if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const int finished = sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) {
    // The source's own code says more than the backup's (e.g. SQLITE_NOTADB).
    const int src_code = sqlite3_extended_errcode(src);
    return FileFailure(src_code != SQLITE_OK ? src_code : rc, source, "copy");
  }
  if (finished != SQLITE_OK) return FileFailure(finished, source, "copy");
  return core::Ok();
}

core::Result<StoreSummary> Copy(const std::string& source, const std::string& destination,
                                const CopyOptions& options) {
  KW_ASSIGN_OR_RETURN(DbOwner src, OpenReadOnly(source));
  if (!options.overwrite && ::access(destination.c_str(), F_OK) == 0) {
    return StoreError(core::ErrorCode::kAlreadyExists,
                      destination + " already exists; it was left as it is");
  }
  TempFile tmp(destination + ".tmp-" + std::to_string(::getpid()));
  ::unlink(tmp.path().c_str());
  {
    const int fd = ::open(tmp.path().c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
      return StoreError(core::ErrorCode::kUnavailable,
                        "cannot create " + tmp.path() + ": " + std::strerror(errno));
    }
    ::close(fd);
  }
  StoreSummary summary;
  {
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(tmp.path().c_str(), &raw,
                                   SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
    DbOwner dest(raw);
    if (rc != SQLITE_OK) return FileFailure(rc, tmp.path(), "open");
    sqlite3_extended_result_codes(dest.get(), 1);
    KW_RETURN_IF_ERROR(BackupPages(src.get(), dest.get(), source));
    src.reset();
    // The copy carries the source's WAL mark; a standalone file needs no -wal beside it.
    if (const int jm =
            sqlite3_exec(dest.get(), "PRAGMA journal_mode = DELETE", nullptr, nullptr, nullptr);
        jm != SQLITE_OK) {
      return FileFailure(sqlite3_extended_errcode(dest.get()), source, "copy");
    }
    KW_ASSIGN_OR_RETURN(summary, Check(dest.get(), tmp.path(), source, options));
  }
  if (::chmod(tmp.path().c_str(), 0600) != 0) {
    return StoreError(core::ErrorCode::kUnavailable,
                      "cannot set the mode of " + tmp.path() + ": " + std::strerror(errno));
  }
  KW_RETURN_IF_ERROR(Sync(tmp.path()));
  struct stat st {};
  if (::stat(tmp.path().c_str(), &st) == 0) summary.bytes = st.st_size;
  if (options.overwrite) {
    if (::rename(tmp.path().c_str(), destination.c_str()) != 0) {
      return StoreError(core::ErrorCode::kUnavailable,
                        "cannot write " + destination + ": " + std::strerror(errno));
    }
  } else {
    // link() fails if the name was taken meanwhile: a file there is never replaced.
    if (::link(tmp.path().c_str(), destination.c_str()) != 0) {
      if (errno == EEXIST) {
        return StoreError(core::ErrorCode::kAlreadyExists,
                          destination + " already exists; it was left as it is");
      }
      return StoreError(core::ErrorCode::kUnavailable,
                        "cannot write " + destination + ": " + std::strerror(errno));
    }
    ::unlink(tmp.path().c_str());
  }
  tmp.Release();
  KW_RETURN_IF_ERROR(Sync(DirectoryOf(destination)));
  return summary;
}

}  // namespace

core::Result<StoreSummary> CopyDatabase(const std::string& source, const std::string& destination,
                                        const CopyOptions& options) {
  try {
    return Copy(source, destination, options);
  } catch (const std::exception& e) {
    return StoreError(core::ErrorCode::kInternal, "copy " + source + ": " + e.what());
  }
}

core::Result<std::int64_t> SchemaVersionAt(const std::string& path) {
  KW_ASSIGN_OR_RETURN(DbOwner db, OpenReadOnly(path));
  return ReadSchemaVersion(db.get(), path);
}

core::Result<bool> RecordsPepper(const std::string& path) {
  KW_ASSIGN_OR_RETURN(DbOwner db, OpenReadOnly(path));
  KW_ASSIGN_OR_RETURN(const bool has_meta, HasTable(db.get(), path, "meta"));
  if (!has_meta) return false;
  KW_ASSIGN_OR_RETURN(
      const std::int64_t found,
      QueryInt(db.get(), path, "SELECT count(*) FROM meta WHERE key LIKE 'pepper.fingerprint.%'"));
  return found > 0;
}

std::string MigrationBackupName(std::int64_t version, std::int64_t unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm utc{};
  ::gmtime_r(&t, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &utc);
  return "keyward-schema-v" + std::to_string(version) + "-" + stamp + ".db";
}

}  // namespace keyward::storage::sqlite
