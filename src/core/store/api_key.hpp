// ApiKey: one API key as the store keeps it (docs/architecture.md "API key"), and the rules that
// read its state at a moment: status precedence, effective lock, effective failed-attempt count.
// Plain value type; thread-compatible.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/crypto/digest.hpp"
#include "core/locale.hpp"
#include "core/net/ip.hpp"
#include "core/permissions.hpp"
#include "core/text.hpp"

namespace keyward::core {

enum class KeySource { kApi, kConsole, kAccount, kImport };
enum class KeyStatus { kDisabled, kExpired, kLockedOut, kEnabled };

const char* KeySourceName(KeySource source);
std::optional<KeySource> ParseKeySource(std::string_view text);
const char* KeyStatusName(KeyStatus status);
std::optional<KeyStatus> ParseKeyStatus(std::string_view text);

struct ApiKey {
  KeyId id = 0;
  std::string public_id;
  std::string name;
  std::string description;
  RoleId role_id = 0;
  std::string role_name;  // filled on reads by the store; not persisted with the key
  Locale locale = Locale::kEnUs;
  std::string time_zone = "UTC";
  bool enabled = true;
  bool locked = false;             // manual or automatic lock
  std::optional<Time> unlock_at;   // automatic lock ends here; nullopt with locked = manual
  int failed_attempts = 0;         // counted failures since the last success
  std::optional<Time> expires_at;  // set at creation, never changed
  std::vector<Ipv4Range> allowed_ips;
  KeySource source = KeySource::kApi;
  std::optional<AccountId> account_id;
  // An account's token whose account is disabled or has lost API access (console_only): it
  // authenticates nothing and shows as disabled, while its own `enabled` flag is kept.
  bool account_suspended = false;
  Time created_at{};
  std::optional<Time> last_used_at;
  std::optional<Time> secret_rotated_at;
  SecretDigest digest;
  std::optional<SecretDigest> previous_digest;  // during a rotation grace period
  std::optional<Time> previous_digest_until;
  // When the previous secret was last used during the grace period (written behind, like
  // last_used_at); reset by each rotation.
  std::optional<Time> previous_secret_last_used_at;

  // Locked and, for an automatic lock, not yet past unlock_at.
  bool LockedOutAt(Time now) const;
  // failed_attempts, or 0 once an automatic lock has ended.
  int FailedAttemptsAt(Time now) const;
  bool ExpiredAt(Time now) const { return expires_at && now >= *expires_at; }
  // The first that applies of disabled, expired, locked_out, enabled.
  KeyStatus StatusAt(Time now) const;
  // Whether the previous digest still works at `now`.
  bool GraceActiveAt(Time now) const;
  // When the current secret was made: its last rotation, or the key's creation if never rotated.
  Time SecretIssuedAt() const { return secret_rotated_at.value_or(created_at); }
};

// The key `key` holds in the stores' unique key-name index. An ordinary key's is NameKey(name);
// an account's token's is "\x01account:<account id>", which no valid name can equal (names hold
// no control characters), so tokens and ordinary keys never compete for a name
// (docs/accounts.md "Authentication tokens").
std::string KeyNameKey(const ApiKey& key);

}  // namespace keyward::core
