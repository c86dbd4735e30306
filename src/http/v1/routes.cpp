// The native API's route table (routes.hpp says how to add an endpoint).
#include "http/v1/routes.hpp"

#include <array>
#include <cstddef>

#include "core/permissions.hpp"

namespace keyward::http::v1 {
namespace {

namespace perm = core::perm;
using enum Access;
using enum ResponseBody;

constexpr std::string_view kService = "Service";
constexpr std::string_view kKeys = "API Keys";
constexpr std::string_view kRoles = "Roles";
constexpr std::string_view kAccounts = "Accounts";
constexpr std::string_view kSessions = "Sessions";
constexpr std::string_view kVerification = "Verification";
constexpr std::string_view kAudit = "Audit";
constexpr std::string_view kListParameters = "limit cursor";

constexpr std::array kEndpoints = {
    // --- Service endpoints: no credential ---
    Endpoint{.route = {"healthz", "GET", "/healthz", kPublic},
             .handler = &Healthz,
             .doc = {.summary = "The process is up", .tag = kService, .response = "ServiceStatus"}},
    Endpoint{.route = {"readyz", "GET", "/readyz", kPublic},
             .handler = &Readyz,
             .doc = {.summary = "The store is reachable",
                     .tag = kService,
                     .response = "ServiceStatus",
                     .may_be_unavailable = true}},
    Endpoint{.route = {"metrics", "GET", "/metrics", kPublic},
             .handler = &MetricsText,
             .doc = {.summary = "Prometheus metrics (text format 0.0.4)",
                     .tag = kService,
                     .body = kText}},
    Endpoint{.route = {"openapi", "GET", "/v1/openapi.json", kPublic},
             .handler = &OpenApi,
             .doc = {.summary = "This document", .tag = kService, .body = kAnyJsonObject}},

    // --- API keys ---
    Endpoint{.route = {"createApiKey", "POST", "/v1/apikeys", kAuthenticated},
             .permission = perm::kApiKeysCreate,
             .handler = &CreateKey,
             .doc = {.summary = "Create an API key; the secret is shown only here",
                     .tag = kKeys,
                     .request = "CreateApiKey",
                     .status = 201,
                     .response = "IssuedApiKey"}},
    Endpoint{.route = {"listApiKeys", "GET", "/v1/apikeys", kAuthenticated},
             .permission = perm::kApiKeysView,
             .handler = &ListKeys,
             .doc = {.summary = "List API keys, newest first",
                     .tag = kKeys,
                     .response = "ApiKeyList",
                     .query = "status role source q",
                     .parameters = "keysExpiresBefore keysLastUsedBefore "
                                   "keysSecretRotatedBefore limit cursor"}},
    Endpoint{.route = {"getCurrentApiKey", "GET", "/v1/apikeys/current", kAuthenticated},
             .handler = &CurrentKey,
             .doc = {.summary = "The calling key", .tag = kKeys, .response = "ApiKey"}},
    Endpoint{.route = {"getApiKeySummary", "GET", "/v1/apikeys/summary", kAuthenticated},
             .permission = perm::kApiKeysView,
             .handler = &KeySummary,
             .doc = {.summary = "Count the keys by status, and those expiring, unused or with "
                                "an old secret",
                     .tag = kKeys,
                     .response = "ApiKeySummary"}},
    Endpoint{.route = {"deleteApiKeys", "POST", "/v1/apikeys/delete", kAuthenticated},
             .permission = perm::kApiKeysDelete,
             .handler = &BulkDeleteKeys,
             .doc = {.summary = "Delete several keys in one transaction",
                     .tag = kKeys,
                     .request = "BulkDelete",
                     .response = "BulkDeleteResults"}},
    Endpoint{.route = {"getApiKey", "GET", "/v1/apikeys/{id}", kAuthenticated},
             .permission = perm::kApiKeysView,
             .handler = &GetKey,
             .doc = {.summary = "Get an API key", .tag = kKeys, .response = "ApiKey"}},
    Endpoint{.route = {"updateApiKey", "PATCH", "/v1/apikeys/{id}", kAuthenticated},
             .permission = perm::kApiKeysEdit,
             .handler = &UpdateKey,
             .doc = {.summary = "Edit an API key",
                     .tag = kKeys,
                     .request = "UpdateApiKey",
                     .response = "ApiKey"}},
    Endpoint{.route = {"deleteApiKey", "DELETE", "/v1/apikeys/{id}", kAuthenticated},
             .permission = perm::kApiKeysDelete,
             .handler = &DeleteKey,
             .doc = {.summary = "Delete an API key", .tag = kKeys, .status = 204}},
    Endpoint{.route = {"enableApiKey", "POST", "/v1/apikeys/{id}/enable", kAuthenticated},
             .permission = perm::kApiKeysEdit,
             .handler = &EnableKey,
             .doc = {.summary = "Enable an API key",
                     .tag = kKeys,
                     .request = "Empty",
                     .response = "ApiKey"}},
    Endpoint{.route = {"disableApiKey", "POST", "/v1/apikeys/{id}/disable", kAuthenticated},
             .permission = perm::kApiKeysEdit,
             .handler = &DisableKey,
             .doc = {.summary = "Disable an API key",
                     .tag = kKeys,
                     .request = "Empty",
                     .response = "ApiKey"}},
    Endpoint{.route = {"lockApiKey", "POST", "/v1/apikeys/{id}/lock", kAuthenticated},
             .permission = perm::kApiKeysEdit,
             .handler = &LockKey,
             .doc = {.summary = "Lock an API key until unlocked",
                     .tag = kKeys,
                     .request = "Empty",
                     .response = "ApiKey"}},
    Endpoint{.route = {"unlockApiKey", "POST", "/v1/apikeys/{id}/unlock", kAuthenticated},
             .permission = perm::kApiKeysEdit,
             .handler = &UnlockKey,
             .doc = {.summary = "Unlock an API key and clear its failed attempts",
                     .tag = kKeys,
                     .request = "Empty",
                     .response = "ApiKey"}},
    Endpoint{.route = {"rotateApiKey", "POST", "/v1/apikeys/{id}/rotate", kAuthenticated},
             .permission = perm::kApiKeysEdit,
             .handler = &RotateKey,
             .doc = {.summary = "Replace the secret; the new one is shown only here",
                     .tag = kKeys,
                     .request = "RotateApiKey",
                     .response = "IssuedApiKey"}},

    // --- Permissions and roles ---
    Endpoint{.route = {"listPermissions", "GET", "/v1/permissions", kAuthenticated},
             .handler = &ListPermissions,
             .doc = {.summary = "The permission catalogue",
                     .tag = kRoles,
                     .response = "PermissionList"}},
    Endpoint{.route = {"listRoles", "GET", "/v1/roles", kAuthenticated},
             .permission = perm::kRolesView,
             .handler = &ListRoles,
             .doc = {.summary = "List roles, newest first",
                     .tag = kRoles,
                     .response = "RoleList",
                     .parameters = kListParameters}},
    Endpoint{.route = {"getRole", "GET", "/v1/roles/{id}", kAuthenticated},
             .permission = perm::kRolesView,
             .handler = &GetRole,
             .doc = {.summary = "Get a role", .tag = kRoles, .response = "Role"}},
    Endpoint{.route = {"createRole", "POST", "/v1/roles", kAuthenticated},
             .permission = perm::kRolesCreate,
             .handler = &CreateRole,
             .doc = {.summary = "Create a custom role",
                     .tag = kRoles,
                     .request = "RoleInput",
                     .status = 201,
                     .response = "Role"}},
    Endpoint{.route = {"updateRole", "PATCH", "/v1/roles/{id}", kAuthenticated},
             .permission = perm::kRolesEdit,
             .handler = &UpdateRole,
             .doc = {.summary = "Edit a custom role",
                     .tag = kRoles,
                     .request = "RoleInput",
                     .response = "Role"}},
    Endpoint{.route = {"deleteRole", "DELETE", "/v1/roles/{id}", kAuthenticated},
             .permission = perm::kRolesDelete,
             .handler = &DeleteRole,
             .doc = {.summary = "Delete a custom role no key or account uses",
                     .tag = kRoles,
                     .status = 204}},

    // --- Accounts and their tokens ---
    Endpoint{.route = {"listAccounts", "GET", "/v1/accounts", kAuthenticated},
             .permission = perm::kAccountsView,
             .handler = &ListAccounts,
             .doc = {.summary = "List accounts, newest first",
                     .tag = kAccounts,
                     .response = "AccountList",
                     .parameters = kListParameters}},
    Endpoint{.route = {"createAccount", "POST", "/v1/accounts", kAuthenticated},
             .permission = perm::kAccountsCreate,
             .handler = &CreateAccount,
             .doc = {.summary = "Create an account",
                     .tag = kAccounts,
                     .request = "AccountInput",
                     .status = 201,
                     .response = "Account"}},
    Endpoint{.route = {"getAccount", "GET", "/v1/accounts/{id}", kAuthenticated},
             .permission = perm::kAccountsView,
             .handler = &GetAccount,
             .doc = {.summary = "Get an account", .tag = kAccounts, .response = "Account"}},
    Endpoint{.route = {"updateAccount", "PATCH", "/v1/accounts/{id}", kAuthenticated},
             .permission = perm::kAccountsEdit,
             .handler = &UpdateAccount,
             .doc = {.summary = "Edit an account",
                     .tag = kAccounts,
                     .request = "AccountInput",
                     .response = "Account"}},
    Endpoint{
        .route = {"deleteAccount", "DELETE", "/v1/accounts/{id}", kAuthenticated},
        .permission = perm::kAccountsDelete,
        .handler = &DeleteAccount,
        .doc = {.summary = "Delete an account and its token", .tag = kAccounts, .status = 204}},
    Endpoint{.route = {"enableAccount", "POST", "/v1/accounts/{id}/enable", kAuthenticated},
             .permission = perm::kAccountsEdit,
             .handler = &EnableAccount,
             .doc = {.summary = "Enable an account",
                     .tag = kAccounts,
                     .request = "Empty",
                     .response = "Account"}},
    Endpoint{.route = {"disableAccount", "POST", "/v1/accounts/{id}/disable", kAuthenticated},
             .permission = perm::kAccountsEdit,
             .handler = &DisableAccount,
             .doc = {.summary = "Disable an account: its token and sessions stop",
                     .tag = kAccounts,
                     .request = "Empty",
                     .response = "Account"}},
    Endpoint{.route = {"unlockAccount", "POST", "/v1/accounts/{id}/unlock", kAuthenticated},
             .permission = perm::kAccountsEdit,
             .handler = &UnlockAccount,
             .doc = {.summary = "Clear the account's sign-in lockouts",
                     .tag = kAccounts,
                     .request = "Empty",
                     .response = "Account"}},
    Endpoint{
        .route = {"resetAccountPassword", "POST", "/v1/accounts/{id}/password", kAuthenticated},
        .permission = perm::kAccountsEdit,
        .handler = &ResetAccountPassword,
        .doc = {.summary = "Set a one-time console password, shown only here; ends the "
                           "account's sessions",
                .tag = kAccounts,
                .request = "Empty",
                .response = "OneTimePassword"}},
    Endpoint{.route = {"createAccountToken", "POST", "/v1/accounts/{id}/token", kAuthenticated},
             .permission = perm::kAccountsTokens,
             .handler = &CreateAccountToken,
             .doc = {.summary = "Generate the account's authentication token; the secret is "
                                "shown only here",
                     .tag = kAccounts,
                     .request = "AccountTokenInput",
                     .status = 201,
                     .response = "IssuedAccountToken"}},
    Endpoint{.route = {"deleteAccountToken", "DELETE", "/v1/accounts/{id}/token", kAuthenticated},
             .permission = perm::kAccountsTokens,
             .handler = &DeleteAccountToken,
             .doc = {.summary = "Delete the account's authentication token",
                     .tag = kAccounts,
                     .status = 204}},

    // --- Console sessions: no permission; a session may end itself or change its password ---
    Endpoint{.route = {"signIn", "POST", "/v1/session", kSignIn},
             .handler = &SignIn,
             .doc = {.summary = "Sign into the console; sets the keyward_session cookie",
                     .tag = kSessions,
                     .request = "SignIn",
                     .status = 201,
                     .response = "SignedIn"}},
    Endpoint{
        .route = {"getSession", "GET", "/v1/session", kSession},
        .handler = &GetSession,
        .doc = {.summary = "The current console session", .tag = kSessions, .response = "Session"},
        .during_password_change = true},
    Endpoint{.route = {"signOut", "DELETE", "/v1/session", kSession},
             .handler = &SignOut,
             .doc = {.summary = "Sign out", .tag = kSessions, .status = 204},
             .during_password_change = true},
    Endpoint{.route = {"changePassword", "POST", "/v1/session/password", kSession},
             .handler = &ChangePassword,
             .doc = {.summary = "Change your password; ends your other sessions",
                     .tag = kSessions,
                     .request = "PasswordChange",
                     .status = 204},
             .during_password_change = true},

    // --- Verification ---
    Endpoint{.route = {"verifyApiKey", "POST", "/v1/keys/verify", kAuthenticated},
             .permission = perm::kKeysVerify,
             .handler = &VerifyKey,
             .doc = {.summary = "Verify a key presented to another API; always 200 with the "
                                "outcome (503 only while the key index is stale)",
                     .tag = kVerification,
                     .request = "VerifyKey",
                     .response = "Verification",
                     .never_conflicts = true}},

    // --- Audit trail ---
    Endpoint{.route = {"listAuditEvents", "GET", "/v1/audit", kAuthenticated},
             .permission = perm::kAuditView,
             .handler = &ListAudit,
             .doc = {.summary = "List audit events, newest first",
                     .tag = kAudit,
                     .response = "AuditEventList",
                     .parameters = "auditSince auditUntil auditActor auditAction auditTarget "
                                   "limit cursor"}},
    Endpoint{.route = {"exportAuditEvents", "GET", "/v1/audit/export", kAuthenticated},
             .permission = perm::kAuditView,
             .handler = &ExportAudit,
             .doc = {.summary = "Export audit events, oldest first, streamed as JSON lines or CSV",
                     .tag = kAudit,
                     .body = kJsonLinesOrCsv,
                     .parameters = "exportFormat auditSince auditUntil auditActor auditAction "
                                   "auditTarget"}},
    Endpoint{.route = {"verifyAuditTrail", "GET", "/v1/audit/verify", kAuthenticated},
             .permission = perm::kAuditView,
             .handler = &VerifyAudit,
             .doc = {.summary = "Check the audit trail's hash chain",
                     .tag = kAudit,
                     .response = "AuditVerification"}},

    // --- Forward-auth: no caller; the token the request presents is checked ---
    Endpoint{.route = {"authz", kAnyMethod, "/v1/authz", kPresentedToken, /*subtree=*/true},
             .handler = &ForwardAuth,
             .doc = {.summary = "Forward-auth for gateways: checks the presented key. Any method, "
                                "and every path below /v1/authz too. Query-string credentials "
                                "are ignored.",
                     .tag = kVerification,
                     .parameters = "permission permissionHeader"}},
};

constexpr EntryTable kTable(kEndpoints);

}  // namespace

std::span<const Endpoint> Endpoints() { return kTable.entries(); }

RouteTable Routes() { return kTable.routes(); }

const Endpoint& EndpointOf(const Route& route) { return kTable.Of(route); }

}  // namespace keyward::http::v1
