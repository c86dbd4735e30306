// The JSON of the audit trail (docs/api.md "Roles, accounts, sessions, audit"): an event as the
// list shows it and the answer of the chain check. The export's JSON lines and CSV are
// audit_export_format.hpp's. Pure functions; thread-safe.
#pragma once

#include <boost/json/object.hpp>

#include <string_view>

#include "core/audit/audit_chain.hpp"
#include "core/store/audit_event.hpp"

namespace keyward::http {

// An audit event as GET /v1/audit lists it: {id, time (in `zone`), actor, action, target, ip
// (null when none), outcome, details (the details object; its stored text as a string should it
// not be a JSON object), hash}.
boost::json::object AuditEventJson(const core::AuditEvent& event, std::string_view zone);
// The answer of GET /v1/audit/verify: {"ok": true, "events": N}, or with "ok": false also
// "firstBrokenId" (a decimal string) and "reason".
boost::json::object AuditVerificationJson(const core::AuditVerification& verification);

}  // namespace keyward::http
