#include "cli/request_builder.hpp"

#include <boost/json/array.hpp>

namespace keyward::cli {
namespace {

bool IsSafeInSegment(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '~';
}

void PutIfSet(boost::json::object& body, std::string_view field,
              const std::optional<std::string>& value) {
  if (value) body[field] = *value;
}

boost::json::array ToArray(const std::vector<std::string>& values) {
  boost::json::array array;
  for (const auto& value : values) array.emplace_back(value);
  return array;
}

void PutProfile(boost::json::object& body, const AccountProfileFlags& profile) {
  PutIfSet(body, "givenName", profile.given_name);
  PutIfSet(body, "surname", profile.surname);
  PutIfSet(body, "description", profile.description);
  PutIfSet(body, "locale", profile.locale);
  PutIfSet(body, "timeZone", profile.time_zone);
}

std::string ResourcePath(std::string_view collection, std::string_view id,
                         std::string_view suffix) {
  std::string path(collection);
  path += '/';
  path += PathSegment(id);
  path += suffix;
  return path;
}

}  // namespace

std::string PathSegment(std::string_view id) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : id) {
    if (IsSafeInSegment(c)) {
      out += c;
    } else {
      const auto byte = static_cast<unsigned char>(c);
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0x0F];
    }
  }
  return out;
}

std::string KeyPath(std::string_view id, std::string_view suffix) {
  return ResourcePath("/v1/apikeys", id, suffix);
}

std::string RolePath(std::string_view id, std::string_view suffix) {
  return ResourcePath("/v1/roles", id, suffix);
}

std::string AccountPath(std::string_view id, std::string_view suffix) {
  return ResourcePath("/v1/accounts", id, suffix);
}

std::vector<std::pair<std::string, std::string>> BuildListQuery(
    const ListFlags& flags, const std::optional<std::string>& cursor) {
  std::vector<std::pair<std::string, std::string>> query;
  const auto add = [&query](const char* name, const std::optional<std::string>& value) {
    if (value) query.emplace_back(name, *value);
  };
  add("status", flags.status);
  add("role", flags.role);
  add("source", flags.source);
  add("q", flags.query);
  if (flags.limit) query.emplace_back("limit", std::to_string(*flags.limit));
  add("cursor", cursor ? cursor : flags.cursor);
  return query;
}

boost::json::object BuildCreateBody(const CreateKeyFlags& flags) {
  boost::json::object body;
  body["name"] = flags.name;
  PutIfSet(body, "description", flags.description);
  body["role"] = flags.role;
  PutIfSet(body, "locale", flags.locale);
  PutIfSet(body, "timeZone", flags.time_zone);
  PutIfSet(body, "expiresAt", flags.expires_at);
  if (!flags.allowed_ips.empty()) body["allowedIps"] = ToArray(flags.allowed_ips);
  if (flags.disabled) body["enabled"] = false;
  return body;
}

std::optional<boost::json::object> BuildUpdateBody(const UpdateKeyFlags& flags) {
  boost::json::object body;
  PutIfSet(body, "name", flags.name);
  PutIfSet(body, "description", flags.description);
  PutIfSet(body, "role", flags.role);
  PutIfSet(body, "locale", flags.locale);
  PutIfSet(body, "timeZone", flags.time_zone);
  if (flags.clear_allowlist) {
    body["allowedIps"] = boost::json::array();
  } else if (!flags.allowed_ips.empty()) {
    body["allowedIps"] = ToArray(flags.allowed_ips);
  }
  if (body.empty()) return std::nullopt;
  return body;
}

boost::json::object BuildRotateBody(std::optional<long long> grace_period_seconds) {
  boost::json::object body;
  if (grace_period_seconds) body["gracePeriodSeconds"] = *grace_period_seconds;
  return body;
}

boost::json::object BuildBulkDeleteBody(const std::vector<std::string>& ids) {
  boost::json::object body;
  body["ids"] = ToArray(ids);
  return body;
}

boost::json::object BuildCreateRoleBody(const CreateRoleFlags& flags) {
  boost::json::object body;
  body["name"] = flags.name;
  PutIfSet(body, "description", flags.description);
  body["permissions"] = ToArray(flags.permissions);
  return body;
}

std::optional<boost::json::object> BuildUpdateRoleBody(const UpdateRoleFlags& flags) {
  boost::json::object body;
  PutIfSet(body, "name", flags.name);
  PutIfSet(body, "description", flags.description);
  if (!flags.permissions.empty()) body["permissions"] = ToArray(flags.permissions);
  if (body.empty()) return std::nullopt;
  return body;
}

boost::json::object BuildCreateAccountBody(const CreateAccountFlags& flags) {
  boost::json::object body;
  body["email"] = flags.email;
  body["role"] = flags.role;
  body["accessLevel"] = flags.access_level;
  PutProfile(body, flags.profile);
  if (flags.disabled) body["enabled"] = false;
  return body;
}

std::optional<boost::json::object> BuildUpdateAccountBody(const UpdateAccountFlags& flags) {
  boost::json::object body;
  PutIfSet(body, "email", flags.email);
  PutIfSet(body, "role", flags.role);
  PutIfSet(body, "accessLevel", flags.access_level);
  PutProfile(body, flags.profile);
  if (body.empty()) return std::nullopt;
  return body;
}

boost::json::object BuildAccountTokenBody(const std::optional<std::string>& expires_at) {
  boost::json::object body;
  PutIfSet(body, "expiresAt", expires_at);
  return body;
}

std::vector<std::pair<std::string, std::string>> BuildAuditQuery(
    const AuditFilterFlags& filters, std::optional<int> limit,
    const std::optional<std::string>& cursor) {
  std::vector<std::pair<std::string, std::string>> query;
  const auto add = [&query](const char* name, const std::optional<std::string>& value) {
    if (value) query.emplace_back(name, *value);
  };
  add("since", filters.since);
  add("until", filters.until);
  add("actor", filters.actor);
  add("action", filters.action);
  add("target", filters.target);
  if (limit) query.emplace_back("limit", std::to_string(*limit));
  add("cursor", cursor);
  return query;
}

std::vector<std::pair<std::string, std::string>> BuildAuditExportQuery(
    const AuditFilterFlags& filters, const std::string& format) {
  std::vector<std::pair<std::string, std::string>> query = {{"format", format}};
  for (auto& param : BuildAuditQuery(filters)) query.push_back(std::move(param));
  return query;
}

}  // namespace keyward::cli
