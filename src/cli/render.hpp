// What the client commands print for people (tables, "Field: value" lines) and the one-line
// error messages on standard error, made from the server's JSON. No I/O; everything taken from
// the server goes through Printable(). Missing or mistyped fields print as "-", never throw.
// Pure; thread-safe.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <string>
#include <string_view>

#include "cli/http_client.hpp"

namespace keyward::cli {

// Returns "keyward: <message>" for a failed response, from its error body
// {"error": {"code", "message", "field"}} with " (field: <field>)" when the error names one, or
// "keyward: the server answered HTTP <status> <reason>" when the body says nothing usable.
std::string DescribeApiError(unsigned status, std::string_view reason, std::string_view body);

// Returns "keyward: cannot reach the server at <url>: <reason>" when nothing was sent, or a
// message saying the outcome of the request is unknown when it was.
std::string DescribeTransportFailure(std::string_view url, const TransportFailure& failure);

// Returns the table of API keys: ID, NAME, ROLE, STATUS, PREFIX, EXPIRES, LAST USED.
std::string RenderKeyTable(const boost::json::array& keys);

// Returns one API key as aligned "Field: value" lines; "Previous secret" only during a rotation
// grace period (previousSecret: {endsAt, lastUsedAt}).
std::string RenderKeyDetails(const boost::json::object& key);

// Returns the table of roles: ID, NAME, BUILT-IN, PERMISSIONS (a count), DESCRIPTION.
std::string RenderRoleTable(const boost::json::array& roles);

// Returns one role as aligned "Field: value" lines, its permissions one a line.
std::string RenderRoleDetails(const boost::json::object& role);

// Returns the table of permissions (GET /v1/permissions): NAME, GROUP, DESCRIPTION.
std::string RenderPermissionTable(const boost::json::array& permissions);

// Returns the table of accounts: ID, EMAIL, ROLE, ACCESS, ENABLED, LOCKED OUT, TOKEN (the token's
// prefix, or "-" when the account has none).
std::string RenderAccountTable(const boost::json::array& accounts);

// Returns one account as aligned "Field: value" lines, its token's among them ("Token: none"
// when it has none).
std::string RenderAccountDetails(const boost::json::object& account);

// Returns an account's token ({keyId, prefix, createdAt, expiresAt, lastUsedAt}) as aligned
// "Field: value" lines.
std::string RenderAccountToken(const boost::json::object& token);

// Returns the table of audit events: ID, TIME, ACTOR, ACTION, TARGET, IP, OUTCOME.
std::string RenderAuditTable(const boost::json::array& events);

struct DeleteReport {
  std::string text;  // a table: each id and "deleted", "not found" or "failed (HTTP n)"
  bool any_not_found = false;
  bool any_failed = false;  // a status other than 204/404, or no "results" array at all
};

// Reports the response of POST /v1/apikeys/delete ({"results": [{"id", "status"}]}).
DeleteReport RenderDeleteResults(const boost::json::object& response);

}  // namespace keyward::cli
