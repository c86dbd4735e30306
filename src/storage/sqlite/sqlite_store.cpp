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

// One writer's unit of work, on its caller's stack until its caller returns.
struct SqliteStore::Member {
  const std::function<core::Status(core::UnitOfWork&)>& fn;
  const std::function<void()>& on_commit;
  core::Status result;
  bool done = false;  // guarded by queue_mu_
};

namespace {

constexpr const char* kSavepoint = "SAVEPOINT unit_of_work";
constexpr const char* kRelease = "RELEASE unit_of_work";

// Runs `fn` inside a savepoint of the open transaction: kept on success, rolled back to the
// savepoint (the rest of the transaction untouched) on failure or exception.
core::Status RunInSavepoint(sqlite3* db, const std::function<core::Status(core::UnitOfWork&)>& fn) {
  KW_RETURN_IF_ERROR(Execute(db, kSavepoint, "begin unit of work"));
  core::Status st;
  try {
    sqlite::SqliteUnitOfWork uow(db);
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
  Member me{fn, on_commit, core::Ok()};
  std::unique_lock lock(queue_mu_);
  queue_.push_back(&me);
  queue_cv_.wait(lock, [&] { return me.done || !leading_; });
  if (me.done) return me.result;
  // No batch is running: this writer leads the next one, made of every writer queued (itself
  // included, as every writer not yet done is queued while no batch runs).
  leading_ = true;
  std::vector<Member*> batch;
  batch.swap(queue_);
  lock.unlock();
  RunBatch(batch);
  lock.lock();
  for (Member* m : batch) m->done = true;
  leading_ = false;
  lock.unlock();
  queue_cv_.notify_all();
  return me.result;
}

void SqliteStore::RunBatch(const std::vector<Member*>& batch) {
  std::lock_guard db_lock(db_mu_);
  std::size_t next = 0;
  try {
    while (next < batch.size()) next = RunTransaction(batch, next);
  } catch (const std::exception& e) {  // out of memory: the members not settled fail
    RollbackIfOpen(db_);
    for (std::size_t i = next; i < batch.size(); ++i) {
      batch[i]->result = core::Internal(std::string("unit of work: ") + e.what());
    }
  }
}

std::size_t SqliteStore::RunTransaction(const std::vector<Member*>& batch, std::size_t first) {
  if (core::Status begun = Execute(db_, "BEGIN IMMEDIATE", "begin unit of work"); !begun) {
    for (std::size_t i = first; i < batch.size(); ++i) batch[i]->result = begun;
    return batch.size();
  }
  std::vector<Member*> kept;  // the members whose work this transaction holds
  for (std::size_t i = first; i < batch.size(); ++i) {
    Member& m = *batch[i];
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
    if (m.result) kept.push_back(&m);
  }
  if (core::Status committed = Execute(db_, "COMMIT", "commit unit of work"); !committed) {
    RollbackIfOpen(db_);
    for (Member* k : kept) k->result = committed;
    return batch.size();
  }
  {
    std::lock_guard lock(queue_mu_);
    ++stats_.commits;
    stats_.units += kept.size();
  }
  // Durable: the hooks run in commit order, before any later transaction's, and before any
  // member's caller returns.
  for (Member* k : kept) {
    if (!k->on_commit) continue;
    try {
      k->on_commit();
    } catch (...) {  // a hook must not throw; one that does must not cost the others theirs
    }
  }
  return batch.size();
}

SqliteStore::CommitStats SqliteStore::Stats() const {
  std::lock_guard lock(queue_mu_);
  return stats_;
}

std::size_t SqliteStore::Queued() const {
  std::lock_guard lock(queue_mu_);
  return queue_.size();
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
