// SessionService: console sign-in (docs/accounts.md "Console sign-in"): email and password in, a
// session out. Passwords are argon2id (PasswordHasher caps how many hashes run at once). Sessions
// live in the store, so any node serves them; only a digest of the cookie value is stored, and the
// CSRF token is derived from the cookie value under the pepper, so it is not stored either. A
// session ends on sign-out, idle and absolute timeouts, a password change or reset, and when its
// account is disabled, deleted or loses console access (AccountService deletes its sessions; this
// checks again on every call).
//
// Wrong passwords are counted per account and client address: after `lockout_threshold` in a row
// that address may not sign into that account until `lockout_duration` has passed or an
// administrator unlocks it. The per-address failure throttle (shared with API keys) bounds how
// fast any address can guess at all. An email that names no account locks after the same number
// of failures from one address, with the same answer, so lockout does not tell which emails
// exist (those counts are kept in memory, per node). A one-time password signs in once. Every
// sign-in, failure, lockout and sign-out is audited.
//
// Thread-safe: holds references to thread-safe collaborators; its own state (the unknown emails'
// failure counts) is guarded by a mutex.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/accounts/account_service.hpp"
#include "core/clock.hpp"
#include "core/crypto/digest.hpp"
#include "core/crypto/password.hpp"
#include "core/net/ip.hpp"
#include "core/principal.hpp"
#include "core/random.hpp"
#include "core/result.hpp"
#include "core/store/store.hpp"
#include "core/verification/verifier.hpp"

namespace keyward::core {

struct SessionOptions {
  Seconds idle = std::chrono::minutes(30);
  Seconds absolute = std::chrono::hours(12);
  int lockout_threshold = 5;  // wrong passwords in a row per account and address; 0 disables
  Seconds lockout_duration = std::chrono::minutes(15);
  // last_seen_at is written at most this often per session (a write per call would not scale).
  Seconds touch_interval = std::chrono::seconds(60);
};

// A sign-in's result: the cookie value (a secret: shown once, never stored) and the CSRF token.
struct SignedIn {
  std::string cookie;
  std::string csrf_token;
  AccountView account;
  PermissionSet permissions;  // of the account's role (empty when the role is gone)
};

// A call authenticated by its session cookie.
struct SessionAuth {
  Principal principal;
  Session session;
  bool must_change_password = false;
  std::string csrf_token;
};

// GET /v1/session.
struct SessionInfo {
  AccountView account;
  PermissionSet permissions;  // of the account's role (empty when the role is gone)
  Session session;
  bool must_change_password = false;
  std::string csrf_token;
  Time idle_expires_at{};
  Time expires_at{};
};

class SessionService {
 public:
  // `throttle` (may be null) is the per-address failure throttle; it must outlive the service.
  SessionService(Store& store, const Clock& clock, Random& random, const SecretHasher& hasher,
                 const PasswordHasher& passwords, SessionOptions options = {},
                 FailureThrottle* throttle = nullptr);

  // kInvalidArgument for a missing field; kUnauthenticated (Msg::kSignInFailed) for a wrong email
  // or password; kPermissionDenied for a disabled or api_only account with the right password;
  // kRateLimited for a locked account/address pair or a throttled address; kUnavailable when no
  // password-hash slot frees up in time.
  Result<SignedIn> SignIn(std::string_view email, std::string_view password,
                          const std::optional<IpAddress>& client) const;
  // The caller behind a session cookie; kUnauthenticated (Msg::kSessionEnded) when it names no
  // live session. `client` is recorded as the principal's address.
  Result<SessionAuth> Authenticate(std::string_view cookie,
                                   const std::optional<IpAddress>& client) const;
  // Whether `presented` is the CSRF token of the session `auth` came from (constant time).
  bool CsrfMatches(const SessionAuth& auth, std::string_view presented) const;
  Result<SessionInfo> Describe(const SessionAuth& auth) const;
  Status SignOut(const SessionAuth& auth) const;
  // The signed-in account changes its own password; ends its other sessions.
  Status ChangePassword(const SessionAuth& auth, std::string_view current_password,
                        std::string_view new_password) const;
  // Deletes sessions past their idle or absolute limit; returns how many.
  Result<int> Sweep() const;

 private:
  std::string CookieDigest(std::string_view cookie) const;
  std::string CsrfFor(std::string_view cookie) const;
  Status RecordWrongPassword(const Account& account, const std::string& ip, Time now) const;
  // SignIn's answer to an email that names no account, or an account without a password: counts
  // the failure (throttle, phantom lockout), audits it against `target` and answers
  // SignInFailed (an Error of the store if the audit fails).
  Error FailUnknownSignIn(std::string_view email, const std::string& ip,
                          const std::optional<IpAddress>& client, Time now,
                          const std::string& target, std::string_view reason) const;
  // SignIn's success: a new session for `account` from `ip`, its failures from there cleared,
  // a one-time password spent, audited.
  Result<SignedIn> OpenSession(const Account& account, const std::string& ip, Time now) const;
  // The lockout of an email that names no account (or no password) from one address, kept so it
  // locks exactly as a real account does: the time its lock ends, if it is locked at `now`.
  std::optional<Time> PhantomLockedUntil(std::string_view email, const std::string& ip,
                                         Time now) const;
  // Counts a failure for such an email; true when this failure locked it.
  bool RecordPhantomFailure(std::string_view email, const std::string& ip, Time now) const;

  Store& store_;
  const Clock& clock_;
  Random& random_;
  const SecretHasher& hasher_;
  const PasswordHasher& passwords_;
  SessionOptions options_;
  FailureThrottle* throttle_;

  struct PhantomFailures {
    int failures = 0;
    std::optional<Time> locked_until;
    Time last_failure{};
  };
  // Keyed by an HMAC of (email key, address): no email is kept. Bounded: see kMaxPhantoms in
  // session_service.cpp.
  mutable std::mutex phantom_mutex_;
  mutable std::unordered_map<std::string, PhantomFailures> phantoms_;
};

}  // namespace keyward::core
