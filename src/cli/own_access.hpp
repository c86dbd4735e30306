// The one question the client asks: before a command ends the caller's own access. That is
// deleting, disabling, locking or rotating without a grace period the very API key the command
// authenticates with (KEYWARD_API_KEY), or disabling, deleting, taking the token from or making
// console-only the account that key is the token of. After such a command every later command
// with the same key fails, so it asks on a terminal, and without one refuses unless --yes was
// given. Thread-compatible, like the ApiSession it asks through.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cli/api_session.hpp"

namespace keyward::cli {

// What the ids given to ConfirmOwnAccess name.
enum class OwnTarget {
  kKey,      // API key ids: the caller's key is at stake when one of them is its id
  kAccount,  // account ids: the caller's key is at stake when it is that account's token
};

// Returns kExitOk when the command may go on: `yes` (--yes; then nothing is asked or sent), or
// none of `ids` names the caller's key (GET /v1/apikeys/current tells which it is), or a person
// answered y/yes on a terminal. Otherwise reports why and returns: kExitUsage when there is no
// terminal to ask on (the message names --yes), kExitFailure when the person declined, or the
// exit code of a failed GET /v1/apikeys/current. `verb` says what the command does ("delete",
// "disable", "rotate without a grace period"), for "this would <verb> API key 42 ...".
int ConfirmOwnAccess(const ApiSession& session, bool yes, OwnTarget target,
                     const std::vector<std::string>& ids, std::string_view verb);

}  // namespace keyward::cli
