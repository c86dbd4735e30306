// The seam between the SQL unit of work (sql_unit_of_work.hpp), written once, and the databases
// it runs on: SQLite (storage/sqlite) and PostgreSQL (storage/postgres). A backend gives a
// Connection that prepares statements; a Statement binds parameters, steps through rows and reads
// columns, whatever the database underneath.
//
// SQL handed to Prepare is written in the common subset of both dialects, with parameters
// numbered `?1`, `?2`, ... (PostgreSQL's backend renumbers them `$1`, `$2`, ...). Where the
// dialects differ, the connection writes the fragment (Connection::ContainsFolded).
//
// Every database failure is a core::Error by the time it leaves a Statement: kUnavailable for
// a store that cannot be reached, is full or is locked (naming the cause: Msg::kStoreFull, ...),
// kInternal otherwise. Messages name what failed in plain words, never SQL.
//
// Thread-safety: thread-compatible; a Statement is used by one thread at a time, on the
// connection that prepared it, while that connection is inside its unit of work.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"

namespace keyward::storage::sql {

// Which constraint a failed write broke, when one did.
enum class Violation { kNone, kUnique, kForeignKey };

// One backend's prepared statement. Parameters are numbered from 1, columns from 0.
class StatementImpl {
 public:
  virtual ~StatementImpl() = default;
  // A failed bind is reported by the next Step.
  virtual void BindInt(int index, std::int64_t value) = 0;
  virtual void BindText(int index, std::string_view text) = 0;
  virtual void BindBlob(int index, std::span<const std::uint8_t> bytes) = 0;
  virtual void BindNull(int index) = 0;
  // True when a row is ready to read, false when the statement is done.
  virtual core::Result<bool> Step() = 0;
  // Ready to run again with new bindings (the old ones are cleared).
  virtual void Reset() = 0;
  // Rows the statement inserted, updated or deleted, once it is done.
  virtual std::int64_t Changes() const = 0;
  // The constraint the last failed Step broke, and the database's own words about it (for
  // matching a constraint's name only, never shown to a caller).
  virtual Violation last_violation() const = 0;
  virtual std::string last_message() const = 0;
  virtual bool IsNull(int column) const = 0;
  virtual std::int64_t Int(int column) const = 0;
  virtual std::string Text(int column) const = 0;
  virtual std::vector<std::uint8_t> Blob(int column) const = 0;
};

// A prepared statement with its bindings, owned. Values are copied when bound.
class Statement {
 public:
  explicit Statement(std::unique_ptr<StatementImpl> impl) : impl_(std::move(impl)) {}

  Statement& BindInt(int index, std::int64_t value) {
    impl_->BindInt(index, value);
    return *this;
  }
  Statement& BindOptionalInt(int index, std::optional<std::int64_t> value) {
    return value ? BindInt(index, *value) : BindNull(index);
  }
  Statement& BindText(int index, std::string_view text) {
    impl_->BindText(index, text);
    return *this;
  }
  Statement& BindBlob(int index, std::span<const std::uint8_t> bytes) {
    impl_->BindBlob(index, bytes);
    return *this;
  }
  Statement& BindNull(int index) {
    impl_->BindNull(index);
    return *this;
  }

  core::Result<bool> Step() { return impl_->Step(); }
  // Steps until done, ignoring any rows.
  core::Status Run() {
    for (;;) {
      KW_ASSIGN_OR_RETURN(const bool row, Step());
      if (!row) return core::Ok();
    }
  }
  void Reset() { impl_->Reset(); }
  std::int64_t Changes() const { return impl_->Changes(); }
  Violation last_violation() const { return impl_->last_violation(); }
  std::string last_message() const { return impl_->last_message(); }

  bool IsNull(int column) const { return impl_->IsNull(column); }
  std::int64_t Int(int column) const { return impl_->Int(column); }
  std::optional<std::int64_t> OptionalInt(int column) const {
    if (IsNull(column)) return std::nullopt;
    return Int(column);
  }
  std::string Text(int column) const { return impl_->Text(column); }
  std::vector<std::uint8_t> Blob(int column) const { return impl_->Blob(column); }

 private:
  std::unique_ptr<StatementImpl> impl_;
};

// An open connection, inside a transaction its store began.
class Connection {
 public:
  virtual ~Connection() = default;
  // Prepares `sql` (one statement, parameters ?1, ?2, ...). `what` names the operation in errors.
  virtual core::Result<Statement> Prepare(std::string_view sql, std::string_view what) = 0;
  // An SQL condition: the text of `needle` occurs in that of `haystack`, ASCII letters matching
  // either case and every other character only itself (both are SQL expressions).
  virtual std::string ContainsFolded(std::string_view haystack, std::string_view needle) const = 0;
};

}  // namespace keyward::storage::sql
