// The JSON of accounts, their tokens and console sessions (docs/api.md "Roles, accounts, sessions,
// audit"): rendering with times in the caller's zone, and request bodies read into core's input
// structs with type checks and unknown-field rejection. Pure functions; thread-safe.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <optional>
#include <string>

#include "core/accounts/account_service.hpp"
#include "core/accounts/session_service.hpp"
#include "core/result.hpp"

namespace keyward::http {

// {id, email, type, role: {id, name}, accessLevel, givenName, surname, description, locale,
// timeZone, enabled, lockedOut, mustChangePassword, createdAt, token: null | {...}}. Never a
// password or its hash.
boost::json::object AccountJson(const core::AccountView& view, core::Time now,
                                std::string_view zone);
// An account's token as the account shows it: {keyId, prefix, createdAt, expiresAt, lastUsedAt}.
boost::json::object AccountTokenJson(const core::ApiKey& key, std::string_view zone);
// The signed-in account's permissions: its role's, as a role shows them (an open-ended built-in
// role lists the catalogue permissions it covers; a custom role its names, free-form ones too).
boost::json::array SessionPermissionsJson(const core::PermissionSet& permissions);
// GET /v1/session: {account, permissions, csrfToken, mustChangePassword, createdAt,
// idleExpiresAt, expiresAt}.
boost::json::object SessionJson(const core::SessionInfo& info, core::Time now,
                                std::string_view zone);

// POST /v1/accounts and PATCH /v1/accounts/{id}: {email, role, accessLevel, givenName?,
// surname?, description?, type?, locale?, timeZone?, enabled?}. What is required is core's.
core::Result<core::AccountInput> ParseAccountInput(const boost::json::object& body);
// POST /v1/accounts/{id}/token: {expiresAt?} (null: no expiry).
core::Result<std::optional<std::string>> ParseTokenInput(const boost::json::object& body);

struct SignInInput {
  std::string email;
  std::string password;
};
// POST /v1/session: {email, password}, both strings (their presence is core's to check).
core::Result<SignInInput> ParseSignIn(const boost::json::object& body);

struct PasswordChangeInput {
  std::string current_password;
  std::string new_password;
};
// POST /v1/session/password: {currentPassword, newPassword}.
core::Result<PasswordChangeInput> ParsePasswordChange(const boost::json::object& body);

}  // namespace keyward::http
