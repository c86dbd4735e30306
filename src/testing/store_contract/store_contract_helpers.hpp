// Helpers for the store contract suite (store_contract*.cpp): building keys, roles and accounts,
// and running one call in its own unit of work. For tests only; not thread-safe (NextPublicId
// counts without a lock), except Do and Get, which are as safe as the store.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "core/store/store.hpp"

namespace keyward::storage::contract {

using std::chrono::seconds;

inline const core::Time kNow{seconds{1'800'000'000}};

// A public id that no other call returns (12 base62 characters).
inline std::string NextPublicId() {
  static int counter = 0;
  std::string digits = std::to_string(++counter);
  return "Pub" + std::string(9 - std::min<std::size_t>(9, digits.size()), '0') + digits;
}

inline core::SecretDigest Digest(std::uint32_t version, std::uint8_t first) {
  core::SecretDigest d;
  d.pepper_version = version;
  for (std::size_t i = 0; i < d.mac.size(); ++i) {
    d.mac[i] = static_cast<std::uint8_t>(first + i);
  }
  return d;
}

// A plain enabled key named `name`, Full Access, created at kNow - 1h.
inline core::ApiKey NewKey(std::string name, core::RoleId role = core::kFullAccessRoleId) {
  core::ApiKey key;
  key.public_id = NextPublicId();
  key.name = std::move(name);
  key.role_id = role;
  key.created_at = kNow - seconds{3600};
  key.digest = Digest(1, 7);
  return key;
}

inline core::Role NewRole(std::string name, std::vector<std::string> permissions) {
  core::Role role;
  role.name = std::move(name);
  role.description = "role " + role.name;
  role.permissions = core::PermissionSet::Of(std::move(permissions));
  return role;
}

// An enabled local account with console and API access, created at kNow - 1h, no password.
inline core::Account NewAccount(std::string email, core::RoleId role = core::kFullAccessRoleId) {
  core::Account account;
  account.email = std::move(email);
  account.role_id = role;
  account.created_at = kNow - seconds{3600};
  return account;
}

// Filters and pages (designated initializers would trip -Wmissing-field-initializers).
inline core::KeyFilter AtNow(core::Time now = kNow) {
  core::KeyFilter filter;
  filter.now = now;
  return filter;
}
inline core::KeyFilter ByStatus(core::KeyStatus status, core::Time now = kNow) {
  core::KeyFilter filter = AtNow(now);
  filter.status = status;
  return filter;
}
inline core::KeyFilter ByRole(core::RoleId role) {
  core::KeyFilter filter = AtNow();
  filter.role = role;
  return filter;
}
inline core::KeyFilter BySource(core::KeySource source) {
  core::KeyFilter filter = AtNow();
  filter.source = source;
  return filter;
}
inline core::KeyFilter ByQuery(std::string q) {
  core::KeyFilter filter = AtNow();
  filter.q = std::move(q);
  return filter;
}
inline core::PageRequest Page(int limit, std::optional<core::KeyId> before_id = std::nullopt) {
  core::PageRequest page;
  page.limit = limit;
  page.before_id = before_id;
  return page;
}

// Runs `fn` (UnitOfWork& -> Result<T>) in its own unit of work, expecting success.
template <typename T, typename Fn>
T Get(core::Store& store, Fn&& fn) {
  core::Result<T> r = core::TransactValue<T>(store, std::forward<Fn>(fn));
  EXPECT_TRUE(r.has_value()) << (r ? std::string() : r.error().Message());
  return r ? std::move(r).value() : T{};
}

// Runs `fn` (UnitOfWork& -> Status) in its own unit of work.
template <typename Fn>
core::Status Do(core::Store& store, Fn&& fn) {
  return store.Transact([&](core::UnitOfWork& uow) -> core::Status { return fn(uow); });
}

inline core::KeyId Insert(core::Store& store, const core::ApiKey& key) {
  return Get<core::KeyId>(store, [&](core::UnitOfWork& uow) { return uow.InsertKey(key); });
}

inline core::AccountId InsertAccount(core::Store& store, const core::Account& account) {
  return Get<core::AccountId>(store,
                              [&](core::UnitOfWork& uow) { return uow.InsertAccount(account); });
}

// Inserts `key` in its own unit of work, returning only whether that worked.
inline core::Status TryInsert(core::Store& store, const core::ApiKey& key) {
  return store.Transact([&](core::UnitOfWork& uow) -> core::Status {
    auto r = uow.InsertKey(key);
    if (!r) return r.error();
    return core::Ok();
  });
}

inline std::optional<core::ApiKey> Find(core::Store& store, core::KeyId id) {
  return Get<std::optional<core::ApiKey>>(store,
                                          [&](core::UnitOfWork& uow) { return uow.FindKey(id); });
}

inline std::vector<core::ApiKey> List(core::Store& store, const core::KeyFilter& filter,
                                      const core::PageRequest& page = Page(50)) {
  return Get<std::vector<core::ApiKey>>(
      store, [&](core::UnitOfWork& uow) { return uow.ListKeys(filter, page); });
}

inline std::vector<std::string> Names(const std::vector<core::ApiKey>& keys) {
  std::vector<std::string> out;
  for (const auto& key : keys) out.push_back(key.name);
  return out;
}

inline std::vector<core::KeyId> Ids(const std::vector<core::ApiKey>& keys) {
  std::vector<core::KeyId> out;
  for (const auto& key : keys) out.push_back(key.id);
  return out;
}

template <typename T>
void ExpectError(const core::Result<T>& st, core::ErrorCode code) {
  ASSERT_FALSE(st.has_value()) << "expected " << core::CodeName(code);
  EXPECT_EQ(st.error().code, code) << st.error().Message();
}

}  // namespace keyward::storage::contract
