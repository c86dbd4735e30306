// The store port: what core needs from persistent storage. Implementations: storage/sqlite (the
// embedded default), storage/postgres (many nodes on one database) and, for tests, the in-memory
// double in src/testing/memory_store.hpp.
//
// All access goes through units of work: Store::Transact runs a function against a UnitOfWork
// and commits everything it did, or nothing. A change and its audit event are written in the
// same unit of work, so one never exists without the other.
//
// Thread-safety: Store is thread-safe; a UnitOfWork is used only by the thread running the
// function it was passed to, and only during that call.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/permissions.hpp"
#include "core/result.hpp"
#include "core/store/account.hpp"
#include "core/store/api_key.hpp"
#include "core/store/audit_event.hpp"

namespace keyward::core {

struct KeyFilter {
  std::optional<KeyStatus> status;  // evaluated at `now`
  std::optional<RoleId> role;
  std::optional<KeySource> source;
  std::string q;  // substring of name or description, ASCII case-insensitive
  Time now{};
  // An expiry strictly before this; keys that never expire never match.
  std::optional<Time> expires_before;
  // Last used strictly before this, or never used.
  std::optional<Time> last_used_before;
  // ApiKey::SecretIssuedAt (last rotation, else creation) strictly before this.
  std::optional<Time> secret_rotated_before;
};

// The moments CountKeys counts against (KeyService::Summary sets them from its clock).
struct KeyCountBounds {
  Time now{};                   // each key's status is read here
  Time expires_until{};         // expiring: an expiry in (now, expires_until]
  Time used_before{};           // unused: last used before this, or never used
  Time secret_issued_before{};  // stale secret: ApiKey::SecretIssuedAt before this
};

// How many keys, of all of them, fall in each bucket; a key counts in exactly one status and in
// any number of the other three.
struct KeyCounts {
  std::int64_t disabled = 0;
  std::int64_t expired = 0;
  std::int64_t locked_out = 0;
  std::int64_t enabled = 0;
  std::int64_t expiring = 0;
  std::int64_t unused = 0;
  std::int64_t stale_secret = 0;

  friend bool operator==(const KeyCounts&, const KeyCounts&) = default;
};

// What one pepper version still protects (keyward pepper status), counted in the store.
struct PepperVersionUse {
  std::int64_t keys = 0;            // keys whose secret's digest is under the version
  std::int64_t account_tokens = 0;  // of those, accounts' tokens (source "account")
  // Keys whose previous secret's digest is under it, its rotation grace period running at `now`.
  std::int64_t previous_secrets = 0;
  std::int64_t audit_events = 0;  // audit events chained under it (hash "v<version>:...")

  friend bool operator==(const PepperVersionUse&, const PepperVersionUse&) = default;
};

struct PageRequest {
  std::optional<std::int64_t> before_id;  // only ids below this (newest first); nullopt = start
  int limit = 50;                         // at most this many items
};

// Which audit events a query returns: since <= time < until; actor, action and target match
// exactly. An unset bound or an empty string matches everything.
struct AuditFilter {
  std::optional<Time> since;
  std::optional<Time> until;
  std::string actor;
  std::string action;
  std::string target;
};

// A successful use of a key, as the write-behind of last-used times records it.
struct KeyUse {
  KeyId id = 0;
  Time last_used_at{};
  // Set when the previous secret (of a rotation grace period) was used at this time or earlier
  // in the same flush.
  std::optional<Time> previous_secret_used_at;
};

class UnitOfWork {
 public:
  virtual ~UnitOfWork() = default;

  // --- API keys. Reads fill ApiKey::role_name. ---
  virtual Result<std::optional<ApiKey>> FindKey(KeyId id) = 0;
  virtual Result<std::optional<ApiKey>> FindKeyByPublicId(std::string_view public_id) = 0;
  // The key whose KeyNameKey equals `name_key`, if any (NameKey(name) for an ordinary key).
  virtual Result<std::optional<KeyId>> FindKeyIdByNameKey(std::string_view name_key) = 0;
  // Keys matching `filter`, ordered by id descending, at most `page.limit`.
  virtual Result<std::vector<ApiKey>> ListKeys(const KeyFilter& filter,
                                               const PageRequest& page) = 0;
  // Every key counted by KeyCounts's buckets at `bounds`, in one pass over the keys, none held.
  virtual Result<KeyCounts> CountKeys(const KeyCountBounds& bounds) = 0;
  virtual Result<std::vector<ApiKey>> KeysWithRole(RoleId role) = 0;
  // Every key (for loading an in-memory index).
  virtual Result<std::vector<ApiKey>> AllKeys() = 0;
  // Calls `fn` with every key in id order without holding them all at once (loading a large
  // index). Stops at, and returns, the first error `fn` returns.
  virtual Status ForEachKey(const std::function<Status(ApiKey&&)>& fn) = 0;
  // PepperVersionUse of pepper `version`, grace periods read at `now`; no key leaves the store.
  virtual Result<PepperVersionUse> CountPepperUse(std::uint32_t version, Time now) = 0;
  // The keys whose digest is under pepper `version`, or whose previous digest is and its grace
  // period runs at `now`, in id order.
  virtual Result<std::vector<ApiKey>> KeysUsingPepper(std::uint32_t version, Time now) = 0;
  // Sets last_used_at of each key named and, where given, previous_secret_last_used_at (ids that
  // name no key are skipped): the write-behind of successful uses, one statement per key, no read.
  virtual Status SetLastUsed(const std::vector<KeyUse>& uses) = 0;
  // Inserts `key` (its id is ignored) and returns the new id. The name key must be unique:
  // kAlreadyExists otherwise, as must the public id.
  virtual Result<KeyId> InsertKey(const ApiKey& key) = 0;
  // Replaces every stored field of key `key.id`; kNotFound when there is none.
  virtual Status UpdateKey(const ApiKey& key) = 0;
  // kNotFound when there is none.
  virtual Status DeleteKey(KeyId id) = 0;

  // --- Roles (the three built-in roles are always present). ---
  virtual Result<std::optional<Role>> FindRole(RoleId id) = 0;
  virtual Result<std::optional<Role>> FindRoleByNameKey(std::string_view name_key) = 0;
  virtual Result<std::vector<Role>> ListRoles() = 0;  // by id ascending
  // Inserts a custom role (ids from kFirstCustomRoleId up) and returns its id.
  virtual Result<RoleId> InsertRole(const Role& role) = 0;
  virtual Status UpdateRole(const Role& role) = 0;
  virtual Status DeleteRole(RoleId id) = 0;

  // --- Accounts. Reads fill Account::role_name and Account::sign_in_locked_until. ---
  virtual Result<std::optional<Account>> FindAccount(AccountId id) = 0;
  // The account whose EmailKey(email) equals `email_key`, if any.
  virtual Result<std::optional<Account>> FindAccountByEmailKey(std::string_view email_key) = 0;
  // Accounts ordered by id descending, at most `page.limit`.
  virtual Result<std::vector<Account>> ListAccounts(const PageRequest& page) = 0;
  virtual Result<std::vector<Account>> AccountsWithRole(RoleId role) = 0;
  // Inserts `account` (its id is ignored) and returns the new id; kAlreadyExists when the email
  // key is taken.
  virtual Result<AccountId> InsertAccount(const Account& account) = 0;
  // Replaces every stored field of account `account.id`; kNotFound when there is none.
  virtual Status UpdateAccount(const Account& account) = 0;
  // Deletes the account, its sessions and its sign-in failures; kNotFound when there is none.
  // Its token (a key) is the caller's to delete first.
  virtual Status DeleteAccount(AccountId id) = 0;
  // The key with source "account" and this account_id, if any (an account has at most one).
  virtual Result<std::optional<ApiKey>> FindAccountToken(AccountId id) = 0;

  // --- Sign-in failures, per account and client address. ---
  // Zero failures and no lock when none are recorded.
  virtual Result<SignInFailures> GetSignInFailures(AccountId id, std::string_view ip) = 0;
  virtual Status PutSignInFailures(AccountId id, std::string_view ip,
                                   const SignInFailures& failures) = 0;
  // Forgets every address's failures and locks of the account (unlock, successful sign-in from
  // that address uses PutSignInFailures with zero).
  virtual Status ClearSignInFailures(AccountId id) = 0;

  // --- Console sessions. ---
  // kAlreadyExists when id_hash is taken.
  virtual Status InsertSession(const Session& session) = 0;
  virtual Result<std::optional<Session>> FindSession(std::string_view id_hash) = 0;
  // Sets last_seen_at; a session that is gone is not an error.
  virtual Status TouchSession(std::string_view id_hash, Time last_seen_at) = 0;
  // Deleting a session that is gone is not an error.
  virtual Status DeleteSession(std::string_view id_hash) = 0;
  // Deletes every session of the account except `keep_id_hash` (empty: keep none).
  virtual Status DeleteAccountSessions(AccountId id, std::string_view keep_id_hash) = 0;
  // Deletes sessions last seen before `idle_before` or created before `created_before`;
  // returns how many.
  virtual Result<int> DeleteStaleSessions(Time idle_before, Time created_before) = 0;

  // --- Audit trail. Ids increase and are never reused, even after DeleteAuditThrough. ---
  // Appends `event` (its id is ignored) and returns the new id. prev_hash and hash are stored as
  // given; the audit chain (core/audit/audit_chain.hpp) fills them in with SetAuditHash.
  virtual Result<std::int64_t> AppendAudit(const AuditEvent& event) = 0;
  // Sets prev_hash and hash of event `id`; kNotFound when there is none.
  virtual Status SetAuditHash(std::int64_t id, std::string_view prev_hash,
                              std::string_view hash) = 0;
  // Events with id > after_id, ascending, at most `limit`.
  virtual Result<std::vector<AuditEvent>> ListAudit(std::int64_t after_id, int limit) = 0;
  // The event with the highest id, if any.
  virtual Result<std::optional<AuditEvent>> LastAudit() = 0;
  // Events matching `filter`, newest first (id descending, below page.before_id), at most
  // page.limit.
  virtual Result<std::vector<AuditEvent>> QueryAudit(const AuditFilter& filter,
                                                     const PageRequest& page) = 0;
  // Deletes every event with id <= `id` (retention); deleting nothing is not an error.
  virtual Status DeleteAuditThrough(std::int64_t id) = 0;

  // --- Small settings (pepper fingerprints, ...). ---
  virtual Result<std::optional<std::string>> GetMeta(std::string_view key) = 0;
  virtual Status SetMeta(std::string_view key, std::string_view value) = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // Runs `fn` in one unit of work. If `fn` returns an error the unit of work is rolled back and
  // that error returned; otherwise it is committed, and a commit failure is returned as
  // kUnavailable (the store could not be reached) or kInternal. Units of work are serialized: each
  // sees every earlier one's writes (a store may commit several together, as SqliteStore's group
  // commit does, but never lets one's failure undo another's work).
  virtual Status Transact(const std::function<Status(UnitOfWork&)>& fn) = 0;

  // Transact, then, once the unit of work is committed (durable), `on_commit` (may be empty):
  // hooks run in commit order, each before the hook of any unit of work committed after it, and
  // before this call returns. Not run when the unit of work fails. A hook must be quick, must not
  // throw and must not use the store; it may run on another thread than the caller's. Decorators
  // use it to act on what was committed in commit order without holding a lock across the store
  // (KeyIndex applies its changes, AuditChainStore delivers events). This default serializes the
  // callers of TransactThen around Transact; stores that commit several units of work together
  // override it.
  virtual Status TransactThen(const std::function<Status(UnitOfWork&)>& fn,
                              const std::function<void()>& on_commit);

 private:
  std::mutex then_mu_;  // the default TransactThen's: one unit of work and its hook at a time
};

// Runs `fn` (UnitOfWork& -> Result<T>) in one unit of work and returns its value.
template <typename T, typename Fn>
Result<T> TransactValue(Store& store, Fn&& fn) {
  std::optional<T> out;
  Status st = store.Transact([&](UnitOfWork& uow) -> Status {
    Result<T> r = fn(uow);
    if (!r) return r.error();
    out.emplace(std::move(r).value());
    return Ok();
  });
  if (!st) return st.error();
  return std::move(*out);
}

}  // namespace keyward::core
