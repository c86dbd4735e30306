// Rules the key use cases share: resolving a role named by id or name, the escalation check on a
// target key, the last-Master-Administrator rule, audit events, and list cursors. Internal to
// core's use cases. Stateless functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/api_key.hpp"
#include "core/principal.hpp"
#include "core/result.hpp"
#include "core/store.hpp"

namespace keyward::core {

// The role named by `text`: a decimal id, else a name (compared as NameKey). Unknown ->
// kInvalidArgument (Msg::kRoleNotFound) naming `field`.
Result<Role> ResolveRole(UnitOfWork& uow, std::string_view text, std::string_view field);

// The permissions of role `id` (empty when the role is gone).
Result<PermissionSet> RolePermissions(UnitOfWork& uow, RoleId id);

// Escalation rule 2 for a key: its role's permissions must be a subset of the caller's.
Status CheckCanActOnKey(UnitOfWork& uow, const Principal& caller, const ApiKey& key);

// A key that can authenticate as a Master Administrator now or later by itself: enabled, not
// expired, not manually locked (an automatic lock ends by itself).
bool IsLiveMasterKey(const ApiKey& key, Time now);

// An account that can act as a Master Administrator by itself: enabled, with console access and a
// password (its token, if any, counts as a key).
bool IsLiveMasterAccount(const Account& account);

// kLastMasterAdministrator unless at least one live Master Administrator credential remains: a
// live Master Administrator key or account.
Status CheckMasterAdministratorRemains(UnitOfWork& uow, Time now);

// kNotFound (Msg::kKeyNotFound) for key `id`.
Error KeyNotFound(KeyId id);

// Appends an audit event as given: `actor` ("apikey:42", "account:7", "anonymous", "system"),
// client `ip` (or empty), `outcome` ("success", "failure") and details (a JSON object's text;
// empty is {}).
Status AppendAuditRecord(UnitOfWork& uow, std::string_view actor, std::string_view ip, Time now,
                         std::string_view action, std::string_view target, std::string_view outcome,
                         std::string details_json);

// Appends an audit event for a change made by `caller`.
Status AppendAuditEvent(UnitOfWork& uow, const Principal& caller, Time now, std::string_view action,
                        std::string_view target, std::string details_json);

// "apikey:42"
std::string KeyTarget(KeyId id);

// The request's locale and time zone fields, validated; errors name "locale" / "timeZone".
Result<Locale> ParseLocaleField(const std::string& text);
Status ValidateTimeZoneField(const std::string& zone);

// An allowlist as its canonical entries ("8.8.8.0/24"), for audit details.
std::vector<std::string> AllowlistStrings(const std::vector<Ipv4Range>& ranges);

// kAlreadyExists (field "name") when a key other than `self` already has `name` as NameKey
// compares it; `self` 0 for a new key.
Status CheckNameFree(UnitOfWork& uow, const std::string& name, KeyId self);

// A list page from the caller's ?limit= (1..kMaxListLimit, default kDefaultListLimit) and
// ?cursor=; errors name "limit" / "cursor".
Result<PageRequest> ParsePageRequest(const std::optional<std::string>& limit,
                                     const std::optional<std::string>& cursor);

// Opaque list cursors: the id below which the next page starts.
std::string EncodeCursor(std::int64_t before_id);
std::optional<std::int64_t> DecodeCursor(std::string_view cursor);

}  // namespace keyward::core
