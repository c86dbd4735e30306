#include "http/openapi.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cctype>
#include <string_view>

#include "http/router.hpp"

namespace keyward::http {
namespace {

namespace json = boost::json;

// Schemas, shared responses and security schemes: fixed data, kept as JSON text so it reads as
// the document does.
constexpr std::string_view kComponents = R"json({
  "securitySchemes": {
    "bearer": {"type": "http", "scheme": "bearer",
               "description": "Authorization: Bearer kw_<publicid>_<secret><checksum>"},
    "apiSecretKey": {"type": "apiKey", "in": "header", "name": "api-secret-key"}
  },
  "schemas": {
    "Error": {
      "type": "object", "required": ["error"],
      "properties": {"error": {
        "type": "object", "required": ["code", "message"],
        "properties": {
          "code": {"type": "string", "enum": ["invalid_argument", "immutable_field",
            "malformed_json", "unauthenticated", "permission_denied", "not_found",
            "method_not_allowed", "already_exists", "read_only", "conflict", "in_use",
            "last_master_administrator", "payload_too_large", "rate_limited", "unavailable",
            "internal"]},
          "message": {"type": "string", "description": "In the caller's locale"},
          "field": {"type": "string", "description": "The request field at fault"}}}}
    },
    "RoleRef": {
      "type": "object", "required": ["id", "name"],
      "properties": {"id": {"type": "string"}, "name": {"type": "string"}}
    },
    "ApiKey": {
      "type": "object",
      "required": ["id", "name", "description", "prefix", "role", "enabled", "lockedOut",
        "unlockAt", "failedAttempts", "status", "expiresAt", "locale", "timeZone", "allowedIps",
        "source", "accountId", "createdAt", "lastUsedAt", "secretRotatedAt"],
      "properties": {
        "id": {"type": "string", "example": "42"},
        "name": {"type": "string", "minLength": 1, "maxLength": 128},
        "description": {"type": "string", "maxLength": 1024},
        "prefix": {"type": "string", "example": "kw_3hT9xQ2mPz7a"},
        "role": {"$ref": "#/components/schemas/RoleRef"},
        "enabled": {"type": "boolean"},
        "lockedOut": {"type": "boolean"},
        "unlockAt": {"type": "string", "format": "date-time", "nullable": true},
        "failedAttempts": {"type": "integer"},
        "status": {"type": "string", "enum": ["disabled", "expired", "locked_out", "enabled"]},
        "expiresAt": {"type": "string", "format": "date-time", "nullable": true},
        "locale": {"type": "string", "enum": ["en-US", "ja-JP"]},
        "timeZone": {"type": "string", "example": "UTC"},
        "allowedIps": {"type": "array", "items": {"type": "string"}},
        "source": {"type": "string", "enum": ["api", "console", "account", "import"]},
        "accountId": {"type": "string", "nullable": true},
        "createdAt": {"type": "string", "format": "date-time"},
        "lastUsedAt": {"type": "string", "format": "date-time", "nullable": true},
        "secretRotatedAt": {"type": "string", "format": "date-time", "nullable": true}}
    },
    "IssuedApiKey": {
      "allOf": [{"$ref": "#/components/schemas/ApiKey"}, {
        "type": "object", "required": ["secret"],
        "properties": {"secret": {"type": "string",
          "pattern": "^kw_[0-9A-Za-z]{12}_[0-9A-Za-z]{49}$",
          "description": "The token; shown only in this response"}}}]
    },
    "ApiKeyList": {
      "type": "object", "required": ["items", "nextCursor"],
      "properties": {
        "items": {"type": "array", "items": {"$ref": "#/components/schemas/ApiKey"}},
        "nextCursor": {"type": "string", "nullable": true}}
    },
    "CreateApiKey": {
      "type": "object", "required": ["name", "role"], "additionalProperties": false,
      "properties": {
        "name": {"type": "string"},
        "description": {"type": "string"},
        "role": {"oneOf": [{"type": "string"}, {"type": "integer"}],
                 "description": "Role id or name"},
        "locale": {"type": "string", "enum": ["en-US", "ja-JP"]},
        "timeZone": {"type": "string"},
        "expiresAt": {"type": "string", "format": "date-time", "nullable": true},
        "allowedIps": {"type": "array", "items": {"type": "string"}},
        "enabled": {"type": "boolean"}}
    },
    "UpdateApiKey": {
      "type": "object", "additionalProperties": false,
      "description": "expiresAt is immutable: giving it is 400 immutable_field",
      "properties": {
        "name": {"type": "string"},
        "description": {"type": "string"},
        "role": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
        "locale": {"type": "string", "enum": ["en-US", "ja-JP"]},
        "timeZone": {"type": "string"},
        "allowedIps": {"type": "array", "items": {"type": "string"}}}
    },
    "RotateApiKey": {
      "type": "object", "additionalProperties": false,
      "properties": {"gracePeriodSeconds": {"type": "integer", "minimum": 0, "maximum": 604800}}
    },
    "Empty": {"type": "object", "additionalProperties": false},
    "BulkDelete": {
      "type": "object", "required": ["ids"], "additionalProperties": false,
      "properties": {"ids": {"type": "array",
        "items": {"oneOf": [{"type": "string"}, {"type": "integer"}]}}}
    },
    "BulkDeleteResults": {
      "type": "object", "required": ["results"],
      "properties": {"results": {"type": "array", "items": {
        "type": "object", "required": ["id", "status"],
        "properties": {"id": {"type": "string"},
                       "status": {"type": "integer", "enum": [204, 404]}}}}}
    },
    "Permission": {
      "type": "object", "required": ["name", "group", "description"],
      "properties": {"name": {"type": "string"}, "group": {"type": "string"},
                     "description": {"type": "string"}}
    },
    "PermissionList": {
      "type": "object", "required": ["items"],
      "properties": {"items": {"type": "array",
        "items": {"$ref": "#/components/schemas/Permission"}}}
    },
    "Role": {
      "type": "object", "required": ["id", "name", "description", "builtIn", "permissions"],
      "properties": {"id": {"type": "string"}, "name": {"type": "string"},
        "description": {"type": "string"}, "builtIn": {"type": "boolean"},
        "permissions": {"type": "array", "items": {"type": "string"}}}
    },
    "RoleList": {
      "type": "object", "required": ["items", "nextCursor"],
      "properties": {
        "items": {"type": "array", "items": {"$ref": "#/components/schemas/Role"}},
        "nextCursor": {"type": "string", "nullable": true}}
    },
    "ServiceStatus": {
      "type": "object", "required": ["status"], "properties": {"status": {"type": "string"}}
    }
  },
  "parameters": {
    "id": {"name": "id", "in": "path", "required": true, "schema": {"type": "string"},
           "description": "Decimal id"},
    "limit": {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1,
              "maximum": 500, "default": 50}},
    "cursor": {"name": "cursor", "in": "query", "schema": {"type": "string"},
               "description": "nextCursor of the previous page"}
  },
  "responses": {
    "BadRequest": {"description": "invalid_argument, immutable_field or malformed_json",
      "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
    "Unauthenticated": {"description": "Invalid or missing API key",
      "headers": {"WWW-Authenticate": {"schema": {"type": "string"}}},
      "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
    "PermissionDenied": {"description": "Missing permission, escalation, or outside the allowlist",
      "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
    "NotFound": {"description": "No such object",
      "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
    "Conflict": {
      "description": "already_exists, read_only, conflict, in_use or last_master_administrator",
      "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
    "RateLimited": {"description": "Too many failed attempts from this address",
      "headers": {"Retry-After": {"schema": {"type": "integer"}}},
      "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
    "Unavailable": {"description": "The store is unreachable",
      "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
  }
})json";

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
  if (route.id == RouteId::kKeysList || route.id == RouteId::kRolesList) {
    params.push_back(Ref("parameters", "limit"));
    params.push_back(Ref("parameters", "cursor"));
  }
  return params;
}

json::object SuccessResponse(const Route& route, const Operation& op) {
  json::object response{{"description", op.summary}};
  if (op.response != nullptr) {
    response["content"] = JsonContent(op.response);
  } else if (route.id == RouteId::kMetrics) {
    response["content"] =
        json::object{{"text/plain", json::object{{"schema", json::object{{"type", "string"}}}}}};
  } else if (route.id == RouteId::kOpenApi) {
    response["content"] = json::object{
        {"application/json", json::object{{"schema", json::object{{"type", "object"}}}}}};
  }
  return response;
}

json::object OperationJson(const Route& route) {
  const Operation op = Describe(route.id);
  json::object out;
  out["operationId"] = op.operation_id;
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
  if (route.access == Access::kPublic) {
    out["security"] = json::array{};
    if (route.id == RouteId::kReadyz) responses["503"] = Ref("responses", "Unavailable");
  } else {
    responses["400"] = Ref("responses", "BadRequest");
    responses["401"] = Ref("responses", "Unauthenticated");
    responses["403"] = Ref("responses", "PermissionDenied");
    if (route.pattern.find("{id}") != std::string_view::npos) {
      responses["404"] = Ref("responses", "NotFound");
    }
    if (route.method != "GET") responses["409"] = Ref("responses", "Conflict");
    responses["429"] = Ref("responses", "RateLimited");
    responses["503"] = Ref("responses", "Unavailable");
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
    item.as_object()[Lower(route.method)] = OperationJson(route);
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
  doc["components"] = json::parse(kComponents);
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
