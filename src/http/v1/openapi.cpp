#include "http/v1/openapi.hpp"

#include <boost/json/serialize.hpp>

#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include "http/router.hpp"
#include "http/v1/openapi_components.hpp"

namespace keyward::http {
namespace {

namespace json = boost::json;

// What the document says about one route beyond the table's method and pattern.
struct Operation {
  const char* operation_id;
  const char* summary;
  const char* tag;
  const char* request;   // request body schema, or nullptr for none
  unsigned status;       // success status
  const char* response;  // success body schema, or nullptr for none (204) or text
};

Operation Describe(RouteId id) {
  switch (id) {
    case RouteId::kHealthz:
      return {"healthz", "The process is up", "Service", nullptr, 200, "ServiceStatus"};
    case RouteId::kReadyz:
      return {"readyz", "The store is reachable", "Service", nullptr, 200, "ServiceStatus"};
    case RouteId::kMetrics:
      return {"metrics", "Prometheus metrics (text format 0.0.4)", "Service", nullptr, 200,
              nullptr};
    case RouteId::kOpenApi:
      return {"openapi", "This document", "Service", nullptr, 200, nullptr};
    case RouteId::kKeysCreate:
      return {"createApiKey",
              "Create an API key; the secret is shown only here",
              "API Keys",
              "CreateApiKey",
              201,
              "IssuedApiKey"};
    case RouteId::kKeysList:
      return {"listApiKeys", "List API keys, newest first", "API Keys", nullptr, 200, "ApiKeyList"};
    case RouteId::kKeysCurrent:
      return {"getCurrentApiKey", "The calling key", "API Keys", nullptr, 200, "ApiKey"};
    case RouteId::kKeysBulkDelete:
      return {"deleteApiKeys",
              "Delete several keys in one transaction",
              "API Keys",
              "BulkDelete",
              200,
              "BulkDeleteResults"};
    case RouteId::kKeyGet:
      return {"getApiKey", "Get an API key", "API Keys", nullptr, 200, "ApiKey"};
    case RouteId::kKeyUpdate:
      return {"updateApiKey", "Edit an API key", "API Keys", "UpdateApiKey", 200, "ApiKey"};
    case RouteId::kKeyDelete:
      return {"deleteApiKey", "Delete an API key", "API Keys", nullptr, 204, nullptr};
    case RouteId::kKeyEnable:
      return {"enableApiKey", "Enable an API key", "API Keys", "Empty", 200, "ApiKey"};
    case RouteId::kKeyDisable:
      return {"disableApiKey", "Disable an API key", "API Keys", "Empty", 200, "ApiKey"};
    case RouteId::kKeyLock:
      return {"lockApiKey", "Lock an API key until unlocked", "API Keys", "Empty", 200, "ApiKey"};
    case RouteId::kKeyUnlock:
      return {"unlockApiKey",
              "Unlock an API key and clear its failed attempts",
              "API Keys",
              "Empty",
              200,
              "ApiKey"};
    case RouteId::kKeyRotate:
      return {"rotateApiKey",
              "Replace the secret; the new one is shown only here",
              "API Keys",
              "RotateApiKey",
              200,
              "IssuedApiKey"};
    case RouteId::kPermissionsList:
      return {"listPermissions", "The permission catalogue", "Roles", nullptr, 200,
              "PermissionList"};
    case RouteId::kRolesList:
      return {"listRoles", "List roles, newest first", "Roles", nullptr, 200, "RoleList"};
    case RouteId::kRoleGet:
      return {"getRole", "Get a role", "Roles", nullptr, 200, "Role"};
    case RouteId::kRoleCreate:
      return {"createRole", "Create a custom role", "Roles", "RoleInput", 201, "Role"};
    case RouteId::kRoleUpdate:
      return {"updateRole", "Edit a custom role", "Roles", "RoleInput", 200, "Role"};
    case RouteId::kRoleDelete:
      return {"deleteRole", "Delete a custom role no key or account uses", "Roles", nullptr, 204,
              nullptr};
    case RouteId::kAccountsList:
      return {"listAccounts", "List accounts, newest first", "Accounts", nullptr, 200,
              "AccountList"};
    case RouteId::kAccountCreate:
      return {"createAccount", "Create an account", "Accounts", "AccountInput", 201, "Account"};
    case RouteId::kAccountGet:
      return {"getAccount", "Get an account", "Accounts", nullptr, 200, "Account"};
    case RouteId::kAccountUpdate:
      return {"updateAccount", "Edit an account", "Accounts", "AccountInput", 200, "Account"};
    case RouteId::kAccountDelete:
      return {"deleteAccount", "Delete an account and its token", "Accounts", nullptr, 204,
              nullptr};
    case RouteId::kAccountEnable:
      return {"enableAccount", "Enable an account", "Accounts", "Empty", 200, "Account"};
    case RouteId::kAccountDisable:
      return {"disableAccount",
              "Disable an account: its token and sessions stop",
              "Accounts",
              "Empty",
              200,
              "Account"};
    case RouteId::kAccountUnlock:
      return {"unlockAccount", "Clear the account's sign-in lockouts", "Accounts", "Empty", 200,
              "Account"};
    case RouteId::kAccountPassword:
      return {"resetAccountPassword",
              "Set a one-time console password, shown only here; ends the account's sessions",
              "Accounts",
              "Empty",
              200,
              "OneTimePassword"};
    case RouteId::kAccountTokenCreate:
      return {"createAccountToken",
              "Generate the account's authentication token; the secret is shown only here",
              "Accounts",
              "AccountTokenInput",
              201,
              "IssuedAccountToken"};
    case RouteId::kAccountTokenDelete:
      return {"deleteAccountToken",
              "Delete the account's authentication token",
              "Accounts",
              nullptr,
              204,
              nullptr};
    case RouteId::kSessionCreate:
      return {"signIn",   "Sign into the console; sets the keyward_session cookie",
              "Sessions", "SignIn",
              201,        "SignedIn"};
    case RouteId::kSessionGet:
      return {"getSession", "The current console session", "Sessions", nullptr, 200, "Session"};
    case RouteId::kSessionDelete:
      return {"signOut", "Sign out", "Sessions", nullptr, 204, nullptr};
    case RouteId::kSessionPassword:
      return {"changePassword",
              "Change your password; ends your other sessions",
              "Sessions",
              "PasswordChange",
              204,
              nullptr};
    case RouteId::kKeysVerify:
      return {"verifyApiKey",
              "Verify a key presented to another API; always 200 with the outcome (503 only "
              "while the key index is stale)",
              "Verification",
              "VerifyKey",
              200,
              "Verification"};
    case RouteId::kAuditList:
      return {"listAuditEvents", "List audit events, newest first", "Audit", nullptr, 200,
              "AuditEventList"};
    case RouteId::kAuditExport:
      return {"exportAuditEvents",
              "Export audit events, oldest first, streamed as JSON lines or CSV",
              "Audit",
              nullptr,
              200,
              nullptr};
    case RouteId::kAuditVerify:
      return {"verifyAuditTrail", "Check the audit trail's hash chain", "Audit", nullptr, 200,
              "AuditVerification"};
    case RouteId::kAuthz:
      return {"authz",
              "Forward-auth for gateways: checks the presented key. Any method, and every path "
              "below /v1/authz too. Query-string credentials are ignored.",
              "Verification",
              nullptr,
              200,
              nullptr};
  }
  return {"unknown", "", "Service", nullptr, 200, nullptr};
}

json::object Ref(std::string_view kind, std::string_view name) {
  return json::object{{"$ref", "#/components/" + std::string(kind) + "/" + std::string(name)}};
}

json::object JsonContent(std::string_view schema) {
  return json::object{{"application/json", json::object{{"schema", Ref("schemas", schema)}}}};
}

json::array Parameters(const Route& route) {
  json::array params;
  if (route.pattern.find("{id}") != std::string_view::npos)
    params.push_back(Ref("parameters", "id"));
  if (route.id == RouteId::kKeysList) {
    for (const char* name : {"status", "role", "source", "q"}) {
      params.push_back(json::object{
          {"name", name}, {"in", "query"}, {"schema", json::object{{"type", "string"}}}});
    }
  }
  if (route.id == RouteId::kAuditExport) params.push_back(Ref("parameters", "exportFormat"));
  if (route.id == RouteId::kAuditList || route.id == RouteId::kAuditExport) {
    for (const char* name :
         {"auditSince", "auditUntil", "auditActor", "auditAction", "auditTarget"}) {
      params.push_back(Ref("parameters", name));
    }
  }
  if (route.id == RouteId::kKeysList || route.id == RouteId::kRolesList ||
      route.id == RouteId::kAccountsList || route.id == RouteId::kAuditList) {
    params.push_back(Ref("parameters", "limit"));
    params.push_back(Ref("parameters", "cursor"));
  }
  if (route.id == RouteId::kAuthz) {
    params.push_back(Ref("parameters", "permission"));
    params.push_back(Ref("parameters", "permissionHeader"));
  }
  return params;
}

// The methods a route is documented under: its own, or for a route that takes every method,
// each one OpenAPI 3.0 can name but trace.
std::vector<std::string_view> DocumentedMethods(const Route& route) {
  if (route.method == kAnyMethod)
    return {"GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH"};
  return {route.method};
}

json::object SuccessResponse(const Route& route, const Operation& op) {
  json::object response{{"description", op.summary}};
  if (op.response != nullptr) {
    response["content"] = JsonContent(op.response);
  } else if (route.id == RouteId::kMetrics) {
    response["content"] =
        json::object{{"text/plain", json::object{{"schema", json::object{{"type", "string"}}}}}};
  } else if (route.id == RouteId::kAuditExport) {
    const json::object text{{"schema", json::object{{"type", "string"}}}};
    response["content"] = json::object{{"application/x-ndjson", text}, {"text/csv", text}};
    response["headers"] = json::object{
        {"Content-Disposition",
         json::object{{"schema", json::object{{"type", "string"}}},
                      {"description", "attachment; filename=\"keyward-audit-<time>.<format>\""}}}};
  } else if (route.id == RouteId::kOpenApi) {
    response["content"] = json::object{
        {"application/json", json::object{{"schema", json::object{{"type", "object"}}}}}};
  }
  return response;
}

// The error responses of a call made with a caller's credential.
void AddAuthenticatedErrors(const Route& route, json::object& responses) {
  responses["400"] = Ref("responses", "BadRequest");
  responses["401"] = Ref("responses", "Unauthenticated");
  responses["403"] = Ref("responses", "PermissionDenied");
  if (route.pattern.find("{id}") != std::string_view::npos) {
    responses["404"] = Ref("responses", "NotFound");
  }
  if (route.method != "GET" && route.id != RouteId::kKeysVerify) {
    responses["409"] = Ref("responses", "Conflict");
  }
  responses["429"] = Ref("responses", "RateLimited");
  responses["503"] = Ref("responses", "Unavailable");
}

// The operation `route` under `method` (one of DocumentedMethods(route)).
json::object OperationJson(const Route& route, std::string_view method) {
  const Operation op = Describe(route.id);
  json::object out;
  std::string operation_id = op.operation_id;
  if (route.method == kAnyMethod) {
    // Operation ids are unique per document: "authzGet", "authzPost", ...
    operation_id += method.front();
    for (const char c : method.substr(1)) {
      operation_id += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  out["operationId"] = operation_id;
  out["summary"] = op.summary;
  out["tags"] = json::array{op.tag};
  json::array params = Parameters(route);
  if (!params.empty()) out["parameters"] = std::move(params);
  if (op.request != nullptr) {
    // An empty body counts as {} (API.md "Conventions"), so no body is ever required.
    out["requestBody"] = json::object{{"required", false}, {"content", JsonContent(op.request)}};
  }
  json::object responses;
  responses[std::to_string(op.status)] = SuccessResponse(route, op);
  switch (route.access) {
    case Access::kPublic:
      out["security"] = json::array{};
      if (route.id == RouteId::kReadyz) responses["503"] = Ref("responses", "Unavailable");
      break;
    case Access::kAuthenticated:
      out["security"] = json::array{json::object{{"bearer", json::array{}}},
                                    json::object{{"apiSecretKey", json::array{}}},
                                    json::object{{"session", json::array{}}}};
      AddAuthenticatedErrors(route, responses);
      break;
    case Access::kSession:
      out["security"] = json::array{json::object{{"session", json::array{}}}};
      AddAuthenticatedErrors(route, responses);
      break;
    case Access::kSignIn:
      // Email and password in the body; a credential header is refused.
      out["security"] = json::array{};
      responses["400"] = Ref("responses", "BadRequest");
      responses["401"] = Ref("responses", "Unauthenticated");
      responses["403"] = Ref("responses", "PermissionDenied");
      responses["429"] = Ref("responses", "RateLimited");
      responses["503"] = Ref("responses", "Unavailable");
      break;
    case Access::kPresentedToken:
      // The presented token is checked, never refused with an error body: 200, 401 or 403.
      out["security"] = json::array{json::object{{"bearer", json::array{}}},
                                    json::object{{"apiSecretKey", json::array{}}},
                                    json::object{{"xApiKey", json::array{}}}};
      responses[std::to_string(op.status)] = Ref("responses", "AuthzAllowed");
      responses["401"] = Ref("responses", "AuthzUnauthenticated");
      responses["403"] = Ref("responses", "AuthzForbidden");
      break;
  }
  out["responses"] = std::move(responses);
  return out;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

json::value Build() {
  json::object paths;
  for (const Route& route : RouteTable()) {
    json::value& item = paths[route.pattern];
    if (!item.is_object()) item = json::object{};
    for (const std::string_view method : DocumentedMethods(route)) {
      item.as_object()[Lower(method)] = OperationJson(route, method);
    }
  }
  json::object doc;
  doc["openapi"] = "3.0.3";
  doc["info"] = json::object{{"title", "Keyward native API"},
                             {"version", "1"},
                             {"description",
                              "Self-hosted API key management and verification. Ids are decimal "
                              "strings; times are RFC 3339 in the caller's time zone."}};
  doc["security"] = json::array{json::object{{"bearer", json::array{}}},
                                json::object{{"apiSecretKey", json::array{}}}};
  doc["paths"] = std::move(paths);
  doc["components"] = OpenApiComponents();
  return doc;
}

}  // namespace

const json::value& OpenApiDocument() {
  static const json::value doc = Build();
  return doc;
}

const std::string& OpenApiJson() {
  static const std::string text = json::serialize(OpenApiDocument());
  return text;
}

}  // namespace keyward::http
