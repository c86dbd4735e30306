// PgConnection: one libpq connection to the PostgreSQL store, owned, and the SQL unit of work's
// connection over it (storage/sql/sql_connection.hpp). Statements are sent with PQexecParams:
// `?N` parameters become `$N`, integers and text go as text with their types (int8, text), blobs
// as binary bytea; rows come back as text. Every libpq failure becomes a core::Error here, at the
// layer's edge: a server that cannot be reached (connection lost, shutting down, refusing) is
// kUnavailable with Msg::kStoreUnreachable, a full disk Msg::kStoreFull, a lock wait or a
// serialization failure kUnavailable; anything else kInternal. Messages never carry SQL, a
// connection URL or a password; the server's words go into the detail, for logs only.
//
// Thread-safety: thread-compatible; one thread uses a connection at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "storage/sql/sql_connection.hpp"

struct pg_conn;
struct pg_result;

namespace keyward::storage::postgres {

// The error for a failed result (`result` may be null: libpq gave none) on `conn`, while doing
// `what`.
core::Error ErrorFromResult(pg_conn* conn, const pg_result* result, std::string_view what);

// `url` with any password replaced by "***", for messages and logs.
std::string RedactUrl(std::string_view url);

class PgConnection final : public sql::Connection {
 public:
  // Connects to `url` (a libpq URI or key=value string), waiting at most `connect_timeout_s`.
  // Errors: kUnavailable (Msg::kStoreUnreachable) naming the redacted URL and libpq's reason.
  static core::Result<std::unique_ptr<PgConnection>> Open(const std::string& url,
                                                          int connect_timeout_s = 5);
  ~PgConnection() override;
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Runs `sql`, one or more statements without parameters (transaction control, schema scripts).
  core::Status Execute(std::string_view sql, std::string_view what);
  // Whether the connection has been lost (a broken one is never reused).
  bool Broken() const;
  pg_conn* raw() { return conn_; }

  core::Result<sql::Statement> Prepare(std::string_view sql, std::string_view what) override;
  std::string ContainsFolded(std::string_view haystack, std::string_view needle) const override;

 private:
  explicit PgConnection(pg_conn* conn) : conn_(conn) {}
  pg_conn* conn_;
};

}  // namespace keyward::storage::postgres
