#include "http/v1/audit_export_format.hpp"

#include <boost/json/serialize.hpp>

#include <array>

#include "core/time_zone.hpp"
#include "http/v1/audit_codec.hpp"

namespace keyward::http {

std::optional<AuditExportFormat> ParseAuditExportFormat(std::string_view text) {
  if (text == "jsonl") return AuditExportFormat::kJsonLines;
  if (text == "csv") return AuditExportFormat::kCsv;
  return std::nullopt;
}

std::string_view AuditExportContentType(AuditExportFormat format) {
  return format == AuditExportFormat::kCsv ? "text/csv; charset=utf-8" : "application/x-ndjson";
}

std::string_view AuditExportExtension(AuditExportFormat format) {
  return format == AuditExportFormat::kCsv ? "csv" : "jsonl";
}

std::string_view AuditExportPreamble(AuditExportFormat format) {
  return format == AuditExportFormat::kCsv
             ? "id,time,actor,action,target,ip,outcome,details,hash\r\n"
             : "";
}

std::string CsvCell(std::string_view text) {
  const bool formula =
      !text.empty() && std::string_view("=+-@\t\r").find(text.front()) != std::string_view::npos;
  const bool special = text.find_first_of(",\"\r\n") != std::string_view::npos;
  if (!formula && !special) return std::string(text);
  std::string out = formula ? "\"'" : "\"";
  out.reserve(text.size() + 4);
  for (const char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

void AppendAuditExportRecord(std::string& out, AuditExportFormat format,
                             const core::AuditEvent& event, std::string_view zone) {
  if (format == AuditExportFormat::kJsonLines) {
    out += boost::json::serialize(AuditEventJson(event, zone));
    out += '\n';
    return;
  }
  const std::array<std::string, 9> cells = {std::to_string(event.id),
                                            core::FormatTime(event.time, zone),
                                            event.actor,
                                            event.action,
                                            event.target,
                                            event.ip,
                                            event.outcome,
                                            event.details_json,
                                            event.hash};
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) out += ',';
    out += CsvCell(cells[i]);
  }
  out += "\r\n";
}

}  // namespace keyward::http
