#include "core/roles/role_service.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>

#include "testing/account_fixture.hpp"

namespace keyward::core {
namespace {

using testing::AccountFixture;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

class RoleService : public AccountFixture {
 protected:
  // A caller that manages roles and reads orders, nothing else.
  Principal RoleManager() {
    CreateRole(master_, "Role manager",
               {"roles:view", "roles:create", "roles:edit", "roles:delete", "orders:read"});
    return KeyOfRole("Role manager");
  }

  Outcome VerifyWith(const std::string& token, std::string_view permission) {
    const std::array<std::string_view, 1> required{permission};
    VerifyRequest req;
    req.token = token;
    req.client_ip = IpAddress::Parse("8.8.8.8");
    req.required_permissions = required;
    return verifier_.Verify(req).outcome;
  }
};

TEST_F(RoleService, CreateTakesCatalogueAndFreeFormPermissionsAndIsAudited) {
  Role role = CreateRole(master_, "Orders reader", {"orders:read", "apikeys:view"});
  EXPECT_GE(role.id, kFirstCustomRoleId);
  EXPECT_FALSE(role.built_in);
  EXPECT_EQ(role.permissions.names(), (std::vector<std::string>{"apikeys:view", "orders:read"}));
  EXPECT_EQ(Must(roles_.Get(master_, role.id)).name, "Orders reader");
  std::vector<AuditEvent> created = AuditEvents("role.create");
  ASSERT_EQ(created.size(), 1u);
  EXPECT_EQ(created[0].target, "role:" + std::to_string(role.id));
  EXPECT_EQ(created[0].actor, master_.actor);
  EXPECT_THAT(created[0].details_json, HasSubstr("orders:read"));
  EXPECT_THAT(created[0].details_json, HasSubstr("apikeys:view"));
}

TEST_F(RoleService, CreateRequiresNameAndPermissions) {
  RoleInput no_name;
  no_name.permissions = std::vector<std::string>{"orders:read"};
  Result<Role> r = roles_.Create(master_, no_name);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().field, "name");

  RoleInput no_permissions;
  no_permissions.name = "nothing";
  r = roles_.Create(master_, no_permissions);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().field, "permissions");
  EXPECT_THAT(AuditActions(), Not(Contains("role.create")));
}

TEST_F(RoleService, BadPermissionNamesNameTheirIndex) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"orders:read", "Orders:Write"}, "permissions[1]"},
      {{"orders"}, "permissions[0]"},
      {{"orders:read", "orders:write", "orders read"}, "permissions[2]"},
      {{":read"}, "permissions[0]"},
      {{"orders:"}, "permissions[0]"},
  };
  for (const auto& [permissions, field] : cases) {
    RoleInput in;
    in.name = "bad";
    in.permissions = permissions;
    Result<Role> r = roles_.Create(master_, in);
    ASSERT_FALSE(r.has_value()) << field;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << field;
    EXPECT_EQ(r.error().field, field);
  }
}

TEST_F(RoleService, NamesAreUniqueAsciiCaseInsensitively) {
  Role first = CreateRole(master_, "Orders", {"orders:read"});
  RoleInput in;
  in.name = "ORDERS";
  in.permissions = std::vector<std::string>{"orders:write"};
  Result<Role> dup = roles_.Create(master_, in);
  ASSERT_FALSE(dup.has_value());
  EXPECT_EQ(dup.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(dup.error().field, "name");

  in.name = "full access";  // a built-in role's name is taken too
  dup = roles_.Create(master_, in);
  ASSERT_FALSE(dup.has_value());
  EXPECT_EQ(dup.error().code, ErrorCode::kAlreadyExists);

  Role second = CreateRole(master_, "Billing", {"billing:read"});
  RoleInput rename;
  rename.name = "orders";
  Result<Role> upd = roles_.Update(master_, second.id, rename);
  ASSERT_FALSE(upd.has_value());
  EXPECT_EQ(upd.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(upd.error().field, "name");
  rename.name = "ORDERS";  // its own name in another case is fine
  EXPECT_EQ(Must(roles_.Update(master_, first.id, rename)).name, "ORDERS");
}

TEST_F(RoleService, BuiltInRolesAreReadOnly) {
  for (RoleId id : {kFullAccessRoleId, kAuditorRoleId, kMasterAdministratorRoleId}) {
    RoleInput in;
    in.description = "changed";
    Result<Role> upd = roles_.Update(master_, id, in);
    ASSERT_FALSE(upd.has_value()) << id;
    EXPECT_EQ(upd.error().code, ErrorCode::kReadOnly) << id;
    Status del = roles_.Delete(master_, id);
    ASSERT_FALSE(del.has_value()) << id;
    EXPECT_EQ(del.error().code, ErrorCode::kReadOnly) << id;
  }
  EXPECT_EQ(Must(roles_.List(master_)).size(), 3u);
}

TEST_F(RoleService, ARoleInUseByAKeyCannotBeDeleted) {
  Role role = CreateRole(master_, "Key role", {"orders:read"});
  IssuedKey key = MustCreate(master_, "uses key role", "Key role");
  Status del = roles_.Delete(master_, role.id);
  ASSERT_FALSE(del.has_value());
  EXPECT_EQ(del.error().code, ErrorCode::kInUse);
  EXPECT_THAT(del.error().Message(), HasSubstr("1 API keys and 0 accounts"));
  ASSERT_TRUE(service_.Delete(master_, key.key.id).has_value());
  EXPECT_TRUE(roles_.Delete(master_, role.id).has_value());
}

TEST_F(RoleService, ARoleInUseByAnAccountCannotBeDeletedAndItsTokenCountsAsTheAccount) {
  Role role = CreateRole(master_, "Account role", {"orders:read"});
  AccountView account = CreateAccount(master_, "user@example.com", "Account role");
  ASSERT_TRUE(accounts_.IssueToken(master_, account.account.id, std::nullopt).has_value());
  Status del = roles_.Delete(master_, role.id);
  ASSERT_FALSE(del.has_value());
  EXPECT_EQ(del.error().code, ErrorCode::kInUse);
  EXPECT_THAT(del.error().Message(), HasSubstr("0 API keys and 1 accounts"));
  ASSERT_TRUE(accounts_.Delete(master_, account.account.id).has_value());
  EXPECT_TRUE(roles_.Delete(master_, role.id).has_value());
  Result<Role> gone = roles_.Get(master_, role.id);
  ASSERT_FALSE(gone.has_value());
  EXPECT_EQ(gone.error().code, ErrorCode::kNotFound);
}

TEST_F(RoleService, ACallerCannotCreateARoleWithAPermissionItLacks) {
  const Principal manager = RoleManager();
  for (const char* lacked : {"orders:write", "apikeys:view"}) {
    RoleInput in;
    in.name = std::string("with ") + lacked;
    in.permissions = std::vector<std::string>{"orders:read", lacked};
    Result<Role> r = roles_.Create(manager, in);
    ASSERT_FALSE(r.has_value()) << lacked;
    EXPECT_EQ(r.error().code, ErrorCode::kPermissionDenied) << lacked;
    EXPECT_THAT(r.error().Message(), HasSubstr(lacked));
  }
  EXPECT_EQ(CreateRole(manager, "within reach", {"orders:read"}).name, "within reach");
}

TEST_F(RoleService, ACallerCannotAddAPermissionItLacksByUpdate) {
  const Principal manager = RoleManager();
  Role mine = CreateRole(manager, "Mine", {"orders:read"});
  RoleInput in;
  in.permissions = std::vector<std::string>{"orders:read", "orders:write"};
  Result<Role> r = roles_.Update(manager, mine.id, in);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kPermissionDenied);
  EXPECT_THAT(r.error().Message(), HasSubstr("orders:write"));
  EXPECT_EQ(Must(roles_.Get(master_, mine.id)).permissions.names(),
            std::vector<std::string>{"orders:read"});
}

TEST_F(RoleService, ACallerCannotEditOrDeleteARoleHoldingAPermissionItLacks) {
  const Principal manager = RoleManager();
  Role above = CreateRole(master_, "Above", {"orders:read", "orders:write"});
  RoleInput rename;
  rename.name = "Renamed";
  Result<Role> upd = roles_.Update(manager, above.id, rename);
  ASSERT_FALSE(upd.has_value());
  EXPECT_EQ(upd.error().code, ErrorCode::kPermissionDenied);
  // Not even to take the permission away.
  RoleInput narrow;
  narrow.permissions = std::vector<std::string>{"orders:read"};
  upd = roles_.Update(manager, above.id, narrow);
  ASSERT_FALSE(upd.has_value());
  EXPECT_EQ(upd.error().code, ErrorCode::kPermissionDenied);
  Status del = roles_.Delete(manager, above.id);
  ASSERT_FALSE(del.has_value());
  EXPECT_EQ(del.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(Must(roles_.Get(master_, above.id)).name, "Above");
}

TEST_F(RoleService, UpdateChangesWhatAKeyWithTheRoleMayDoAtOnce) {
  Role role = CreateRole(master_, "Orders", {"orders:read"});
  IssuedKey key = MustCreate(master_, "orders client", "Orders");
  EXPECT_EQ(VerifyWith(key.token, "orders:read"), Outcome::kValid);
  EXPECT_EQ(VerifyWith(key.token, "orders:write"), Outcome::kInsufficientPermissions);
  RoleInput in;
  in.permissions = std::vector<std::string>{"orders:write"};
  Role after = Must(roles_.Update(master_, role.id, in));
  EXPECT_EQ(after.permissions.names(), std::vector<std::string>{"orders:write"});
  EXPECT_EQ(VerifyWith(key.token, "orders:write"), Outcome::kValid);
  EXPECT_EQ(VerifyWith(key.token, "orders:read"), Outcome::kInsufficientPermissions);
}

TEST_F(RoleService, UpdateAndDeleteAreAudited) {
  Role role = CreateRole(master_, "Audited", {"orders:read"});
  RoleInput in;
  in.name = "Audited too";
  in.description = "for the trail";
  in.permissions = std::vector<std::string>{"orders:read", "orders:write"};
  Must(roles_.Update(master_, role.id, in));
  ASSERT_TRUE(roles_.Delete(master_, role.id).has_value());
  std::vector<AuditEvent> updated = AuditEvents("role.update");
  ASSERT_EQ(updated.size(), 1u);
  EXPECT_EQ(updated[0].target, "role:" + std::to_string(role.id));
  EXPECT_THAT(updated[0].details_json, HasSubstr("Audited too"));
  EXPECT_THAT(updated[0].details_json, HasSubstr("orders:write"));
  std::vector<AuditEvent> deleted = AuditEvents("role.delete");
  ASSERT_EQ(deleted.size(), 1u);
  EXPECT_EQ(deleted[0].target, "role:" + std::to_string(role.id));
  std::vector<std::string> actions = AuditActions();
  actions.erase(std::remove_if(actions.begin(), actions.end(),
                               [](const std::string& a) { return a.rfind("role.", 0) != 0; }),
                actions.end());
  EXPECT_THAT(actions, ElementsAre("role.create", "role.update", "role.delete"));
}

TEST_F(RoleService, AnUpdateThatChangesNothingWritesNoAuditEvent) {
  Role role = CreateRole(master_, "Steady", {"orders:write", "orders:read"});
  const std::size_t before = AuditTrail().size();
  RoleInput same;
  same.name = "Steady";
  same.description = "";
  same.permissions = std::vector<std::string>{"orders:read", "orders:write"};  // reordered
  Role after = Must(roles_.Update(master_, role.id, same));
  EXPECT_EQ(after.name, "Steady");
  EXPECT_EQ(AuditTrail().size(), before);
  EXPECT_THAT(AuditActions(), Not(Contains("role.update")));
}

TEST_F(RoleService, AttributesAreKeptAsGivenAndReplacedByAnUpdate) {
  RoleInput input;
  input.name = "With attributes";
  input.permissions = std::vector<std::string>{"apikeys:view"};
  input.attributes = R"({"allComputers":true})";
  const Role role = Must(roles_.Create(master_, input));
  EXPECT_EQ(Must(roles_.Get(master_, role.id)).attributes, R"({"allComputers":true})");
  RoleInput change;
  change.attributes = R"({"allComputers":false})";
  EXPECT_EQ(Must(roles_.Update(master_, role.id, change)).attributes, R"({"allComputers":false})");
  EXPECT_EQ(Must(roles_.Get(master_, role.id)).permissions, role.permissions);
  change.attributes = std::string(kMaxAttributesLength + 1, ' ');
  Result<Role> big = roles_.Update(master_, role.id, change);
  ASSERT_FALSE(big.has_value());
  EXPECT_EQ(big.error().field, "attributes");
}

}  // namespace
}  // namespace keyward::core
