#include "storage/sqlite/sqlite_store.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <exception>

#include "storage/sql/sql_unit_of_work.hpp"
#include "storage/sqlite/migrations.hpp"
#include "storage/sqlite/sqlite_backup.hpp"
#include "storage/sqlite/sqlite_statement.hpp"

namespace keyward::storage {
namespace {

using sqlite::Execute;
using sqlite::Statement;

struct CloseDb {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using DbOwner = std::unique_ptr<sqlite3, CloseDb>;

// An error from opening `path`, rendered for the operator (Msg::kStoreError names the path);
// errors that already say what happened in full are kept.
core::Error OpenError(const core::Error& e, const std::string& path) {
  if (e.msg == core::Msg::kStoreError || e.msg == core::Msg::kSchemaTooNew) return e;
  const std::string detail = e.args.empty() ? std::string() : e.args.front();
  return core::MakeError(e.code, core::Msg::kStoreError, {path + ": " + detail});
}

// Creates a missing database file with mode 0600 so that SQLite, which gives its -wal and -shm
// files the database's mode, never leaves the key digests readable by others.
core::Status CreateIfMissing(const std::string& path) {
  if (path.empty() || path == ":memory:") return core::Ok();
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) {
    ::close(fd);
    return core::Ok();
  }
  if (errno == EEXIST) return core::Ok();
  return core::MakeError(core::ErrorCode::kUnavailable, core::Msg::kStoreError,
                         {"cannot create " + path + ": " + std::strerror(errno)});
}

// Caps the database at `max_bytes` (0: no cap) in whole pages of its page size.
core::Status CapSize(sqlite3* db, std::int64_t max_bytes) {
  if (max_bytes <= 0) return core::Ok();
  KW_ASSIGN_OR_RETURN(Statement size,
                      Statement::Prepare(db, "PRAGMA page_size", "configure connection"));
  KW_ASSIGN_OR_RETURN(const bool row, size.Step());
  const std::int64_t page_size = row ? size.Int(0) : 0;
  if (page_size <= 0) return core::Internal("configure connection: no page size");
  const std::int64_t pages = std::max<std::int64_t>(1, max_bytes / page_size);
  const std::string pragma = "PRAGMA max_page_count = " + std::to_string(pages);
  KW_ASSIGN_OR_RETURN(Statement cap, Statement::Prepare(db, pragma, "configure connection"));
  return cap.Run();
}

core::Status Configure(sqlite3* db, const SqliteStoreOptions& options) {
  sqlite3_extended_result_codes(db, 1);
  KW_RETURN_IF_ERROR(Execute(db, "PRAGMA busy_timeout = 5000", "configure connection"));
  KW_ASSIGN_OR_RETURN(Statement wal,
                      Statement::Prepare(db, "PRAGMA journal_mode = WAL", "configure connection"));
  KW_ASSIGN_OR_RETURN(const bool row, wal.Step());
  if (!row || wal.Text(0) != "wal") {
    return core::Internal("cannot switch to WAL journal mode (journal_mode is " +
                          (row ? wal.Text(0) : std::string("unknown")) + ")");
  }
  KW_RETURN_IF_ERROR(Execute(db, "PRAGMA synchronous = FULL", "configure connection"));
  KW_RETURN_IF_ERROR(Execute(db, "PRAGMA foreign_keys = ON", "configure connection"));
  return CapSize(db, options.max_database_bytes);
}

bool IsPlainIdentifier(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || c == '_')) return false;
  }
  return true;
}

void RollbackIfOpen(sqlite3* db) {
  if (sqlite3_get_autocommit(db) == 0) sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
}

// Opens and configures the database at `path`, creating it when `create`; not migrated.
core::Result<DbOwner> OpenConnection(const std::string& path, const SqliteStoreOptions& options,
                                     bool create) {
  if (create) KW_RETURN_IF_ERROR(CreateIfMissing(path));
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(
      path.c_str(), &raw,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0), nullptr);
  DbOwner db(raw);
  if (rc != SQLITE_OK) return sqlite::ErrorFromCode(rc, "open");
  KW_RETURN_IF_ERROR(Configure(db.get(), options));
  return db;
}

// Every pepper fingerprint the store records (core/store/pepper_guard.hpp), as one text: two
// files holding the same ones are copies of one store.
core::Result<std::string> PepperRows(sqlite3* db) {
  KW_ASSIGN_OR_RETURN(
      Statement stmt,
      Statement::Prepare(db, "SELECT key, value FROM meta WHERE key LIKE 'pepper.%' ORDER BY key",
                         "read pepper fingerprints"));
  std::string out;
  for (;;) {
    KW_ASSIGN_OR_RETURN(const bool row, stmt.Step());
    if (!row) return out;
    out += stmt.Text(0) + "=" + stmt.Text(1) + "\n";
  }
}

bool IsFile(const std::string& path) { return !path.empty() && path != ":memory:"; }

// The schema version recorded on `db` (0 for a new database), without creating anything.
core::Result<std::int64_t> RecordedVersion(sqlite3* db) {
  KW_ASSIGN_OR_RETURN(Statement has,
                      Statement::Prepare(db,
                                         "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
                                         " AND name = 'schema_migrations'",
                                         "read schema version"));
  KW_ASSIGN_OR_RETURN(const bool row, has.Step());
  if (!row || has.Int(0) == 0) return std::int64_t{0};
  KW_ASSIGN_OR_RETURN(
      Statement version,
      Statement::Prepare(db, "SELECT coalesce(max(version), 0) FROM schema_migrations",
                         "read schema version"));
  KW_ASSIGN_OR_RETURN(const bool got, version.Step());
  return got ? version.Int(0) : std::int64_t{0};
}

// When a store that already has a schema has migrations pending, copies it (sqlite_backup.hpp)
// to `dir` (created with mode 0700) first, and returns the copy's path; else nothing.
core::Result<std::optional<std::string>> BackupBeforeMigrating(sqlite3* db, const std::string& path,
                                                               const std::string& dir) {
  KW_ASSIGN_OR_RETURN(const std::int64_t current, RecordedVersion(db));
  if (current <= 0 || current >= sqlite::LatestSchemaVersion()) {
    return std::optional<std::string>();
  }
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return core::MakeError(
        core::ErrorCode::kUnavailable, core::Msg::kStoreError,
        {"cannot create the backup directory " + dir + ": " + std::strerror(errno)});
  }
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  const std::string backup =
      dir + "/" + sqlite::MigrationBackupName(current, now.time_since_epoch().count());
  if (auto copied = sqlite::CopyDatabase(path, backup); !copied) return copied.error();
  return std::optional<std::string>(backup);
}

core::Error Removed(const std::string& path) {
  return core::MakeError(core::ErrorCode::kUnavailable, core::Msg::kStoreRemoved,
                         {"commit unit of work: the database file " + path +
                          " was removed or replaced while open; the transaction was rolled back"});
}

}  // namespace

core::Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(
    const std::string& path, SqliteStoreOptions options, const std::string& migration_backup_dir) {
  try {
    auto db = OpenConnection(path, options, /*create=*/true);
    if (!db) return OpenError(db.error(), path);
    std::optional<std::string> backup;
    if (!migration_backup_dir.empty() && IsFile(path)) {
      auto made = BackupBeforeMigrating(db->get(), path, migration_backup_dir);
      if (!made) return OpenError(made.error(), path);
      backup = std::move(made).value();
    }
    if (core::Status migrated = sqlite::Migrate(db->get(), path); !migrated) {
      return OpenError(migrated.error(), path);
    }
    std::optional<FileId> file;
    if (IsFile(path)) {
      struct stat st {};
      if (::stat(path.c_str(), &st) != 0) {
        return OpenError(core::Unavailable(std::string("stat: ") + std::strerror(errno)), path);
      }
      file = FileId{static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino)};
    }
    std::unique_ptr<SqliteStore> store(
        new SqliteStore(std::move(db).value().release(), path, options, file));
    store->migration_backup_ = std::move(backup);
    return store;
  } catch (const std::exception& e) {
    return OpenError(core::Internal(std::string("open: ") + e.what()), path);
  }
}

bool SqliteStore::FileAtPath() const {
  std::optional<FileId> open;
  {
    std::lock_guard lock(state_mu_);
    open = file_;
  }
  if (!open) return true;
  struct stat st {};
  if (::stat(path_.c_str(), &st) != 0) return false;
  return FileId{static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino)} ==
         *open;
}

void SqliteStore::AdoptReplacement() {
  std::optional<FileId> open;
  {
    std::lock_guard lock(state_mu_);
    open = file_;
  }
  if (!open) return;
  struct stat before {};
  if (::stat(path_.c_str(), &before) != 0) return;  // still gone
  const FileId there{static_cast<std::uint64_t>(before.st_dev),
                     static_cast<std::uint64_t>(before.st_ino)};
  if (there == *open) return;  // the open file is at its path
  // Another file: adopted only when it is a copy of this store (the same pepper fingerprints),
  // checked before anything migrates it; never created.
  auto replacement = OpenConnection(path_, options_, /*create=*/false);
  if (!replacement) return;
  const core::Result<std::string> ours = PepperRows(db_);
  const core::Result<std::string> theirs = PepperRows(replacement->get());
  if (!ours || !theirs || *ours != *theirs) return;
  if (!sqlite::Migrate(replacement->get(), path_)) return;
  struct stat after {};
  if (::stat(path_.c_str(), &after) != 0 || after.st_dev != before.st_dev ||
      after.st_ino != before.st_ino) {
    return;  // replaced again meanwhile: the next batch looks again
  }
  // Closing the last connection to a WAL database deletes the -wal file by its name, which now
  // belongs to the replacement: the unlinked file's is kept (it is unreachable anyway).
  int keep_wal = 1;
  sqlite3_file_control(db_, "main", SQLITE_FCNTL_PERSIST_WAL, &keep_wal);
  sqlite3_close_v2(db_);
  db_ = std::move(replacement).value().release();
  std::lock_guard lock(state_mu_);
  file_ = there;
}

void SqliteStore::NoteFault(const core::Error& error) {
  std::lock_guard lock(state_mu_);
  if (error.msg == core::Msg::kStoreFull) fault_ = Fault::kFull;
  if (error.msg == core::Msg::kStoreLocked) fault_ = Fault::kLocked;
}

std::string SqliteStore::WriteFault() const {
  if (!FileAtPath()) return "writes refused: the database file was removed or replaced";
  std::lock_guard lock(state_mu_);
  switch (fault_) {
    case Fault::kFull:
      return "writes refused: the database is full";
    case Fault::kLocked:
      return "writes refused: the database is locked by another process";
    case Fault::kNone:
      break;
  }
  return {};
}

SqliteStore::~SqliteStore() { sqlite3_close_v2(db_); }

namespace {

constexpr const char* kSavepoint = "SAVEPOINT unit_of_work";
constexpr const char* kRelease = "RELEASE unit_of_work";

// Runs `fn` inside a savepoint of the open transaction: kept on success, rolled back to the
// savepoint (the rest of the transaction untouched) on failure or exception.
core::Status RunInSavepoint(sqlite3* db, const std::function<core::Status(core::UnitOfWork&)>& fn) {
  KW_RETURN_IF_ERROR(Execute(db, kSavepoint, "begin unit of work"));
  core::Status st;
  try {
    sqlite::SqliteConnection connection(db);
    sql::SqlUnitOfWork uow(connection);
    st = fn(uow);
  } catch (const std::exception& e) {
    st = core::Internal(std::string("unit of work: ") + e.what());
  } catch (...) {
    st = core::Internal("unit of work: unknown exception");
  }
  if (st) st = Execute(db, kRelease, "end unit of work");
  if (!st && sqlite3_get_autocommit(db) == 0) {
    sqlite3_exec(db, "ROLLBACK TO unit_of_work", nullptr, nullptr, nullptr);
    sqlite3_exec(db, kRelease, nullptr, nullptr, nullptr);
  }
  return st;
}

}  // namespace

core::Status SqliteStore::Transact(const std::function<core::Status(core::UnitOfWork&)>& fn) {
  return TransactThen(fn, {});
}

core::Status SqliteStore::TransactThen(const std::function<core::Status(core::UnitOfWork&)>& fn,
                                       const std::function<void()>& on_commit) {
  return group_.Run(fn, on_commit, [this](const std::vector<Member*>& batch) { RunBatch(batch); });
}

void SqliteStore::RunBatch(const std::vector<Member*>& batch) {
  std::lock_guard db_lock(db_mu_);
  std::size_t next = 0;
  try {
    AdoptReplacement();
    while (next < batch.size()) next = RunTransaction(batch, next);
  } catch (const std::exception& e) {  // out of memory: the members not settled fail
    RollbackIfOpen(db_);
    for (std::size_t i = next; i < batch.size(); ++i) {
      batch[i]->result = core::Internal(std::string("unit of work: ") + e.what());
    }
  }
  for (const Member* m : batch) {
    if (!m->result) NoteFault(m->result.error());
  }
}

std::size_t SqliteStore::RunTransaction(const std::vector<Member*>& batch, std::size_t first) {
  if (core::Status begun = Execute(db_, "BEGIN IMMEDIATE", "begin unit of work"); !begun) {
    for (std::size_t i = first; i < batch.size(); ++i) batch[i]->result = begun;
    return batch.size();
  }
  std::vector<Member*> kept;   // the members whose work this transaction holds
  std::vector<Member*> wrote;  // those of them that changed a row
  for (std::size_t i = first; i < batch.size(); ++i) {
    Member& m = *batch[i];
    const sqlite3_int64 changes = sqlite3_total_changes64(db_);
    m.result = RunInSavepoint(db_, m.fn);
    if (sqlite3_get_autocommit(db_) != 0) {
      // SQLite rolled the whole transaction back (an I/O error, a full disk): every member it
      // held is lost with it; the rest run in a transaction of their own.
      const core::Error lost = m.result
                                   ? core::Internal("unit of work: the transaction was rolled back")
                                   : m.result.error();
      m.result = lost;
      for (Member* k : kept) k->result = lost;
      return i + 1;
    }
    if (m.result) {
      kept.push_back(&m);
      if (sqlite3_total_changes64(db_) != changes) wrote.push_back(&m);
    }
  }
  if (!wrote.empty() && !FileAtPath()) {
    // Committed, it would go to a file no one will open again: refused, and the units of work
    // that only read keep their answers.
    RollbackIfOpen(db_);
    const core::Error removed = Removed(path_);
    for (Member* w : wrote) w->result = removed;
    for (Member* k : kept) {
      if (k->result && k->on_commit) sql::RunHook(k->on_commit);
    }
    return batch.size();
  }
  if (core::Status committed = Execute(db_, "COMMIT", "commit unit of work"); !committed) {
    RollbackIfOpen(db_);
    for (Member* k : kept) k->result = committed;
    return batch.size();
  }
  group_.Committed(kept.size());
  {
    // The write lock was had; a write that fitted shows the database is not full any more.
    std::lock_guard lock(state_mu_);
    if (!wrote.empty() || fault_ == Fault::kLocked) fault_ = Fault::kNone;
  }
  // Durable: the hooks run in commit order, before any later transaction's, and before any
  // member's caller returns.
  for (Member* k : kept) {
    if (k->on_commit) sql::RunHook(k->on_commit);
  }
  return batch.size();
}

core::Result<std::string> SqliteStore::ReadPragma(std::string_view name) {
  if (!IsPlainIdentifier(name)) {
    return core::InvalidArgument(core::Msg::kFilterInvalid, "pragma",
                                 {"pragma", std::string(name)});
  }
  std::lock_guard lock(db_mu_);
  try {
    KW_ASSIGN_OR_RETURN(Statement stmt,
                        Statement::Prepare(db_, "PRAGMA " + std::string(name), "read pragma"));
    KW_ASSIGN_OR_RETURN(const bool row, stmt.Step());
    if (!row) return std::string();
    return stmt.Text(0);
  } catch (const std::exception& e) {
    return core::Internal(std::string("read pragma: ") + e.what());
  }
}

}  // namespace keyward::storage
