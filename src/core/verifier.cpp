#include "core/verifier.hpp"

#include "core/json_text.hpp"
#include "core/token.hpp"

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

Result<std::shared_ptr<const KeyEntry>> StoreKeyLookup::Find(std::string_view public_id) {
  std::shared_ptr<const KeyEntry> out;
  Status st = store_.Transact([&](UnitOfWork& uow) -> Status {
    KW_ASSIGN_OR_RETURN(std::optional<ApiKey> key, uow.FindKeyByPublicId(public_id));
    if (!key) return Ok();
    KW_ASSIGN_OR_RETURN(std::optional<Role> role, uow.FindRole(key->role_id));
    auto entry = std::make_shared<KeyEntry>();
    entry->key = std::move(*key);
    // A key whose role vanished holds nothing.
    if (role) entry->permissions = role->permissions;
    out = std::move(entry);
    return Ok();
  });
  if (!st) return st.error();
  return out;
}

Status StoreKeyLookup::RecordFailure(KeyId id, Time now, const LockoutPolicy& policy,
                                     const std::optional<IpAddress>& client) {
  return store_.Transact([&](UnitOfWork& uow) -> Status {
    KW_ASSIGN_OR_RETURN(std::optional<ApiKey> key, uow.FindKey(id));
    if (!key) return Ok();
    const bool locked_now = ApplyFailedAttempt(*key, now, policy);
    KW_RETURN_IF_ERROR(uow.UpdateKey(*key));
    if (locked_now) {
      AuditEvent event;
      event.time = now;
      event.actor = "system";
      event.action = "auth.lockout";
      event.target = "apikey:" + std::to_string(id);
      event.ip = client ? client->ToString() : "";
      event.outcome = "success";
      event.details_json = JsonObject()
                               .Add("failedAttempts", std::int64_t{key->failed_attempts})
                               .Add("lockSeconds", std::int64_t{policy.duration.count()})
                               .str();
      KW_RETURN_IF_ERROR(uow.AppendAudit(event));
    }
    return Ok();
  });
}

void StoreKeyLookup::RecordSuccess(KeyId id, Time now, const std::optional<SecretDigest>& rehash) {
  // Best effort: a lost last-used time must never fail the call that succeeded.
  (void)store_.Transact([&](UnitOfWork& uow) -> Status {
    KW_ASSIGN_OR_RETURN(std::optional<ApiKey> key, uow.FindKey(id));
    if (!key) return Ok();
    key->last_used_at = now;
    key->failed_attempts = 0;
    if (key->locked && key->unlock_at && now >= *key->unlock_at) {
      key->locked = false;
      key->unlock_at.reset();
    }
    if (rehash) key->digest = *rehash;
    return uow.UpdateKey(*key);
  });
}

Verifier::Verifier(KeyLookup& lookup, const SecretHasher& hasher, const Clock& clock,
                   LockoutPolicy policy, FailureThrottle* throttle)
    : lookup_(lookup), hasher_(hasher), clock_(clock), policy_(policy), throttle_(throttle) {}

Verification Verifier::Verify(const VerifyRequest& request) const {
  const Time now = clock_.Now();
  Verification result;
  auto fail = [&](Outcome outcome) {
    if (throttle_ != nullptr && request.client_ip)
      throttle_->RecordFailure(*request.client_ip, now);
    result.outcome = outcome;
    return result;
  };
  if (throttle_ != nullptr && request.client_ip && !throttle_->Allowed(*request.client_ip, now)) {
    result.outcome = Outcome::kRateLimited;
    return result;
  }
  const std::optional<TokenView> token = ParseToken(request.token);
  if (!token) return fail(Outcome::kMalformed);

  Result<std::shared_ptr<const KeyEntry>> found = lookup_.Find(token->public_id);
  if (!found) {
    result.outcome = Outcome::kUnavailable;
    return result;
  }
  std::shared_ptr<const KeyEntry> entry = std::move(found).value();
  if (!entry) {
    hasher_.Burn(token->secret);  // an unknown id costs what a known one does
    return fail(Outcome::kNotFound);
  }

  const ApiKey& key = entry->key;
  bool current_match = hasher_.Matches(key.digest, token->secret);
  bool match = current_match;
  if (!match && key.previous_digest && key.GraceActiveAt(now)) {
    match = hasher_.Matches(*key.previous_digest, token->secret);
  }
  if (!match) {
    // Only attempts from inside the allowlist count, so nobody outside it can lock the key.
    if (AllowlistPermits(key.allowed_ips, request.client_ip)) {
      (void)lookup_.RecordFailure(key.id, now, policy_, request.client_ip);
    }
    return fail(Outcome::kNotFound);
  }

  result.entry = entry;
  if (!key.enabled) {
    result.outcome = Outcome::kDisabled;
  } else if (key.ExpiredAt(now)) {
    result.outcome = Outcome::kExpired;
  } else if (key.LockedOutAt(now)) {
    result.outcome = Outcome::kLockedOut;
  } else if (!AllowlistPermits(key.allowed_ips, request.client_ip)) {
    result.outcome = Outcome::kIpNotAllowed;
  } else {
    result.outcome = Outcome::kValid;
    for (const std::string& p : request.required_permissions) {
      if (!entry->permissions.Has(p)) {
        result.outcome = Outcome::kInsufficientPermissions;
        result.missing_permission = p;
        break;
      }
    }
  }
  if (result.outcome == Outcome::kValid) {
    std::optional<SecretDigest> rehash;
    if (current_match && key.digest.pepper_version != hasher_.peppers().current_version()) {
      rehash = hasher_.Digest(token->secret);  // the pepper rotated: re-make under the new one
    }
    lookup_.RecordSuccess(key.id, now, rehash);
  }
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
  const ApiKey& key = v.entry->key;
  Principal p;
  p.key_id = key.id;
  p.account_id = key.account_id;
  p.actor = "apikey:" + std::to_string(key.id);
  p.permissions = v.entry->permissions;
  p.locale = key.locale;
  p.time_zone = key.time_zone;
  p.ip = client_ip ? client_ip->ToString() : "";
  return p;
}

}  // namespace keyward::core
