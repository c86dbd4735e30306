// The Deep Security dialect's route table (docs/deep-security.md lists every route).
#include "http/ds/routes.hpp"

#include <array>
#include <cstddef>

#include "core/permissions.hpp"

namespace keyward::http::ds {
namespace {

namespace perm = core::perm;
using enum Access;
using enum Resource;
using enum Action;

constexpr std::array kEndpoints = {
    // --- API keys ---
    Endpoint{{"listApiKeys", "GET", "/api/apikeys", kAuthenticated},
             perm::kApiKeysView,
             &ListApiKeys,
             kApiKey,
             kView},
    Endpoint{{"createApiKey", "POST", "/api/apikeys", kAuthenticated},
             perm::kApiKeysCreate,
             &CreateApiKey,
             kApiKey,
             kCreate},
    Endpoint{{"searchApiKeys", "POST", "/api/apikeys/search", kAuthenticated},
             perm::kApiKeysView,
             &SearchApiKeys,
             kApiKey,
             kView},
    // The calling key itself: any valid key may read it; a change is core's to allow.
    Endpoint{{"describeCurrentApiKey", "GET", "/api/apikeys/current", kAuthenticated},
             {},
             &DescribeCurrentApiKey,
             kApiKey,
             kView},
    Endpoint{{"modifyCurrentApiKey", "POST", "/api/apikeys/current", kAuthenticated},
             {},
             &ModifyCurrentApiKey,
             kApiKey,
             kEdit},
    Endpoint{
        {"replaceCurrentApiSecretKey", "POST", "/api/apikeys/current/secretkey", kAuthenticated},
        {},
        &ReplaceCurrentApiSecretKey,
        kApiKey,
        kEdit},
    Endpoint{{"describeApiKey", "GET", "/api/apikeys/{apiKeyID}", kAuthenticated},
             perm::kApiKeysView,
             &DescribeApiKey,
             kApiKey,
             kView},
    Endpoint{{"modifyApiKey", "POST", "/api/apikeys/{apiKeyID}", kAuthenticated},
             perm::kApiKeysEdit,
             &ModifyApiKey,
             kApiKey,
             kEdit},
    Endpoint{{"deleteApiKey", "DELETE", "/api/apikeys/{apiKeyID}", kAuthenticated},
             perm::kApiKeysDelete,
             &DeleteApiKey,
             kApiKey,
             kDelete},
    Endpoint{{"replaceApiSecretKey", "POST", "/api/apikeys/{apiKeyID}/secretkey", kAuthenticated},
             perm::kApiKeysEdit,
             &ReplaceApiSecretKey,
             kApiKey,
             kEdit},

    // --- Roles ---
    Endpoint{{"listRoles", "GET", "/api/roles", kAuthenticated},
             perm::kRolesView,
             &ListRoles,
             kRole,
             kView},
    Endpoint{{"createRole", "POST", "/api/roles", kAuthenticated},
             perm::kRolesCreate,
             &CreateRole,
             kRole,
             kCreate},
    Endpoint{{"searchRoles", "POST", "/api/roles/search", kAuthenticated},
             perm::kRolesView,
             &SearchRoles,
             kRole,
             kView},
    Endpoint{{"describeRole", "GET", "/api/roles/{roleID}", kAuthenticated},
             perm::kRolesView,
             &DescribeRole,
             kRole,
             kView},
    Endpoint{{"modifyRole", "POST", "/api/roles/{roleID}", kAuthenticated},
             perm::kRolesEdit,
             &ModifyRole,
             kRole,
             kEdit},
    Endpoint{{"deleteRole", "DELETE", "/api/roles/{roleID}", kAuthenticated},
             perm::kRolesDelete,
             &DeleteRole,
             kRole,
             kDelete},

    // --- Administrators (Keyward accounts) ---
    Endpoint{{"listAdministrators", "GET", "/api/administrators", kAuthenticated},
             perm::kAccountsView,
             &ListAdministrators,
             kAdministrator,
             kView},
    Endpoint{{"createAdministrator", "POST", "/api/administrators", kAuthenticated},
             perm::kAccountsCreate,
             &CreateAdministrator,
             kAdministrator,
             kCreate},
    Endpoint{{"searchAdministrators", "POST", "/api/administrators/search", kAuthenticated},
             perm::kAccountsView,
             &SearchAdministrators,
             kAdministrator,
             kView},
    Endpoint{
        {"describeAdministrator", "GET", "/api/administrators/{administratorID}", kAuthenticated},
        perm::kAccountsView,
        &DescribeAdministrator,
        kAdministrator,
        kView},
    Endpoint{
        {"modifyAdministrator", "POST", "/api/administrators/{administratorID}", kAuthenticated},
        perm::kAccountsEdit,
        &ModifyAdministrator,
        kAdministrator,
        kEdit},
    Endpoint{
        {"deleteAdministrator", "DELETE", "/api/administrators/{administratorID}", kAuthenticated},
        perm::kAccountsDelete,
        &DeleteAdministrator,
        kAdministrator,
        kDelete},

    // --- The Ansible collection's session ---
    Endpoint{{"signIn", "POST", "/rest/authentication/login/primary", kSignIn},
             {},
             &SignIn,
             kAuthentication,
             kLogIn},
    Endpoint{{"signOut", "DELETE", "/rest/authentication/logout", kPublic},
             {},
             &SignOut,
             kAuthentication,
             kLogIn},
};

constexpr EntryTable kTable(kEndpoints);

}  // namespace

std::span<const Endpoint> Endpoints() { return kTable.entries(); }

RouteTable Routes() { return kTable.routes(); }

const Endpoint& EndpointOf(const Route& route) { return kTable.Of(route); }

}  // namespace keyward::http::ds
