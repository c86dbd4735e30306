// The verification chain (docs/architecture.md "The verification chain"): the one function that
// decides whether a presented token may act. Every surface uses it: management calls, POST
// /v1/keys/verify and the forward-auth endpoint.
//
// It reads keys through KeyLookup, a port that the in-memory KeyIndex (key_index.hpp) backs in
// the server and StoreKeyLookup backs over a store, so the chain itself never changes. Thread-safe
// when its collaborators are.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/crypto/digest.hpp"
#include "core/net/ip.hpp"
#include "core/permissions.hpp"
#include "core/principal.hpp"
#include "core/result.hpp"
#include "core/store/api_key.hpp"
#include "core/store/store.hpp"

namespace keyward::core {

enum class Outcome {
  kValid,
  kMalformed,
  kNotFound,
  kDisabled,
  kExpired,
  kLockedOut,
  kIpNotAllowed,
  kInsufficientPermissions,
  kRateLimited,
  kUnavailable,
};

// "VALID", "MALFORMED", ... as on the wire.
const char* OutcomeName(Outcome outcome);

struct LockoutPolicy {
  int threshold = 5;                            // counted failures in a row; 0 disables lockout
  Seconds duration = std::chrono::minutes(15);  // how long an automatic lock lasts
};

// Applies one counted failed attempt to `key` at `now`: an automatic lock that has ended is
// cleared first; the counter grows; at `threshold` the key locks until now + duration.
// Returns true when this attempt locked the key.
bool ApplyFailedAttempt(ApiKey& key, Time now, const LockoutPolicy& policy);

// A key as the chain sees it: what verification and its answers need, copied out of the lookup
// (the in-memory index keeps a more compact form). No secret, only digests.
struct KeyEntry {
  KeyId id = 0;
  std::string public_id;
  RoleId role_id = 0;
  std::optional<AccountId> account_id;
  std::string name;
  Locale locale = Locale::kEnUs;
  std::string time_zone = "UTC";
  bool enabled = true;
  bool locked = false;
  int failed_attempts = 0;
  std::optional<Time> unlock_at;
  std::optional<Time> expires_at;
  SecretDigest digest;
  std::optional<SecretDigest> previous_digest;
  std::optional<Time> previous_digest_until;
  // Shared and immutable; null means an empty allowlist (anyone).
  std::shared_ptr<const std::vector<Ipv4Range>> allowed_ips;

  static KeyEntry From(const ApiKey& key);
  bool LockedOutAt(Time now) const { return locked && (!unlock_at || now < *unlock_at); }
  bool ExpiredAt(Time now) const { return expires_at && now >= *expires_at; }
  bool GraceActiveAt(Time now) const {
    return previous_digest && previous_digest_until && now < *previous_digest_until;
  }
  bool Permits(const std::optional<IpAddress>& client) const {
    return !allowed_ips || AllowlistPermits(*allowed_ips, client);
  }
};

// A role as the chain sees it. Immutable once published.
struct RoleEntry {
  RoleId id = 0;
  std::string name;
  PermissionSet permissions;
};

// Where the chain reads keys and records what happened to them. Implementations: StoreKeyLookup
// (every call a unit of work) and KeyIndex (in memory, never waits for the store).
class KeyLookup {
 public:
  virtual ~KeyLookup() = default;
  // Copies the key with `public_id` into `out`: true if found, false if not. kUnavailable when
  // the source cannot answer (a store outage, or an index past its staleness limit).
  virtual Result<bool> Find(std::string_view public_id, KeyEntry& out) = 0;

  // What a lookup makes of a public id once (KeyIndex: its hash), handed back on the same id's
  // later calls so it is not made again. Opaque to the caller.
  using IdHint = std::uint64_t;
  // Hints that Find(public_id) follows soon, given as early as the chain can, so that an
  // in-memory lookup's cache misses overlap the chain's own work. They change nothing that any
  // call returns, and do nothing by default.
  // First, when the id is known but the token not yet checked: start loading where it would be.
  virtual IdHint Prefetch(std::string_view public_id) {
    static_cast<void>(public_id);
    return 0;
  }
  // Later, once that has had time to arrive: start loading the key itself.
  virtual void PrefetchKey(IdHint hint) { static_cast<void>(hint); }
  // Find, given the hint Prefetch returned for the same id.
  virtual Result<bool> FindHinted(std::string_view public_id, IdHint hint, KeyEntry& out) {
    static_cast<void>(hint);
    return Find(public_id, out);
  }

  // The role `id`, or null when there is none (a key whose role vanished holds nothing).
  virtual std::shared_ptr<const RoleEntry> Role(RoleId id) = 0;
  // Counts a failed attempt on `key` (ApplyFailedAttempt on the stored key inside one unit of
  // work, so lockout is exact across nodes); audits a lockout. May be written behind, in order.
  virtual void RecordFailure(const KeyEntry& key, Time now, const LockoutPolicy& policy,
                             const std::optional<IpAddress>& client) = 0;
  // Records a successful use of `key`: last-used time (and the previous secret's, when
  // `previous_secret` matched rather than the current one), failed attempts back to 0 and, when
  // given, a digest re-made under the current pepper. May be written behind.
  virtual void RecordSuccess(const KeyEntry& key, Time now, bool previous_secret,
                             const std::optional<SecretDigest>& rehash) = 0;
};

// Which recorded uses the store must write at once (the one rule of it: the in-memory KeyIndex
// records by it, and the Verifier defers by it a request whose caller cannot wait). Everything
// else a use records (a last-used time) may be written behind.
// A counted failed attempt on `key` (one from inside its allowlist) is written at once unless the
// key is already locked out at `now`: then there is nothing more to count.
bool FailureWritesAtOnce(const KeyEntry& key, Time now);
// A successful use of `key` is written at once when it resets a failure count, ends an automatic
// lock that has run out, or carries a digest re-made under a new pepper (`rehash`), so that it
// can never land after a later failure's count.
bool SuccessWritesAtOnce(const KeyEntry& key, Time now, bool rehash);

// The store-side halves of RecordFailure / RecordSuccess, shared by every KeyLookup: each runs
// one unit of work on the stored key.
Status StoreFailedAttempt(Store& store, KeyId id, Time now, const LockoutPolicy& policy,
                          const std::optional<IpAddress>& client);
// A `rehash` replaces the stored digest only while it is still `key.digest`, the one the secret
// matched: a rotation of the key committed in between keeps its new secret.
Status StoreSuccessfulUse(Store& store, const KeyEntry& key, Time now, bool previous_secret,
                          const std::optional<SecretDigest>& rehash);

// KeyLookup over the store: every call is a unit of work. Correct, not fast; the in-memory index
// replaces it on the hot path.
class StoreKeyLookup final : public KeyLookup {
 public:
  explicit StoreKeyLookup(Store& store) : store_(store) {}
  Result<bool> Find(std::string_view public_id, KeyEntry& out) override;
  std::shared_ptr<const RoleEntry> Role(RoleId id) override;
  void RecordFailure(const KeyEntry& key, Time now, const LockoutPolicy& policy,
                     const std::optional<IpAddress>& client) override;
  void RecordSuccess(const KeyEntry& key, Time now, bool previous_secret,
                     const std::optional<SecretDigest>& rehash) override;

 private:
  Store& store_;
};

// The two failure budgets an address has (docs/architecture.md "The verification chain", step 1),
// kept apart so that junk presented on behalf of end clients never locks a gateway out of its own
// calls (docs/gateways.md "Passing the end client's address").
enum class ThrottleBudget {
  // The address's own authentication: management calls, forward-auth, console sign-in.
  kOwnAuthentication,
  // Keys presented to POST /v1/keys/verify, counted against the end client's address; refuses
  // only verifications for that address.
  kPresentedKeys,
};

// The per-client-IP throttle seam: one budget per (budget kind, address).
class FailureThrottle {
 public:
  virtual ~FailureThrottle() = default;
  // Whether `client` is still within its `budget` at `now`.
  virtual bool Allowed(ThrottleBudget budget, const IpAddress& client, Time now) = 0;
  virtual void RecordFailure(ThrottleBudget budget, const IpAddress& client, Time now) = 0;
  // Seconds until a refused `client` may try again on `budget`.
  virtual std::int64_t RetryAfterSeconds(ThrottleBudget budget, const IpAddress& client,
                                         Time now) const = 0;
};

// Where the chain reports failed verifications, for the audit trail's auth.failure events
// (AuthFailureRecorder). Called on the verifying thread for every outcome but VALID and
// UNAVAILABLE: implementations must be thread-safe and must not block.
class AuthEventSink {
 public:
  virtual ~AuthEventSink() = default;
  // `key_or_null`: the key the token named when there is one (its secret may still have been
  // wrong: NOT_FOUND); valid only during the call. `public_id`: the token's public id once the
  // token parsed, else empty. Never the secret.
  virtual void Failed(Outcome outcome, const KeyEntry* key_or_null, std::string_view public_id,
                      const std::optional<IpAddress>& client, Time now) = 0;
};

struct VerifyRequest {
  std::string_view token;
  std::optional<IpAddress> client_ip;
  std::span<const std::string_view> required_permissions;  // all required; caller owns them
  // Whose budget a failure counts against: the presenter's own, or (for POST /v1/keys/verify)
  // the end client's verification budget.
  ThrottleBudget budget = ThrottleBudget::kOwnAuthentication;
  // False when the caller must not wait for the store (an I/O thread answering inline): a request
  // whose outcome the store must write at once (FailureWritesAtOnce, SuccessWritesAtOnce) is
  // then answered Verification::deferred, with nothing done, for the caller to verify again
  // where it may wait.
  bool may_wait = true;
};

struct Verification {
  Outcome outcome = Outcome::kMalformed;
  // Present once the secret matched (never for MALFORMED, NOT_FOUND, RATE_LIMITED, UNAVAILABLE).
  std::optional<KeyEntry> key;
  std::shared_ptr<const RoleEntry> role;  // the key's role, with `key`; may be null
  std::string missing_permission;         // for INSUFFICIENT_PERMISSIONS
  std::int64_t retry_after_seconds = 0;   // for RATE_LIMITED
  // Set only when VerifyRequest::may_wait was false and the outcome must be written to the store
  // at once: nothing was counted, recorded or reported (outcome UNAVAILABLE, so that a caller
  // that ignores the flag fails closed). Verify the request again with may_wait.
  bool deferred = false;
};

class Verifier {
 public:
  // `auth_events` (may be null) must outlive the verifier.
  Verifier(KeyLookup& lookup, const SecretHasher& hasher, const Clock& clock,
           LockoutPolicy policy = {}, FailureThrottle* throttle = nullptr,
           AuthEventSink* auth_events = nullptr);

  Verification Verify(const VerifyRequest& request) const;

 private:
  KeyLookup& lookup_;
  const SecretHasher& hasher_;
  const Clock& clock_;
  LockoutPolicy policy_;
  FailureThrottle* throttle_;
  AuthEventSink* auth_events_;
};

// Authenticates a management call: VALID -> the Principal; IP_NOT_ALLOWED -> kPermissionDenied;
// RATE_LIMITED -> kRateLimited; UNAVAILABLE -> kUnavailable; every other outcome ->
// kUnauthenticated ("invalid or missing API key").
Result<Principal> Authenticate(const Verifier& verifier, std::string_view token,
                               const std::optional<IpAddress>& client_ip);

}  // namespace keyward::core
