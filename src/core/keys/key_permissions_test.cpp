// KeyService's permission checks: each call needs its permission, and no key grants or acts on
// more than its own role may (Master Administrator keys, custom roles, the last Master
// Administrator). The other KeyService tests are in key_service_test.cpp and
// key_rotation_test.cpp.
#include <gtest/gtest.h>

#include "core/keys/key_service.hpp"
#include "testing/key_fixture.hpp"

namespace keyward::core {
namespace {

// One fixture class for the whole KeyService suite, whichever file its tests are in.
using KeyService = testing::KeyFixture;

TEST_F(KeyService, EachCallRequiresItsPermission) {
  Principal auditor = As(MustCreate(master_, "auditor", "Auditor").token);
  IssuedKey target = MustCreate(master_, "target", "Auditor");
  EXPECT_TRUE(service_.Get(auditor, target.key.id).has_value());
  EXPECT_TRUE(service_.List(auditor, {}).has_value());
  CreateKeyInput in;
  in.name = "nope";
  in.role = "Auditor";
  EXPECT_EQ(service_.Create(auditor, in).error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(service_.Update(auditor, target.key.id, {}).error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(service_.SetEnabled(auditor, target.key.id, false).error().code,
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(service_.Rotate(auditor, target.key.id, 0).error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(service_.Delete(auditor, target.key.id).error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(service_.DeleteMany(auditor, {"1"}).error().code, ErrorCode::kPermissionDenied);
}

TEST_F(KeyService, FullAccessCannotGrantMasterAdministrator) {
  Principal full = As(MustCreate(master_, "full", "Full Access").token);
  CreateKeyInput in;
  in.name = "escalated";
  in.role = "Master Administrator";
  EXPECT_EQ(service_.Create(full, in).error().code, ErrorCode::kPermissionDenied);
  IssuedKey own = MustCreate(full, "own", "Auditor");
  UpdateKeyInput promote;
  promote.role = "3";
  EXPECT_EQ(service_.Update(full, own.key.id, promote).error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(Stored(own.key.id).role_id, kAuditorRoleId);
}

TEST_F(KeyService, FullAccessCannotActOnAMasterAdministratorKey) {
  Principal full = As(MustCreate(master_, "full", "Full Access").token);
  UpdateKeyInput rename;
  rename.name = "pwned";
  EXPECT_EQ(service_.Update(full, master_id_, rename).error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(service_.Rotate(full, master_id_, 0).error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(service_.SetEnabled(full, master_id_, false).error().code,
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(service_.Lock(full, master_id_).error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(service_.Delete(full, master_id_).error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(VerifyFrom(master_token_), Outcome::kValid);
}

TEST_F(KeyService, CustomRoleCannotGrantWhatItLacks) {
  Role role;
  role.name = "key clerk";
  role.permissions = PermissionSet::Of({"apikeys:view", "apikeys:create", "orders:read"});
  RoleId id =
      TransactValue<RoleId>(store_, [&](UnitOfWork& uow) { return uow.InsertRole(role); }).value();
  Principal clerk = As(MustCreate(master_, "clerk", std::to_string(id)).token);
  CreateKeyInput in;
  in.name = "auditor by clerk";
  in.role = "Auditor";  // Auditor holds roles:view, which the clerk lacks
  Result<IssuedKey> r = service_.Create(clerk, in);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kPermissionDenied);
  in.role = std::to_string(id);
  EXPECT_TRUE(service_.Create(clerk, in).has_value());
}

TEST_F(KeyService, TheLastMasterAdministratorCannotBeRemoved) {
  for (auto attempt : std::vector<std::function<Error()>>{
           [&] { return service_.SetEnabled(master_, master_id_, false).error(); },
           [&] { return service_.Lock(master_, master_id_).error(); },
           [&] { return service_.Delete(master_, master_id_).error(); },
           [&] { return service_.DeleteMany(master_, {std::to_string(master_id_)}).error(); },
           [&] {
             UpdateKeyInput in;
             in.role = "Full Access";
             return service_.Update(master_, master_id_, in).error();
           }}) {
    EXPECT_EQ(attempt().code, ErrorCode::kLastMasterAdministrator);
  }
  EXPECT_EQ(VerifyFrom(master_token_), Outcome::kValid);
  IssuedKey second = MustCreate(master_, "second admin", "Master Administrator");
  EXPECT_TRUE(service_.SetEnabled(master_, master_id_, false).has_value());
  EXPECT_EQ(service_.SetEnabled(As(second.token), second.key.id, false).error().code,
            ErrorCode::kLastMasterAdministrator);
}

}  // namespace
}  // namespace keyward::core
