// The Deep Security / Workload Security API v1 dialect (docs/deep-security.md): one plain function
// per route, over the same core use cases as the native API. The dialect's front door
// (deep_security_api.hpp) routes (routes.hpp), authenticates (api-secret-key, Authorization:
// ApiKey, or an Ansible session's Cookie: sID), checks `api-version: v1`, parses the body and
// checks the route's permission; these functions read the call, ask core and render the dialect's
// JSON. Errors are core::Errors: the front door words them the dialect's way.
//
// Thread-safe: the functions hold no state and their collaborators are thread-safe.
#pragma once

#include <boost/json/object.hpp>
#include <boost/url/params_view.hpp>

#include <optional>

#include "core/accounts/session_service.hpp"
#include "core/net/ip.hpp"
#include "core/principal.hpp"
#include "core/result.hpp"
#include "http/handler.hpp"
#include "http/reply.hpp"
#include "http/router.hpp"
#include "http/v1/api.hpp"

namespace keyward::http::ds {

// The same collaborators as the native API's.
using Services = v1::Services;

// One call of the dialect.
struct Call {
  const core::Principal& caller;  // no permission for the sign-in and logout routes
  const RouteMatch& route;        // kFound
  const boost::urls::params_view& query;
  const Request& request;
  const RequestContext& context;
  // The request body parsed as a JSON object ({} for an empty body, as clients send on GET,
  // DELETE and bodyless POSTs). Unknown members are the handlers' to ignore.
  const boost::json::object& body;
  // The Ansible session the call came with (Cookie: sID), or null for an API key.
  const core::SessionAuth* session = nullptr;
  std::optional<core::IpAddress> client_ip;
};

// --- API keys (keys.cpp) ---
core::Result<Reply> ListApiKeys(const Services& services, const Call& call);
core::Result<Reply> CreateApiKey(const Services& services, const Call& call);
core::Result<Reply> SearchApiKeys(const Services& services, const Call& call);
core::Result<Reply> DescribeApiKey(const Services& services, const Call& call);
core::Result<Reply> ModifyApiKey(const Services& services, const Call& call);
core::Result<Reply> DeleteApiKey(const Services& services, const Call& call);
core::Result<Reply> ReplaceApiSecretKey(const Services& services, const Call& call);
core::Result<Reply> DescribeCurrentApiKey(const Services& services, const Call& call);
core::Result<Reply> ModifyCurrentApiKey(const Services& services, const Call& call);
core::Result<Reply> ReplaceCurrentApiSecretKey(const Services& services, const Call& call);

// --- Roles (roles.cpp) ---
core::Result<Reply> ListRoles(const Services& services, const Call& call);
core::Result<Reply> CreateRole(const Services& services, const Call& call);
core::Result<Reply> SearchRoles(const Services& services, const Call& call);
core::Result<Reply> DescribeRole(const Services& services, const Call& call);
core::Result<Reply> ModifyRole(const Services& services, const Call& call);
core::Result<Reply> DeleteRole(const Services& services, const Call& call);

// --- Administrators, as Keyward accounts (administrators.cpp) ---
core::Result<Reply> ListAdministrators(const Services& services, const Call& call);
core::Result<Reply> CreateAdministrator(const Services& services, const Call& call);
core::Result<Reply> SearchAdministrators(const Services& services, const Call& call);
core::Result<Reply> DescribeAdministrator(const Services& services, const Call& call);
core::Result<Reply> ModifyAdministrator(const Services& services, const Call& call);
core::Result<Reply> DeleteAdministrator(const Services& services, const Call& call);

// --- The Ansible collection's session (sessions.cpp) ---
// POST /rest/authentication/login/primary: no caller; answers the session id as text/plain.
core::Result<Reply> SignIn(const Services& services, const Call& call);
// DELETE /rest/authentication/logout?sID=<id>: no caller; ends that session.
core::Result<Reply> SignOut(const Services& services, const Call& call);

}  // namespace keyward::http::ds
