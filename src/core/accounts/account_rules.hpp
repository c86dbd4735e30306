// Rules the account use cases share: the escalation check on a target account, the token that
// follows its account, and the Master Administrator credential an account holds. Internal to
// core's use cases. Stateless functions; thread-safe.
#pragma once

#include <string>

#include "core/principal.hpp"
#include "core/result.hpp"
#include "core/store/account.hpp"
#include "core/store/store.hpp"

namespace keyward::core {

// Escalation rule 2 for an account: its role's permissions must be within the caller's.
Status CheckCanActOnAccount(UnitOfWork& uow, const Principal& caller, const Account& account);

// The name of the key that is account `id`'s token.
std::string TokenName(AccountId id);

// Whether the account's token must authenticate nothing: the account is disabled or has no API
// access.
bool TokenSuspended(const Account& account);

// Makes the account's token follow it: role, locale, time zone, suspension. Written through the
// unit of work so the key index sees it in commit order.
Status SyncToken(UnitOfWork& uow, const Account& account);

// Whether the account, or its token, is a live Master Administrator credential now.
Result<bool> HoldsMasterCredential(UnitOfWork& uow, const Account& account, Time now);

}  // namespace keyward::core
