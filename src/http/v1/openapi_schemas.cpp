#include "http/v1/openapi_schemas.hpp"

#include <boost/json/parse.hpp>

#include <initializer_list>
#include <string_view>

namespace keyward::http {
namespace {

namespace json = boost::json;

// Fixed data, kept as JSON text so it reads as the document does: one constant per resource.

// The error body and the role reference keys and accounts show.
constexpr std::string_view kErrorSchemas = R"json({
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
  }
})json";

// API keys as the key calls answer them.
constexpr std::string_view kKeySchemas = R"json({
  "ApiKey": {
    "type": "object",
    "required": ["id", "name", "description", "prefix", "role", "enabled", "lockedOut",
      "unlockAt", "failedAttempts", "status", "expiresAt", "locale", "timeZone", "allowedIps",
      "source", "accountId", "createdAt", "lastUsedAt", "secretRotatedAt", "previousSecret"],
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
      "secretRotatedAt": {"type": "string", "format": "date-time", "nullable": true},
      "previousSecret": {"allOf": [{"$ref": "#/components/schemas/PreviousSecret"}],
        "nullable": true}}
  },
  "PreviousSecret": {
    "type": "object", "required": ["endsAt", "lastUsedAt"],
    "description": "During a rotation grace period: the old secret's end and last use",
    "properties": {
      "endsAt": {"type": "string", "format": "date-time",
        "description": "When the old secret stops working"},
      "lastUsedAt": {"type": "string", "format": "date-time", "nullable": true,
        "description": "When the old secret was last used"}}
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
  "ApiKeySummary": {
    "type": "object",
    "required": ["byStatus", "expiringWithin30Days", "unusedFor90Days", "secretOlderThan90Days"],
    "properties": {
      "byStatus": {"type": "object",
        "required": ["enabled", "disabled", "expired", "locked_out"],
        "properties": {"enabled": {"type": "integer"}, "disabled": {"type": "integer"},
          "expired": {"type": "integer"}, "locked_out": {"type": "integer"}}},
      "expiringWithin30Days": {"type": "integer",
        "description": "Keys whose expiry is after now and at most 30 days away"},
      "unusedFor90Days": {"type": "integer",
        "description": "Keys last used over 90 days ago, or never"},
      "secretOlderThan90Days": {"type": "integer",
        "description": "Keys whose secret was rotated (never rotated: created) over 90 days ago"}}
  }
})json";

// The request bodies of the key calls, and the bulk delete's answer.
constexpr std::string_view kKeyInputSchemas = R"json({
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
  }
})json";

// Permissions and roles.
constexpr std::string_view kRoleSchemas = R"json({
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
  "RoleInput": {
    "type": "object", "additionalProperties": false,
    "properties": {"name": {"type": "string"}, "description": {"type": "string"},
      "permissions": {"type": "array", "items": {"type": "string"}}},
    "description": "Create needs name and permissions; an edit takes any of them"
  }
})json";

// Accounts and their tokens.
constexpr std::string_view kAccountSchemas = R"json({
  "AccountToken": {
    "type": "object", "required": ["keyId", "prefix", "createdAt", "expiresAt", "lastUsedAt"],
    "properties": {"keyId": {"type": "string"}, "prefix": {"type": "string"},
      "createdAt": {"type": "string", "format": "date-time"},
      "expiresAt": {"type": "string", "format": "date-time", "nullable": true},
      "lastUsedAt": {"type": "string", "format": "date-time", "nullable": true}}
  },
  "Account": {
    "type": "object",
    "required": ["id", "email", "type", "role", "accessLevel", "givenName", "surname",
      "description", "locale", "timeZone", "enabled", "lockedOut", "mustChangePassword",
      "createdAt", "token"],
    "properties": {"id": {"type": "string"}, "email": {"type": "string"},
      "type": {"type": "string", "enum": ["local"]},
      "role": {"$ref": "#/components/schemas/RoleRef"},
      "accessLevel": {"type": "string", "enum": ["console_and_api", "api_only", "console_only"]},
      "givenName": {"type": "string"}, "surname": {"type": "string"},
      "description": {"type": "string"},
      "locale": {"type": "string", "enum": ["en-US", "ja-JP"]},
      "timeZone": {"type": "string"}, "enabled": {"type": "boolean"},
      "lockedOut": {"type": "boolean"}, "mustChangePassword": {"type": "boolean"},
      "createdAt": {"type": "string", "format": "date-time"},
      "token": {"allOf": [{"$ref": "#/components/schemas/AccountToken"}], "nullable": true}}
  },
  "AccountList": {
    "type": "object", "required": ["items", "nextCursor"],
    "properties": {
      "items": {"type": "array", "items": {"$ref": "#/components/schemas/Account"}},
      "nextCursor": {"type": "string", "nullable": true}}
  },
  "AccountInput": {
    "type": "object", "additionalProperties": false,
    "properties": {"email": {"type": "string"}, "role": {"type": "string"},
      "accessLevel": {"type": "string", "enum": ["console_and_api", "api_only", "console_only"]},
      "givenName": {"type": "string"}, "surname": {"type": "string"},
      "description": {"type": "string"}, "type": {"type": "string", "enum": ["local"]},
      "locale": {"type": "string"}, "timeZone": {"type": "string"},
      "enabled": {"type": "boolean"}},
    "description": "Create needs email, role and accessLevel; an edit takes any of them"
  },
  "AccountTokenInput": {
    "type": "object", "additionalProperties": false,
    "properties": {"expiresAt": {"type": "string", "format": "date-time", "nullable": true}}
  },
  "IssuedAccountToken": {
    "type": "object", "required": ["token", "secret"],
    "properties": {"token": {"$ref": "#/components/schemas/AccountToken"},
      "secret": {"type": "string", "description": "Shown only here"}}
  },
  "OneTimePassword": {
    "type": "object", "required": ["oneTimePassword"],
    "properties": {"oneTimePassword": {"type": "string",
      "description": "Shown only here; must be changed at first sign-in"}}
  }
})json";

// Console sessions.
constexpr std::string_view kSessionSchemas = R"json({
  "SignIn": {
    "type": "object", "additionalProperties": false, "required": ["email", "password"],
    "properties": {"email": {"type": "string"}, "password": {"type": "string"}}
  },
  "SignedIn": {
    "type": "object", "required": ["account", "permissions", "csrfToken", "mustChangePassword"],
    "properties": {"account": {"$ref": "#/components/schemas/Account"},
      "permissions": {"$ref": "#/components/schemas/SessionPermissions"},
      "csrfToken": {"type": "string"}, "mustChangePassword": {"type": "boolean"}}
  },
  "SessionPermissions": {
    "type": "array", "items": {"type": "string"},
    "description": "The account's role's permissions; a built-in role lists the catalogue permissions it holds"
  },
  "Session": {
    "type": "object",
    "required": ["account", "permissions", "csrfToken", "mustChangePassword", "createdAt",
      "idleExpiresAt", "expiresAt"],
    "properties": {"account": {"$ref": "#/components/schemas/Account"},
      "permissions": {"$ref": "#/components/schemas/SessionPermissions"},
      "csrfToken": {"type": "string"}, "mustChangePassword": {"type": "boolean"},
      "createdAt": {"type": "string", "format": "date-time"},
      "idleExpiresAt": {"type": "string", "format": "date-time"},
      "expiresAt": {"type": "string", "format": "date-time"}}
  },
  "PasswordChange": {
    "type": "object", "additionalProperties": false,
    "required": ["currentPassword", "newPassword"],
    "properties": {"currentPassword": {"type": "string"}, "newPassword": {"type": "string",
      "minLength": 12, "maxLength": 256}}
  }
})json";

// POST /v1/keys/verify and the outcomes forward-auth names.
constexpr std::string_view kVerificationSchemas = R"json({
  "VerifyKey": {
    "type": "object", "required": ["key"], "additionalProperties": false,
    "properties": {
      "key": {"type": "string", "description": "The token to verify"},
      "permissions": {"type": "array", "items": {"type": "string"},
        "description": "Permissions the key must all hold, e.g. orders:read"},
      "ip": {"type": "string",
        "description": "The end client's IPv4 or IPv6 address; the caller's own when absent"}}
  },
  "Verification": {
    "type": "object", "required": ["valid", "code"],
    "description": "The key fields appear only once the secret matched",
    "properties": {
      "valid": {"type": "boolean"},
      "code": {"$ref": "#/components/schemas/VerificationCode"},
      "keyId": {"type": "string", "example": "42"},
      "name": {"type": "string"},
      "role": {"type": "string", "nullable": true, "description": "The role's name"},
      "permissions": {"type": "array", "items": {"type": "string"}},
      "expiresAt": {"type": "string", "format": "date-time", "nullable": true}}
  },
  "VerificationCode": {
    "type": "string", "enum": ["VALID", "MALFORMED", "NOT_FOUND", "DISABLED", "EXPIRED",
      "LOCKED_OUT", "IP_NOT_ALLOWED", "INSUFFICIENT_PERMISSIONS", "RATE_LIMITED",
      "UNAVAILABLE"]
  }
})json";

// The audit trail.
constexpr std::string_view kAuditSchemas = R"json({
  "AuditEvent": {
    "type": "object",
    "required": ["id", "time", "actor", "action", "target", "ip", "outcome", "details", "hash"],
    "properties": {
      "id": {"type": "string", "example": "17"},
      "time": {"type": "string", "format": "date-time"},
      "actor": {"type": "string", "example": "apikey:1"},
      "action": {"type": "string", "example": "apikey.create"},
      "target": {"type": "string", "example": "apikey:42"},
      "ip": {"type": "string", "nullable": true},
      "outcome": {"type": "string", "enum": ["success", "failure"]},
      "details": {"type": "object", "additionalProperties": true,
        "description": "Changed fields, old and new; never a secret"},
      "hash": {"type": "string", "description": "v<version>:<HMAC-SHA256 hex> of the chain"}}
  },
  "AuditEventList": {
    "type": "object", "required": ["items", "nextCursor"],
    "properties": {
      "items": {"type": "array", "items": {"$ref": "#/components/schemas/AuditEvent"}},
      "nextCursor": {"type": "string", "nullable": true}}
  },
  "AuditVerification": {
    "type": "object", "required": ["ok", "events"],
    "properties": {
      "ok": {"type": "boolean"},
      "events": {"type": "integer", "description": "Events checked"},
      "firstBrokenId": {"type": "string", "description": "The first event that fails (ok false)"},
      "reason": {"type": "string", "description": "Why it fails (ok false)"}}
  }
})json";

// The service endpoints.
constexpr std::string_view kServiceSchemas = R"json({
  "ServiceStatus": {
    "type": "object", "required": ["status"], "properties": {"status": {"type": "string"}}
  }
})json";

}  // namespace

json::object OpenApiSchemas() {
  json::object schemas;
  for (const std::string_view part :
       {kErrorSchemas, kKeySchemas, kKeyInputSchemas, kRoleSchemas, kAccountSchemas,
        kSessionSchemas, kVerificationSchemas, kAuditSchemas, kServiceSchemas}) {
    const json::value parsed = json::parse(part);
    for (const json::key_value_pair& member : parsed.as_object()) {
      schemas[member.key()] = member.value();
    }
  }
  return schemas;
}

}  // namespace keyward::http
