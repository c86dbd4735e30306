#include "core/verification/verifier.hpp"

#include <openssl/crypto.h>

#include "core/crypto/token.hpp"
#include "core/json_text.hpp"
#include "core/store/audit_record.hpp"

namespace keyward::core {

const char* OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kValid:
      return "VALID";
    case Outcome::kMalformed:
      return "MALFORMED";
    case Outcome::kNotFound:
      return "NOT_FOUND";
    case Outcome::kDisabled:
      return "DISABLED";
    case Outcome::kExpired:
      return "EXPIRED";
    case Outcome::kLockedOut:
      return "LOCKED_OUT";
    case Outcome::kIpNotAllowed:
      return "IP_NOT_ALLOWED";
    case Outcome::kInsufficientPermissions:
      return "INSUFFICIENT_PERMISSIONS";
    case Outcome::kRateLimited:
      return "RATE_LIMITED";
    case Outcome::kUnavailable:
      return "UNAVAILABLE";
  }
  return "UNAVAILABLE";
}

bool ApplyFailedAttempt(ApiKey& key, Time now, const LockoutPolicy& policy) {
  if (key.locked && key.unlock_at && now >= *key.unlock_at) {
    // The automatic lock has run out: it ends, and with it the count that caused it.
    key.locked = false;
    key.unlock_at.reset();
    key.failed_attempts = 0;
  }
  if (key.LockedOutAt(now)) return false;  // already locked: nothing more to count
  ++key.failed_attempts;
  if (policy.threshold > 0 && key.failed_attempts >= policy.threshold) {
    key.locked = true;
    key.unlock_at = now + policy.duration;
    return true;
  }
  return false;
}

KeyEntry KeyEntry::From(const ApiKey& key) {
  KeyEntry e;
  e.id = key.id;
  e.public_id = key.public_id;
  e.role_id = key.role_id;
  e.account_id = key.account_id;
  e.name = key.name;
  e.locale = key.locale;
  e.time_zone = key.time_zone;
  e.enabled = key.enabled && !key.account_suspended;  // a suspended account token is disabled
  e.locked = key.locked;
  e.failed_attempts = key.failed_attempts;
  e.unlock_at = key.unlock_at;
  e.expires_at = key.expires_at;
  e.digest = key.digest;
  e.previous_digest = key.previous_digest;
  e.previous_digest_until = key.previous_digest_until;
  if (!key.allowed_ips.empty()) {
    e.allowed_ips = std::make_shared<const std::vector<Ipv4Range>>(key.allowed_ips);
  }
  return e;
}

bool FailureWritesAtOnce(const KeyEntry& key, Time now) { return !key.LockedOutAt(now); }

bool SuccessWritesAtOnce(const KeyEntry& key, Time now, bool rehash) {
  const bool auto_lock_over = key.locked && key.unlock_at && now >= *key.unlock_at;
  return key.failed_attempts > 0 || auto_lock_over || rehash;
}

Status StoreFailedAttempt(Store& store, KeyId id, Time now, const LockoutPolicy& policy,
                          const std::optional<IpAddress>& client) {
  return store.Transact([&](UnitOfWork& uow) -> Status {
    KW_ASSIGN_OR_RETURN(std::optional<ApiKey> key, uow.FindKey(id));
    if (!key) return Ok();
    const bool locked_now = ApplyFailedAttempt(*key, now, policy);
    KW_RETURN_IF_ERROR(uow.UpdateKey(*key));
    if (!locked_now) return Ok();
    return AppendAuditRecord(uow, "system", client ? client->ToString() : "", now, "auth.lockout",
                             KeyTarget(id), "success",
                             JsonObject()
                                 .Add("failedAttempts", std::int64_t{key->failed_attempts})
                                 .Add("lockSeconds", std::int64_t{policy.duration.count()})
                                 .str());
  });
}

Status StoreSuccessfulUse(Store& store, const KeyEntry& used, Time now, bool previous_secret,
                          const std::optional<SecretDigest>& rehash) {
  return store.Transact([&](UnitOfWork& uow) -> Status {
    KW_ASSIGN_OR_RETURN(std::optional<ApiKey> key, uow.FindKey(used.id));
    if (!key) return Ok();
    key->last_used_at = now;
    if (previous_secret) key->previous_secret_last_used_at = now;
    key->failed_attempts = 0;
    if (key->locked && key->unlock_at && now >= *key->unlock_at) {
      key->locked = false;
      key->unlock_at.reset();
    }
    if (rehash && key->digest == used.digest) key->digest = *rehash;
    return uow.UpdateKey(*key);
  });
}

Result<bool> StoreKeyLookup::Find(std::string_view public_id, KeyEntry& out) {
  bool found = false;
  Status st = store_.Transact([&](UnitOfWork& uow) -> Status {
    KW_ASSIGN_OR_RETURN(std::optional<ApiKey> key, uow.FindKeyByPublicId(public_id));
    if (!key) return Ok();
    out = KeyEntry::From(*key);
    found = true;
    return Ok();
  });
  if (!st) return st.error();
  return found;
}

std::shared_ptr<const RoleEntry> StoreKeyLookup::Role(RoleId id) {
  std::shared_ptr<const RoleEntry> out;
  (void)store_.Transact([&](UnitOfWork& uow) -> Status {
    KW_ASSIGN_OR_RETURN(std::optional<core::Role> role, uow.FindRole(id));
    if (role)
      out = std::make_shared<const RoleEntry>(RoleEntry{role->id, role->name, role->permissions});
    return Ok();
  });
  return out;
}

void StoreKeyLookup::RecordFailure(const KeyEntry& key, Time now, const LockoutPolicy& policy,
                                   const std::optional<IpAddress>& client) {
  // Best effort: the caller is answered NOT_FOUND whether or not the count could be written.
  (void)StoreFailedAttempt(store_, key.id, now, policy, client);
}

void StoreKeyLookup::RecordSuccess(const KeyEntry& key, Time now, bool previous_secret,
                                   const std::optional<SecretDigest>& rehash) {
  // Best effort: a lost last-used time must never fail the call that succeeded.
  (void)StoreSuccessfulUse(store_, key, now, previous_secret, rehash);
}

Verifier::Verifier(KeyLookup& lookup, const SecretHasher& hasher, const Clock& clock,
                   LockoutPolicy policy, FailureThrottle* throttle, AuthEventSink* auth_events)
    : lookup_(lookup),
      hasher_(hasher),
      clock_(clock),
      policy_(policy),
      throttle_(throttle),
      auth_events_(auth_events) {}

namespace {

// The answer to a request that must wait for a store write its caller cannot wait for.
Verification Deferred() {
  Verification v;
  v.outcome = Outcome::kUnavailable;
  v.deferred = true;
  return v;
}

// Verify's first check: RATE_LIMITED when `throttle` (may be null) holds back the request's client
// address. Then sets `result` (outcome, retry_after_seconds), reports the failure to
// `auth_events` (may be null) with the public id the token names, if any, and answers true.
// False when the request may go on.
bool HeldBack(FailureThrottle* throttle, AuthEventSink* auth_events, const VerifyRequest& request,
              Time now, Verification& result) {
  if (throttle == nullptr || !request.client_ip ||
      throttle->Allowed(request.budget, *request.client_ip, now)) {
    return false;
  }
  result.outcome = Outcome::kRateLimited;
  result.retry_after_seconds = throttle->RetryAfterSeconds(request.budget, *request.client_ip, now);
  if (auth_events != nullptr) {
    const std::optional<TokenView> presented = ParseToken(request.token);
    auth_events->Failed(result.outcome, nullptr,
                        presented ? presented->public_id : std::string_view(), request.client_ip,
                        now);
  }
  return true;
}

// The outcome for `key`, whose secret matched, with result.role set: the first of DISABLED,
// EXPIRED, LOCKED_OUT, IP_NOT_ALLOWED and INSUFFICIENT_PERMISSIONS (with missing_permission, the
// first permission of the request the role lacks) that holds, in that order; else VALID.
void DecideOutcome(const KeyEntry& key, const VerifyRequest& request, Time now,
                   Verification& result) {
  if (!key.enabled) {
    result.outcome = Outcome::kDisabled;
  } else if (key.ExpiredAt(now)) {
    result.outcome = Outcome::kExpired;
  } else if (key.LockedOutAt(now)) {
    result.outcome = Outcome::kLockedOut;
  } else if (!key.Permits(request.client_ip)) {
    result.outcome = Outcome::kIpNotAllowed;
  } else {
    result.outcome = Outcome::kValid;
    for (const std::string_view p : request.required_permissions) {
      if (result.role == nullptr || !result.role->permissions.Has(p)) {
        result.outcome = Outcome::kInsufficientPermissions;
        result.missing_permission = std::string(p);
        break;
      }
    }
  }
}

// A MAC wiped when it goes out of scope, as SecretHasher::Matches wipes its own.
struct WipedMac {
  Mac bytes{};
  WipedMac() = default;
  WipedMac(const WipedMac&) = delete;
  WipedMac& operator=(const WipedMac&) = delete;
  ~WipedMac() { OPENSSL_cleanse(bytes.data(), bytes.size()); }
};

}  // namespace

Verification Verifier::Verify(const VerifyRequest& request) const {
  const Time now = clock_.Now();
  Verification result;
  auto report = [&](Outcome outcome, const KeyEntry* key, std::string_view public_id) {
    if (auth_events_ != nullptr)
      auth_events_->Failed(outcome, key, public_id, request.client_ip, now);
  };
  auto fail = [&](Outcome outcome, const KeyEntry* key, std::string_view public_id) {
    if (throttle_ != nullptr && request.client_ip)
      throttle_->RecordFailure(request.budget, *request.client_ip, now);
    report(outcome, key, public_id);
    result.outcome = outcome;
    return result;
  };
  // The lookup's memory is requested in two steps, each overlapping the chain's own work: where
  // the id would be, before the throttle and the token's checks; the key itself before the HMAC.
  // Neither has an effect a caller could see.
  const std::string_view unchecked_id = UncheckedPublicId(request.token);
  const KeyLookup::IdHint hint = unchecked_id.empty() ? 0 : lookup_.Prefetch(unchecked_id);
  if (HeldBack(throttle_, auth_events_, request, now, result)) return result;
  const std::optional<TokenView> token = ParseToken(request.token);
  if (!token) return fail(Outcome::kMalformed, nullptr, {});

  // One HMAC under the current pepper, before the lookup and whatever it finds: an unknown id
  // pays exactly what a known one does.
  lookup_.PrefetchKey(hint);
  const std::uint32_t current_version = hasher_.peppers().current_version();
  WipedMac wiped;
  const Mac& mac = wiped.bytes;
  const bool mac_made = hasher_.Compute(current_version, token->secret, wiped.bytes);
  // Whether `digest` is the presented secret's: compared with the MAC above when made under the
  // current pepper, else computed under its own version; constant time either way.
  auto matches = [&](const SecretDigest& digest) {
    if (digest.pepper_version == current_version) {
      return mac_made && ConstantTimeEqual(mac, digest.mac);
    }
    return hasher_.Matches(digest, token->secret);
  };

  KeyEntry key;
  Result<bool> found = lookup_.FindHinted(token->public_id, hint, key);
  if (!found) {
    result.outcome = Outcome::kUnavailable;
    return result;
  }
  if (!*found) return fail(Outcome::kNotFound, nullptr, token->public_id);

  const bool current_match = matches(key.digest);
  bool match = current_match;
  if (!match && key.GraceActiveAt(now)) match = matches(*key.previous_digest);
  if (!match) {
    // Only attempts from inside the allowlist count, so nobody outside it can lock the key.
    if (key.Permits(request.client_ip)) {
      if (!request.may_wait && FailureWritesAtOnce(key, now)) return Deferred();
      lookup_.RecordFailure(key, now, policy_, request.client_ip);
    }
    return fail(Outcome::kNotFound, &key, token->public_id);
  }

  result.role = lookup_.Role(key.role_id);
  DecideOutcome(key, request, now, result);
  if (result.outcome == Outcome::kValid) {
    const bool needs_rehash = current_match && key.digest.pepper_version != current_version;
    if (!request.may_wait && SuccessWritesAtOnce(key, now, needs_rehash)) return Deferred();
    std::optional<SecretDigest> rehash;
    if (needs_rehash) {
      // The pepper rotated: re-make under the new one (the MAC above, when it could be made).
      rehash = mac_made ? SecretDigest{current_version, mac} : hasher_.Digest(token->secret);
    }
    lookup_.RecordSuccess(key, now, !current_match, rehash);
  } else {
    report(result.outcome, &key, token->public_id);
  }
  result.key = std::move(key);
  return result;
}

Result<Principal> Authenticate(const Verifier& verifier, std::string_view token,
                               const std::optional<IpAddress>& client_ip) {
  VerifyRequest request;
  request.token = token;
  request.client_ip = client_ip;
  const Verification v = verifier.Verify(request);
  switch (v.outcome) {
    case Outcome::kValid:
      break;
    case Outcome::kIpNotAllowed:
      return MakeError(ErrorCode::kPermissionDenied, Msg::kIpNotAllowed,
                       {client_ip ? client_ip->ToString() : "an unknown address"});
    case Outcome::kRateLimited:
      return MakeError(ErrorCode::kRateLimited, Msg::kRateLimited);
    case Outcome::kUnavailable:
      return Unavailable("key lookup failed");
    default:
      return MakeError(ErrorCode::kUnauthenticated, Msg::kUnauthenticated);
  }
  const KeyEntry& key = *v.key;
  Principal p;
  p.key_id = key.id;
  p.account_id = key.account_id;
  p.actor = KeyTarget(key.id);
  if (v.role != nullptr) p.permissions = v.role->permissions;
  p.locale = key.locale;
  p.time_zone = key.time_zone;
  p.ip = client_ip ? client_ip->ToString() : "";
  return p;
}

}  // namespace keyward::core
