// The client commands for permissions and roles once flags are parsed: call the API through an
// ApiSession and print the result, as JSON for scripts (`json`) or as text for people. Each
// returns the process exit code (exit_code.hpp); failures are already reported on standard
// error. Thread-compatible.
#pragma once

#include <string>

#include "cli/api_session.hpp"
#include "cli/request_builder.hpp"

namespace keyward::cli {

// GET /v1/permissions: a table NAME, GROUP, DESCRIPTION.
int ListPermissions(const ApiSession& session, bool json);

// GET /v1/roles; with `all`, follows nextCursor and, with `json`, prints every item as one
// {"items": [...], "nextCursor": null} document.
int ListRoles(const ApiSession& session, const ListFlags& flags, bool all, bool json);

// GET /v1/roles/{id}.
int ShowRole(const ApiSession& session, const std::string& id, bool json);

// POST /v1/roles; prints the role created.
int CreateRole(const ApiSession& session, const CreateRoleFlags& flags, bool json);

// PATCH /v1/roles/{id}. Precondition: BuildUpdateRoleBody(flags) has a value.
int UpdateRole(const ApiSession& session, const std::string& id, const UpdateRoleFlags& flags,
               bool json);

// DELETE /v1/roles/{id}; prints "Deleted role <id>.", or with `json` {"id": "<id>", "status": 204}.
int DeleteRole(const ApiSession& session, const std::string& id, bool json);

}  // namespace keyward::cli
