// The client commands' work once flags are parsed, for API keys, whoami and the audit trail (roles:
// role_commands.hpp, accounts: account_commands.hpp): call the API through an ApiSession and print
// the result, as JSON for scripts (`json`) or as text for people. Each returns the process exit
// code (exit_code.hpp); failures are already reported on standard error. Thread-compatible.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/api_session.hpp"
#include "cli/request_builder.hpp"

namespace keyward::cli {

// GET /v1/apikeys; with `all`, follows nextCursor and, with `json`, prints every item as one
// {"items": [...], "nextCursor": null} document.
int ListKeys(const ApiSession& session, const ListFlags& flags, bool all, bool json);

// POST /v1/apikeys; prints the key, then its secret once.
int CreateKey(const ApiSession& session, const CreateKeyFlags& flags, bool json);

// GET /v1/apikeys/{id}.
int ShowKey(const ApiSession& session, const std::string& id, bool json);

// GET /v1/apikeys/current: the key the command authenticates with.
int WhoAmI(const ApiSession& session, bool json);

// PATCH /v1/apikeys/{id}. Precondition: BuildUpdateBody(flags) has a value.
int UpdateKey(const ApiSession& session, const std::string& id, const UpdateKeyFlags& flags,
              bool json);

// POST /v1/apikeys/{id}/<action>, action one of "enable", "disable", "lock", "unlock".
int ChangeKeyState(const ApiSession& session, const std::string& id, const std::string& action,
                   bool json);

// POST /v1/apikeys/{id}/rotate; prints the key, then its new secret once.
int RotateKey(const ApiSession& session, const std::string& id,
              std::optional<long long> grace_period_seconds, bool json);

// One id: DELETE /v1/apikeys/{id}; several: POST /v1/apikeys/delete, reported per id, exit
// code kExitNotFound when any id named no key. With `json`, one id prints
// {"results": [{"id": "<id>", "status": 204}]}, the shape of the bulk response.
// Precondition: ids is not empty.
int DeleteKeys(const ApiSession& session, const std::vector<std::string>& ids, bool json);

// GET /v1/audit with `filters`, paged like ListKeys by page.limit and page.cursor (the other
// ListFlags are not used): a table ID, TIME, ACTOR, ACTION, TARGET, IP, OUTCOME, newest first.
int ListAudit(const ApiSession& session, const AuditFilterFlags& filters, ListFlags page, bool all,
              bool json);

// GET /v1/audit/export?format=<format> with `filters`: the body, as it arrives, to standard
// output or to the file `output` (written as "<output>.part" and renamed once complete, removed
// if the export fails, so a file by that name is always a whole export).
int ExportAudit(const ApiSession& session, const AuditFilterFlags& filters,
                const std::string& format, const std::optional<std::string>& output);

// GET /v1/audit/verify: prints "audit trail verified: N events" and returns kExitOk, or prints
// "audit trail BROKEN at event <id>: <reason>" and returns kExitFailure. With `json`, prints the
// server's JSON instead, with the same exit codes.
int VerifyAudit(const ApiSession& session, bool json);

}  // namespace keyward::cli
