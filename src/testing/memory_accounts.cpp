#include "testing/memory_accounts.hpp"

#include <algorithm>
#include <limits>
#include <string>
#include <utility>

namespace keyward::storage {
namespace {

using core::Account;
using core::AccountId;
using core::AccountNotFound;
using core::ErrorCode;
using core::MakeError;
using core::Msg;
using core::Result;
using core::Session;
using core::SignInFailures;
using core::Status;

// The first sign-in failure row of account `id` (rows are ordered by account, then address).
template <typename Map>
auto FirstFailureOf(Map& failures, AccountId id) {
  return failures.lower_bound(std::make_pair(id, std::string()));
}

}  // namespace

Result<std::optional<Account>> MemoryAccounts::Find(AccountId id) const {
  auto it = s_.accounts.find(id);
  if (it == s_.accounts.end()) return std::optional<Account>();
  return std::optional<Account>(Read(it->second));
}

Result<std::optional<Account>> MemoryAccounts::FindByEmailKey(std::string_view email_key) const {
  for (const auto& [id, account] : s_.accounts) {
    if (core::EmailKey(account.email) == email_key) return std::optional<Account>(Read(account));
  }
  return std::optional<Account>();
}

Result<std::vector<Account>> MemoryAccounts::List(const core::PageRequest& page) const {
  std::vector<Account> out;
  if (page.limit <= 0) return out;
  const AccountId before = page.before_id.value_or(std::numeric_limits<AccountId>::max());
  for (auto it = s_.accounts.lower_bound(before); it != s_.accounts.begin();) {
    --it;
    out.push_back(Read(it->second));
    if (out.size() >= static_cast<std::size_t>(page.limit)) break;
  }
  return out;
}

Result<std::vector<Account>> MemoryAccounts::WithRole(core::RoleId role) const {
  std::vector<Account> out;
  for (const auto& [id, account] : s_.accounts) {
    if (account.role_id == role) out.push_back(Read(account));
  }
  return out;
}

Result<AccountId> MemoryAccounts::Insert(const Account& account) {
  KW_RETURN_IF_ERROR(CheckWritable(account, /*self=*/0));
  Account stored = account;
  stored.id = s_.next_account_id++;
  stored.role_name.clear();
  stored.sign_in_locked_until.reset();
  s_.accounts.emplace(stored.id, std::move(stored));
  return s_.next_account_id - 1;
}

Status MemoryAccounts::Update(const Account& account) {
  auto it = s_.accounts.find(account.id);
  if (it == s_.accounts.end()) return AccountNotFound(account.id);
  KW_RETURN_IF_ERROR(CheckWritable(account, account.id));
  it->second = account;
  it->second.role_name.clear();
  it->second.sign_in_locked_until.reset();
  return core::Ok();
}

Status MemoryAccounts::Delete(AccountId id) {
  if (s_.accounts.erase(id) == 0) return AccountNotFound(id);
  KW_RETURN_IF_ERROR(ClearSignInFailures(id));
  return DeleteAccountSessions(id, /*keep_id_hash=*/"");
}

std::size_t MemoryAccounts::CountWithRole(core::RoleId role) const {
  return static_cast<std::size_t>(
      std::count_if(s_.accounts.begin(), s_.accounts.end(),
                    [role](const auto& entry) { return entry.second.role_id == role; }));
}

Result<SignInFailures> MemoryAccounts::GetSignInFailures(AccountId id, std::string_view ip) const {
  auto it = s_.sign_in_failures.find(std::make_pair(id, std::string(ip)));
  if (it == s_.sign_in_failures.end()) return SignInFailures();
  return it->second;
}

Status MemoryAccounts::PutSignInFailures(AccountId id, std::string_view ip,
                                         const SignInFailures& failures) {
  auto key = std::make_pair(id, std::string(ip));
  // Zero failures and no lock reads the same as no row, so the row goes rather than piling up.
  if (failures.failures <= 0 && !failures.locked_until) {
    s_.sign_in_failures.erase(key);
    return core::Ok();
  }
  KW_RETURN_IF_ERROR(CheckExists(id));
  SignInFailures stored = failures;
  stored.failures = std::max(0, failures.failures);
  s_.sign_in_failures.insert_or_assign(std::move(key), stored);
  return core::Ok();
}

Status MemoryAccounts::ClearSignInFailures(AccountId id) {
  auto first = FirstFailureOf(s_.sign_in_failures, id);
  auto last = first;
  while (last != s_.sign_in_failures.end() && last->first.first == id) ++last;
  s_.sign_in_failures.erase(first, last);
  return core::Ok();
}

Status MemoryAccounts::InsertSession(const Session& session) {
  KW_RETURN_IF_ERROR(CheckExists(session.account_id));
  if (!s_.sessions.emplace(session.id_hash, session).second) {
    return MakeError(ErrorCode::kAlreadyExists, Msg::kStoreError, {"duplicate session id"});
  }
  return core::Ok();
}

Result<std::optional<Session>> MemoryAccounts::FindSession(std::string_view id_hash) const {
  auto it = s_.sessions.find(id_hash);
  if (it == s_.sessions.end()) return std::optional<Session>();
  return std::optional<Session>(it->second);
}

Status MemoryAccounts::TouchSession(std::string_view id_hash, core::Time last_seen_at) {
  if (auto it = s_.sessions.find(id_hash); it != s_.sessions.end()) {
    it->second.last_seen_at = last_seen_at;
  }
  return core::Ok();
}

Status MemoryAccounts::DeleteSession(std::string_view id_hash) {
  if (auto it = s_.sessions.find(id_hash); it != s_.sessions.end()) s_.sessions.erase(it);
  return core::Ok();
}

Status MemoryAccounts::DeleteAccountSessions(AccountId id, std::string_view keep_id_hash) {
  std::erase_if(s_.sessions, [&](const auto& entry) {
    return entry.second.account_id == id && (keep_id_hash.empty() || entry.first != keep_id_hash);
  });
  return core::Ok();
}

Result<int> MemoryAccounts::DeleteStaleSessions(core::Time idle_before, core::Time created_before) {
  const auto removed = std::erase_if(s_.sessions, [&](const auto& entry) {
    return entry.second.last_seen_at < idle_before || entry.second.created_at < created_before;
  });
  return static_cast<int>(removed);
}

Account MemoryAccounts::Read(const Account& stored) const {
  Account account = stored;
  auto role = s_.roles.find(account.role_id);
  account.role_name = role == s_.roles.end() ? std::string() : role->second.name;
  account.sign_in_locked_until = LockedUntil(account.id);
  return account;
}

std::optional<core::Time> MemoryAccounts::LockedUntil(AccountId id) const {
  std::optional<core::Time> latest;
  for (auto it = FirstFailureOf(s_.sign_in_failures, id);
       it != s_.sign_in_failures.end() && it->first.first == id; ++it) {
    const auto& until = it->second.locked_until;
    if (until && (!latest || *latest < *until)) latest = until;
  }
  return latest;
}

Status MemoryAccounts::CheckWritable(const Account& account, AccountId self) const {
  if (s_.roles.find(account.role_id) == s_.roles.end()) {
    return MakeError(ErrorCode::kNotFound, Msg::kRoleNotFound, {std::to_string(account.role_id)});
  }
  const std::string email_key = core::EmailKey(account.email);
  for (const auto& [id, other] : s_.accounts) {
    if (id != self && core::EmailKey(other.email) == email_key) {
      return MakeError(ErrorCode::kAlreadyExists, Msg::kEmailTaken, {account.email}, "email");
    }
  }
  return core::Ok();
}

Status MemoryAccounts::CheckExists(AccountId id) const {
  if (s_.accounts.find(id) == s_.accounts.end()) return AccountNotFound(id);
  return core::Ok();
}

}  // namespace keyward::storage
