#include "testing/memory_store.hpp"

#include <algorithm>
#include <exception>
#include <limits>
#include <string_view>
#include <utility>

#include "testing/memory_accounts.hpp"
#include "testing/memory_audit.hpp"
#include "testing/memory_key_queries.hpp"

namespace keyward::storage {
namespace {

using core::Account;
using core::AccountId;
using core::ApiKey;
using core::AuditEvent;
using core::ErrorCode;
using core::KeyId;
using core::MakeError;
using core::Msg;
using core::Result;
using core::Role;
using core::RoleId;
using core::Status;

// The unit of work: reads and writes one State (a copy the store swaps in on success).
class MemoryUnitOfWork final : public core::UnitOfWork {
 public:
  explicit MemoryUnitOfWork(MemoryStore::State& state)
      : s_(state), accounts_(state), audit_(state) {}

  Result<std::optional<ApiKey>> FindKey(KeyId id) override {
    auto it = s_.keys.find(id);
    if (it == s_.keys.end()) return std::optional<ApiKey>();
    return std::optional<ApiKey>(Read(it->second));
  }

  Result<std::optional<ApiKey>> FindKeyByPublicId(std::string_view public_id) override {
    for (const auto& [id, key] : s_.keys) {
      if (key.public_id == public_id) return std::optional<ApiKey>(Read(key));
    }
    return std::optional<ApiKey>();
  }

  Result<std::optional<KeyId>> FindKeyIdByNameKey(std::string_view name_key) override {
    for (const auto& [id, key] : s_.keys) {
      if (core::KeyNameKey(key) == name_key) return std::optional<KeyId>(id);
    }
    return std::optional<KeyId>();
  }

  Result<std::vector<ApiKey>> ListKeys(const core::KeyFilter& filter,
                                       const core::PageRequest& page) override {
    std::vector<ApiKey> out;
    if (page.limit <= 0) return out;
    const std::string lowered_q = LowerQuery(filter.q);
    const KeyId before = page.before_id.value_or(std::numeric_limits<KeyId>::max());
    for (auto it = s_.keys.lower_bound(before); it != s_.keys.begin();) {
      --it;
      if (!MatchesFilter(it->second, filter, lowered_q)) continue;
      out.push_back(Read(it->second));
      if (out.size() >= static_cast<std::size_t>(page.limit)) break;
    }
    return out;
  }

  Result<core::KeyCounts> CountKeys(const core::KeyCountBounds& bounds) override {
    core::KeyCounts counts;
    for (const auto& [id, key] : s_.keys) CountKey(key, bounds, counts);
    return counts;
  }

  Result<core::PepperVersionUse> CountPepperUse(std::uint32_t version, core::Time now) override {
    core::PepperVersionUse use;
    for (const auto& [id, key] : s_.keys) {
      if (key.digest.pepper_version == version) {
        ++use.keys;
        if (key.source == core::KeySource::kAccount) ++use.account_tokens;
      }
      if (key.GraceActiveAt(now) && key.previous_digest->pepper_version == version) {
        ++use.previous_secrets;
      }
    }
    const std::string prefix = "v" + std::to_string(version) + ":";
    for (const AuditEvent& e : s_.audit) {
      if (e.hash.starts_with(prefix)) ++use.audit_events;
    }
    return use;
  }

  Result<std::vector<ApiKey>> KeysUsingPepper(std::uint32_t version, core::Time now) override {
    std::vector<ApiKey> out;
    for (const auto& [id, key] : s_.keys) {
      if (key.digest.pepper_version == version ||
          (key.GraceActiveAt(now) && key.previous_digest->pepper_version == version)) {
        out.push_back(Read(key));
      }
    }
    return out;
  }

  Result<std::vector<ApiKey>> KeysWithRole(RoleId role) override {
    std::vector<ApiKey> out;
    for (const auto& [id, key] : s_.keys) {
      if (key.role_id == role) out.push_back(Read(key));
    }
    return out;
  }

  Result<std::vector<ApiKey>> AllKeys() override {
    std::vector<ApiKey> out;
    out.reserve(s_.keys.size());
    for (const auto& [id, key] : s_.keys) out.push_back(Read(key));
    return out;
  }

  Status ForEachKey(const std::function<Status(ApiKey&&)>& fn) override {
    for (const auto& [id, key] : s_.keys) KW_RETURN_IF_ERROR(fn(Read(key)));
    return core::Ok();
  }

  Status SetLastUsed(const std::vector<core::KeyUse>& uses) override {
    for (const core::KeyUse& use : uses) {
      auto it = s_.keys.find(use.id);
      if (it == s_.keys.end()) continue;
      it->second.last_used_at = use.last_used_at;
      if (use.previous_secret_used_at) {
        it->second.previous_secret_last_used_at = use.previous_secret_used_at;
      }
    }
    return core::Ok();
  }

  Result<KeyId> InsertKey(const ApiKey& key) override {
    KW_RETURN_IF_ERROR(CheckKeyUnique(key, /*self=*/0));
    ApiKey stored = key;
    stored.id = s_.next_key_id++;
    stored.role_name.clear();
    s_.keys.emplace(stored.id, std::move(stored));
    return s_.next_key_id - 1;
  }

  Status UpdateKey(const ApiKey& key) override {
    auto it = s_.keys.find(key.id);
    if (it == s_.keys.end()) {
      return MakeError(ErrorCode::kNotFound, Msg::kKeyNotFound, {std::to_string(key.id)});
    }
    KW_RETURN_IF_ERROR(CheckKeyUnique(key, key.id));
    it->second = key;
    it->second.role_name.clear();
    return core::Ok();
  }

  Status DeleteKey(KeyId id) override {
    if (s_.keys.erase(id) == 0) {
      return MakeError(ErrorCode::kNotFound, Msg::kKeyNotFound, {std::to_string(id)});
    }
    return core::Ok();
  }

  Result<std::optional<Role>> FindRole(RoleId id) override {
    auto it = s_.roles.find(id);
    if (it == s_.roles.end()) return std::optional<Role>();
    return std::optional<Role>(it->second);
  }

  Result<std::optional<Role>> FindRoleByNameKey(std::string_view name_key) override {
    for (const auto& [id, role] : s_.roles) {
      if (core::NameKey(role.name) == name_key) return std::optional<Role>(role);
    }
    return std::optional<Role>();
  }

  Result<std::vector<Role>> ListRoles() override {
    std::vector<Role> out;
    out.reserve(s_.roles.size());
    for (const auto& [id, role] : s_.roles) out.push_back(role);
    return out;
  }

  Result<RoleId> InsertRole(const Role& role) override {
    KW_RETURN_IF_ERROR(CheckRoleNameFree(role.name, /*self=*/0));
    Role stored = role;
    stored.id = s_.next_role_id++;
    stored.built_in = false;
    s_.roles.emplace(stored.id, std::move(stored));
    return s_.next_role_id - 1;
  }

  Status UpdateRole(const Role& role) override {
    auto it = s_.roles.find(role.id);
    if (it == s_.roles.end()) {
      return MakeError(ErrorCode::kNotFound, Msg::kRoleNotFound, {std::to_string(role.id)});
    }
    if (it->second.built_in) {
      return MakeError(ErrorCode::kReadOnly, Msg::kBuiltInRole, {it->second.name});
    }
    KW_RETURN_IF_ERROR(CheckRoleNameFree(role.name, role.id));
    it->second = role;
    it->second.built_in = false;
    return core::Ok();
  }

  Status DeleteRole(RoleId id) override {
    auto it = s_.roles.find(id);
    if (it == s_.roles.end()) {
      return MakeError(ErrorCode::kNotFound, Msg::kRoleNotFound, {std::to_string(id)});
    }
    if (it->second.built_in) {
      return MakeError(ErrorCode::kReadOnly, Msg::kBuiltInRole, {it->second.name});
    }
    const auto users = static_cast<std::size_t>(std::count_if(
                           s_.keys.begin(), s_.keys.end(),
                           [id](const auto& entry) { return entry.second.role_id == id; })) +
                       accounts_.CountWithRole(id);
    if (users > 0) {
      return MakeError(ErrorCode::kInUse, Msg::kRoleInUse,
                       {it->second.name, std::to_string(users)});
    }
    s_.roles.erase(it);
    return core::Ok();
  }

  // Accounts, sign-in failures and sessions: memory_accounts.cpp.
  Result<std::optional<Account>> FindAccount(AccountId id) override { return accounts_.Find(id); }
  Result<std::optional<Account>> FindAccountByEmailKey(std::string_view email_key) override {
    return accounts_.FindByEmailKey(email_key);
  }
  Result<std::vector<Account>> ListAccounts(const core::PageRequest& page) override {
    return accounts_.List(page);
  }
  Result<std::vector<Account>> AccountsWithRole(RoleId role) override {
    return accounts_.WithRole(role);
  }
  Result<AccountId> InsertAccount(const Account& account) override {
    return accounts_.Insert(account);
  }
  Status UpdateAccount(const Account& account) override { return accounts_.Update(account); }
  Status DeleteAccount(AccountId id) override { return accounts_.Delete(id); }

  Result<std::optional<ApiKey>> FindAccountToken(AccountId id) override {
    for (const auto& [key_id, key] : s_.keys) {
      if (key.source == core::KeySource::kAccount && key.account_id == id) {
        return std::optional<ApiKey>(Read(key));
      }
    }
    return std::optional<ApiKey>();
  }

  Result<core::SignInFailures> GetSignInFailures(AccountId id, std::string_view ip) override {
    return accounts_.GetSignInFailures(id, ip);
  }
  Status PutSignInFailures(AccountId id, std::string_view ip,
                           const core::SignInFailures& failures) override {
    return accounts_.PutSignInFailures(id, ip, failures);
  }
  Status ClearSignInFailures(AccountId id) override { return accounts_.ClearSignInFailures(id); }

  Status InsertSession(const core::Session& session) override {
    return accounts_.InsertSession(session);
  }
  Result<std::optional<core::Session>> FindSession(std::string_view id_hash) override {
    return accounts_.FindSession(id_hash);
  }
  Status TouchSession(std::string_view id_hash, core::Time last_seen_at) override {
    return accounts_.TouchSession(id_hash, last_seen_at);
  }
  Status DeleteSession(std::string_view id_hash) override {
    return accounts_.DeleteSession(id_hash);
  }
  Status DeleteAccountSessions(AccountId id, std::string_view keep_id_hash) override {
    return accounts_.DeleteAccountSessions(id, keep_id_hash);
  }
  Result<int> DeleteStaleSessions(core::Time idle_before, core::Time created_before) override {
    return accounts_.DeleteStaleSessions(idle_before, created_before);
  }

  // The audit trail: memory_audit.cpp.
  Result<std::int64_t> AppendAudit(const AuditEvent& event) override {
    return audit_.Append(event);
  }
  Status SetAuditHash(std::int64_t id, std::string_view prev_hash, std::string_view hash) override {
    return audit_.SetHash(id, prev_hash, hash);
  }
  Result<std::vector<AuditEvent>> ListAudit(std::int64_t after_id, int limit) override {
    return audit_.List(after_id, limit);
  }
  Result<std::optional<AuditEvent>> LastAudit() override { return audit_.Last(); }
  Result<std::vector<AuditEvent>> QueryAudit(const core::AuditFilter& filter,
                                             const core::PageRequest& page) override {
    return audit_.Query(filter, page);
  }
  Status DeleteAuditThrough(std::int64_t id) override { return audit_.DeleteThrough(id); }

  Result<std::optional<std::string>> GetMeta(std::string_view key) override {
    auto it = s_.meta.find(key);
    if (it == s_.meta.end()) return std::optional<std::string>();
    return std::optional<std::string>(it->second);
  }

  Status SetMeta(std::string_view key, std::string_view value) override {
    s_.meta.insert_or_assign(std::string(key), std::string(value));
    return core::Ok();
  }

 private:
  ApiKey Read(const ApiKey& stored) const {
    ApiKey key = stored;
    auto role = s_.roles.find(key.role_id);
    key.role_name = role == s_.roles.end() ? std::string() : role->second.name;
    return key;
  }

  // The checks the SQL schema makes for a key row: its role exists, its name key and public id
  // are unique among the other keys (`self` is the key's own id on update, 0 on insert).
  Status CheckKeyUnique(const ApiKey& key, KeyId self) const {
    if (s_.roles.find(key.role_id) == s_.roles.end()) {
      return MakeError(ErrorCode::kNotFound, Msg::kRoleNotFound, {std::to_string(key.role_id)});
    }
    const std::string name_key = core::KeyNameKey(key);
    for (const auto& [id, other] : s_.keys) {
      if (id == self) continue;
      if (core::KeyNameKey(other) == name_key) {
        return MakeError(ErrorCode::kAlreadyExists, Msg::kKeyNameTaken, {key.name});
      }
      if (other.public_id == key.public_id) {
        return MakeError(ErrorCode::kAlreadyExists, Msg::kStoreError, {"duplicate public id"});
      }
    }
    return core::Ok();
  }

  Status CheckRoleNameFree(const std::string& name, RoleId self) const {
    const std::string name_key = core::NameKey(name);
    for (const auto& [id, other] : s_.roles) {
      if (id != self && core::NameKey(other.name) == name_key) {
        return MakeError(ErrorCode::kAlreadyExists, Msg::kRoleNameTaken, {name});
      }
    }
    return core::Ok();
  }

  MemoryStore::State& s_;
  MemoryAccounts accounts_;
  MemoryAudit audit_;
};

}  // namespace

MemoryStore::MemoryStore() {
  for (const Role& role : core::BuiltInRoles()) state_.roles.emplace(role.id, role);
}

void MemoryStore::FailNextCommit() {
  std::lock_guard lock(mu_);
  fail_next_commit_ = true;
}

void MemoryStore::SetUnavailable(bool unavailable) {
  std::lock_guard lock(mu_);
  unavailable_ = unavailable;
}

Status MemoryStore::Transact(const std::function<Status(core::UnitOfWork&)>& fn) {
  return TransactThen(fn, {});
}

Status MemoryStore::TransactThen(const std::function<Status(core::UnitOfWork&)>& fn,
                                 const std::function<void()>& on_commit) {
  std::lock_guard lock(mu_);
  if (unavailable_) return core::Unavailable("memory store: unavailable on request");
  try {
    State work = state_;
    MemoryUnitOfWork uow(work);
    Status st = fn(uow);
    if (!st) return st;
    if (fail_next_commit_) {
      fail_next_commit_ = false;
      return core::Unavailable("memory store: commit failed on request");
    }
    state_ = std::move(work);
    if (on_commit) on_commit();
    return core::Ok();
  } catch (const std::exception& e) {
    return core::Internal(std::string("memory store: ") + e.what());
  } catch (...) {
    return core::Internal("memory store: unknown exception");
  }
}

}  // namespace keyward::storage
