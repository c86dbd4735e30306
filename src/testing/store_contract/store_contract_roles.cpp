// The store contract, part 2: roles, the audit trail, meta settings and units of work.
#include <algorithm>
#include <thread>

#include "testing/store_contract/store_contract.hpp"
#include "testing/store_contract/store_contract_helpers.hpp"

namespace keyward::storage {
namespace {

using contract::Do;
using contract::ExpectError;
using contract::Find;
using contract::Get;
using contract::Insert;
using contract::kNow;
using contract::NewKey;
using contract::NewRole;
using core::ErrorCode;
using core::Role;
using core::RoleId;
using core::UnitOfWork;
using std::chrono::seconds;

std::optional<Role> FindRole(core::Store& store, RoleId id) {
  return Get<std::optional<Role>>(store, [&](UnitOfWork& uow) { return uow.FindRole(id); });
}

RoleId InsertRole(core::Store& store, const Role& role) {
  return Get<RoleId>(store, [&](UnitOfWork& uow) { return uow.InsertRole(role); });
}

core::Status TryInsertRole(core::Store& store, const Role& role) {
  return Do(store, [&](UnitOfWork& uow) -> core::Status {
    auto r = uow.InsertRole(role);
    if (!r) return r.error();
    return core::Ok();
  });
}

void ExpectSameRole(const Role& got, const Role& want) {
  EXPECT_EQ(got.id, want.id);
  EXPECT_EQ(got.name, want.name);
  EXPECT_EQ(got.description, want.description);
  EXPECT_EQ(got.built_in, want.built_in);
  EXPECT_EQ(got.permissions, want.permissions);
  EXPECT_EQ(got.attributes, want.attributes);
}

std::string AsciiUpper(std::string text) {
  for (char& c : text) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return text;
}

core::AuditEvent Event(std::string action, seconds offset) {
  core::AuditEvent e;
  e.time = kNow + offset;
  e.actor = "apikey:1";
  e.action = std::move(action);
  e.target = "apikey:2";
  e.ip = "203.0.113.7";
  e.outcome = "success";
  e.details_json = R"({"name":{"old":"a","new":"\u00e9"}})";
  e.hash = "00ff";
  return e;
}

TEST_P(StoreContract, BuiltInRolesArePresentWithTheirScopes) {
  const auto roles =
      Get<std::vector<Role>>(store(), [](UnitOfWork& uow) { return uow.ListRoles(); });
  ASSERT_EQ(roles.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) ExpectSameRole(roles[i], core::BuiltInRoles()[i]);
  using Scope = core::PermissionSet::Scope;
  EXPECT_EQ(FindRole(store(), core::kFullAccessRoleId)->permissions.scope(), Scope::kAllButTokens);
  EXPECT_EQ(FindRole(store(), core::kAuditorRoleId)->permissions.scope(), Scope::kViews);
  EXPECT_EQ(FindRole(store(), core::kMasterAdministratorRoleId)->permissions.scope(), Scope::kAll);
  for (const Role& role : roles) EXPECT_TRUE(role.built_in) << role.name;
}

TEST_P(StoreContract, BuiltInRolesAreFoundByNameKey) {
  for (const Role& builtin : core::BuiltInRoles()) {
    const auto found = Get<std::optional<Role>>(store(), [&](UnitOfWork& uow) {
      return uow.FindRoleByNameKey(core::NameKey(AsciiUpper(builtin.name)));
    });
    ASSERT_TRUE(found.has_value()) << builtin.name;
    EXPECT_EQ(found->id, builtin.id);
  }
}

TEST_P(StoreContract, CustomRoleRoundTrips) {
  const Role ops = NewRole("Ops", {"orders:read", "apikeys:view", "billing.invoices:write"});
  const RoleId id = InsertRole(store(), ops);
  EXPECT_GE(id, core::kFirstCustomRoleId);
  Role want = ops;
  want.id = id;
  ExpectSameRole(*FindRole(store(), id), want);
  const auto by_name = Get<std::optional<Role>>(
      store(), [](UnitOfWork& uow) { return uow.FindRoleByNameKey(core::NameKey("OPS")); });
  ASSERT_TRUE(by_name.has_value());
  ExpectSameRole(*by_name, want);

  want.name = "Operations";
  want.description = "runs things";
  want.permissions = core::PermissionSet::Of({"audit:view"});
  want.attributes = R"({"allComputers":true,"rights":{"platformRights":{}}})";
  ASSERT_TRUE(Do(store(), [&](UnitOfWork& uow) { return uow.UpdateRole(want); }).has_value());
  ExpectSameRole(*FindRole(store(), id), want);

  want.permissions = core::PermissionSet::Of({});
  want.attributes.clear();
  ASSERT_TRUE(Do(store(), [&](UnitOfWork& uow) { return uow.UpdateRole(want); }).has_value());
  ExpectSameRole(*FindRole(store(), id), want);

  const auto roles =
      Get<std::vector<Role>>(store(), [](UnitOfWork& uow) { return uow.ListRoles(); });
  ASSERT_EQ(roles.size(), 4u);
  EXPECT_EQ(roles.back().id, id);
  EXPECT_TRUE(std::is_sorted(roles.begin(), roles.end(),
                             [](const Role& a, const Role& b) { return a.id < b.id; }));

  ASSERT_TRUE(Do(store(), [&](UnitOfWork& uow) { return uow.DeleteRole(id); }).has_value());
  EXPECT_FALSE(FindRole(store(), id).has_value());
}

TEST_P(StoreContract, CustomRoleIdsStartAt100AndAreNeverReused) {
  const RoleId first = InsertRole(store(), NewRole("first", {"orders:read"}));
  EXPECT_GE(first, core::kFirstCustomRoleId);
  const RoleId second = InsertRole(store(), NewRole("second", {"orders:read"}));
  EXPECT_GT(second, first);
  ASSERT_TRUE(Do(store(), [&](UnitOfWork& uow) { return uow.DeleteRole(second); }).has_value());
  EXPECT_GT(InsertRole(store(), NewRole("third", {})), second);
}

TEST_P(StoreContract, RoleNameIsUniqueIgnoringAsciiCase) {
  InsertRole(store(), NewRole("Ops", {}));
  auto st = TryInsertRole(store(), NewRole("oPS", {}));
  ASSERT_NO_FATAL_FAILURE(ExpectError(st, ErrorCode::kAlreadyExists));
  EXPECT_EQ(st.error().msg, core::Msg::kRoleNameTaken);
  ExpectError(TryInsertRole(store(), NewRole(AsciiUpper(core::BuiltInRoles()[1].name), {})),
              ErrorCode::kAlreadyExists);

  const RoleId dev = InsertRole(store(), NewRole("Dev", {}));
  Role renamed = *FindRole(store(), dev);
  renamed.name = "OPS";
  ExpectError(Do(store(), [&](UnitOfWork& uow) { return uow.UpdateRole(renamed); }),
              ErrorCode::kAlreadyExists);
  renamed.name = "DEV";
  EXPECT_TRUE(Do(store(), [&](UnitOfWork& uow) { return uow.UpdateRole(renamed); }).has_value());
}

TEST_P(StoreContract, BuiltInRolesCannotBeChangedOrDeleted) {
  for (const Role& builtin : core::BuiltInRoles()) {
    Role changed = builtin;
    changed.description = "changed";
    ExpectError(Do(store(), [&](UnitOfWork& uow) { return uow.UpdateRole(changed); }),
                ErrorCode::kReadOnly);
    ExpectError(Do(store(), [&](UnitOfWork& uow) { return uow.DeleteRole(builtin.id); }),
                ErrorCode::kReadOnly);
    ExpectSameRole(*FindRole(store(), builtin.id), builtin);
  }
}

TEST_P(StoreContract, RoleInUseCannotBeDeleted) {
  const RoleId role = InsertRole(store(), NewRole("Ops", {"orders:read"}));
  const auto key = Insert(store(), NewKey("ops key", role));
  EXPECT_EQ(Find(store(), key)->role_name, "Ops");
  ExpectError(Do(store(), [&](UnitOfWork& uow) { return uow.DeleteRole(role); }),
              ErrorCode::kInUse);
  EXPECT_TRUE(FindRole(store(), role).has_value());
  ASSERT_TRUE(Do(store(), [&](UnitOfWork& uow) { return uow.DeleteKey(key); }).has_value());
  EXPECT_TRUE(Do(store(), [&](UnitOfWork& uow) { return uow.DeleteRole(role); }).has_value());
}

TEST_P(StoreContract, KeyRoleNameFollowsARenamedRole) {
  const RoleId role = InsertRole(store(), NewRole("Ops", {}));
  const auto key = Insert(store(), NewKey("ops key", role));
  Role renamed = *FindRole(store(), role);
  renamed.name = "Operations";
  ASSERT_TRUE(Do(store(), [&](UnitOfWork& uow) { return uow.UpdateRole(renamed); }).has_value());
  EXPECT_EQ(Find(store(), key)->role_name, "Operations");
}

TEST_P(StoreContract, MissingRoleIsNotFound) {
  EXPECT_FALSE(FindRole(store(), 4242).has_value());
  Role ghost = NewRole("ghost", {});
  ghost.id = 4242;
  ExpectError(Do(store(), [&](UnitOfWork& uow) { return uow.UpdateRole(ghost); }),
              ErrorCode::kNotFound);
  ExpectError(Do(store(), [&](UnitOfWork& uow) { return uow.DeleteRole(4242); }),
              ErrorCode::kNotFound);
}

TEST_P(StoreContract, AuditEventsAppendAndListInOrder) {
  std::vector<core::AuditEvent> events = {Event("apikey.create", seconds{0}),
                                          Event("apikey.update", seconds{1}),
                                          Event("apikey.delete", seconds{2})};
  for (auto& e : events) {
    e.id = Get<std::int64_t>(store(), [&](UnitOfWork& uow) { return uow.AppendAudit(e); });
  }
  EXPECT_LT(events[0].id, events[1].id);
  EXPECT_LT(events[1].id, events[2].id);
  const auto all = Get<std::vector<core::AuditEvent>>(
      store(), [](UnitOfWork& uow) { return uow.ListAudit(0, 10); });
  ASSERT_EQ(all.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(all[i].id, events[i].id);
    EXPECT_EQ(all[i].time, events[i].time);
    EXPECT_EQ(all[i].actor, events[i].actor);
    EXPECT_EQ(all[i].action, events[i].action);
    EXPECT_EQ(all[i].target, events[i].target);
    EXPECT_EQ(all[i].ip, events[i].ip);
    EXPECT_EQ(all[i].outcome, events[i].outcome);
    EXPECT_EQ(all[i].details_json, events[i].details_json);
    EXPECT_EQ(all[i].hash, events[i].hash);
  }
  const auto after_first = Get<std::vector<core::AuditEvent>>(
      store(), [&](UnitOfWork& uow) { return uow.ListAudit(events[0].id, 1); });
  ASSERT_EQ(after_first.size(), 1u);
  EXPECT_EQ(after_first[0].action, "apikey.update");
  EXPECT_TRUE(Get<std::vector<core::AuditEvent>>(store(), [&](UnitOfWork& uow) {
                return uow.ListAudit(events[2].id, 10);
              }).empty());
}

TEST_P(StoreContract, MetaGetAndSet) {
  auto get = [&](const std::string& key) {
    return Get<std::optional<std::string>>(store(),
                                           [&](UnitOfWork& uow) { return uow.GetMeta(key); });
  };
  EXPECT_FALSE(get("pepper.versions").has_value());
  ASSERT_TRUE(
      Do(store(), [](UnitOfWork& uow) { return uow.SetMeta("pepper.versions", "1"); }).has_value());
  EXPECT_EQ(get("pepper.versions"), "1");
  ASSERT_TRUE(Do(store(), [](UnitOfWork& uow) {
                return uow.SetMeta("pepper.versions", "1,2");
              }).has_value());
  EXPECT_EQ(get("pepper.versions"), "1,2");
  ASSERT_TRUE(Do(store(), [](UnitOfWork& uow) { return uow.SetMeta("empty", ""); }).has_value());
  EXPECT_EQ(get("empty"), "");
}

TEST_P(StoreContract, FailedUnitOfWorkLeavesNothingBehind) {
  const core::Error refusal = core::MakeError(ErrorCode::kConflict, core::Msg::kPepperMismatch);
  const auto st = Do(store(), [&](UnitOfWork& uow) -> core::Status {
    auto id = uow.InsertKey(NewKey("doomed"));
    if (!id) return id.error();
    KW_RETURN_IF_ERROR(uow.AppendAudit(Event("apikey.create", seconds{0})));
    auto role = uow.InsertRole(NewRole("doomed role", {}));
    if (!role) return role.error();
    KW_RETURN_IF_ERROR(uow.SetMeta("doomed", "yes"));
    auto seen = uow.FindKey(*id);  // a unit of work reads its own writes
    if (!seen || !seen->has_value()) return core::Internal("own write not visible");
    return refusal;
  });
  ASSERT_NO_FATAL_FAILURE(ExpectError(st, ErrorCode::kConflict));
  EXPECT_EQ(st.error().msg, core::Msg::kPepperMismatch);
  EXPECT_TRUE(contract::List(store(), contract::AtNow()).empty());
  EXPECT_TRUE(Get<std::vector<core::AuditEvent>>(store(), [](UnitOfWork& uow) {
                return uow.ListAudit(0, 10);
              }).empty());
  EXPECT_EQ(Get<std::vector<Role>>(store(), [](UnitOfWork& uow) { return uow.ListRoles(); }).size(),
            3u);
  EXPECT_FALSE(Get<std::optional<std::string>>(store(), [](UnitOfWork& uow) {
                 return uow.GetMeta("doomed");
               }).has_value());
}

TEST_P(StoreContract, UnitsOfWorkAreSerialized) {
  constexpr int kThreads = 4;
  constexpr int kIncrements = 25;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kIncrements; ++i) {
        // Read, then write: lost updates would show if two units of work interleaved.
        const auto st = Do(store(), [](UnitOfWork& uow) -> core::Status {
          auto value = uow.GetMeta("counter");
          if (!value) return value.error();
          const int n = value->has_value() ? std::stoi(**value) : 0;
          return uow.SetMeta("counter", std::to_string(n + 1));
        });
        EXPECT_TRUE(st.has_value());
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(Get<std::optional<std::string>>(store(),
                                            [](UnitOfWork& uow) { return uow.GetMeta("counter"); }),
            std::to_string(kThreads * kIncrements));
}

}  // namespace
}  // namespace keyward::storage
