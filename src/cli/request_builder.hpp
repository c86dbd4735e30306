// Turns the flags of the client commands into request paths, queries and JSON bodies of the
// native API (docs/api.md), with no I/O, so what goes on the wire is unit-tested. Pure;
// thread-safe.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace keyward::cli {

// Returns `id` percent-encoded as one path segment: every byte but ASCII letters, digits, '-',
// '_' and '~' is encoded, so "..", "/" or "?" in an id never change which path is called.
std::string PathSegment(std::string_view id);

// Returns "/v1/apikeys/<id>" plus `suffix` (e.g. "/rotate"), the id encoded by PathSegment.
std::string KeyPath(std::string_view id, std::string_view suffix = {});

// Returns "/v1/roles/<id>" plus `suffix`, the id encoded by PathSegment.
std::string RolePath(std::string_view id, std::string_view suffix = {});

// Returns "/v1/accounts/<id>" plus `suffix` (e.g. "/token"), the id encoded by PathSegment.
std::string AccountPath(std::string_view id, std::string_view suffix = {});

struct ListFlags {
  std::optional<std::string> status;
  std::optional<std::string> role;
  std::optional<std::string> source;
  std::optional<std::string> query;  // -q: name/description substring
  std::optional<int> limit;
  std::optional<std::string> cursor;
};

// Returns the query parameters of GET /v1/apikeys (or /v1/roles) for `flags`, in a fixed order;
// `cursor`, when given, replaces flags.cursor (to follow nextCursor).
std::vector<std::pair<std::string, std::string>> BuildListQuery(
    const ListFlags& flags, const std::optional<std::string>& cursor = std::nullopt);

struct CreateKeyFlags {
  std::string name;
  std::optional<std::string> description;
  std::string role;  // id or name
  std::optional<std::string> locale;
  std::optional<std::string> time_zone;
  std::optional<std::string> expires_at;
  std::vector<std::string> allowed_ips;  // --allow-ip, repeatable
  bool disabled = false;
};

// Returns the body of POST /v1/apikeys. Optional fields appear only when given, "allowedIps"
// only when at least one --allow-ip was, "enabled": false only with --disabled.
boost::json::object BuildCreateBody(const CreateKeyFlags& flags);

struct UpdateKeyFlags {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<std::string> role;
  std::optional<std::string> locale;
  std::optional<std::string> time_zone;
  std::vector<std::string> allowed_ips;  // replaces the allowlist when not empty
  bool clear_allowlist = false;          // "allowedIps": [] (any address)
};

// Returns the body of PATCH /v1/apikeys/{id}, holding exactly the fields given, or nullopt
// when no flag asks for a change. Precondition: not both allowed_ips and clear_allowlist.
std::optional<boost::json::object> BuildUpdateBody(const UpdateKeyFlags& flags);

// Returns the body of POST /v1/apikeys/{id}/rotate: {} or {"gracePeriodSeconds": N}.
boost::json::object BuildRotateBody(std::optional<long long> grace_period_seconds);

// Returns the body of POST /v1/apikeys/delete: {"ids": [...]} in the order given.
boost::json::object BuildBulkDeleteBody(const std::vector<std::string>& ids);

struct CreateRoleFlags {
  std::string name;
  std::optional<std::string> description;
  std::vector<std::string> permissions;  // --permission, repeatable
};

// Returns the body of POST /v1/roles: {name, description?, permissions} ("permissions" always,
// in the order given).
boost::json::object BuildCreateRoleBody(const CreateRoleFlags& flags);

struct UpdateRoleFlags {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::vector<std::string> permissions;  // replaces the role's permissions when not empty
};

// Returns the body of PATCH /v1/roles/{id}, holding exactly the fields given, or nullopt when no
// flag asks for a change.
std::optional<boost::json::object> BuildUpdateRoleBody(const UpdateRoleFlags& flags);

// The settings of an account that create and update both take, each optional.
struct AccountProfileFlags {
  std::optional<std::string> given_name;
  std::optional<std::string> surname;
  std::optional<std::string> description;
  std::optional<std::string> locale;
  std::optional<std::string> time_zone;
};

struct CreateAccountFlags {
  std::string email;
  std::string role;          // id or name
  std::string access_level;  // console_and_api, api_only or console_only
  AccountProfileFlags profile;
  bool disabled = false;
};

// Returns the body of POST /v1/accounts: email, role and accessLevel, the profile fields given,
// and "enabled": false only with --disabled.
boost::json::object BuildCreateAccountBody(const CreateAccountFlags& flags);

struct UpdateAccountFlags {
  std::optional<std::string> email;
  std::optional<std::string> role;
  std::optional<std::string> access_level;
  AccountProfileFlags profile;
};

// Returns the body of PATCH /v1/accounts/{id}, holding exactly the fields given, or nullopt when
// no flag asks for a change.
std::optional<boost::json::object> BuildUpdateAccountBody(const UpdateAccountFlags& flags);

// Returns the body of POST /v1/accounts/{id}/token: {} or {"expiresAt": T}.
boost::json::object BuildAccountTokenBody(const std::optional<std::string>& expires_at);

// The filters of `keyward audit list` and `keyward audit export`.
struct AuditFilterFlags {
  std::optional<std::string> since;  // RFC 3339; without an offset, in the key's time zone
  std::optional<std::string> until;
  std::optional<std::string> actor;
  std::optional<std::string> action;
  std::optional<std::string> target;
};

// Returns the query parameters of GET /v1/audit for `filters`, `limit` and `cursor`, in a fixed
// order, each only when given.
std::vector<std::pair<std::string, std::string>> BuildAuditQuery(
    const AuditFilterFlags& filters, std::optional<int> limit = std::nullopt,
    const std::optional<std::string>& cursor = std::nullopt);

// Returns the query parameters of GET /v1/audit/export: "format" first, then the filters.
std::vector<std::pair<std::string, std::string>> BuildAuditExportQuery(
    const AuditFilterFlags& filters, const std::string& format);

}  // namespace keyward::cli
