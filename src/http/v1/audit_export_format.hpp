// The formats of GET /v1/audit/export: JSON lines (one audit event object a line, as GET
// /v1/audit lists them) and CSV (RFC 4180, a header row, every cell that a spreadsheet would read
// as a formula escaped). Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/store/audit_event.hpp"

namespace keyward::http {

enum class AuditExportFormat { kJsonLines, kCsv };

// "jsonl" or "csv"; nullopt for anything else.
std::optional<AuditExportFormat> ParseAuditExportFormat(std::string_view text);

// "application/x-ndjson" or "text/csv; charset=utf-8".
std::string_view AuditExportContentType(AuditExportFormat format);

// "jsonl" or "csv": the file name extension.
std::string_view AuditExportExtension(AuditExportFormat format);

// What comes before the first event: the CSV header row
// "id,time,actor,action,target,ip,outcome,details,hash\r\n"; nothing for JSON lines.
std::string_view AuditExportPreamble(AuditExportFormat format);

// Appends `event`, its time in `zone`, to `out`: a JSON object and "\n", or a CSV row (details as
// their JSON text) and "\r\n".
void AppendAuditExportRecord(std::string& out, AuditExportFormat format,
                             const core::AuditEvent& event, std::string_view zone);

// One CSV cell. A cell that starts with '=', '+', '-', '@', a tab or a carriage return (which a
// spreadsheet would take for a formula) gets a leading "'" and is quoted; a cell holding a comma,
// a double quote, a CR or a LF is quoted (RFC 4180: in double quotes, each double quote doubled);
// any other cell is written as it is.
std::string CsvCell(std::string_view text);

}  // namespace keyward::http
