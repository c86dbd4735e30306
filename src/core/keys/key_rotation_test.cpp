// KeyService::Rotate: a new secret for the same key, the old one dead at once or after a grace
// period. The other KeyService tests are in key_service_test.cpp and key_permissions_test.cpp.
#include <gtest/gtest.h>

#include "core/crypto/token.hpp"
#include "core/keys/key_service.hpp"
#include "testing/key_fixture.hpp"

namespace keyward::core {
namespace {

// One fixture class for the whole KeyService suite, whichever file its tests are in.
using KeyService = testing::KeyFixture;

TEST_F(KeyService, RotateKillsTheOldSecretAtOnce) {
  IssuedKey k = MustCreate(master_, "rotating", "Auditor");
  IssuedKey rotated = service_.Rotate(master_, k.key.id, 0).value();
  EXPECT_NE(rotated.token, k.token);
  EXPECT_EQ(ParseToken(rotated.token)->public_id, ParseToken(k.token)->public_id);
  EXPECT_EQ(VerifyFrom(k.token), Outcome::kNotFound);
  EXPECT_EQ(VerifyFrom(rotated.token), Outcome::kValid);
  EXPECT_TRUE(rotated.key.secret_rotated_at.has_value());
}

TEST_F(KeyService, RotateWithGraceKeepsTheOldSecretUntilTheGraceEnds) {
  IssuedKey k = MustCreate(master_, "graceful", "Auditor");
  IssuedKey rotated = service_.Rotate(master_, k.key.id, 3600).value();
  EXPECT_EQ(VerifyFrom(k.token), Outcome::kValid);
  EXPECT_EQ(VerifyFrom(rotated.token), Outcome::kValid);
  clock_.Advance(Seconds{3599});
  EXPECT_EQ(VerifyFrom(k.token), Outcome::kValid);
  clock_.Advance(Seconds{1});
  EXPECT_EQ(VerifyFrom(k.token), Outcome::kNotFound);
  EXPECT_EQ(VerifyFrom(rotated.token), Outcome::kValid);
}

TEST_F(KeyService, RotatingDuringAGracePeriodEndsIt) {
  IssuedKey k = MustCreate(master_, "twice", "Auditor");
  IssuedKey second = service_.Rotate(master_, k.key.id, 3600).value();
  IssuedKey third = service_.Rotate(master_, k.key.id, 3600).value();
  EXPECT_EQ(VerifyFrom(k.token), Outcome::kNotFound);  // at most two secrets work
  EXPECT_EQ(VerifyFrom(second.token), Outcome::kValid);
  EXPECT_EQ(VerifyFrom(third.token), Outcome::kValid);
}

TEST_F(KeyService, RotateRejectsAGracePeriodOutOfRange) {
  IssuedKey k = MustCreate(master_, "range", "Auditor");
  for (std::int64_t bad : {std::int64_t{-1}, kMaxGracePeriodSeconds + 1}) {
    Result<IssuedKey> r = service_.Rotate(master_, k.key.id, bad);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().field, "gracePeriodSeconds");
  }
  EXPECT_TRUE(service_.Rotate(master_, k.key.id, kMaxGracePeriodSeconds).has_value());
}

}  // namespace
}  // namespace keyward::core
