#include "core/accounts/session_service.hpp"

#include <chrono>
#include <mutex>
#include <unordered_map>

#include "core/crypto/token.hpp"
#include "core/json_text.hpp"
#include "core/roles/role_rules.hpp"
#include "core/store/audit_record.hpp"
#include "core/time_zone.hpp"

namespace keyward::core {
namespace {

constexpr std::string_view kAnonymous = "anonymous";
constexpr std::size_t kMaxPasswordBytes = 4096;  // longer is wrong anyway; do not hash megabytes
// Unknown (email, address) pairs whose failures are remembered; past it, the stale ones go first.
constexpr std::size_t kMaxPhantoms = 65536;
// A remembered pair with no failure for this long (and no lock) is forgotten.
constexpr Seconds kPhantomMemory = std::chrono::hours(24);

std::string IpText(const std::optional<IpAddress>& client) {
  return client ? client->ToString() : std::string();
}

// Where the failures of an unknown (email, address) pair are counted: an HMAC, so the table holds
// no email, whatever was typed.
std::string PhantomKey(const SecretHasher& hasher, std::string_view email, const std::string& ip) {
  return HexEncode(hasher.Digest("keyward sign-in " + EmailKey(email) + "\n" + ip).mac);
}

Error SignInFailed() { return MakeError(ErrorCode::kUnauthenticated, Msg::kSignInFailed); }
Error SessionEnded() { return MakeError(ErrorCode::kUnauthenticated, Msg::kSessionEnded); }

// The account an email names (if any) and its sign-in failures from `ip`.
struct SignInCandidate {
  std::optional<Account> account;
  SignInFailures failures;
};

Result<SignInCandidate> FindSignInCandidate(Store& store, std::string_view email,
                                            const std::string& ip) {
  return TransactValue<SignInCandidate>(store, [&](UnitOfWork& uow) -> Result<SignInCandidate> {
    SignInCandidate f;
    KW_ASSIGN_OR_RETURN(f.account, uow.FindAccountByEmailKey(EmailKey(email)));
    if (f.account) {
      KW_ASSIGN_OR_RETURN(f.failures, uow.GetSignInFailures(f.account->id, ip));
    }
    return f;
  });
}

// Audits a sign-in to account `id` refused although its password was right, for `reason`.
Status AuditRefusedSignIn(Store& store, AccountId id, const std::string& ip, Time now,
                          std::string_view reason) {
  JsonObject details;
  details.Add("reason", reason);
  return store.Transact([&](UnitOfWork& uow) {
    return AppendAuditRecord(uow, kAnonymous, ip, now, "session.failure", AccountTarget(id),
                             "failure", details.str());
  });
}

}  // namespace

SessionService::SessionService(Store& store, const Clock& clock, Random& random,
                               const SecretHasher& hasher, const PasswordHasher& passwords,
                               SessionOptions options, FailureThrottle* throttle)
    : store_(store),
      clock_(clock),
      random_(random),
      hasher_(hasher),
      passwords_(passwords),
      options_(options),
      throttle_(throttle) {}

std::string SessionService::CookieDigest(std::string_view cookie) const {
  return HexEncode(hasher_.Digest("keyward session " + std::string(cookie)).mac);
}

std::string SessionService::CsrfFor(std::string_view cookie) const {
  return HexEncode(hasher_.Digest("keyward csrf " + std::string(cookie)).mac);
}

std::optional<Time> SessionService::PhantomLockedUntil(std::string_view email,
                                                       const std::string& ip, Time now) const {
  const std::string key = PhantomKey(hasher_, email, ip);
  std::lock_guard lock(phantom_mutex_);
  const auto it = phantoms_.find(key);
  if (it == phantoms_.end() || !it->second.locked_until || now >= *it->second.locked_until) {
    return std::nullopt;
  }
  return it->second.locked_until;
}

bool SessionService::RecordPhantomFailure(std::string_view email, const std::string& ip,
                                          Time now) const {
  const std::string key = PhantomKey(hasher_, email, ip);
  std::lock_guard lock(phantom_mutex_);
  if (phantoms_.size() >= kMaxPhantoms && !phantoms_.contains(key)) {
    std::erase_if(phantoms_, [&](const auto& entry) {
      const PhantomFailures& f = entry.second;
      const bool lock_over = !f.locked_until || now >= *f.locked_until;
      return lock_over && now - f.last_failure >= kPhantomMemory;
    });
    // Still full of live entries: a flood of distinct emails. Forgetting them all costs an
    // attacker nothing it could not get by waiting; keeping memory bounded matters more.
    if (phantoms_.size() >= kMaxPhantoms) phantoms_.clear();
  }
  // The same rule RecordWrongPassword applies to a real account's (account, address) pair.
  PhantomFailures& failures = phantoms_[key];
  if (failures.locked_until && now >= *failures.locked_until) failures = PhantomFailures{};
  ++failures.failures;
  failures.last_failure = now;
  const bool locks =
      options_.lockout_threshold > 0 && failures.failures >= options_.lockout_threshold;
  if (locks) failures.locked_until = now + options_.lockout_duration;
  return locks;
}

Status SessionService::RecordWrongPassword(const Account& account, const std::string& ip,
                                           Time now) const {
  return store_.Transact([&](UnitOfWork& uow) -> Status {
    KW_ASSIGN_OR_RETURN(SignInFailures failures, uow.GetSignInFailures(account.id, ip));
    if (failures.locked_until && now >= *failures.locked_until) failures = SignInFailures{};
    ++failures.failures;
    const bool locks =
        options_.lockout_threshold > 0 && failures.failures >= options_.lockout_threshold;
    if (locks) failures.locked_until = now + options_.lockout_duration;
    KW_RETURN_IF_ERROR(uow.PutSignInFailures(account.id, ip, failures));
    JsonObject details;
    details.Add("reason", "wrong_password").Add("failures", std::int64_t{failures.failures});
    KW_RETURN_IF_ERROR(AppendAuditRecord(uow, kAnonymous, ip, now, "session.failure",
                                         AccountTarget(account.id), "failure", details.str()));
    if (!locks) return Ok();
    JsonObject lock;
    lock.Add("unlockAt", FormatTime(*failures.locked_until, "UTC")).Add("scope", "sign-in");
    return AppendAuditRecord(uow, "system", ip, now, "auth.lockout", AccountTarget(account.id),
                             "success", lock.str());
  });
}

Result<SignedIn> SessionService::SignIn(std::string_view email, std::string_view password,
                                        const std::optional<IpAddress>& client) const {
  if (email.empty()) return InvalidArgument(Msg::kRequired, "email", {"email"});
  if (password.empty()) return InvalidArgument(Msg::kRequired, "password", {"password"});
  const Time now = clock_.Now();
  const std::string ip = IpText(client);
  if (throttle_ != nullptr && client &&
      !throttle_->Allowed(ThrottleBudget::kOwnAuthentication, *client, now)) {
    return MakeError(ErrorCode::kRateLimited, Msg::kRateLimited);
  }
  KW_ASSIGN_OR_RETURN(SignInCandidate found, FindSignInCandidate(store_, email, ip));
  const std::string target =
      found.account ? AccountTarget(found.account->id) : std::string("account:unknown");
  // A sign-in lock reads the same whether or not the email names an account: the same status and
  // message, the unlock time in UTC (an account's own zone would tell it exists), no hashing.
  const auto locked = [&](Time until) -> Error {
    return MakeError(ErrorCode::kRateLimited, Msg::kSignInLocked, {FormatTime(until, "UTC")});
  };
  const bool real_password = found.account && !found.account->password_hash.empty();
  if (!real_password) {
    if (const std::optional<Time> until = PhantomLockedUntil(email, ip, now)) {
      return locked(*until);
    }
  }
  if (!real_password || password.size() > kMaxPasswordBytes) {
    // The same work as a real check, so timing does not tell whether the email exists.
    if (!passwords_.BurnVerify(password.substr(0, kMaxPasswordBytes))) {
      return MakeError(ErrorCode::kUnavailable, Msg::kBusy);
    }
    return FailUnknownSignIn(email, ip, client, now, target,
                             found.account ? "no_password" : "unknown_email");
  }
  const Account& account = *found.account;
  if (found.failures.locked_until && now < *found.failures.locked_until) {
    return locked(*found.failures.locked_until);
  }
  KW_ASSIGN_OR_RETURN(const bool right, passwords_.Verify(account.password_hash, password));
  if (!right) {
    if (throttle_ != nullptr && client) {
      throttle_->RecordFailure(ThrottleBudget::kOwnAuthentication, *client, now);
    }
    KW_RETURN_IF_ERROR(RecordWrongPassword(account, ip, now));
    return SignInFailed();
  }
  if (account.must_change_password && account.one_time_password_used) {
    // A one-time password signs in once; after that only a change (from the session it opened)
    // or a new reset helps. Answered as a wrong password: it is no password any more.
    KW_RETURN_IF_ERROR(AuditRefusedSignIn(store_, account.id, ip, now, "one_time_password_used"));
    return SignInFailed();
  }
  if (!account.enabled || !HasConsoleAccess(account.access_level)) {
    const bool disabled = !account.enabled;
    KW_RETURN_IF_ERROR(
        AuditRefusedSignIn(store_, account.id, ip, now, disabled ? "disabled" : "api_only"));
    return MakeError(ErrorCode::kPermissionDenied,
                     disabled ? Msg::kSignInDisabled : Msg::kSignInApiOnly);
  }
  return OpenSession(account, ip, now);
}

Error SessionService::FailUnknownSignIn(std::string_view email, const std::string& ip,
                                        const std::optional<IpAddress>& client, Time now,
                                        const std::string& target, std::string_view reason) const {
  if (throttle_ != nullptr && client) {
    throttle_->RecordFailure(ThrottleBudget::kOwnAuthentication, *client, now);
  }
  const bool locks = RecordPhantomFailure(email, ip, now);
  JsonObject details;
  details.Add("reason", reason);
  // Only a plain email is recorded: a secret typed into the field must not reach the trail.
  if (AuditableSignInEmail(email)) details.Add("email", std::string(email));
  const Status st = store_.Transact([&](UnitOfWork& uow) -> Status {
    KW_RETURN_IF_ERROR(AppendAuditRecord(uow, kAnonymous, ip, now, "session.failure", target,
                                         "failure", details.str()));
    if (!locks) return Ok();
    JsonObject lock;
    lock.Add("unlockAt", FormatTime(now + options_.lockout_duration, "UTC"))
        .Add("scope", "sign-in");
    return AppendAuditRecord(uow, "system", ip, now, "auth.lockout", target, "success", lock.str());
  });
  if (!st) return st.error();
  return SignInFailed();
}

Result<SignedIn> SessionService::OpenSession(const Account& account, const std::string& ip,
                                             Time now) const {
  SignedIn out;
  out.cookie = GenerateSecret(random_);
  out.csrf_token = CsrfFor(out.cookie);
  Session session;
  session.id_hash = CookieDigest(out.cookie);
  session.account_id = account.id;
  session.ip = ip;
  session.created_at = now;
  session.last_seen_at = now;
  KW_ASSIGN_OR_RETURN(
      out.account, TransactValue<AccountView>(store_, [&](UnitOfWork& uow) -> Result<AccountView> {
        KW_RETURN_IF_ERROR(uow.PutSignInFailures(account.id, ip, SignInFailures{}));
        if (account.must_change_password) {
          // Spend the one-time password with the session it opens.
          KW_ASSIGN_OR_RETURN(std::optional<Account> fresh, uow.FindAccount(account.id));
          if (fresh) {
            // A concurrent sign-in spent it first: only one of them gets a session.
            if (fresh->one_time_password_used) return SignInFailed();
            fresh->one_time_password_used = true;
            KW_RETURN_IF_ERROR(uow.UpdateAccount(*fresh));
          }
        }
        KW_RETURN_IF_ERROR(uow.InsertSession(session));
        JsonObject details;
        details.Add("mustChangePassword", account.must_change_password);
        KW_RETURN_IF_ERROR(AppendAuditRecord(uow, AccountTarget(account.id), ip, now,
                                             "session.create", AccountTarget(account.id), "success",
                                             details.str()));
        KW_ASSIGN_OR_RETURN(out.permissions, RolePermissions(uow, account.role_id));
        return ReadAccountView(uow, account.id);
      }));
  return out;
}

Result<SessionAuth> SessionService::Authenticate(std::string_view cookie,
                                                 const std::optional<IpAddress>& client) const {
  if (cookie.empty() || cookie.size() > 256) return SessionEnded();
  const Time now = clock_.Now();
  const std::string id_hash = CookieDigest(cookie);
  SessionAuth auth;
  bool ended = false;
  const Status st = store_.Transact([&](UnitOfWork& uow) -> Status {
    KW_ASSIGN_OR_RETURN(std::optional<Session> session, uow.FindSession(id_hash));
    if (!session) {
      ended = true;
      return Ok();
    }
    KW_ASSIGN_OR_RETURN(std::optional<Account> account, uow.FindAccount(session->account_id));
    const bool expired = now - session->last_seen_at >= options_.idle ||
                         now - session->created_at >= options_.absolute;
    if (expired || !account || !account->enabled || !HasConsoleAccess(account->access_level)) {
      ended = true;
      return uow.DeleteSession(id_hash);
    }
    if (now - session->last_seen_at >= options_.touch_interval) {
      KW_RETURN_IF_ERROR(uow.TouchSession(id_hash, now));
      session->last_seen_at = now;
    }
    KW_ASSIGN_OR_RETURN(auth.principal.permissions, RolePermissions(uow, account->role_id));
    auth.principal.account_id = account->id;
    auth.principal.actor = AccountTarget(account->id);
    auth.principal.locale = account->locale;
    auth.principal.time_zone = account->time_zone;
    auth.principal.ip = IpText(client);
    auth.must_change_password = account->must_change_password;
    auth.session = std::move(*session);
    return Ok();
  });
  if (!st) return st.error();
  if (ended) return SessionEnded();
  auth.csrf_token = CsrfFor(cookie);
  return auth;
}

bool SessionService::CsrfMatches(const SessionAuth& auth, std::string_view presented) const {
  const std::string& expected = auth.csrf_token;
  if (expected.empty() || presented.size() != expected.size()) return false;
  return ConstantTimeEqual(
      std::span(reinterpret_cast<const std::uint8_t*>(expected.data()), expected.size()),
      std::span(reinterpret_cast<const std::uint8_t*>(presented.data()), presented.size()));
}

Result<SessionInfo> SessionService::Describe(const SessionAuth& auth) const {
  SessionInfo info;
  // The account and its role's permissions read together, so they agree.
  KW_ASSIGN_OR_RETURN(
      info.account, TransactValue<AccountView>(store_, [&](UnitOfWork& uow) -> Result<AccountView> {
        KW_ASSIGN_OR_RETURN(AccountView view, ReadAccountView(uow, auth.session.account_id));
        KW_ASSIGN_OR_RETURN(info.permissions, RolePermissions(uow, view.account.role_id));
        return view;
      }));
  info.session = auth.session;
  info.must_change_password = auth.must_change_password;
  info.csrf_token = auth.csrf_token;
  info.idle_expires_at = auth.session.last_seen_at + options_.idle;
  info.expires_at = auth.session.created_at + options_.absolute;
  return info;
}

Status SessionService::SignOut(const SessionAuth& auth) const {
  const Time now = clock_.Now();
  return store_.Transact([&](UnitOfWork& uow) -> Status {
    KW_RETURN_IF_ERROR(uow.DeleteSession(auth.session.id_hash));
    return AppendAuditRecord(uow, auth.principal.actor, auth.principal.ip, now, "session.delete",
                             auth.principal.actor, "success", "{}");
  });
}

Status SessionService::ChangePassword(const SessionAuth& auth, std::string_view current_password,
                                      std::string_view new_password) const {
  if (current_password.empty()) {
    return InvalidArgument(Msg::kRequired, "currentPassword", {"currentPassword"});
  }
  KW_RETURN_IF_ERROR(ValidateNewPassword(new_password, "newPassword"));
  if (new_password == current_password) {
    return InvalidArgument(Msg::kPasswordReused, "newPassword");
  }
  const AccountId id = auth.session.account_id;
  KW_ASSIGN_OR_RETURN(std::optional<Account> account,
                      TransactValue<std::optional<Account>>(
                          store_, [&](UnitOfWork& uow) { return uow.FindAccount(id); }));
  if (!account) return SessionEnded();
  if (current_password.size() > kMaxPasswordBytes) {
    return InvalidArgument(Msg::kPasswordWrong, "currentPassword");
  }
  KW_ASSIGN_OR_RETURN(const bool right,
                      passwords_.Verify(account->password_hash, current_password));
  if (!right) return InvalidArgument(Msg::kPasswordWrong, "currentPassword");
  KW_ASSIGN_OR_RETURN(std::string hash, passwords_.Hash(new_password));
  const Time now = clock_.Now();
  return store_.Transact([&](UnitOfWork& uow) -> Status {
    KW_ASSIGN_OR_RETURN(std::optional<Account> fresh, uow.FindAccount(id));
    if (!fresh) return SessionEnded();
    fresh->password_hash = hash;
    fresh->must_change_password = false;
    fresh->one_time_password_used = false;
    fresh->password_changed_at = now;
    KW_RETURN_IF_ERROR(uow.UpdateAccount(*fresh));
    KW_RETURN_IF_ERROR(uow.DeleteAccountSessions(id, auth.session.id_hash));
    JsonObject details;
    details.Add("changedBy", "self");
    return AppendAuditRecord(uow, auth.principal.actor, auth.principal.ip, now, "account.password",
                             AccountTarget(id), "success", details.str());
  });
}

Result<int> SessionService::Sweep() const {
  const Time now = clock_.Now();
  return TransactValue<int>(store_, [&](UnitOfWork& uow) {
    return uow.DeleteStaleSessions(now - options_.idle, now - options_.absolute);
  });
}

}  // namespace keyward::core
