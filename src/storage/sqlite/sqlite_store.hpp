// SqliteStore: core's store port on an embedded SQLite database, Keyward's default store
// (docs/architecture.md "Storage and scale"). One connection in WAL mode with synchronous=FULL, so
// an acknowledged unit of work survives kill -9 and power loss; foreign keys on; a busy database is
// waited on for up to 5 s. Schema migrations (migrations.hpp) run at open. Every SQLite failure
// becomes a core::Error here; no exception leaves this class.
//
// Group commit: units of work from concurrent threads share one transaction and one fsync.
// Writers queue; the first finds no batch running and leads: it takes every unit of work queued
// so far (its own included), runs them one after another in one BEGIN IMMEDIATE transaction,
// each inside its own SAVEPOINT, commits once, runs the on-commit hooks of the units that
// committed, in the order they ran, and only then lets their callers return. A unit of work whose
// function fails is rolled back to its savepoint alone and its caller gets its own error; a failed
// COMMIT fails every unit of work of the batch. Units of work arriving meanwhile form the next
// batch, so a lone writer waits for no one, and each unit of work still sees every earlier one's
// writes (the audit chain stays one chain). Each unit of work runs on the leader's thread.
//
// Thread-safety: thread-safe.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/store/store.hpp"

struct sqlite3;

namespace keyward::storage {

class SqliteStore final : public core::Store {
 public:
  // Opens (creating it with mode 0600 if missing) the database at `path` and migrates it.
  // Errors (Msg::kStoreError, naming the path): kUnavailable when the file cannot be opened or
  // is busy; kInternal for a file that is not a SQLite database or one written by a newer
  // Keyward.
  static core::Result<std::unique_ptr<SqliteStore>> Open(const std::string& path);

  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  core::Status Transact(const std::function<core::Status(core::UnitOfWork&)>& fn) override;
  core::Status TransactThen(const std::function<core::Status(core::UnitOfWork&)>& fn,
                            const std::function<void()>& on_commit) override;

  // What group commit has done so far: `commits` transactions committed, holding `units` units
  // of work. For tests and benchmarks.
  struct CommitStats {
    std::uint64_t commits = 0;
    std::uint64_t units = 0;
  };
  CommitStats Stats() const;
  // How many units of work wait for the running batch to end (they form the next one). For tests.
  std::size_t Queued() const;

  // The value of PRAGMA `name` on this store's connection, as text (e.g. "wal" for
  // journal_mode, "2" for synchronous). For diagnostics and tests; `name` must be a plain
  // identifier, else kInvalidArgument.
  core::Result<std::string> ReadPragma(std::string_view name);

 private:
  struct Member;
  explicit SqliteStore(sqlite3* db) : db_(db) {}
  // Runs `batch` (the leader's), each member's result set; holds db_mu_.
  void RunBatch(const std::vector<Member*>& batch);
  // Runs members from `first` on in one transaction and returns the index past the last one it
  // settled: the end of the batch, or earlier when SQLite rolled the transaction back mid-batch.
  std::size_t RunTransaction(const std::vector<Member*>& batch, std::size_t first);

  mutable std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::vector<Member*> queue_;  // guarded by queue_mu_
  bool leading_ = false;        // a batch is running; guarded by queue_mu_
  CommitStats stats_;           // guarded by queue_mu_

  std::mutex db_mu_;
  sqlite3* db_;  // guarded by db_mu_
};

}  // namespace keyward::storage
