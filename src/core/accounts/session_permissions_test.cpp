// The permissions a console session carries to the web console: its account's role's, at sign-in
// and on every GET /v1/session (docs/api.md "Roles, accounts, sessions, audit").
#include <gtest/gtest.h>

#include "core/accounts/session_service.hpp"
#include "testing/session_fixture.hpp"

namespace keyward::core {
namespace {

using testing::kKnownPassword;

// One fixture class for the whole SessionService suite (see session_service_test.cpp).
using SessionService = testing::SessionFixture;

TEST_F(SessionService, SignInAndDescribeCarryTheRolesPermissions) {
  MakeUser();  // an Auditor
  const SignedIn in = Must(SignIn(kKnownPassword));
  EXPECT_EQ(in.permissions, PermissionSet::Views());
  const SessionInfo info = Must(sessions_.Describe(Must(Auth(in.cookie))));
  EXPECT_EQ(info.permissions, PermissionSet::Views());
}

TEST_F(SessionService, DescribeFollowsARoleChangeWithItsFreeFormPermissions) {
  CreateRole(master_, "Orders", {"orders:read", std::string(perm::kApiKeysView)});
  const AccountId id = MakeUser();
  const std::string cookie = MustSignIn();
  AccountInput in;
  in.role = "Orders";
  Must(accounts_.Update(master_, id, in));
  const SessionInfo info = Must(sessions_.Describe(Must(Auth(cookie))));
  EXPECT_EQ(info.permissions.Display(),
            (std::vector<std::string>{std::string(perm::kApiKeysView), "orders:read"}));
}

}  // namespace
}  // namespace keyward::core
