#include "storage/sqlite/sqlite_store.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>

#include "storage/sqlite/migrations.hpp"
#include "storage/sqlite/sqlite_statement.hpp"
#include "storage/sqlite/sqlite_unit_of_work.hpp"

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
  if (e.msg == core::Msg::kStoreError) return e;
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

core::Status Configure(sqlite3* db) {
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
  return Execute(db, "PRAGMA foreign_keys = ON", "configure connection");
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

core::Result<DbOwner> OpenDb(const std::string& path) {
  KW_RETURN_IF_ERROR(CreateIfMissing(path));
  sqlite3* raw = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  DbOwner db(raw);
  if (rc != SQLITE_OK) return sqlite::ErrorFromCode(rc, "open");
  KW_RETURN_IF_ERROR(Configure(db.get()));
  KW_RETURN_IF_ERROR(sqlite::Migrate(db.get(), path));
  return db;
}

}  // namespace

core::Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path) {
  try {
    auto db = OpenDb(path);
    if (!db) return OpenError(db.error(), path);
    return std::unique_ptr<SqliteStore>(new SqliteStore(std::move(db).value().release()));
  } catch (const std::exception& e) {
    return OpenError(core::Internal(std::string("open: ") + e.what()), path);
  }
}

SqliteStore::~SqliteStore() { sqlite3_close_v2(db_); }

core::Status SqliteStore::Transact(const std::function<core::Status(core::UnitOfWork&)>& fn) {
  std::lock_guard lock(mu_);
  try {
    return TransactLocked(fn);
  } catch (const std::exception& e) {
    RollbackIfOpen(db_);
    return core::Internal(std::string("unit of work: ") + e.what());
  } catch (...) {
    RollbackIfOpen(db_);
    return core::Internal("unit of work: unknown exception");
  }
}

core::Status SqliteStore::TransactLocked(const std::function<core::Status(core::UnitOfWork&)>& fn) {
  KW_RETURN_IF_ERROR(Execute(db_, "BEGIN IMMEDIATE", "begin unit of work"));
  core::Status st;
  {
    sqlite::SqliteUnitOfWork uow(db_);
    st = fn(uow);
  }
  if (st) st = Execute(db_, "COMMIT", "commit unit of work");
  if (!st) RollbackIfOpen(db_);
  return st;
}

core::Result<std::string> SqliteStore::ReadPragma(std::string_view name) {
  if (!IsPlainIdentifier(name)) {
    return core::InvalidArgument(core::Msg::kFilterInvalid, "pragma",
                                 {"pragma", std::string(name)});
  }
  std::lock_guard lock(mu_);
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
