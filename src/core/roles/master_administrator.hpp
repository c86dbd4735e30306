// The last-Master-Administrator rule: a change never leaves Keyward without a credential that can
// act as a Master Administrator by itself (a live key, or a live account). Stateless functions;
// thread-safe.
#pragma once

#include "core/clock.hpp"
#include "core/result.hpp"
#include "core/store/account.hpp"
#include "core/store/api_key.hpp"
#include "core/store/store.hpp"

namespace keyward::core {

// A key that can authenticate as a Master Administrator now or later by itself: enabled, not
// expired, not manually locked (an automatic lock ends by itself).
bool IsLiveMasterKey(const ApiKey& key, Time now);

// An account that can act as a Master Administrator by itself: enabled, with console access and a
// password (its token, if any, counts as a key).
bool IsLiveMasterAccount(const Account& account);

// kLastMasterAdministrator unless at least one live Master Administrator credential remains: a
// live Master Administrator key or account.
Status CheckMasterAdministratorRemains(UnitOfWork& uow, Time now);

}  // namespace keyward::core
