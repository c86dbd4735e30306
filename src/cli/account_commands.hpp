// The client commands for accounts and their tokens once flags are parsed: call the API through
// an ApiSession and print the result, as JSON for scripts (`json`) or as text for people. Each
// returns the process exit code (exit_code.hpp); failures are already reported on standard
// error. A one-time password and a token's secret are printed once, by the command that made
// them. Thread-compatible.
#pragma once

#include <optional>
#include <string>

#include "cli/api_session.hpp"
#include "cli/request_builder.hpp"

namespace keyward::cli {

// GET /v1/accounts, paged like ListRoles: a table ID, EMAIL, ROLE, ACCESS, ENABLED, LOCKED OUT,
// TOKEN.
int ListAccounts(const ApiSession& session, const ListFlags& flags, bool all, bool json);

// POST /v1/accounts; prints the account created.
int CreateAccount(const ApiSession& session, const CreateAccountFlags& flags, bool json);

// GET /v1/accounts/{id}.
int ShowAccount(const ApiSession& session, const std::string& id, bool json);

// PATCH /v1/accounts/{id}. Precondition: BuildUpdateAccountBody(flags) has a value.
int UpdateAccount(const ApiSession& session, const std::string& id, const UpdateAccountFlags& flags,
                  bool json);

// POST /v1/accounts/{id}/<action>, action one of "enable", "disable", "unlock".
int ChangeAccountState(const ApiSession& session, const std::string& id, const std::string& action,
                       bool json);

// DELETE /v1/accounts/{id}; prints "Deleted account <id>.", or with `json`
// {"id": "<id>", "status": 204}.
int DeleteAccount(const ApiSession& session, const std::string& id, bool json);

// POST /v1/accounts/{id}/password: prints the new one-time password once, and that the user
// must change it at first sign-in.
int ResetAccountPassword(const ApiSession& session, const std::string& id, bool json);

// POST /v1/accounts/{id}/token: prints the token, then its secret once.
int CreateAccountToken(const ApiSession& session, const std::string& id,
                       const std::optional<std::string>& expires_at, bool json);

// DELETE /v1/accounts/{id}/token; prints a confirmation, or with `json`
// {"id": "<id>", "status": 204}.
int DeleteAccountToken(const ApiSession& session, const std::string& id, bool json);

}  // namespace keyward::cli
