// KeyService: the API key use cases (docs/api.md "API keys"): create, get, list, update, enable,
// disable, lock, unlock, rotate, delete one, delete many. Every call checks the caller's
// permission for it and both escalation rules, validates its input naming the field at fault,
// and writes its change and its audit event in one unit of work. Secrets are returned once, by
// Create and Rotate, and never stored: only their digest is.
//
// Thread-safe: holds references to thread-safe collaborators and no mutable state of its own.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/crypto/digest.hpp"
#include "core/net/ip.hpp"
#include "core/principal.hpp"
#include "core/random.hpp"
#include "core/result.hpp"
#include "core/store/api_key.hpp"
#include "core/store/store.hpp"

namespace keyward::core {

inline constexpr std::int64_t kMaxGracePeriodSeconds = 7 * 24 * 3600;
// The windows of GET /v1/apikeys/summary (docs/api.md "API keys").
inline constexpr Seconds kSummaryExpiringWithin{30 * 24 * 3600};
inline constexpr Seconds kSummaryUnusedFor{90 * 24 * 3600};
inline constexpr Seconds kSummarySecretOlderThan{90 * 24 * 3600};

struct KeyServiceOptions {
  AllowlistOptions allowlist;
};

// A field the caller may leave out (nullopt) or give.
struct CreateKeyInput {
  std::string name;
  std::optional<std::string> description;
  std::string role;  // a role id ("2") or name ("Auditor")
  std::optional<std::string> locale;
  std::optional<std::string> time_zone;
  std::optional<std::string> expires_at;  // RFC 3339; without offset read in the caller's zone
  std::optional<std::vector<std::string>> allowed_ips;
  std::optional<bool> enabled;
  KeySource source = KeySource::kApi;
};

struct UpdateKeyInput {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<std::string> role;
  std::optional<std::string> locale;
  std::optional<std::string> time_zone;
  std::optional<std::vector<std::string>> allowed_ips;
  bool expires_at_given = false;  // expiresAt is immutable: giving it at all is an error
};

struct KeyListInput {
  std::optional<std::string> status;
  std::optional<std::string> role;  // id or name
  std::optional<std::string> source;
  std::optional<std::string> q;
  // Times (RFC 3339; without an offset in the caller's zone): KeyFilter's bounds of those names.
  std::optional<std::string> expires_before;
  std::optional<std::string> last_used_before;
  std::optional<std::string> secret_rotated_before;
  std::optional<std::string> limit;
  std::optional<std::string> cursor;
};

struct KeyPage {
  std::vector<ApiKey> items;
  std::optional<std::string> next_cursor;
};

// A key together with its secret, as only Create and Rotate return it.
struct IssuedKey {
  ApiKey key;
  std::string token;
};

struct BulkDeleteResult {
  std::string id;  // as the caller gave it
  int status;      // 204 deleted, 404 no such key
};

// A key for an account's authentication token (the accounts issue calls this).
struct AccountTokenInput {
  AccountId account_id = 0;
  std::string name;
  RoleId role_id = 0;
  Locale locale = Locale::kEnUs;
  std::string time_zone = "UTC";
  std::optional<Time> expires_at;
  bool account_suspended = false;  // the account is disabled or has no API access
};

class KeyService {
 public:
  KeyService(Store& store, const Clock& clock, Random& random, const SecretHasher& hasher,
             KeyServiceOptions options = {});

  // apikeys:create. 201-worthy: the new key and its token.
  Result<IssuedKey> Create(const Principal& caller, const CreateKeyInput& input) const;
  // apikeys:view.
  Result<ApiKey> Get(const Principal& caller, KeyId id) const;
  Result<KeyPage> List(const Principal& caller, const KeyListInput& input) const;
  // apikeys:view. Every key, newest first, read in one unit of work (for the dialects, whose
  // lists and searches answer all keys at once).
  Result<std::vector<ApiKey>> ListAll(const Principal& caller) const;
  // apikeys:view. Every key counted by status and by the windows above, at the clock's now.
  Result<KeyCounts> Summary(const Principal& caller) const;
  // Any valid key: the calling key itself.
  Result<ApiKey> Current(const Principal& caller) const;
  // apikeys:edit. An account's token -> kReadOnly; expiresAt -> kImmutableField.
  Result<ApiKey> Update(const Principal& caller, KeyId id, const UpdateKeyInput& input) const;
  Result<ApiKey> SetEnabled(const Principal& caller, KeyId id, bool enabled) const;
  // A manual lock (unlockAt null) and its release (which also clears failed attempts).
  Result<ApiKey> Lock(const Principal& caller, KeyId id) const;
  Result<ApiKey> Unlock(const Principal& caller, KeyId id) const;
  // apikeys:edit. New secret; the old one dies at once or after `grace_seconds` (0..7 days).
  // An earlier grace period still running ends: at most two secrets work.
  Result<IssuedKey> Rotate(const Principal& caller, KeyId id, std::int64_t grace_seconds) const;
  // apikeys:delete.
  Status Delete(const Principal& caller, KeyId id) const;
  // apikeys:delete. All in one unit of work; any forbidden target -> kPermissionDenied and
  // nothing deleted; ids that name no key (whatever their form) -> 404 entries.
  Result<std::vector<BulkDeleteResult>> DeleteMany(const Principal& caller,
                                                   const std::vector<std::string>& ids) const;

  // Issues a key directly, without a caller's permission checks: `keyward admin recover`
  // (caller = Principal::System()). Audited.
  Result<IssuedKey> IssueMasterKey(const Principal& caller, const std::string& name) const;
  // The first-start bootstrap: IssueMasterKey when the store holds no key at all, in the same
  // unit of work as the check, so nodes starting together on one database issue one key; nullopt
  // when there are keys.
  Result<std::optional<IssuedKey>> IssueFirstMasterKey(const Principal& caller,
                                                       const std::string& name) const;
  // Within an existing unit of work, for AccountService (which checks the caller): a key with
  // source "account". Audited as apikey.create by `caller`.
  Result<IssuedKey> IssueAccountToken(UnitOfWork& uow, const Principal& caller,
                                      const AccountTokenInput& input) const;

 private:
  Result<IssuedKey> Insert(UnitOfWork& uow, const Principal& caller, ApiKey key) const;
  // A Master Administrator key named `name` (or "name 2", ... when taken), within `uow`.
  Result<IssuedKey> InsertMasterKey(UnitOfWork& uow, const Principal& caller,
                                    const std::string& name) const;
  Result<ApiKey> Mutate(
      const Principal& caller, KeyId id, std::string_view action,
      const std::function<Status(UnitOfWork&, ApiKey&, std::string&)>& change) const;

  Store& store_;
  const Clock& clock_;
  Random& random_;
  const SecretHasher& hasher_;
  KeyServiceOptions options_;
};

}  // namespace keyward::core
