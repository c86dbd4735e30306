// Statement: a prepared SQLite statement with bound parameters, owned (finalized on
// destruction). Every SQLite failure is turned into a core::Error here, at the layer's edge:
// messages name what failed in plain words (sqlite3_errstr), never SQL.
//
// Thread-safety: thread-compatible; a Statement is used by one thread at a time, on the
// connection that prepared it.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "storage/sql/sql_connection.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace keyward::storage::sqlite {

// The core::Error for SQLite result code `code` while doing `what` (e.g. "insert key"):
// kUnavailable for busy, locked, I/O, disk-full and cannot-open conditions (a full database:
// Msg::kStoreFull; busy, i.e. another process holds the write lock: Msg::kStoreLocked); kInternal
// otherwise. The detail (args) names `what` and SQLite's words, for logs only.
core::Error ErrorFromCode(int code, std::string_view what);

// Runs `sql`, one or more statements without parameters (pragmas, schema scripts).
core::Status Execute(sqlite3* db, const char* sql, std::string_view what);

class Statement {
 public:
  // Prepares `sql` (a single statement) on `db`. `what` names the operation in errors.
  static core::Result<Statement> Prepare(sqlite3* db, std::string_view sql, std::string_view what);

  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Binders for parameter `index` (from 1). Values are copied. A failure is reported by the
  // next Step or Run.
  Statement& BindInt(int index, std::int64_t value);
  Statement& BindOptionalInt(int index, std::optional<std::int64_t> value);
  Statement& BindText(int index, std::string_view text);
  Statement& BindBlob(int index, std::span<const std::uint8_t> bytes);
  Statement& BindNull(int index);

  // Advances: true when a row is ready to read, false when the statement is done.
  core::Result<bool> Step();
  // Steps until done, ignoring any rows.
  core::Status Run();
  // Makes the statement ready to run again with new bindings (the old ones are cleared).
  void Reset();
  // The extended result code of the last failed Step (SQLITE_OK if none), for callers that
  // translate particular failures, such as a unique constraint, into their own errors.
  int last_code() const { return last_code_; }
  // Rows the last completed INSERT, UPDATE or DELETE on this statement's connection changed.
  std::int64_t changes() const;
  // SQLite's own message for the last failure: for matching constraint names only, never
  // shown to a caller.
  std::string last_message() const;

  // Columns of the current row, from 0.
  bool IsNull(int column) const;
  std::int64_t Int(int column) const;
  std::optional<std::int64_t> OptionalInt(int column) const;
  std::string Text(int column) const;
  std::vector<std::uint8_t> Blob(int column) const;

 private:
  Statement(sqlite3_stmt* stmt, std::string what) : stmt_(stmt), what_(std::move(what)) {}
  void NoteBind(int rc);

  sqlite3_stmt* stmt_ = nullptr;
  std::string what_;
  int bind_code_ = 0;  // first failed bind (SQLITE_OK = 0 when none)
  int last_code_ = 0;
};

// The SQL unit of work's connection (storage/sql/sql_connection.hpp) over `db`, which it does not
// own: its statements are this file's Statement.
class SqliteConnection final : public sql::Connection {
 public:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  core::Result<sql::Statement> Prepare(std::string_view sql, std::string_view what) override;
  // SQLite's lower() folds ASCII letters only.
  std::string ContainsFolded(std::string_view haystack, std::string_view needle) const override;

 private:
  sqlite3* db_;
};

}  // namespace keyward::storage::sqlite
