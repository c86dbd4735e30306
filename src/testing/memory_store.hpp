// MemoryStore: core's store port held in memory, a test double that honours the whole contract
// (store_contract.hpp runs the same tests against it as against SQLite). A unit of work runs on
// a copy of the state that replaces the state only when the unit of work succeeds, so an error
// leaves nothing behind. FailNextCommit lets tests prove exactly that for core's use cases.
//
// Thread-safety: thread-safe; units of work are serialized by one mutex.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "core/store/store.hpp"

namespace keyward::storage {

class MemoryStore final : public core::Store {
 public:
  // A store holding the three built-in roles and nothing else.
  MemoryStore();
  MemoryStore(const MemoryStore&) = delete;
  MemoryStore& operator=(const MemoryStore&) = delete;

  core::Status Transact(const std::function<core::Status(core::UnitOfWork&)>& fn) override;
  // The hook runs under the store's mutex, right after the state is replaced.
  core::Status TransactThen(const std::function<core::Status(core::UnitOfWork&)>& fn,
                            const std::function<void()>& on_commit) override;

  // Makes the next unit of work whose function succeeds fail at commit with kUnavailable, as a
  // lost database would: nothing it did is kept.
  void FailNextCommit();
  // While set, every unit of work fails at once with kUnavailable, as during a store outage.
  void SetUnavailable(bool unavailable);

  // Everything a unit of work can see or change. Public so the unit of work (an implementation
  // detail in the .cpp) can name it; not part of the interface.
  struct State {
    std::map<core::KeyId, core::ApiKey> keys;  // role_name left empty: filled on reads
    std::map<core::RoleId, core::Role> roles;
    // role_name and sign_in_locked_until left empty: filled on reads.
    std::map<core::AccountId, core::Account> accounts;
    // By (account, client address); never a row of zero failures without a lock.
    std::map<std::pair<core::AccountId, std::string>, core::SignInFailures> sign_in_failures;
    std::map<std::string, core::Session, std::less<>> sessions;  // by id_hash
    std::vector<core::AuditEvent> audit;
    std::map<std::string, std::string, std::less<>> meta;
    core::KeyId next_key_id = 1;
    core::RoleId next_role_id = core::kFirstCustomRoleId;
    core::AccountId next_account_id = 1;
    std::int64_t next_audit_id = 1;
  };

 private:
  std::mutex mu_;
  State state_;                    // guarded by mu_
  bool fail_next_commit_ = false;  // guarded by mu_
  bool unavailable_ = false;       // guarded by mu_
};

}  // namespace keyward::storage
