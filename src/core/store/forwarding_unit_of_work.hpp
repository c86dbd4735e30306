// ForwardingUnitOfWork: a UnitOfWork that passes every call to another one. Store decorators (the
// audit chain, the key index) derive from it and override only the calls they intercept, so a
// method added to the port is forwarded in one place.
//
// Thread-safety: as the UnitOfWork it wraps (used by one thread during one unit of work).
#pragma once

#include "core/store/store.hpp"

namespace keyward::core {

class ForwardingUnitOfWork : public UnitOfWork {
 public:
  explicit ForwardingUnitOfWork(UnitOfWork& inner) : inner_(inner) {}

  Result<std::optional<ApiKey>> FindKey(KeyId id) override { return inner_.FindKey(id); }
  Result<std::optional<ApiKey>> FindKeyByPublicId(std::string_view id) override {
    return inner_.FindKeyByPublicId(id);
  }
  Result<std::optional<KeyId>> FindKeyIdByNameKey(std::string_view k) override {
    return inner_.FindKeyIdByNameKey(k);
  }
  Result<std::vector<ApiKey>> ListKeys(const KeyFilter& f, const PageRequest& p) override {
    return inner_.ListKeys(f, p);
  }
  Result<KeyCounts> CountKeys(const KeyCountBounds& b) override { return inner_.CountKeys(b); }
  Result<PepperVersionUse> CountPepperUse(std::uint32_t version, Time now) override {
    return inner_.CountPepperUse(version, now);
  }
  Result<std::vector<ApiKey>> KeysUsingPepper(std::uint32_t version, Time now) override {
    return inner_.KeysUsingPepper(version, now);
  }
  Result<std::vector<ApiKey>> KeysWithRole(RoleId role) override {
    return inner_.KeysWithRole(role);
  }
  Result<std::vector<ApiKey>> AllKeys() override { return inner_.AllKeys(); }
  Status ForEachKey(const std::function<Status(ApiKey&&)>& fn) override {
    return inner_.ForEachKey(fn);
  }
  Status SetLastUsed(const std::vector<KeyUse>& uses) override { return inner_.SetLastUsed(uses); }
  Result<KeyId> InsertKey(const ApiKey& key) override { return inner_.InsertKey(key); }
  Status UpdateKey(const ApiKey& key) override { return inner_.UpdateKey(key); }
  Status DeleteKey(KeyId id) override { return inner_.DeleteKey(id); }

  Result<std::optional<Account>> FindAccount(AccountId id) override {
    return inner_.FindAccount(id);
  }
  Result<std::optional<Account>> FindAccountByEmailKey(std::string_view k) override {
    return inner_.FindAccountByEmailKey(k);
  }
  Result<std::vector<Account>> ListAccounts(const PageRequest& p) override {
    return inner_.ListAccounts(p);
  }
  Result<std::vector<Account>> AccountsWithRole(RoleId role) override {
    return inner_.AccountsWithRole(role);
  }
  Result<AccountId> InsertAccount(const Account& a) override { return inner_.InsertAccount(a); }
  Status UpdateAccount(const Account& a) override { return inner_.UpdateAccount(a); }
  Status DeleteAccount(AccountId id) override { return inner_.DeleteAccount(id); }
  Result<std::optional<ApiKey>> FindAccountToken(AccountId id) override {
    return inner_.FindAccountToken(id);
  }
  Result<SignInFailures> GetSignInFailures(AccountId id, std::string_view ip) override {
    return inner_.GetSignInFailures(id, ip);
  }
  Status PutSignInFailures(AccountId id, std::string_view ip, const SignInFailures& f) override {
    return inner_.PutSignInFailures(id, ip, f);
  }
  Status ClearSignInFailures(AccountId id) override { return inner_.ClearSignInFailures(id); }
  Status InsertSession(const Session& s) override { return inner_.InsertSession(s); }
  Result<std::optional<Session>> FindSession(std::string_view h) override {
    return inner_.FindSession(h);
  }
  Status TouchSession(std::string_view h, Time t) override { return inner_.TouchSession(h, t); }
  Status DeleteSession(std::string_view h) override { return inner_.DeleteSession(h); }
  Status DeleteAccountSessions(AccountId id, std::string_view keep) override {
    return inner_.DeleteAccountSessions(id, keep);
  }
  Result<int> DeleteStaleSessions(Time idle_before, Time created_before) override {
    return inner_.DeleteStaleSessions(idle_before, created_before);
  }

  Result<std::optional<Role>> FindRole(RoleId id) override { return inner_.FindRole(id); }
  Result<std::optional<Role>> FindRoleByNameKey(std::string_view k) override {
    return inner_.FindRoleByNameKey(k);
  }
  Result<std::vector<Role>> ListRoles() override { return inner_.ListRoles(); }
  Result<RoleId> InsertRole(const Role& role) override { return inner_.InsertRole(role); }
  Status UpdateRole(const Role& role) override { return inner_.UpdateRole(role); }
  Status DeleteRole(RoleId id) override { return inner_.DeleteRole(id); }

  Result<std::int64_t> AppendAudit(const AuditEvent& e) override { return inner_.AppendAudit(e); }
  Status SetAuditHash(std::int64_t id, std::string_view prev, std::string_view hash) override {
    return inner_.SetAuditHash(id, prev, hash);
  }
  Result<std::vector<AuditEvent>> ListAudit(std::int64_t after, int limit) override {
    return inner_.ListAudit(after, limit);
  }
  Result<std::optional<AuditEvent>> LastAudit() override { return inner_.LastAudit(); }
  Result<std::vector<AuditEvent>> QueryAudit(const AuditFilter& f, const PageRequest& p) override {
    return inner_.QueryAudit(f, p);
  }
  Status DeleteAuditThrough(std::int64_t id) override { return inner_.DeleteAuditThrough(id); }

  Result<std::optional<std::string>> GetMeta(std::string_view k) override {
    return inner_.GetMeta(k);
  }
  Status SetMeta(std::string_view k, std::string_view v) override { return inner_.SetMeta(k, v); }

 protected:
  UnitOfWork& inner_;
};

}  // namespace keyward::core
