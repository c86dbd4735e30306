// The JSON of permissions and roles (docs/api.md "Roles, accounts, sessions, audit"): the
// permission catalogue's entries, roles as docs/api.md shows them, and the role calls' request body
// read into core's input struct with type checks and unknown-field rejection. Pure functions;
// thread-safe.
#pragma once

#include <boost/json/object.hpp>

#include "core/permissions.hpp"
#include "core/result.hpp"
#include "core/roles/role_service.hpp"

namespace keyward::http {

// {id, name, description, builtIn, permissions: [...]}.
boost::json::object RoleJson(const core::Role& role);
// {name, group, description}.
boost::json::object PermissionJson(const core::PermissionInfo& info);

// POST /v1/roles and PATCH /v1/roles/{id}: {name, description?, permissions}.
core::Result<core::RoleInput> ParseRoleInput(const boost::json::object& body);

}  // namespace keyward::http
