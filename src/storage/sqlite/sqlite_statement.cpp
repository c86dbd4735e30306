#include "storage/sqlite/sqlite_statement.hpp"

#include <sqlite3.h>

#include <limits>
#include <memory>

namespace keyward::storage::sqlite {

core::Error ErrorFromCode(int code, std::string_view what) {
  std::string detail = std::string(what) + ": " + sqlite3_errstr(code);
  switch (code & 0xff) {
    case SQLITE_FULL:
      return core::MakeError(core::ErrorCode::kUnavailable, core::Msg::kStoreFull,
                             {std::move(detail)});
    case SQLITE_BUSY:
      // The store's one connection waits on no one in its own process: another process holds
      // the write lock (a backup tool, a second server, an operator's sqlite3 shell).
      return core::MakeError(core::ErrorCode::kUnavailable, core::Msg::kStoreLocked,
                             {std::move(detail)});
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_PROTOCOL:
      return core::Unavailable(std::move(detail));
    default:
      return core::Internal(std::move(detail));
  }
}

core::Status Execute(sqlite3* db, const char* sql, std::string_view what) {
  // The error text sqlite3_exec offers may quote SQL; only the code is kept.
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return ErrorFromCode(sqlite3_extended_errcode(db), what);
  return core::Ok();
}

core::Result<Statement> Statement::Prepare(sqlite3* db, std::string_view sql,
                                           std::string_view what) {
  if (sql.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    return core::Internal(std::string(what) + ": statement too long");
  }
  sqlite3_stmt* stmt = nullptr;
  const int rc =
      sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), 0, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return ErrorFromCode(sqlite3_extended_errcode(db), what);
  }
  return Statement(stmt, std::string(what));
}

Statement::Statement(Statement&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)),
      what_(std::move(other.what_)),
      bind_code_(other.bind_code_),
      last_code_(other.last_code_) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    stmt_ = std::exchange(other.stmt_, nullptr);
    what_ = std::move(other.what_);
    bind_code_ = other.bind_code_;
    last_code_ = other.last_code_;
  }
  return *this;
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

void Statement::NoteBind(int rc) {
  if (rc != SQLITE_OK && bind_code_ == SQLITE_OK) bind_code_ = rc;
}

Statement& Statement::BindInt(int index, std::int64_t value) {
  NoteBind(sqlite3_bind_int64(stmt_, index, value));
  return *this;
}

Statement& Statement::BindOptionalInt(int index, std::optional<std::int64_t> value) {
  return value ? BindInt(index, *value) : BindNull(index);
}

Statement& Statement::BindText(int index, std::string_view text) {
  NoteBind(
      sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
  return *this;
}

Statement& Statement::BindBlob(int index, std::span<const std::uint8_t> bytes) {
  // A null pointer would bind NULL; an empty blob is still a blob.
  static const std::uint8_t kEmpty = 0;
  const void* data = bytes.empty() ? &kEmpty : bytes.data();
  NoteBind(sqlite3_bind_blob64(stmt_, index, data, bytes.size(), SQLITE_TRANSIENT));
  return *this;
}

Statement& Statement::BindNull(int index) {
  NoteBind(sqlite3_bind_null(stmt_, index));
  return *this;
}

core::Result<bool> Statement::Step() {
  if (bind_code_ != SQLITE_OK) {
    last_code_ = bind_code_;
    return ErrorFromCode(bind_code_, what_);
  }
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  last_code_ = sqlite3_extended_errcode(sqlite3_db_handle(stmt_));
  return ErrorFromCode(last_code_, what_);
}

core::Status Statement::Run() {
  for (;;) {
    KW_ASSIGN_OR_RETURN(const bool row, Step());
    if (!row) return core::Ok();
  }
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  last_code_ = SQLITE_OK;
}

std::int64_t Statement::changes() const { return sqlite3_changes64(sqlite3_db_handle(stmt_)); }

std::string Statement::last_message() const {
  const char* msg = sqlite3_errmsg(sqlite3_db_handle(stmt_));
  return msg == nullptr ? std::string() : std::string(msg);
}

bool Statement::IsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::int64_t Statement::Int(int column) const { return sqlite3_column_int64(stmt_, column); }

std::optional<std::int64_t> Statement::OptionalInt(int column) const {
  if (IsNull(column)) return std::nullopt;
  return Int(column);
}

std::string Statement::Text(int column) const {
  const auto* text = sqlite3_column_text(stmt_, column);
  const int size = sqlite3_column_bytes(stmt_, column);
  if (text == nullptr || size <= 0) return {};
  return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(size));
}

std::vector<std::uint8_t> Statement::Blob(int column) const {
  const auto* data = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, column));
  const int size = sqlite3_column_bytes(stmt_, column);
  if (data == nullptr || size <= 0) return {};
  return std::vector<std::uint8_t>(data, data + size);
}

namespace {

class SqliteStatementImpl final : public sql::StatementImpl {
 public:
  explicit SqliteStatementImpl(Statement stmt) : stmt_(std::move(stmt)) {}
  void BindInt(int index, std::int64_t value) override { stmt_.BindInt(index, value); }
  void BindText(int index, std::string_view text) override { stmt_.BindText(index, text); }
  void BindBlob(int index, std::span<const std::uint8_t> bytes) override {
    stmt_.BindBlob(index, bytes);
  }
  void BindNull(int index) override { stmt_.BindNull(index); }
  core::Result<bool> Step() override { return stmt_.Step(); }
  void Reset() override { stmt_.Reset(); }
  std::int64_t Changes() const override { return stmt_.changes(); }
  sql::Violation last_violation() const override {
    switch (stmt_.last_code()) {
      case SQLITE_CONSTRAINT_UNIQUE:
      case SQLITE_CONSTRAINT_PRIMARYKEY:
        return sql::Violation::kUnique;
      case SQLITE_CONSTRAINT_FOREIGNKEY:
        return sql::Violation::kForeignKey;
      default:
        return sql::Violation::kNone;
    }
  }
  std::string last_message() const override { return stmt_.last_message(); }
  bool IsNull(int column) const override { return stmt_.IsNull(column); }
  std::int64_t Int(int column) const override { return stmt_.Int(column); }
  std::string Text(int column) const override { return stmt_.Text(column); }
  std::vector<std::uint8_t> Blob(int column) const override { return stmt_.Blob(column); }

 private:
  Statement stmt_;
};

}  // namespace

core::Result<sql::Statement> SqliteConnection::Prepare(std::string_view sql,
                                                       std::string_view what) {
  KW_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(db_, sql, what));
  return sql::Statement(std::make_unique<SqliteStatementImpl>(std::move(stmt)));
}

std::string SqliteConnection::ContainsFolded(std::string_view haystack,
                                             std::string_view needle) const {
  return "instr(lower(" + std::string(haystack) + "), lower(" + std::string(needle) + ")) > 0";
}

}  // namespace keyward::storage::sqlite
