// MemoryAccounts: the accounts, sign-in failures and console sessions of a MemoryStore::State,
// with the semantics core's store port gives them (core/store/store.hpp) and the checks the SQLite
// schema makes (the account's role exists, its email key is unique, sessions and failures belong
// to an account and go with it). MemoryStore's unit of work forwards to it.
//
// Thread-safety: none of its own; used by the unit of work, under the store's mutex.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include "core/store/store.hpp"
#include "testing/memory_store.hpp"

namespace keyward::storage {

class MemoryAccounts {
 public:
  explicit MemoryAccounts(MemoryStore::State& state) : s_(state) {}

  // The UnitOfWork methods of the same names, less the word "Account".
  core::Result<std::optional<core::Account>> Find(core::AccountId id) const;
  core::Result<std::optional<core::Account>> FindByEmailKey(std::string_view email_key) const;
  core::Result<std::vector<core::Account>> List(const core::PageRequest& page) const;
  core::Result<std::vector<core::Account>> WithRole(core::RoleId role) const;
  core::Result<core::AccountId> Insert(const core::Account& account);
  core::Status Update(const core::Account& account);
  core::Status Delete(core::AccountId id);
  // How many accounts have role `role`.
  std::size_t CountWithRole(core::RoleId role) const;

  core::Result<core::SignInFailures> GetSignInFailures(core::AccountId id,
                                                       std::string_view ip) const;
  core::Status PutSignInFailures(core::AccountId id, std::string_view ip,
                                 const core::SignInFailures& failures);
  core::Status ClearSignInFailures(core::AccountId id);

  core::Status InsertSession(const core::Session& session);
  core::Result<std::optional<core::Session>> FindSession(std::string_view id_hash) const;
  core::Status TouchSession(std::string_view id_hash, core::Time last_seen_at);
  core::Status DeleteSession(std::string_view id_hash);
  core::Status DeleteAccountSessions(core::AccountId id, std::string_view keep_id_hash);
  core::Result<int> DeleteStaleSessions(core::Time idle_before, core::Time created_before);

 private:
  // The stored account with role_name and sign_in_locked_until filled.
  core::Account Read(const core::Account& stored) const;
  // The latest locked_until of any address of account `id`.
  std::optional<core::Time> LockedUntil(core::AccountId id) const;
  // Ok when the account's role exists and its email key is free (`self`: its own id, 0 on
  // insert).
  core::Status CheckWritable(const core::Account& account, core::AccountId self) const;
  core::Status CheckExists(core::AccountId id) const;

  MemoryStore::State& s_;
};

}  // namespace keyward::storage
