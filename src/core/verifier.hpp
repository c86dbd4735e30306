// The verification chain (DESIGN.md "The verification chain"): the one function that decides
// whether a presented token may act. Every surface uses it: management calls, POST
// /v1/keys/verify and the forward-auth endpoint.
//
// It reads keys through KeyLookup, a port the store backs today and an in-memory index will back
// later, so the chain itself never changes. Thread-safe when its collaborators are.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/api_key.hpp"
#include "core/clock.hpp"
#include "core/digest.hpp"
#include "core/ip.hpp"
#include "core/permissions.hpp"
#include "core/principal.hpp"
#include "core/result.hpp"
#include "core/store.hpp"

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

// A key as the chain sees it: the key and its role's permissions.
struct KeyEntry {
  ApiKey key;
  PermissionSet permissions;
};

// Where the chain reads keys and records what happened to them.
class KeyLookup {
 public:
  virtual ~KeyLookup() = default;
  // The key with `public_id`, or nullptr. kUnavailable when the source cannot answer.
  virtual Result<std::shared_ptr<const KeyEntry>> Find(std::string_view public_id) = 0;
  // Counts a failed attempt on key `id` atomically (ApplyFailedAttempt inside one unit of work,
  // so lockout is exact across nodes); audits a lockout.
  virtual Status RecordFailure(KeyId id, Time now, const LockoutPolicy& policy,
                               const std::optional<IpAddress>& client) = 0;
  // Records a successful use: last-used time, failed attempts back to 0 and, when given, a digest
  // re-made under the current pepper. May be written behind.
  virtual void RecordSuccess(KeyId id, Time now, const std::optional<SecretDigest>& rehash) = 0;
};

// KeyLookup over the store: every call is a unit of work. Correct, not fast; the in-memory index
// replaces it on the hot path.
class StoreKeyLookup final : public KeyLookup {
 public:
  explicit StoreKeyLookup(Store& store) : store_(store) {}
  Result<std::shared_ptr<const KeyEntry>> Find(std::string_view public_id) override;
  Status RecordFailure(KeyId id, Time now, const LockoutPolicy& policy,
                       const std::optional<IpAddress>& client) override;
  void RecordSuccess(KeyId id, Time now, const std::optional<SecretDigest>& rehash) override;

 private:
  Store& store_;
};

// The per-client-IP throttle seam (the verification issue provides the bounded implementation).
class FailureThrottle {
 public:
  virtual ~FailureThrottle() = default;
  // Whether `client` is still within its failure budget at `now`.
  virtual bool Allowed(const IpAddress& client, Time now) = 0;
  virtual void RecordFailure(const IpAddress& client, Time now) = 0;
};

struct VerifyRequest {
  std::string_view token;
  std::optional<IpAddress> client_ip;
  std::vector<std::string> required_permissions;  // all required
};

struct Verification {
  Outcome outcome = Outcome::kMalformed;
  // Present once the secret matched (never for MALFORMED, NOT_FOUND, RATE_LIMITED).
  std::shared_ptr<const KeyEntry> entry;
  std::string missing_permission;  // for INSUFFICIENT_PERMISSIONS
};

class Verifier {
 public:
  Verifier(KeyLookup& lookup, const SecretHasher& hasher, const Clock& clock,
           LockoutPolicy policy = {}, FailureThrottle* throttle = nullptr);

  Verification Verify(const VerifyRequest& request) const;

 private:
  KeyLookup& lookup_;
  const SecretHasher& hasher_;
  const Clock& clock_;
  LockoutPolicy policy_;
  FailureThrottle* throttle_;
};

// Authenticates a management call: VALID -> the Principal; IP_NOT_ALLOWED -> kPermissionDenied;
// RATE_LIMITED -> kRateLimited; UNAVAILABLE -> kUnavailable; every other outcome ->
// kUnauthenticated ("invalid or missing API key").
Result<Principal> Authenticate(const Verifier& verifier, std::string_view token,
                               const std::optional<IpAddress>& client_ip);

}  // namespace keyward::core
