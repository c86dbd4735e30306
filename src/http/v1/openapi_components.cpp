#include "http/v1/openapi_components.hpp"

#include <boost/json/parse.hpp>

#include <string_view>

#include "http/v1/openapi_schemas.hpp"

namespace keyward::http {
namespace {

namespace json = boost::json;

// Fixed data, kept as JSON text so it reads as the document does: one constant per kind of
// component; the schemas, one constant per resource, are openapi_schemas.cpp's.

// How a caller presents its credential.
constexpr std::string_view kSecuritySchemes = R"json({
  "bearer": {"type": "http", "scheme": "bearer",
             "description": "Authorization: Bearer kw_<publicid>_<secret><checksum>"},
  "apiSecretKey": {"type": "apiKey", "in": "header", "name": "api-secret-key"},
  "session": {"type": "apiKey", "in": "cookie", "name": "keyward_session",
              "description": "The console session (POST /v1/session). State-changing calls also need the header X-CSRF-Token"},
  "xApiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key",
              "description": "Accepted by /v1/authz only"}
})json";

// The query, path and header parameters the paths refer to.
constexpr std::string_view kParameters = R"json({
  "id": {"name": "id", "in": "path", "required": true, "schema": {"type": "string"},
         "description": "Decimal id"},
  "limit": {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1,
            "maximum": 500, "default": 50}},
  "cursor": {"name": "cursor", "in": "query", "schema": {"type": "string"},
             "description": "nextCursor of the previous page"},
  "keysExpiresBefore": {"name": "expiresBefore", "in": "query", "schema": {"type": "string"},
    "description": "RFC 3339; keys expiring before it (never-expiring keys excluded). Without an offset, in the caller's zone"},
  "keysLastUsedBefore": {"name": "lastUsedBefore", "in": "query", "schema": {"type": "string"},
    "description": "RFC 3339; keys last used before it, or never used. Without an offset, in the caller's zone"},
  "keysSecretRotatedBefore": {"name": "secretRotatedBefore", "in": "query",
    "schema": {"type": "string"},
    "description": "RFC 3339; keys whose secret was last rotated (never rotated: created) before it. Without an offset, in the caller's zone"},
  "exportFormat": {"name": "format", "in": "query",
    "schema": {"type": "string", "enum": ["jsonl", "csv"], "default": "jsonl"}},
  "auditSince": {"name": "since", "in": "query", "schema": {"type": "string"},
    "description": "RFC 3339; events at or after it. Without an offset, in the caller's zone"},
  "auditUntil": {"name": "until", "in": "query", "schema": {"type": "string"},
    "description": "RFC 3339; events before it. Without an offset, in the caller's zone"},
  "auditActor": {"name": "actor", "in": "query", "schema": {"type": "string"},
    "description": "Exactly this actor, e.g. apikey:1"},
  "auditAction": {"name": "action", "in": "query", "schema": {"type": "string"},
    "description": "Exactly this action, e.g. apikey.create"},
  "auditTarget": {"name": "target", "in": "query", "schema": {"type": "string"},
    "description": "Exactly this target, e.g. apikey:42"},
  "permission": {"name": "permission", "in": "query", "style": "form", "explode": true,
    "schema": {"type": "array", "items": {"type": "string"}},
    "description": "A permission the key must hold (repeatable; each a comma-separated list)"},
  "permissionHeader": {"name": "X-Keyward-Permission", "in": "header",
    "schema": {"type": "string"},
    "description": "Comma-separated permissions the key must hold (repeatable)"}
})json";

// The error and forward-auth responses the paths share.
constexpr std::string_view kResponses = R"json({
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
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
  "AuthzAllowed": {"description": "VALID: the key may act. Empty body.",
    "headers": {
      "X-Keyward-Outcome": {"$ref": "#/components/headers/Outcome"},
      "X-Keyward-Key-Id": {"schema": {"type": "integer"}, "description": "The key's id"},
      "X-Keyward-Key-Name": {"schema": {"type": "string"},
        "description": "The key's name, UTF-8 percent-encoded (all but A-Za-z0-9-._~)"},
      "X-Keyward-Role": {"schema": {"type": "string"},
        "description": "The key's role name, percent-encoded the same way"}}},
  "AuthzUnauthenticated": {
    "description": "MALFORMED, NOT_FOUND, DISABLED, EXPIRED, LOCKED_OUT or UNAVAILABLE. Empty body.",
    "headers": {
      "X-Keyward-Outcome": {"$ref": "#/components/headers/Outcome"},
      "WWW-Authenticate": {"schema": {"type": "string", "enum": ["Bearer"]}}}},
  "AuthzForbidden": {
    "description": "IP_NOT_ALLOWED, INSUFFICIENT_PERMISSIONS or RATE_LIMITED. Empty body.",
    "headers": {
      "X-Keyward-Outcome": {"$ref": "#/components/headers/Outcome"},
      "Retry-After": {"schema": {"type": "integer"}, "description": "RATE_LIMITED only"}}}
})json";

// The response headers the shared responses refer to.
constexpr std::string_view kHeaders = R"json({
  "Outcome": {"schema": {"$ref": "#/components/schemas/VerificationCode"},
              "description": "The verification outcome"}
})json";

json::object Parse(std::string_view text) { return json::parse(text).as_object(); }

}  // namespace

json::object OpenApiComponents() {
  return json::object{{"securitySchemes", Parse(kSecuritySchemes)},
                      {"schemas", OpenApiSchemas()},
                      {"parameters", Parse(kParameters)},
                      {"responses", Parse(kResponses)},
                      {"headers", Parse(kHeaders)}};
}

}  // namespace keyward::http
