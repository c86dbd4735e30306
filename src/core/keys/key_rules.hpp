// Rules the key use cases share: the escalation check on a target key, the key-not-found error
// and the uniqueness of key names. Internal to core's use cases. Stateless functions; thread-safe.
#pragma once

#include <string>

#include "core/ids.hpp"
#include "core/principal.hpp"
#include "core/result.hpp"
#include "core/store/api_key.hpp"
#include "core/store/store.hpp"

namespace keyward::core {

// Escalation rule 2 for a key: its role's permissions must be a subset of the caller's.
Status CheckCanActOnKey(UnitOfWork& uow, const Principal& caller, const ApiKey& key);

// kNotFound (Msg::kKeyNotFound) for key `id`.
Error KeyNotFound(KeyId id);

// kAlreadyExists (field "name") when a key other than `self` already has `name` as NameKey
// compares it; `self` 0 for a new key.
Status CheckNameFree(UnitOfWork& uow, const std::string& name, KeyId self);

}  // namespace keyward::core
