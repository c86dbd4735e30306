#include "storage/postgres/pg_connection.hpp"

#include <libpq-fe.h>

#include <charconv>
#include <cstdlib>
#include <optional>
#include <utility>
#include <vector>

namespace keyward::storage::postgres {
namespace {

// Type OIDs of PostgreSQL's built-in types (its catalog, pg_type), which never change.
constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;
constexpr Oid kTextOid = 25;

bool Unreachable(pg_conn* conn, std::string_view state) {
  if (conn == nullptr || PQstatus(conn) == CONNECTION_BAD) return true;
  // No state: libpq failed on its own side (a lost connection). Class 08: connection exception;
  // 57P01-57P03: the server is shutting down or starting; 53300: too many connections.
  return state.empty() || state.starts_with("08") || state == "57P01" || state == "57P02" ||
         state == "57P03" || state == "53300";
}

// The `?N` parameters of `sql` renumbered `$N` (outside quoted text and names); `used[N]` is
// set for each N that occurs. Nullopt for a bare `?`, which this layer does not use.
std::optional<std::string> Renumber(std::string_view sql, std::vector<bool>& used) {
  std::string out;
  out.reserve(sql.size());
  char quote = 0;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (quote != 0) {
      if (c == quote) quote = 0;  // a doubled quote closes and reopens: still right
      out.push_back(c);
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      out.push_back(c);
      continue;
    }
    if (c != '?') {
      out.push_back(c);
      continue;
    }
    std::size_t end = i + 1;
    while (end < sql.size() && sql[end] >= '0' && sql[end] <= '9') ++end;
    if (end == i + 1) return std::nullopt;
    std::size_t index = 0;
    std::from_chars(sql.data() + i + 1, sql.data() + end, index);
    if (index == 0 || index > 1000) return std::nullopt;
    if (used.size() <= index) used.resize(index + 1, false);
    used[index] = true;
    out.push_back('$');
    out.append(sql.substr(i + 1, end - i - 1));
    i = end - 1;
  }
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

class PgStatementImpl final : public sql::StatementImpl {
 public:
  PgStatementImpl(pg_conn* conn, std::string sql, std::vector<bool> used, std::string what)
      : conn_(conn), sql_(std::move(sql)), used_(std::move(used)), what_(std::move(what)) {
    Clear();
  }
  ~PgStatementImpl() override { PQclear(result_); }
  PgStatementImpl(const PgStatementImpl&) = delete;
  PgStatementImpl& operator=(const PgStatementImpl&) = delete;

  void BindInt(int index, std::int64_t value) override {
    if (Param* p = At(index)) *p = Param{std::to_string(value), kInt8Oid, 0};
  }
  void BindText(int index, std::string_view text) override {
    // libpq reads a text parameter up to its first NUL: refused rather than stored cut short.
    if (text.find('\0') != std::string_view::npos) nul_in_text_ = true;
    if (Param* p = At(index)) *p = Param{std::string(text), kTextOid, 0};
  }
  void BindBlob(int index, std::span<const std::uint8_t> bytes) override {
    if (Param* p = At(index)) {
      *p = Param{std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size()), kByteaOid,
                 1};
    }
  }
  void BindNull(int index) override {
    if (Param* p = At(index)) *p = Param{std::nullopt, 0, 0};
  }

  core::Result<bool> Step() override {
    if (nul_in_text_) {
      return core::Internal(what_ +
                            ": a text value holds a NUL byte, which PostgreSQL cannot store");
    }
    if (result_ == nullptr) {
      KW_RETURN_IF_ERROR(Execute());
      row_ = -1;
    }
    ++row_;
    return row_ < PQntuples(result_);
  }

  void Reset() override {
    PQclear(result_);
    result_ = nullptr;
    row_ = -1;
    nul_in_text_ = false;
    Clear();
  }

  std::int64_t Changes() const override {
    if (result_ == nullptr) return 0;
    return std::strtoll(PQcmdTuples(result_), nullptr, 10);
  }
  sql::Violation last_violation() const override { return violation_; }
  std::string last_message() const override { return message_; }

  bool IsNull(int column) const override { return PQgetisnull(result_, row_, column) != 0; }
  std::int64_t Int(int column) const override {
    return std::strtoll(PQgetvalue(result_, row_, column), nullptr, 10);
  }
  std::string Text(int column) const override {
    return std::string(PQgetvalue(result_, row_, column),
                       static_cast<std::size_t>(PQgetlength(result_, row_, column)));
  }
  std::vector<std::uint8_t> Blob(int column) const override {
    // bytea's text form: "\x" and two hex digits per byte.
    const std::string_view text(PQgetvalue(result_, row_, column),
                                static_cast<std::size_t>(PQgetlength(result_, row_, column)));
    std::vector<std::uint8_t> out;
    if (text.size() < 2 || text[0] != '\\' || text[1] != 'x') return out;
    out.reserve((text.size() - 2) / 2);
    for (std::size_t i = 2; i + 1 < text.size(); i += 2) {
      const int hi = HexValue(text[i]);
      const int lo = HexValue(text[i + 1]);
      if (hi < 0 || lo < 0) return {};
      out.push_back(static_cast<std::uint8_t>(hi * 16 + lo));
    }
    return out;
  }

 private:
  struct Param {
    std::optional<std::string> value;
    Oid type = 0;
    int format = 0;  // 0 text, 1 binary
  };

  // Parameters past the last one the statement names are ignored.
  Param* At(int index) {
    if (index < 1 || static_cast<std::size_t>(index) >= params_.size() + 1) return nullptr;
    return &params_[static_cast<std::size_t>(index) - 1];
  }

  // Unbound: NULL. A parameter the text never names gets a type, so the server need not infer it.
  void Clear() {
    params_.assign(used_.empty() ? 0 : used_.size() - 1, Param{});
    for (std::size_t i = 0; i < params_.size(); ++i) {
      if (!used_[i + 1]) params_[i].type = kTextOid;
    }
  }

  core::Status Execute() {
    std::vector<const char*> values(params_.size());
    std::vector<Oid> types(params_.size());
    std::vector<int> lengths(params_.size());
    std::vector<int> formats(params_.size());
    for (std::size_t i = 0; i < params_.size(); ++i) {
      const Param& p = params_[i];
      values[i] = p.value ? p.value->data() : nullptr;
      types[i] = p.type;
      lengths[i] = p.value ? static_cast<int>(p.value->size()) : 0;
      formats[i] = p.format;
    }
    violation_ = sql::Violation::kNone;
    message_.clear();
    result_ = PQexecParams(conn_, sql_.c_str(), static_cast<int>(params_.size()), types.data(),
                           values.data(), lengths.data(), formats.data(), 0);
    const ExecStatusType status = result_ ? PQresultStatus(result_) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return core::Ok();
    const char* state = result_ ? PQresultErrorField(result_, PG_DIAG_SQLSTATE) : nullptr;
    const std::string_view code = state ? state : "";
    if (code == "23505") violation_ = sql::Violation::kUnique;
    if (code == "23503") violation_ = sql::Violation::kForeignKey;
    if (const char* constraint =
            result_ ? PQresultErrorField(result_, PG_DIAG_CONSTRAINT_NAME) : nullptr) {
      message_ = constraint;
    }
    core::Error error = ErrorFromResult(conn_, result_, what_);
    PQclear(result_);
    result_ = nullptr;
    return error;
  }

  pg_conn* conn_;
  const std::string sql_;
  const std::vector<bool> used_;  // used_[N]: the text names $N
  const std::string what_;
  std::vector<Param> params_;
  PGresult* result_ = nullptr;
  int row_ = -1;
  sql::Violation violation_ = sql::Violation::kNone;
  std::string message_;
  bool nul_in_text_ = false;
};

}  // namespace

core::Error ErrorFromResult(pg_conn* conn, const pg_result* result, std::string_view what) {
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const std::string_view code = state ? state : "";
  // The server's primary message names the fault without the values involved (those are in its
  // DETAIL, which is never read here).
  const char* primary = result ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  std::string reason = primary ? primary : (conn ? PQerrorMessage(conn) : "no connection");
  while (!reason.empty() && (reason.back() == '\n' || reason.back() == ' ')) reason.pop_back();
  std::string detail = std::string(what) + ": " + reason;
  if (!code.empty()) detail += " (SQLSTATE " + std::string(code) + ")";
  if (code == "53100") {
    return core::MakeError(core::ErrorCode::kUnavailable, core::Msg::kStoreFull,
                           {std::move(detail)});
  }
  if (Unreachable(conn, code)) {
    return core::MakeError(core::ErrorCode::kUnavailable, core::Msg::kStoreUnreachable,
                           {std::move(detail)});
  }
  // Serialization failures, deadlocks, lock and statement timeouts, a read-only server (a replica
  // after a failover): the same work may succeed when retried.
  if (code == "40001" || code == "40P01" || code == "55P03" || code == "57014" || code == "25006") {
    return core::Unavailable(std::move(detail));
  }
  return core::Internal(std::move(detail));
}

namespace {

// Replaces the value of every `password=` in `text` from `from` on (sslpassword= included), a
// value ending at `separator` or the end, with "***".
void HidePasswordValues(std::string& text, std::size_t from, char separator) {
  constexpr std::string_view kKey = "password=";
  for (std::size_t pw = text.find(kKey, from); pw != std::string::npos;
       pw = text.find(kKey, pw + kKey.size())) {
    const std::size_t value = pw + kKey.size();
    std::size_t end = text.find(separator, value);
    if (end == std::string::npos) end = text.size();
    text.replace(value, end - value, "***");
  }
}

}  // namespace

std::string RedactUrl(std::string_view url) {
  std::string out(url);
  const std::size_t scheme = out.find("://");
  if (scheme == std::string::npos) {  // key=value form
    HidePasswordValues(out, 0, ' ');
    return out;
  }
  // postgresql://user:password@host/...?password=...: the password is between the first ':'
  // after the scheme and the '@' before the query, or a query parameter (libpq takes both).
  const std::size_t query = out.find('?', scheme + 3);
  const std::size_t at = out.find('@', scheme + 3);
  const std::size_t colon = out.find(':', scheme + 3);
  if (at != std::string::npos && at < query && colon < at) {
    out.replace(colon + 1, at - colon - 1, "***");
  }
  const std::size_t redacted_query = out.find('?', scheme + 3);
  if (redacted_query != std::string::npos) HidePasswordValues(out, redacted_query, '&');
  return out;
}

core::Result<std::unique_ptr<PgConnection>> PgConnection::Open(const std::string& url,
                                                               int connect_timeout_s) {
  const std::string timeout = std::to_string(connect_timeout_s);
  const char* keys[] = {"dbname", "connect_timeout", "application_name", nullptr};
  const char* values[] = {url.c_str(), timeout.c_str(), "keyward", nullptr};
  // expand_dbname: `url` is a whole connection string; the later keys fill what it leaves out.
  pg_conn* conn = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) {
    std::string reason = conn ? PQerrorMessage(conn) : "out of memory";
    reason = reason.substr(0, reason.find('\n'));  // libpq's first line says it; the rest advises
    PQfinish(conn);
    return core::MakeError(core::ErrorCode::kUnavailable, core::Msg::kStoreUnreachable,
                           {"cannot connect to " + RedactUrl(url) + ": " + reason});
  }
  std::unique_ptr<PgConnection> out(new PgConnection(conn));
  // Text is UTF-8; the server's notices stay off stderr; statements never wait forever.
  KW_RETURN_IF_ERROR(out->Execute(
      "SET client_encoding = 'UTF8'; SET client_min_messages = 'warning';"
      " SET statement_timeout = '60s'; SET idle_in_transaction_session_timeout = '60s'",
      "configure connection"));
  return out;
}

PgConnection::~PgConnection() { PQfinish(conn_); }

bool PgConnection::Broken() const { return PQstatus(conn_) != CONNECTION_OK; }

core::Status PgConnection::Execute(std::string_view sql, std::string_view what) {
  const std::string text(sql);
  PGresult* result = PQexec(conn_, text.c_str());
  const ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
    PQclear(result);
    return core::Ok();
  }
  core::Error error = ErrorFromResult(conn_, result, what);
  PQclear(result);
  return error;
}

core::Result<sql::Statement> PgConnection::Prepare(std::string_view sql, std::string_view what) {
  std::vector<bool> used;
  std::optional<std::string> text = Renumber(sql, used);
  if (!text) return core::Internal(std::string(what) + ": a statement with unnumbered parameters");
  return sql::Statement(std::make_unique<PgStatementImpl>(conn_, std::move(*text), std::move(used),
                                                          std::string(what)));
}

std::string PgConnection::ContainsFolded(std::string_view haystack, std::string_view needle) const {
  // translate() folds the ASCII letters alone, whatever the database's locale would do to others.
  auto fold = [](std::string_view expr) {
    return "translate(" + std::string(expr) +
           ", 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')";
  };
  return "strpos(" + fold(haystack) + ", " + fold(needle) + ") > 0";
}

}  // namespace keyward::storage::postgres
