#include "core/permissions.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace keyward::core {
namespace {

std::vector<std::string> CatalogueNames() {
  std::vector<std::string> names;
  for (const auto& info : PermissionCatalogue()) names.emplace_back(info.name);
  return names;
}

TEST(PermissionCatalogue, ListsEveryPermissionInDisplayOrder) {
  const std::vector<std::string> expected = {
      "apikeys:view",  "apikeys:create",  "apikeys:edit",    "apikeys:delete", "roles:view",
      "roles:create",  "roles:edit",      "roles:delete",    "accounts:view",  "accounts:create",
      "accounts:edit", "accounts:delete", "accounts:tokens", "audit:view",     "keys:verify"};
  EXPECT_EQ(CatalogueNames(), expected);
}

TEST(PermissionCatalogue, GroupsAndDescribesPermissions) {
  for (const auto& info : PermissionCatalogue()) {
    EXPECT_FALSE(info.group.empty()) << info.name;
    EXPECT_FALSE(info.description.empty()) << info.name;
    EXPECT_TRUE(IsValidPermissionName(info.name)) << info.name;
  }
  const auto& audit = PermissionCatalogue()[13];
  EXPECT_EQ(audit.name, perm::kAuditView);
  EXPECT_EQ(audit.group, "Report Management");
  EXPECT_EQ(audit.description, "Third-party auditing (API only)");
  EXPECT_EQ(PermissionCatalogue()[12].description, "Generate and delete authentication tokens");
}

TEST(PermissionCatalogue, KnowsItsOwnNamesOnly) {
  EXPECT_TRUE(IsCataloguePermission("keys:verify"));
  EXPECT_FALSE(IsCataloguePermission("orders:read"));
  EXPECT_FALSE(IsCataloguePermission("apikeys:View"));
}

TEST(PermissionName, AcceptsResourceActionNames) {
  for (const char* name :
       {"orders:read", "billing.invoices:write", "a:b", "x1_y-z.w:r2-d2_.", "apikeys:view"}) {
    EXPECT_TRUE(IsValidPermissionName(name)) << name;
  }
  EXPECT_TRUE(IsValidPermissionName(std::string(64, 'a') + ":" + std::string(63, 'b')));
}

TEST(PermissionName, RejectsMalformedNames) {
  const std::string long_part(65, 'a');
  const std::vector<std::string> bad = {
      "",
      "orders",
      ":read",
      "orders:",
      ":",
      "orders:read:all",
      "Orders:read",
      "orders:Read",
      "1orders:read",
      "orders:_read",
      ".orders:read",
      "orders :read",
      "orders:re ad",
      "orders:read\n",
      "ordérs:read",
      "orders/x:read",
      "*:*",
      long_part + ":read",
      "orders:" + long_part,
      std::string(64, 'a') + ":" + std::string(64, 'b'),  // 129 in all
  };
  for (const auto& name : bad) EXPECT_FALSE(IsValidPermissionName(name)) << name;
}

TEST(PermissionSet, OfSortsAndDeduplicates) {
  const auto set = PermissionSet::Of({"roles:view", "apikeys:view", "roles:view"});
  EXPECT_EQ(set.scope(), PermissionSet::Scope::kExplicit);
  EXPECT_EQ(set.names(), (std::vector<std::string>{"apikeys:view", "roles:view"}));
  EXPECT_EQ(set, PermissionSet::Of({"apikeys:view", "roles:view"}));
}

TEST(PermissionSet, AllHasEveryPermission) {
  const auto all = PermissionSet::All();
  for (const auto& name : CatalogueNames()) EXPECT_TRUE(all.Has(name)) << name;
  EXPECT_TRUE(all.Has("orders:read"));
}

TEST(PermissionSet, AllButTokensLacksOnlyTokens) {
  const auto set = PermissionSet::AllButTokens();
  EXPECT_FALSE(set.Has("accounts:tokens"));
  for (const auto& name : CatalogueNames()) {
    if (name != "accounts:tokens") {
      EXPECT_TRUE(set.Has(name)) << name;
    }
  }
  EXPECT_TRUE(set.Has("orders:read"));
}

TEST(PermissionSet, ViewsHasOnlyViewActions) {
  const auto views = PermissionSet::Views();
  EXPECT_TRUE(views.Has("apikeys:view"));
  EXPECT_TRUE(views.Has("audit:view"));
  EXPECT_TRUE(views.Has("orders:view"));
  EXPECT_FALSE(views.Has("apikeys:create"));
  EXPECT_FALSE(views.Has("keys:verify"));
  EXPECT_FALSE(views.Has("view:read"));
  EXPECT_FALSE(views.Has("orders:viewer"));
}

TEST(PermissionSet, ExplicitHasOnlyListedNames) {
  const auto set = PermissionSet::Of({"orders:read", "apikeys:view"});
  EXPECT_TRUE(set.Has("orders:read"));
  EXPECT_TRUE(set.Has("apikeys:view"));
  EXPECT_FALSE(set.Has("orders:write"));
  EXPECT_FALSE(PermissionSet().Has("apikeys:view"));
}

TEST(PermissionSet, DisplayShowsScopeThroughCatalogue) {
  const auto all = CatalogueNames();
  EXPECT_EQ(PermissionSet::All().Display(), all);
  auto but_tokens = all;
  std::erase(but_tokens, "accounts:tokens");
  EXPECT_EQ(PermissionSet::AllButTokens().Display(), but_tokens);
  EXPECT_EQ(
      PermissionSet::Views().Display(),
      (std::vector<std::string>{"apikeys:view", "roles:view", "accounts:view", "audit:view"}));
  EXPECT_EQ(PermissionSet::Of({"orders:read", "apikeys:view"}).Display(),
            (std::vector<std::string>{"apikeys:view", "orders:read"}));
}

// The full subset matrix of the scopes, with explicit sets on either side.
TEST(PermissionSet, SubsetMatrixOfOpenScopes) {
  const auto all = PermissionSet::All();
  const auto but_tokens = PermissionSet::AllButTokens();
  const auto views = PermissionSet::Views();
  const auto every_listed = PermissionSet::Of(CatalogueNames());

  EXPECT_TRUE(all.IsSubsetOf(all));
  EXPECT_FALSE(all.IsSubsetOf(but_tokens));
  EXPECT_FALSE(all.IsSubsetOf(views));
  EXPECT_FALSE(all.IsSubsetOf(every_listed));

  EXPECT_TRUE(but_tokens.IsSubsetOf(all));
  EXPECT_TRUE(but_tokens.IsSubsetOf(but_tokens));
  EXPECT_FALSE(but_tokens.IsSubsetOf(views));
  EXPECT_FALSE(but_tokens.IsSubsetOf(every_listed));

  EXPECT_TRUE(views.IsSubsetOf(all));
  EXPECT_TRUE(views.IsSubsetOf(but_tokens));
  EXPECT_TRUE(views.IsSubsetOf(views));
  EXPECT_FALSE(views.IsSubsetOf(every_listed));
}

TEST(PermissionSet, SubsetMatrixOfExplicitSets) {
  const auto all = PermissionSet::All();
  const auto but_tokens = PermissionSet::AllButTokens();
  const auto views = PermissionSet::Views();
  const auto reader = PermissionSet::Of({"apikeys:view", "orders:view"});
  const auto custom = PermissionSet::Of({"apikeys:view", "orders:read"});
  const auto tokens = PermissionSet::Of({"accounts:tokens"});
  const auto empty = PermissionSet::Of({});

  EXPECT_TRUE(reader.IsSubsetOf(all));
  EXPECT_TRUE(reader.IsSubsetOf(but_tokens));
  EXPECT_TRUE(reader.IsSubsetOf(views));
  EXPECT_TRUE(custom.IsSubsetOf(all));
  EXPECT_TRUE(custom.IsSubsetOf(but_tokens));
  EXPECT_FALSE(custom.IsSubsetOf(views));
  EXPECT_TRUE(tokens.IsSubsetOf(all));
  EXPECT_FALSE(tokens.IsSubsetOf(but_tokens));
  EXPECT_FALSE(tokens.IsSubsetOf(views));

  EXPECT_TRUE(custom.IsSubsetOf(PermissionSet::Of({"apikeys:view", "orders:read", "x:y"})));
  EXPECT_FALSE(custom.IsSubsetOf(PermissionSet::Of({"apikeys:view"})));
  EXPECT_TRUE(empty.IsSubsetOf(empty));
  EXPECT_TRUE(empty.IsSubsetOf(views));
  EXPECT_FALSE(reader.IsSubsetOf(empty));
}

TEST(PermissionSet, FirstMissingFromNamesALackingPermission) {
  const auto all = PermissionSet::All();
  const auto but_tokens = PermissionSet::AllButTokens();
  const auto views = PermissionSet::Views();
  EXPECT_EQ(all.FirstMissingFrom(all), std::nullopt);
  EXPECT_EQ(all.FirstMissingFrom(but_tokens), "accounts:tokens");
  EXPECT_EQ(but_tokens.FirstMissingFrom(views), "apikeys:create");
  EXPECT_EQ(views.FirstMissingFrom(PermissionSet::Of({"apikeys:view"})), "roles:view");
  EXPECT_EQ(PermissionSet::Of({"apikeys:view", "orders:read"}).FirstMissingFrom(views),
            "orders:read");
  EXPECT_EQ(PermissionSet::Of({"apikeys:view"}).FirstMissingFrom(views), std::nullopt);
}

TEST(PermissionSet, FirstMissingFromOpenScopeOverFullListIsStar) {
  EXPECT_EQ(PermissionSet::All().FirstMissingFrom(PermissionSet::Of(CatalogueNames())), "*");
  EXPECT_EQ(PermissionSet::Views().FirstMissingFrom(
                PermissionSet::Of({"apikeys:view", "roles:view", "accounts:view", "audit:view"})),
            "*");
}

TEST(RoleBuiltIn, ListsThreeRolesInIdOrder) {
  const auto& roles = BuiltInRoles();
  ASSERT_EQ(roles.size(), 3u);
  EXPECT_EQ(roles[0].id, kFullAccessRoleId);
  EXPECT_EQ(roles[0].name, "Full Access");
  EXPECT_EQ(roles[0].description, "Every permission except issuing account tokens");
  EXPECT_EQ(roles[0].permissions, PermissionSet::AllButTokens());
  EXPECT_EQ(roles[1].id, kAuditorRoleId);
  EXPECT_EQ(roles[1].name, "Auditor");
  EXPECT_EQ(roles[1].description, "Read-only access");
  EXPECT_EQ(roles[1].permissions, PermissionSet::Views());
  EXPECT_EQ(roles[2].id, kMasterAdministratorRoleId);
  EXPECT_EQ(roles[2].name, "Master Administrator");
  EXPECT_EQ(roles[2].description, "Every permission, present and future");
  EXPECT_EQ(roles[2].permissions, PermissionSet::All());
  for (const auto& role : roles) EXPECT_TRUE(role.built_in) << role.name;
}

TEST(RoleBuiltIn, RecognisesBuiltInIds) {
  EXPECT_TRUE(IsBuiltInRole(1));
  EXPECT_TRUE(IsBuiltInRole(2));
  EXPECT_TRUE(IsBuiltInRole(3));
  EXPECT_FALSE(IsBuiltInRole(0));
  EXPECT_FALSE(IsBuiltInRole(4));
  EXPECT_FALSE(IsBuiltInRole(kFirstCustomRoleId));
}

TEST(PermissionValidation, AcceptsCatalogueAndFreeFormNames) {
  EXPECT_TRUE(ValidatePermissions({}).has_value());
  EXPECT_TRUE(ValidatePermissions(CatalogueNames()).has_value());
  EXPECT_TRUE(ValidatePermissions({"orders:read", "billing.invoices:write"}).has_value());
}

TEST(PermissionValidation, RejectsInvalidNameNamingItsIndex) {
  const Status s = ValidatePermissions({"orders:read", "Orders:Write"});
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(s.error().msg, Msg::kPermissionInvalid);
  EXPECT_EQ(s.error().field, "permissions[1]");
  EXPECT_EQ(s.error().args, std::vector<std::string>{"Orders:Write"});
}

TEST(PermissionValidation, RejectsDuplicateNamingSecondOccurrence) {
  const Status s = ValidatePermissions({"orders:read", "apikeys:view", "orders:read"});
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(s.error().msg, Msg::kIpDuplicate);  // generic text: "... appears more than once"
  EXPECT_EQ(s.error().field, "permissions[2]");
  EXPECT_EQ(s.error().args, std::vector<std::string>{"orders:read"});
}

TEST(PermissionValidation, RejectsMoreThan256Entries) {
  std::vector<std::string> names;
  for (int i = 0; i < 256; ++i) names.push_back("r" + std::to_string(i) + ":read");
  EXPECT_TRUE(ValidatePermissions(names).has_value());
  names.push_back("extra:read");
  const Status s = ValidatePermissions(names);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(s.error().msg, Msg::kTooManyItems);
  EXPECT_EQ(s.error().field, "permissions");
}

TEST(Escalation, GrantAllowsHeldPermissions) {
  EXPECT_TRUE(CheckCanGrant(PermissionSet::AllButTokens(),
                            PermissionSet::Of({"apikeys:edit", "orders:read"}))
                  .has_value());
  EXPECT_TRUE(CheckCanGrant(PermissionSet::All(), PermissionSet::All()).has_value());
  EXPECT_TRUE(CheckCanGrant(PermissionSet::Views(), PermissionSet::Views()).has_value());
}

TEST(Escalation, GrantRefusesPermissionNotHeld) {
  const Status s =
      CheckCanGrant(PermissionSet::AllButTokens(), PermissionSet::Of({"accounts:tokens"}));
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(s.error().msg, Msg::kGrantNotHeld);
  EXPECT_EQ(s.error().args, std::vector<std::string>{"accounts:tokens"});
}

TEST(Escalation, GrantRefusesOpenScopeToExplicitCaller) {
  const Status s = CheckCanGrant(PermissionSet::Of({"apikeys:view"}), PermissionSet::Views());
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(s.error().args, std::vector<std::string>{"roles:view"});
}

TEST(Escalation, ActOnAllowsTargetWithinCallerPermissions) {
  EXPECT_TRUE(CheckCanActOn(PermissionSet::All(), PermissionSet::All(), "API key 1").has_value());
  EXPECT_TRUE(CheckCanActOn(PermissionSet::AllButTokens(), PermissionSet::Views(), "API key 2")
                  .has_value());
}

TEST(Escalation, ActOnRefusesTargetThatOutranksCaller) {
  const Status s = CheckCanActOn(PermissionSet::AllButTokens(), PermissionSet::All(), "API key 42");
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(s.error().msg, Msg::kTargetOutranks);
  EXPECT_EQ(s.error().args, std::vector<std::string>{"API key 42"});
}

TEST(Escalation, RequirePermissionAllowsHeldPermission) {
  EXPECT_TRUE(RequirePermission(PermissionSet::Views(), perm::kAuditView).has_value());
  EXPECT_TRUE(RequirePermission(PermissionSet::All(), perm::kAccountsTokens).has_value());
}

TEST(Escalation, RequirePermissionRefusesMissingPermission) {
  const Status s = RequirePermission(PermissionSet::AllButTokens(), perm::kAccountsTokens);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(s.error().msg, Msg::kPermissionRequired);
  EXPECT_EQ(s.error().args, std::vector<std::string>{"accounts:tokens"});
}

}  // namespace
}  // namespace keyward::core
