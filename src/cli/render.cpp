#include "cli/render.hpp"

#include <boost/json/parse.hpp>
#include <utility>
#include <vector>

#include "cli/table.hpp"

namespace keyward::cli {
namespace {

namespace json = boost::json;

constexpr std::size_t kMaxNameColumn = 40;
constexpr std::size_t kMaxDescriptionColumn = 50;

const json::value* Find(const json::object& object, std::string_view field) {
  return object.if_contains(field);
}

// Returns a field as printable text: strings as they are, numbers in decimal, booleans as
// yes/no, and `if_null` for null, a missing field or anything else.
std::string Text(const json::object& object, std::string_view field,
                 std::string_view if_null = "-") {
  const json::value* v = Find(object, field);
  if (v == nullptr) return std::string(if_null);
  if (v->is_string()) return Printable(v->get_string());
  if (v->is_int64()) return std::to_string(v->get_int64());
  if (v->is_uint64()) return std::to_string(v->get_uint64());
  if (v->is_bool()) return v->get_bool() ? "yes" : "no";
  return std::string(if_null);
}

const json::object* ObjectField(const json::object& object, std::string_view field) {
  const json::value* v = Find(object, field);
  return v != nullptr ? v->if_object() : nullptr;
}

std::string RoleName(const json::object& key) {
  const json::object* role = ObjectField(key, "role");
  return role != nullptr ? Text(*role, "name") : "-";
}

std::string LockState(const json::object& key) {
  const json::value* locked = Find(key, "lockedOut");
  if (locked == nullptr || !locked->is_bool()) return "-";
  if (!locked->get_bool()) return "no";
  const std::string until = Text(key, "unlockAt", "");
  return until.empty() ? "yes, until unlocked" : "yes, until " + until;
}

std::string AllowedIps(const json::object& key) {
  const json::value* v = Find(key, "allowedIps");
  if (v == nullptr || !v->is_array()) return "-";
  if (v->get_array().empty()) return "any address";
  std::string out;
  for (const json::value& entry : v->get_array()) {
    if (!out.empty()) out += ", ";
    out += entry.is_string() ? Printable(entry.get_string()) : "?";
  }
  return out;
}

// Aligns "Label: value" lines; a value with several lines continues under the first.
std::string Lines(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::size_t width = 0;
  for (const auto& [label, value] : fields) width = std::max(width, DisplayWidth(label) + 1);
  std::string out;
  for (const auto& [label, value] : fields) {
    std::string line = label + ":";
    line.append(width - DisplayWidth(label), ' ');  // "Label:" padded to width + 1
    std::size_t start = 0;
    for (std::size_t end; (end = value.find('\n', start)) != std::string::npos; start = end + 1) {
      out += line + value.substr(start, end - start) + "\n";
      line.assign(width + 1, ' ');
    }
    line += value.substr(start);
    line.erase(line.find_last_not_of(' ') + 1);
    out += line + "\n";
  }
  return out;
}

}  // namespace

std::string DescribeApiError(unsigned status, std::string_view reason, std::string_view body) {
  boost::system::error_code ec;
  const json::value parsed = json::parse(body, ec);
  const json::object* root = ec ? nullptr : parsed.if_object();
  const json::object* error = root != nullptr ? ObjectField(*root, "error") : nullptr;
  if (error != nullptr) {
    std::string message = Text(*error, "message", "");
    if (message.empty()) message = Text(*error, "code", "");
    if (!message.empty()) {
      const std::string field = Text(*error, "field", "");
      if (!field.empty()) message += " (field: " + field + ")";
      return "keyward: " + message;
    }
  }
  std::string out = "keyward: the server answered HTTP " + std::to_string(status);
  if (!reason.empty()) out += " " + Printable(reason);
  return out;
}

std::string DescribeTransportFailure(std::string_view url, const TransportFailure& failure) {
  if (!failure.request_sent) {
    return "keyward: cannot reach the server at " + Printable(url) + ": " +
           Printable(failure.reason);
  }
  return "keyward: no complete response from the server at " + Printable(url) + ": " +
         Printable(failure.reason) + " (the request may have taken effect)";
}

std::string RenderKeyTable(const json::array& keys) {
  Table table({"ID", "NAME", "ROLE", "STATUS", "PREFIX", "EXPIRES", "LAST USED"});
  for (const json::value& item : keys) {
    const json::object* key = item.if_object();
    if (key == nullptr) continue;
    table.AddRow({Text(*key, "id"), Truncate(Text(*key, "name"), kMaxNameColumn), RoleName(*key),
                  Text(*key, "status"), Text(*key, "prefix"), Text(*key, "expiresAt", "never"),
                  Text(*key, "lastUsedAt", "never")});
  }
  return table.Render();
}

std::string RenderKeyDetails(const json::object& key) {
  std::string role = RoleName(key);
  if (const json::object* r = ObjectField(key, "role")) role += " (id " + Text(*r, "id") + ")";
  std::vector<std::pair<std::string, std::string>> fields = {
      {"ID", Text(key, "id")},
      {"Name", Text(key, "name")},
      {"Description", Text(key, "description", "")},
      {"Prefix", Text(key, "prefix")},
      {"Role", role},
      {"Status", Text(key, "status")},
      {"Enabled", Text(key, "enabled")},
      {"Locked out", LockState(key)},
      {"Failed attempts", Text(key, "failedAttempts")},
      {"Expires", Text(key, "expiresAt", "never")},
      {"Allowed IPs", AllowedIps(key)},
      {"Locale", Text(key, "locale")},
      {"Time zone", Text(key, "timeZone")},
      {"Source", Text(key, "source")},
  };
  if (const std::string account = Text(key, "accountId", ""); !account.empty()) {
    fields.emplace_back("Account", account);
  }
  fields.emplace_back("Created", Text(key, "createdAt"));
  fields.emplace_back("Last used", Text(key, "lastUsedAt", "never"));
  fields.emplace_back("Secret rotated", Text(key, "secretRotatedAt", "never"));
  if (const json::object* previous = ObjectField(key, "previousSecret")) {
    fields.emplace_back("Previous secret", "works until " + Text(*previous, "endsAt") +
                                               ", last used " +
                                               Text(*previous, "lastUsedAt", "never"));
  }
  return Lines(fields);
}

std::string RenderRoleTable(const json::array& roles) {
  Table table({"ID", "NAME", "BUILT-IN", "PERMISSIONS", "DESCRIPTION"});
  for (const json::value& item : roles) {
    const json::object* role = item.if_object();
    if (role == nullptr) continue;
    const json::value* permissions = Find(*role, "permissions");
    const std::string count = permissions != nullptr && permissions->is_array()
                                  ? std::to_string(permissions->get_array().size())
                                  : "-";
    table.AddRow({Text(*role, "id"), Truncate(Text(*role, "name"), kMaxNameColumn),
                  Text(*role, "builtIn"), count,
                  Truncate(Text(*role, "description", ""), kMaxDescriptionColumn)});
  }
  return table.Render();
}

std::string RenderPermissionTable(const json::array& permissions) {
  Table table({"NAME", "GROUP", "DESCRIPTION"});
  for (const json::value& item : permissions) {
    const json::object* permission = item.if_object();
    if (permission == nullptr) continue;
    table.AddRow({Text(*permission, "name"), Text(*permission, "group"),
                  Text(*permission, "description", "")});
  }
  return table.Render();
}

std::string RenderAccountTable(const json::array& accounts) {
  Table table({"ID", "EMAIL", "ROLE", "ACCESS", "ENABLED", "LOCKED OUT", "TOKEN"});
  for (const json::value& item : accounts) {
    const json::object* account = item.if_object();
    if (account == nullptr) continue;
    const json::object* token = ObjectField(*account, "token");
    table.AddRow({Text(*account, "id"), Truncate(Text(*account, "email"), kMaxNameColumn),
                  Truncate(RoleName(*account), kMaxNameColumn), Text(*account, "accessLevel"),
                  Text(*account, "enabled"), Text(*account, "lockedOut"),
                  token != nullptr ? Text(*token, "prefix") : "-"});
  }
  return table.Render();
}

std::string RenderAccountDetails(const json::object& account) {
  std::string role = RoleName(account);
  if (const json::object* r = ObjectField(account, "role")) role += " (id " + Text(*r, "id") + ")";
  std::vector<std::pair<std::string, std::string>> fields = {
      {"ID", Text(account, "id")},
      {"Email", Text(account, "email")},
      {"Type", Text(account, "type")},
      {"Role", role},
      {"Access level", Text(account, "accessLevel")},
      {"Given name", Text(account, "givenName", "")},
      {"Surname", Text(account, "surname", "")},
      {"Description", Text(account, "description", "")},
      {"Locale", Text(account, "locale")},
      {"Time zone", Text(account, "timeZone")},
      {"Enabled", Text(account, "enabled")},
      {"Locked out", Text(account, "lockedOut")},
      {"Must change password", Text(account, "mustChangePassword")},
      {"Created", Text(account, "createdAt")},
  };
  const json::object* token = ObjectField(account, "token");
  if (token == nullptr) {
    fields.emplace_back("Token", "none");
  } else {
    fields.emplace_back("Token",
                        Text(*token, "prefix") + " (key id " + Text(*token, "keyId") + ")");
    fields.emplace_back("Token created", Text(*token, "createdAt"));
    fields.emplace_back("Token expires", Text(*token, "expiresAt", "never"));
    fields.emplace_back("Token last used", Text(*token, "lastUsedAt", "never"));
  }
  return Lines(fields);
}

std::string RenderAccountToken(const json::object& token) {
  return Lines({{"Key ID", Text(token, "keyId")},
                {"Prefix", Text(token, "prefix")},
                {"Created", Text(token, "createdAt")},
                {"Expires", Text(token, "expiresAt", "never")},
                {"Last used", Text(token, "lastUsedAt", "never")}});
}

std::string RenderAuditTable(const json::array& events) {
  Table table({"ID", "TIME", "ACTOR", "ACTION", "TARGET", "IP", "OUTCOME"});
  for (const json::value& item : events) {
    const json::object* event = item.if_object();
    if (event == nullptr) continue;
    table.AddRow({Text(*event, "id"), Text(*event, "time"),
                  Truncate(Text(*event, "actor"), kMaxNameColumn), Text(*event, "action"),
                  Truncate(Text(*event, "target"), kMaxNameColumn), Text(*event, "ip"),
                  Text(*event, "outcome")});
  }
  return table.Render();
}

std::string RenderRoleDetails(const json::object& role) {
  std::string permissions;
  if (const json::value* v = Find(role, "permissions"); v != nullptr && v->is_array()) {
    for (const json::value& p : v->get_array()) {
      if (!permissions.empty()) permissions += "\n";
      permissions += p.is_string() ? Printable(p.get_string()) : "?";
    }
  }
  return Lines({{"ID", Text(role, "id")},
                {"Name", Text(role, "name")},
                {"Description", Text(role, "description", "")},
                {"Built-in", Text(role, "builtIn")},
                {"Permissions", permissions.empty() ? "none" : permissions}});
}

DeleteReport RenderDeleteResults(const json::object& response) {
  DeleteReport report;
  const json::value* results = Find(response, "results");
  if (results == nullptr || !results->is_array()) {
    report.any_failed = true;
    return report;
  }
  Table table({"ID", "RESULT"});
  for (const json::value& item : results->get_array()) {
    const json::object* result = item.if_object();
    if (result == nullptr) continue;
    const std::string status = Text(*result, "status");
    std::string outcome;
    if (status == "204" || status == "200") {
      outcome = "deleted";
    } else if (status == "404") {
      outcome = "not found";
      report.any_not_found = true;
    } else {
      outcome = "failed (HTTP " + status + ")";
      report.any_failed = true;
    }
    table.AddRow({Text(*result, "id"), outcome});
  }
  report.text = table.Render();
  return report;
}

}  // namespace keyward::cli
