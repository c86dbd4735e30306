#include "core/keys/key_service.hpp"

#include <limits>

#include "core/crypto/token.hpp"
#include "core/json_text.hpp"
#include "core/keys/key_rules.hpp"
#include "core/locale_and_zone.hpp"
#include "core/roles/role_rules.hpp"
#include "core/store/audit_record.hpp"
#include "core/store/paging.hpp"
#include "core/time_zone.hpp"

namespace keyward::core {
namespace {

// An optional time parameter of the list, read in the caller's zone; errors name `field`.
Status ParseOptionalTime(const std::optional<std::string>& text, std::string_view zone,
                         std::string_view field, std::optional<Time>& out) {
  if (!text) return Ok();
  KW_ASSIGN_OR_RETURN(out, ParseTimeField(*text, zone, field));
  return Ok();
}

// The list's filters but `role`, which needs the store to resolve.
Result<KeyFilter> ParseKeyFilter(const KeyListInput& input, std::string_view zone, Time now) {
  KeyFilter filter;
  filter.now = now;
  if (input.status) {
    filter.status = ParseKeyStatus(*input.status);
    if (!filter.status)
      return InvalidArgument(Msg::kFilterInvalid, "status", {"status", *input.status});
  }
  if (input.source) {
    filter.source = ParseKeySource(*input.source);
    if (!filter.source)
      return InvalidArgument(Msg::kFilterInvalid, "source", {"source", *input.source});
  }
  if (input.q) filter.q = *input.q;
  KW_RETURN_IF_ERROR(
      ParseOptionalTime(input.expires_before, zone, "expiresBefore", filter.expires_before));
  KW_RETURN_IF_ERROR(
      ParseOptionalTime(input.last_used_before, zone, "lastUsedBefore", filter.last_used_before));
  KW_RETURN_IF_ERROR(ParseOptionalTime(input.secret_rotated_before, zone, "secretRotatedBefore",
                                       filter.secret_rotated_before));
  return filter;
}

}  // namespace

KeyService::KeyService(Store& store, const Clock& clock, Random& random, const SecretHasher& hasher,
                       KeyServiceOptions options)
    : store_(store), clock_(clock), random_(random), hasher_(hasher), options_(options) {}

Result<IssuedKey> KeyService::Insert(UnitOfWork& uow, const Principal& caller, ApiKey key) const {
  const std::string secret = GenerateSecret(random_);
  key.digest = hasher_.Digest(secret);
  // A public id collision is astronomically unlikely; retry a few times rather than fail.
  for (int attempt = 0;; ++attempt) {
    key.public_id = GeneratePublicId(random_);
    KW_ASSIGN_OR_RETURN(std::optional<ApiKey> clash, uow.FindKeyByPublicId(key.public_id));
    if (!clash) break;
    if (attempt == 8) return Internal("could not draw a unique public id");
  }
  KW_ASSIGN_OR_RETURN(key.id, uow.InsertKey(key));
  JsonObject details;
  details.Add("name", key.name)
      .Add("role", std::int64_t{key.role_id})
      .Add("source", KeySourceName(key.source))
      .Add("enabled", key.enabled)
      .Add("locale", LocaleName(key.locale))
      .Add("timeZone", key.time_zone)
      .Add("allowedIps", AllowlistStrings(key.allowed_ips));
  if (key.expires_at) {
    details.Add("expiresAt", FormatTime(*key.expires_at, "UTC"));
  }
  if (key.account_id) details.Add("accountId", std::int64_t{*key.account_id});
  KW_RETURN_IF_ERROR(AppendAuditEvent(uow, caller, clock_.Now(), "apikey.create", KeyTarget(key.id),
                                      details.str()));
  KW_ASSIGN_OR_RETURN(std::optional<ApiKey> stored, uow.FindKey(key.id));
  if (!stored) return Internal("created key vanished");
  return IssuedKey{std::move(*stored), FormatToken(key.public_id, secret)};
}

Result<IssuedKey> KeyService::Create(const Principal& caller, const CreateKeyInput& input) const {
  KW_RETURN_IF_ERROR(RequirePermission(caller.permissions, perm::kApiKeysCreate));
  const Time now = clock_.Now();
  ApiKey key;
  KW_RETURN_IF_ERROR(ValidateName(input.name, "name"));
  key.name = input.name;
  if (input.description) {
    KW_RETURN_IF_ERROR(ValidateDescription(*input.description, "description"));
    key.description = *input.description;
  }
  if (input.role.empty()) return InvalidArgument(Msg::kRequired, "role", {"role"});
  if (input.locale) {
    KW_ASSIGN_OR_RETURN(key.locale, ParseLocaleField(*input.locale));
  }
  if (input.time_zone) {
    KW_RETURN_IF_ERROR(ValidateTimeZoneField(*input.time_zone));
    key.time_zone = *input.time_zone;
  }
  if (input.expires_at) {
    Result<Time> expires = ParseTime(*input.expires_at, caller.time_zone);
    if (!expires) return expires.error().WithField("expiresAt");
    if (*expires <= now) return InvalidArgument(Msg::kExpiryNotFuture, "expiresAt");
    key.expires_at = *expires;
  }
  if (input.allowed_ips) {
    KW_ASSIGN_OR_RETURN(key.allowed_ips, ParseAllowlist(*input.allowed_ips, options_.allowlist));
  }
  if (input.source == KeySource::kAccount) {
    return InvalidArgument(Msg::kFilterInvalid, "source", {"source", "account"});
  }
  key.enabled = input.enabled.value_or(true);
  key.source = input.source;
  key.created_at = now;
  return TransactValue<IssuedKey>(store_, [&](UnitOfWork& uow) -> Result<IssuedKey> {
    KW_ASSIGN_OR_RETURN(Role role, ResolveRole(uow, input.role, "role"));
    KW_RETURN_IF_ERROR(CheckCanGrant(caller.permissions, role.permissions));
    KW_RETURN_IF_ERROR(CheckNameFree(uow, key.name, 0));
    key.role_id = role.id;
    return Insert(uow, caller, key);
  });
}

Result<ApiKey> KeyService::Get(const Principal& caller, KeyId id) const {
  KW_RETURN_IF_ERROR(RequirePermission(caller.permissions, perm::kApiKeysView));
  return TransactValue<ApiKey>(store_, [&](UnitOfWork& uow) -> Result<ApiKey> {
    KW_ASSIGN_OR_RETURN(std::optional<ApiKey> key, uow.FindKey(id));
    if (!key) return KeyNotFound(id);
    return std::move(*key);
  });
}

Result<ApiKey> KeyService::Current(const Principal& caller) const {
  return TransactValue<ApiKey>(store_, [&](UnitOfWork& uow) -> Result<ApiKey> {
    KW_ASSIGN_OR_RETURN(std::optional<ApiKey> key, uow.FindKey(caller.key_id));
    if (!key) return MakeError(ErrorCode::kUnauthenticated, Msg::kUnauthenticated);
    return std::move(*key);
  });
}

Result<KeyPage> KeyService::List(const Principal& caller, const KeyListInput& input) const {
  KW_RETURN_IF_ERROR(RequirePermission(caller.permissions, perm::kApiKeysView));
  KW_ASSIGN_OR_RETURN(KeyFilter filter, ParseKeyFilter(input, caller.time_zone, clock_.Now()));
  KW_ASSIGN_OR_RETURN(PageRequest page, ParsePageRequest(input.limit, input.cursor));
  const int wanted = page.limit;
  page.limit = wanted + 1;  // one more tells whether a next page exists
  return TransactValue<KeyPage>(store_, [&](UnitOfWork& uow) -> Result<KeyPage> {
    if (input.role) {
      KW_ASSIGN_OR_RETURN(Role role, ResolveRole(uow, *input.role, "role"));
      filter.role = role.id;
    }
    KeyPage out;
    KW_ASSIGN_OR_RETURN(out.items, uow.ListKeys(filter, page));
    if (out.items.size() > static_cast<std::size_t>(wanted)) {
      out.items.resize(static_cast<std::size_t>(wanted));
      out.next_cursor = EncodeCursor(out.items.back().id);
    }
    return out;
  });
}

Result<std::vector<ApiKey>> KeyService::ListAll(const Principal& caller) const {
  KW_RETURN_IF_ERROR(RequirePermission(caller.permissions, perm::kApiKeysView));
  return TransactValue<std::vector<ApiKey>>(
      store_, [&](UnitOfWork& uow) -> Result<std::vector<ApiKey>> {
        std::vector<ApiKey> all;
        PageRequest page;
        page.limit = kMaxListLimit;
        for (;;) {
          KW_ASSIGN_OR_RETURN(std::vector<ApiKey> keys, uow.ListKeys(KeyFilter{}, page));
          const bool last = keys.size() < static_cast<std::size_t>(page.limit);
          for (ApiKey& key : keys) all.push_back(std::move(key));
          if (last || all.empty()) return all;
          page.before_id = all.back().id;
        }
      });
}

Result<KeyCounts> KeyService::Summary(const Principal& caller) const {
  KW_RETURN_IF_ERROR(RequirePermission(caller.permissions, perm::kApiKeysView));
  KeyCountBounds bounds;
  bounds.now = clock_.Now();
  bounds.expires_until = bounds.now + kSummaryExpiringWithin;
  bounds.used_before = bounds.now - kSummaryUnusedFor;
  bounds.secret_issued_before = bounds.now - kSummarySecretOlderThan;
  // Counted by the store (aggregates in SQL) rather than by paging every key through here.
  return TransactValue<KeyCounts>(store_, [&](UnitOfWork& uow) { return uow.CountKeys(bounds); });
}

Result<IssuedKey> KeyService::IssueMasterKey(const Principal& caller,
                                             const std::string& name) const {
  KW_RETURN_IF_ERROR(ValidateName(name, "name"));
  return TransactValue<IssuedKey>(
      store_, [&](UnitOfWork& uow) { return InsertMasterKey(uow, caller, name); });
}

Result<std::optional<IssuedKey>> KeyService::IssueFirstMasterKey(const Principal& caller,
                                                                 const std::string& name) const {
  KW_RETURN_IF_ERROR(ValidateName(name, "name"));
  return TransactValue<std::optional<IssuedKey>>(
      store_, [&](UnitOfWork& uow) -> Result<std::optional<IssuedKey>> {
        KeyFilter filter;
        filter.now = clock_.Now();
        PageRequest page;
        page.limit = 1;
        KW_ASSIGN_OR_RETURN(std::vector<ApiKey> keys, uow.ListKeys(filter, page));
        if (!keys.empty()) return std::optional<IssuedKey>();
        KW_ASSIGN_OR_RETURN(IssuedKey issued, InsertMasterKey(uow, caller, name));
        return std::optional<IssuedKey>(std::move(issued));
      });
}

Result<IssuedKey> KeyService::InsertMasterKey(UnitOfWork& uow, const Principal& caller,
                                              const std::string& name) const {
  ApiKey key;
  key.role_id = kMasterAdministratorRoleId;
  key.source = KeySource::kApi;
  key.created_at = clock_.Now();
  key.name = name;
  for (int n = 2; n < 1000; ++n) {
    KW_ASSIGN_OR_RETURN(std::optional<KeyId> holder, uow.FindKeyIdByNameKey(NameKey(key.name)));
    if (!holder) break;
    key.name = name + " " + std::to_string(n);
  }
  KW_RETURN_IF_ERROR(CheckNameFree(uow, key.name, 0));
  return Insert(uow, caller, key);
}

Result<IssuedKey> KeyService::IssueAccountToken(UnitOfWork& uow, const Principal& caller,
                                                const AccountTokenInput& input) const {
  ApiKey key;
  key.name = input.name;
  key.role_id = input.role_id;
  key.locale = input.locale;
  key.time_zone = input.time_zone;
  key.expires_at = input.expires_at;
  key.source = KeySource::kAccount;
  key.account_id = input.account_id;
  key.account_suspended = input.account_suspended;
  key.created_at = clock_.Now();
  // No CheckNameFree: a token's name is not in the ordinary keys' namespace (KeyNameKey), so no
  // key named like it can block it, and the account holds at most one token.
  return Insert(uow, caller, key);
}

}  // namespace keyward::core
