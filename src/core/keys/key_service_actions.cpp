// KeyService: the calls that change an existing key (update, enable/disable, lock/unlock,
// rotate, delete one or many). Create and the reads are in key_service.cpp.
#include <set>

#include "core/crypto/token.hpp"
#include "core/ids.hpp"
#include "core/json_text.hpp"
#include "core/keys/key_rules.hpp"
#include "core/keys/key_service.hpp"
#include "core/locale_and_zone.hpp"
#include "core/roles/master_administrator.hpp"
#include "core/roles/role_rules.hpp"
#include "core/store/audit_record.hpp"
#include "core/store/paging.hpp"
#include "core/time_zone.hpp"

namespace keyward::core {
namespace {

Error AccountKeyReadOnly(KeyId id) {
  return MakeError(ErrorCode::kReadOnly, Msg::kAccountKeyReadOnly, {std::to_string(id)});
}

// An account's token is its account's credential: changing its state or deleting it through the
// keys API needs what DELETE /v1/accounts/{id}/token needs, accounts:tokens.
Status CheckCanManageToken(const Principal& caller, const ApiKey& key) {
  if (key.source != KeySource::kAccount) return Ok();
  return RequirePermission(caller.permissions, perm::kAccountsTokens);
}

// Audits the deletion of `key`; an account's token is recorded as its account's
// account.token.delete, as DELETE /v1/accounts/{id}/token records it.
Status AuditKeyDeletion(UnitOfWork& uow, const Principal& caller, Time now, const ApiKey& key) {
  if (key.source == KeySource::kAccount && key.account_id) {
    return AppendAuditEvent(uow, caller, now, "account.token.delete",
                            AccountTarget(*key.account_id),
                            JsonObject()
                                .Add("keyId", std::int64_t{key.id})
                                .Add("prefix", TokenPrefix(key.public_id))
                                .str());
  }
  return AppendAuditEvent(uow, caller, now, "apikey.delete", KeyTarget(key.id),
                          JsonObject().Add("name", key.name).str());
}

}  // namespace

Result<ApiKey> KeyService::Mutate(
    const Principal& caller, KeyId id, std::string_view action,
    const std::function<Status(UnitOfWork&, ApiKey&, std::string&)>& change) const {
  const Time now = clock_.Now();
  return TransactValue<ApiKey>(store_, [&](UnitOfWork& uow) -> Result<ApiKey> {
    KW_ASSIGN_OR_RETURN(std::optional<ApiKey> found, uow.FindKey(id));
    if (!found) return KeyNotFound(id);
    ApiKey key = std::move(*found);
    KW_RETURN_IF_ERROR(CheckCanActOnKey(uow, caller, key));
    const bool was_live_master = IsLiveMasterKey(key, now);
    std::string details;
    KW_RETURN_IF_ERROR(change(uow, key, details));
    if (details.empty()) return key;  // nothing changed: nothing to write or audit
    KW_RETURN_IF_ERROR(uow.UpdateKey(key));
    if (was_live_master) KW_RETURN_IF_ERROR(CheckMasterAdministratorRemains(uow, now));
    KW_RETURN_IF_ERROR(AppendAuditEvent(uow, caller, now, action, KeyTarget(id), details));
    KW_ASSIGN_OR_RETURN(std::optional<ApiKey> stored, uow.FindKey(id));
    if (!stored) return KeyNotFound(id);
    return std::move(*stored);
  });
}

Result<ApiKey> KeyService::Update(const Principal& caller, KeyId id,
                                  const UpdateKeyInput& input) const {
  KW_RETURN_IF_ERROR(RequirePermission(caller.permissions, perm::kApiKeysEdit));
  if (input.expires_at_given) {
    return MakeError(ErrorCode::kImmutableField, Msg::kExpiryImmutable, {}, "expiresAt");
  }
  if (input.name) KW_RETURN_IF_ERROR(ValidateName(*input.name, "name"));
  if (input.description) KW_RETURN_IF_ERROR(ValidateDescription(*input.description, "description"));
  std::optional<Locale> locale;
  if (input.locale) {
    KW_ASSIGN_OR_RETURN(locale, ParseLocaleField(*input.locale));
  }
  if (input.time_zone) KW_RETURN_IF_ERROR(ValidateTimeZoneField(*input.time_zone));
  std::optional<std::vector<Ipv4Range>> allowlist;
  if (input.allowed_ips) {
    KW_ASSIGN_OR_RETURN(allowlist, ParseAllowlist(*input.allowed_ips, options_.allowlist));
  }
  return Mutate(
      caller, id, "apikey.update", [&](UnitOfWork& uow, ApiKey& key, std::string& out) -> Status {
        if (key.source == KeySource::kAccount) return AccountKeyReadOnly(id);
        JsonObject details;
        if (input.name) {
          KW_RETURN_IF_ERROR(CheckNameFree(uow, *input.name, id));
          details.AddStringChange("name", key.name, *input.name);
          key.name = *input.name;
        }
        if (input.description) {
          details.AddStringChange("description", key.description, *input.description);
          key.description = *input.description;
        }
        if (input.role) {
          KW_ASSIGN_OR_RETURN(Role role, ResolveRole(uow, *input.role, "role"));
          KW_RETURN_IF_ERROR(CheckCanGrant(caller.permissions, role.permissions));
          if (role.id != key.role_id) {
            details.AddChange("role", std::to_string(key.role_id), std::to_string(role.id));
          }
          key.role_id = role.id;
        }
        if (locale) {
          details.AddStringChange("locale", LocaleName(key.locale), LocaleName(*locale));
          key.locale = *locale;
        }
        if (input.time_zone) {
          details.AddStringChange("timeZone", key.time_zone, *input.time_zone);
          key.time_zone = *input.time_zone;
        }
        if (allowlist) {
          if (*allowlist != key.allowed_ips) {
            details.AddChange("allowedIps", JsonValue(AllowlistStrings(key.allowed_ips)),
                              JsonValue(AllowlistStrings(*allowlist)));
          }
          key.allowed_ips = *allowlist;
        }
        if (!details.empty()) out = details.str();
        return Ok();
      });
}

Result<ApiKey> KeyService::SetEnabled(const Principal& caller, KeyId id, bool enabled) const {
  KW_RETURN_IF_ERROR(RequirePermission(caller.permissions, perm::kApiKeysEdit));
  return Mutate(caller, id, enabled ? "apikey.enable" : "apikey.disable",
                [&](UnitOfWork&, ApiKey& key, std::string& out) -> Status {
                  KW_RETURN_IF_ERROR(CheckCanManageToken(caller, key));
                  if (key.enabled == enabled) return Ok();
                  key.enabled = enabled;
                  out = JsonObject()
                            .AddChange("enabled", enabled ? "false" : "true",
                                       enabled ? "true" : "false")
                            .str();
                  return Ok();
                });
}

Result<ApiKey> KeyService::Lock(const Principal& caller, KeyId id) const {
  KW_RETURN_IF_ERROR(RequirePermission(caller.permissions, perm::kApiKeysEdit));
  return Mutate(caller, id, "apikey.lock",
                [&](UnitOfWork&, ApiKey& key, std::string& out) -> Status {
                  KW_RETURN_IF_ERROR(CheckCanManageToken(caller, key));
                  if (key.locked && !key.unlock_at) return Ok();  // already locked by hand
                  key.locked = true;
                  key.unlock_at.reset();
                  out = JsonObject().Add("manual", true).str();
                  return Ok();
                });
}

Result<ApiKey> KeyService::Unlock(const Principal& caller, KeyId id) const {
  KW_RETURN_IF_ERROR(RequirePermission(caller.permissions, perm::kApiKeysEdit));
  return Mutate(caller, id, "apikey.unlock",
                [&](UnitOfWork&, ApiKey& key, std::string& out) -> Status {
                  KW_RETURN_IF_ERROR(CheckCanManageToken(caller, key));
                  if (!key.locked && key.failed_attempts == 0) return Ok();
                  out = JsonObject()
                            .Add("wasLocked", key.locked)
                            .Add("failedAttempts", std::int64_t{key.failed_attempts})
                            .str();
                  key.locked = false;
                  key.unlock_at.reset();
                  key.failed_attempts = 0;
                  return Ok();
                });
}

Result<IssuedKey> KeyService::Rotate(const Principal& caller, KeyId id,
                                     std::int64_t grace_seconds) const {
  KW_RETURN_IF_ERROR(RequirePermission(caller.permissions, perm::kApiKeysEdit));
  if (grace_seconds < 0 || grace_seconds > kMaxGracePeriodSeconds) {
    return InvalidArgument(Msg::kGracePeriodRange, "gracePeriodSeconds",
                           {std::to_string(kMaxGracePeriodSeconds)});
  }
  const Time now = clock_.Now();
  std::string token;
  Result<ApiKey> rotated =
      Mutate(caller, id, "apikey.rotate", [&](UnitOfWork&, ApiKey& key, std::string& out) {
        if (key.source == KeySource::kAccount) return Status(AccountKeyReadOnly(id));
        const std::string secret = GenerateSecret(random_);
        if (grace_seconds > 0) {
          // Only the current secret rolls into the grace slot: an earlier grace period ends.
          key.previous_digest = key.digest;
          key.previous_digest_until = now + Seconds{grace_seconds};
        } else {
          key.previous_digest.reset();
          key.previous_digest_until.reset();
        }
        key.previous_secret_last_used_at.reset();  // the slot holds another secret now
        key.digest = hasher_.Digest(secret);
        key.secret_rotated_at = now;
        token = FormatToken(key.public_id, secret);
        out = JsonObject().Add("gracePeriodSeconds", grace_seconds).str();
        return Ok();
      });
  if (!rotated) return rotated.error();
  return IssuedKey{std::move(rotated).value(), std::move(token)};
}

Status KeyService::Delete(const Principal& caller, KeyId id) const {
  KW_RETURN_IF_ERROR(RequirePermission(caller.permissions, perm::kApiKeysDelete));
  const Time now = clock_.Now();
  return store_.Transact([&](UnitOfWork& uow) -> Status {
    KW_ASSIGN_OR_RETURN(std::optional<ApiKey> key, uow.FindKey(id));
    if (!key) return KeyNotFound(id);
    KW_RETURN_IF_ERROR(CheckCanActOnKey(uow, caller, *key));
    KW_RETURN_IF_ERROR(CheckCanManageToken(caller, *key));
    KW_RETURN_IF_ERROR(uow.DeleteKey(id));
    if (IsLiveMasterKey(*key, now)) KW_RETURN_IF_ERROR(CheckMasterAdministratorRemains(uow, now));
    return AuditKeyDeletion(uow, caller, now, *key);
  });
}

Result<std::vector<BulkDeleteResult>> KeyService::DeleteMany(
    const Principal& caller, const std::vector<std::string>& ids) const {
  KW_RETURN_IF_ERROR(RequirePermission(caller.permissions, perm::kApiKeysDelete));
  if (ids.size() > static_cast<std::size_t>(kMaxListLimit)) {
    return InvalidArgument(Msg::kTooManyItems, "ids", {"ids", std::to_string(kMaxListLimit)});
  }
  const Time now = clock_.Now();
  using Results = std::vector<BulkDeleteResult>;
  return TransactValue<Results>(store_, [&](UnitOfWork& uow) -> Result<Results> {
    Results results;
    bool removed_live_master = false;
    std::set<KeyId> deleted;
    for (const std::string& text : ids) {
      const std::optional<std::int64_t> id = ParseId(text);
      std::optional<ApiKey> key;
      if (id && !deleted.contains(*id)) {
        KW_ASSIGN_OR_RETURN(key, uow.FindKey(*id));
      }
      if (!key) {
        results.push_back({text, 404});
        continue;
      }
      // Any forbidden target fails the whole call: the unit of work rolls back.
      KW_RETURN_IF_ERROR(CheckCanActOnKey(uow, caller, *key));
      KW_RETURN_IF_ERROR(CheckCanManageToken(caller, *key));
      KW_RETURN_IF_ERROR(uow.DeleteKey(key->id));
      removed_live_master = removed_live_master || IsLiveMasterKey(*key, now);
      deleted.insert(key->id);
      KW_RETURN_IF_ERROR(AuditKeyDeletion(uow, caller, now, *key));
      results.push_back({text, 204});
    }
    if (removed_live_master) KW_RETURN_IF_ERROR(CheckMasterAdministratorRemains(uow, now));
    return results;
  });
}

}  // namespace keyward::core
