// SqliteStore: core's store port on an embedded SQLite database, Keyward's default store
// (docs/architecture.md "Storage and scale"). One connection in WAL mode with synchronous=FULL, so
// an acknowledged unit of work survives kill -9 and power loss; foreign keys on; a busy database is
// waited on for up to 5 s. Schema migrations (migrations.hpp) run at open. Every SQLite failure
// becomes a core::Error here; no exception leaves this class.
//
// Group commit (storage/sql/group_commit.hpp): units of work from concurrent threads share one
// transaction and one fsync. The leader of a batch runs its units of work one after another in
// one BEGIN IMMEDIATE transaction, each inside its own SAVEPOINT, commits once, runs the
// on-commit hooks of the units that committed, in the order they ran, and only then lets their
// callers return. A unit of work whose
// function fails is rolled back to its savepoint alone and its caller gets its own error; a failed
// COMMIT fails every unit of work of the batch. Units of work arriving meanwhile form the next
// batch, so a lone writer waits for no one, and each unit of work still sees every earlier one's
// writes (the audit chain stays one chain). Each unit of work runs on the leader's thread.
//
// Store faults (docs/architecture.md "Storage and scale"): a unit of work the store cannot write
// fails kUnavailable with a message naming the cause, and nothing of it is kept: a full database
// (the disk, or the cap of SqliteStoreOptions::max_database_bytes) is Msg::kStoreFull, a write
// lock held by another process past the busy wait is Msg::kStoreLocked. A database file removed
// or replaced at its path is Msg::kStoreRemoved: SQLite would go on writing to the unlinked file
// and lose it all at the next start, so before every COMMIT that changes anything the path's
// device and inode are compared with the open file's, and on a mismatch the transaction is rolled
// back. Units of work that write nothing still run on the open file. The fault goes when its cause
// does, with no restart: a write fits again, the lock is released, or the same file is back at the
// path (a directory moved away and back) or a copy of this store is (a restored backup: same
// pepper fingerprints in meta), which is then reopened in place of the unlinked file.
//
// Thread-safety: thread-safe.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/store/store.hpp"
#include "storage/sql/group_commit.hpp"

struct sqlite3;

namespace keyward::storage {

struct SqliteStoreOptions {
  // The database file may grow to at most this many bytes (PRAGMA max_page_count, rounded down
  // to whole pages, on every connection the store opens); 0: no cap. A database already larger
  // does not grow.
  std::int64_t max_database_bytes = 0;
};

class SqliteStore final : public core::Store {
 public:
  // Opens (creating it with mode 0600 if missing) the database at `path` and migrates it.
  // With a `migration_backup_dir`, when the file has a schema and migrations are pending, Open
  // first copies it there (storage/sqlite/sqlite_backup.hpp; the directory is created with mode
  // 0700) as keyward-schema-v<version>-<UTC time>.db (docs/operations.md "Upgrades"), and fails
  // without migrating if it cannot.
  // Errors (Msg::kStoreError, naming the path): kUnavailable when the file cannot be opened or
  // is busy; kInternal for a file that is not a SQLite database or (Msg::kSchemaTooNew) one
  // written by a newer Keyward.
  static core::Result<std::unique_ptr<SqliteStore>> Open(
      const std::string& path, SqliteStoreOptions options = {},
      const std::string& migration_backup_dir = std::string());

  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  core::Status Transact(const std::function<core::Status(core::UnitOfWork&)>& fn) override;
  core::Status TransactThen(const std::function<core::Status(core::UnitOfWork&)>& fn,
                            const std::function<void()>& on_commit) override;

  // What group commit has done so far: `commits` transactions committed, holding `units` units
  // of work. For tests and benchmarks.
  using CommitStats = sql::GroupCommit::Stats;
  CommitStats Stats() const { return group_.stats(); }
  // How many units of work wait for the running batch to end (they form the next one). For tests.
  std::size_t Queued() const { return group_.Queued(); }

  // The value of PRAGMA `name` on this store's connection, as text (e.g. "wal" for
  // journal_mode, "2" for synchronous). For diagnostics and tests; `name` must be a plain
  // identifier, else kInvalidArgument.
  core::Result<std::string> ReadPragma(std::string_view name);

  // Why writes are refused now, in a few plain words for /readyz (no path, no SQL), or empty:
  // the database file is not the one at its path (checked now), or the last unit of work failed
  // on a full or locked database and none has written since (a locked one: none has begun).
  std::string WriteFault() const;

  // The automatic backup Open took before migrating (its migration_backup_dir), if it took one.
  const std::optional<std::string>& MigrationBackup() const { return migration_backup_; }

 private:
  using Member = sql::GroupCommit::Member;
  // A file's identity: its device and inode (st_dev, st_ino).
  struct FileId {
    std::uint64_t dev = 0;
    std::uint64_t ino = 0;
    bool operator==(const FileId&) const = default;
  };
  enum class Fault { kNone, kFull, kLocked };

  SqliteStore(sqlite3* db, std::string path, SqliteStoreOptions options, std::optional<FileId> file)
      : path_(std::move(path)), options_(options), file_(file), db_(db) {}
  // Whether the file at path_ is the open one (always true for a store with no file).
  bool FileAtPath() const;
  // When path_ holds another copy of this store, opens it in place of the open file; holds
  // db_mu_.
  void AdoptReplacement();
  // Remembers a full or locked database from a unit of work's error.
  void NoteFault(const core::Error& error);
  // Runs `batch` (the leader's), each member's result set; holds db_mu_.
  void RunBatch(const std::vector<Member*>& batch);
  // Runs members from `first` on in one transaction and returns the index past the last one it
  // settled: the end of the batch, or earlier when SQLite rolled the transaction back mid-batch.
  std::size_t RunTransaction(const std::vector<Member*>& batch, std::size_t first);

  sql::GroupCommit group_;

  const std::string path_;
  const SqliteStoreOptions options_;
  mutable std::mutex state_mu_;
  std::optional<FileId> file_;  // the open file's; guarded by state_mu_ (written under db_mu_ too)
  Fault fault_ = Fault::kNone;  // guarded by state_mu_

  std::optional<std::string> migration_backup_;  // set once by Open

  std::mutex db_mu_;
  sqlite3* db_;  // guarded by db_mu_
};

}  // namespace keyward::storage
