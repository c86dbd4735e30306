// The audit trail of SqlUnitOfWork (migrations V001 and V002: table audit_events).

#include <limits>
#include <string>

#include "storage/sql/sql_rows.hpp"
#include "storage/sql/sql_unit_of_work.hpp"

namespace keyward::storage::sql {
namespace {

using core::AuditEvent;
using core::Result;
using core::Status;

constexpr std::string_view kSelectAudit =
    "SELECT id, time, actor, action, target, ip, outcome, details, prev_hash, hash"
    " FROM audit_events";

}  // namespace

Result<std::vector<AuditEvent>> SqlUnitOfWork::ReadAuditEvents(Statement& stmt) {
  std::vector<AuditEvent> out;
  for (;;) {
    KW_ASSIGN_OR_RETURN(const bool row, stmt.Step());
    if (!row) return out;
    AuditEvent& e = out.emplace_back();
    e.id = stmt.Int(0);
    e.time = FromSeconds(stmt.Int(1));
    e.actor = stmt.Text(2);
    e.action = stmt.Text(3);
    e.target = stmt.Text(4);
    e.ip = stmt.Text(5);
    e.outcome = stmt.Text(6);
    e.details_json = stmt.Text(7);
    e.prev_hash = stmt.Text(8);
    e.hash = stmt.Text(9);
  }
}

Result<std::int64_t> SqlUnitOfWork::AppendAudit(const AuditEvent& event) {
  KW_ASSIGN_OR_RETURN(
      Statement stmt,
      Prepare("INSERT INTO audit_events"
              " (time, actor, action, target, ip, outcome, details, prev_hash, hash)"
              " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id",
              "append audit event"));
  stmt.BindInt(1, ToSeconds(event.time))
      .BindText(2, event.actor)
      .BindText(3, event.action)
      .BindText(4, event.target)
      .BindText(5, event.ip)
      .BindText(6, event.outcome)
      .BindText(7, event.details_json)
      .BindText(8, event.prev_hash)
      .BindText(9, event.hash);
  KW_ASSIGN_OR_RETURN(const bool row, stmt.Step());
  if (!row) return core::Internal("append audit event: no id returned");
  return stmt.Int(0);
}

Status SqlUnitOfWork::SetAuditHash(std::int64_t id, std::string_view prev_hash,
                                   std::string_view hash) {
  KW_ASSIGN_OR_RETURN(Statement stmt,
                      Prepare("UPDATE audit_events SET prev_hash = ?2, hash = ?3 WHERE id = ?1",
                              "chain audit event"));
  KW_RETURN_IF_ERROR(stmt.BindInt(1, id).BindText(2, prev_hash).BindText(3, hash).Run());
  if (stmt.Changes() == 0) {
    return core::MakeError(core::ErrorCode::kNotFound, core::Msg::kStoreError,
                           {"no audit event " + std::to_string(id)});
  }
  return core::Ok();
}

Result<std::vector<AuditEvent>> SqlUnitOfWork::ListAudit(std::int64_t after_id, int limit) {
  if (limit <= 0) return std::vector<AuditEvent>();
  KW_ASSIGN_OR_RETURN(Statement stmt,
                      Prepare(std::string(kSelectAudit) + " WHERE id > ?1 ORDER BY id LIMIT ?2",
                              "list audit events"));
  stmt.BindInt(1, after_id).BindInt(2, limit);
  return ReadAuditEvents(stmt);
}

Result<std::optional<AuditEvent>> SqlUnitOfWork::LastAudit() {
  KW_ASSIGN_OR_RETURN(
      Statement stmt,
      Prepare(std::string(kSelectAudit) + " ORDER BY id DESC LIMIT 1", "read last audit event"));
  KW_ASSIGN_OR_RETURN(std::vector<AuditEvent> events, ReadAuditEvents(stmt));
  if (events.empty()) return std::optional<AuditEvent>();
  return std::optional<AuditEvent>(std::move(events.front()));
}

Result<std::vector<AuditEvent>> SqlUnitOfWork::QueryAudit(const core::AuditFilter& filter,
                                                          const core::PageRequest& page) {
  if (page.limit <= 0) return std::vector<AuditEvent>();
  // Only the conditions in use appear, so SQLite can pick the index of the one that narrows most.
  std::string sql(kSelectAudit);
  sql += " WHERE id < ?1";
  if (filter.since) sql += " AND time >= ?2";
  if (filter.until) sql += " AND time < ?3";
  if (!filter.actor.empty()) sql += " AND actor = ?4";
  if (!filter.action.empty()) sql += " AND action = ?5";
  if (!filter.target.empty()) sql += " AND target = ?6";
  sql += " ORDER BY id DESC LIMIT ?7";
  KW_ASSIGN_OR_RETURN(Statement stmt, Prepare(sql, "query audit events"));
  stmt.BindInt(1, page.before_id.value_or(std::numeric_limits<std::int64_t>::max()));
  if (filter.since) stmt.BindInt(2, ToSeconds(*filter.since));
  if (filter.until) stmt.BindInt(3, ToSeconds(*filter.until));
  if (!filter.actor.empty()) stmt.BindText(4, filter.actor);
  if (!filter.action.empty()) stmt.BindText(5, filter.action);
  if (!filter.target.empty()) stmt.BindText(6, filter.target);
  stmt.BindInt(7, page.limit);
  return ReadAuditEvents(stmt);
}

Status SqlUnitOfWork::DeleteAuditThrough(std::int64_t id) {
  KW_ASSIGN_OR_RETURN(Statement stmt, Prepare("DELETE FROM audit_events WHERE id <= ?1",
                                              "remove old audit events"));
  return stmt.BindInt(1, id).Run();
}

}  // namespace keyward::storage::sql
