// The audit trail calls of docs/api.md "Roles, accounts, sessions, audit": list, export, verify.
#include <boost/json/array.hpp>
#include <boost/json/string.hpp>

#include <memory>
#include <string>
#include <utility>

#include "core/time_zone.hpp"
#include "http/error_map.hpp"
#include "http/json_fields.hpp"
#include "http/v1/api.hpp"
#include "http/v1/audit_codec.hpp"
#include "http/v1/audit_export_format.hpp"

namespace keyward::http::v1 {
namespace {

namespace json = boost::json;

// The filters every audit call reads from the query string.
core::AuditListInput Filters(const Call& call) {
  core::AuditListInput input;
  input.since = QueryParam(call.query, "since");
  input.until = QueryParam(call.query, "until");
  input.actor = QueryParam(call.query, "actor");
  input.action = QueryParam(call.query, "action");
  input.target = QueryParam(call.query, "target");
  return input;
}

// An export in progress, shared by the copies of its producer (BodyProducer is copyable).
struct ExportState {
  core::AuditExport exporter;
  AuditExportFormat format;
  std::string zone;
  Logger& logger;
  std::string path;
  bool preamble_sent = false;
};

// Each call renders the next store page that has a matching event (one page is at most
// core::kAuditExportPageSize events): the memory a call holds is bounded by one page.
BodyProducer MakeProducer(std::shared_ptr<ExportState> state) {
  return [state = std::move(state)](std::string& chunk) -> BodyStep {
    if (!state->preamble_sent) {
      state->preamble_sent = true;
      chunk = AuditExportPreamble(state->format);
      if (!chunk.empty()) return BodyStep::kChunk;
    }
    while (!state->exporter.done()) {
      core::Result<std::vector<core::AuditEvent>> events = state->exporter.Next();
      if (!events) {
        state->logger.Error("audit export failed",
                            {{"route", json::string(state->path)},
                             {"error", json::string(events.error().Message())}});
        return BodyStep::kFailed;
      }
      for (const core::AuditEvent& event : *events) {
        AppendAuditExportRecord(chunk, state->format, event, state->zone);
      }
      if (!chunk.empty()) return BodyStep::kChunk;
    }
    return BodyStep::kEnd;
  };
}

// "keyward-audit-20270115T080000Z.jsonl": the export's time in UTC, without separators.
std::string ExportFileName(core::Time now, AuditExportFormat format) {
  std::string stamp;
  for (const char c : core::FormatTime(now, "UTC")) {
    if (c != '-' && c != ':') stamp += c;
  }
  return "keyward-audit-" + stamp + "." + std::string(AuditExportExtension(format));
}

}  // namespace

core::Result<Reply> ListAudit(const Services& services, const Call& call) {
  const core::AuditService& audit = services.audit;
  core::AuditListInput input = Filters(call);
  input.limit = QueryParam(call.query, "limit");
  input.cursor = QueryParam(call.query, "cursor");
  KW_ASSIGN_OR_RETURN(core::AuditPage page, audit.List(call.caller, input));
  json::array items;
  items.reserve(page.items.size());
  for (const core::AuditEvent& event : page.items) {
    items.emplace_back(AuditEventJson(event, call.caller.time_zone));
  }
  return Reply::Json(200, ListJson(std::move(items), page.next_cursor));
}

core::Result<Reply> ExportAudit(const Services& services, const Call& call) {
  const core::AuditService& audit = services.audit;
  const std::string format_text = QueryParam(call.query, "format").value_or("jsonl");
  const std::optional<AuditExportFormat> format = ParseAuditExportFormat(format_text);
  if (!format) {
    return core::InvalidArgument(core::Msg::kFilterInvalid, "format",
                                 {"format", SafeEcho(format_text)});
  }
  KW_ASSIGN_OR_RETURN(core::AuditExport exporter, audit.StartExport(call.caller, Filters(call)));
  auto state = std::make_shared<ExportState>(ExportState{std::move(exporter), *format,
                                                         call.caller.time_zone, services.logger,
                                                         std::string(call.route.route->pattern)});
  Reply reply = Reply::Stream(200, std::string(AuditExportContentType(*format)),
                              MakeProducer(std::move(state)));
  reply.headers.emplace_back(
      "Content-Disposition",
      "attachment; filename=\"" + ExportFileName(services.clock.Now(), *format) + "\"");
  return reply;
}

core::Result<Reply> VerifyAudit(const Services& services, const Call& call) {
  const core::AuditService& audit = services.audit;
  KW_ASSIGN_OR_RETURN(core::AuditVerification verification, audit.Verify(call.caller));
  return Reply::Json(200, AuditVerificationJson(verification));
}

}  // namespace keyward::http::v1
