// SqliteStore: core's store port on an embedded SQLite database, Keyward's default store
// (docs/architecture.md "Storage and scale"). One connection in WAL mode with synchronous=FULL, so
// an acknowledged unit of work survives kill -9 and power loss; foreign keys on; a busy database is
// waited on for up to 5 s. Schema migrations (migrations.hpp) run at open. Every SQLite failure
// becomes a core::Error here; no exception leaves this class.
//
// Thread-safety: thread-safe. Units of work are serialized by a mutex, each in its own
// BEGIN IMMEDIATE transaction.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

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

  // The value of PRAGMA `name` on this store's connection, as text (e.g. "wal" for
  // journal_mode, "2" for synchronous). For diagnostics and tests; `name` must be a plain
  // identifier, else kInvalidArgument.
  core::Result<std::string> ReadPragma(std::string_view name);

 private:
  explicit SqliteStore(sqlite3* db) : db_(db) {}
  core::Status TransactLocked(const std::function<core::Status(core::UnitOfWork&)>& fn);

  std::mutex mu_;
  sqlite3* db_;  // guarded by mu_
};

}  // namespace keyward::storage
