#include "core/verification/verifier.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <set>

#include "core/crypto/token.hpp"
#include "testing/key_fixture.hpp"

namespace keyward::core {
namespace {

using testing::KeyFixture;
using testing::WrongSecret;

class Verifier : public KeyFixture {
 protected:
  Verification Check(const std::string& token, const char* ip = "8.8.8.8",
                     std::vector<std::string_view> permissions = {}) {
    VerifyRequest req;
    req.token = token;
    req.client_ip = IpAddress::Parse(ip);
    req.required_permissions = permissions;
    return verifier_.Verify(req);
  }

  // The token with its secret replaced (checksum recomputed): right shape, wrong secret.

  IssuedKey CreateWithAllowlist(const std::string& name, std::vector<std::string> ips) {
    CreateKeyInput in;
    in.name = name;
    in.role = "Auditor";
    in.allowed_ips = std::move(ips);
    return service_.Create(master_, in).value();
  }
};

TEST_F(Verifier, ValidKeyCarriesItsEntry) {
  IssuedKey k = MustCreate(master_, "valid", "Auditor");
  Verification v = Check(k.token);
  EXPECT_EQ(v.outcome, Outcome::kValid);
  ASSERT_TRUE(v.key.has_value());
  EXPECT_EQ(v.key->id, k.key.id);
  EXPECT_EQ(v.key->name, "valid");
  ASSERT_NE(v.role, nullptr);
  EXPECT_EQ(v.role->name, "Auditor");
  EXPECT_TRUE(v.role->permissions.Has("apikeys:view"));
}

TEST_F(Verifier, MalformedTokensNeverReachTheStore) {
  for (const char* bad : {"", "kw_", "Bearer x", "kw_abc_def", "kw_AAAAAAAAAAAA_\xff"}) {
    EXPECT_EQ(Check(bad).outcome, Outcome::kMalformed) << bad;
  }
  IssuedKey k = MustCreate(master_, "checksum", "Auditor");
  std::string flipped = k.token;
  flipped.back() = flipped.back() == 'a' ? 'b' : 'a';
  EXPECT_EQ(Check(flipped).outcome, Outcome::kMalformed);
}

TEST_F(Verifier, UnknownPublicIdIsNotFound) {
  std::string token = FormatToken("AAAAAAAAAAAA", std::string(kSecretLength, 'x'));
  Verification v = Check(token);
  EXPECT_EQ(v.outcome, Outcome::kNotFound);
  EXPECT_FALSE(v.key.has_value());
}

TEST_F(Verifier, WrongSecretIsNotFoundAndRevealsNothing) {
  IssuedKey k = MustCreate(master_, "wrong", "Auditor");
  Verification v = Check(WrongSecret(k.token));
  EXPECT_EQ(v.outcome, Outcome::kNotFound);
  EXPECT_FALSE(v.key.has_value());
}

TEST_F(Verifier, DisabledExpiredAndLockedKeysAreRefusedWithTheirOutcome) {
  IssuedKey disabled = MustCreate(master_, "disabled", "Auditor");
  ASSERT_TRUE(service_.SetEnabled(master_, disabled.key.id, false).has_value());
  EXPECT_EQ(Check(disabled.token).outcome, Outcome::kDisabled);

  CreateKeyInput in;
  in.name = "expiring";
  in.role = "Auditor";
  in.expires_at = "2027-01-15T09:00:00Z";
  IssuedKey expiring = service_.Create(master_, in).value();
  EXPECT_EQ(Check(expiring.token).outcome, Outcome::kValid);
  clock_.Advance(Seconds{3600});
  EXPECT_EQ(Check(expiring.token).outcome, Outcome::kExpired);

  IssuedKey locked = MustCreate(master_, "locked", "Auditor");
  ASSERT_TRUE(service_.Lock(master_, locked.key.id).has_value());
  EXPECT_EQ(Check(locked.token).outcome, Outcome::kLockedOut);
}

TEST_F(Verifier, AllowlistDecidesByClientAddress) {
  IssuedKey k = CreateWithAllowlist("listed", {"8.8.8.0/24"});
  EXPECT_EQ(Check(k.token, "8.8.8.200").outcome, Outcome::kValid);
  EXPECT_EQ(Check(k.token, "::ffff:8.8.8.8").outcome, Outcome::kValid);
  EXPECT_EQ(Check(k.token, "1.1.1.1").outcome, Outcome::kIpNotAllowed);
  EXPECT_EQ(Check(k.token, "2001:4860::8888").outcome, Outcome::kIpNotAllowed);
}

TEST_F(Verifier, RequiredPermissionsMustAllBeHeld) {
  IssuedKey k = MustCreate(master_, "auditor", "Auditor");
  EXPECT_EQ(Check(k.token, "8.8.8.8", {"apikeys:view", "audit:view"}).outcome, Outcome::kValid);
  Verification v = Check(k.token, "8.8.8.8", {"apikeys:view", "orders:read"});
  EXPECT_EQ(v.outcome, Outcome::kInsufficientPermissions);
  EXPECT_EQ(v.missing_permission, "orders:read");
  EXPECT_EQ(Check(master_token_, "8.8.8.8", {"orders:read"}).outcome, Outcome::kValid);
}

TEST_F(Verifier, LocksAtExactlyTheThresholdAndReleasesAtUnlockAt) {
  IssuedKey k = MustCreate(master_, "target", "Auditor");
  const std::string wrong = WrongSecret(k.token);
  for (int i = 1; i <= 4; ++i) {
    EXPECT_EQ(Check(wrong).outcome, Outcome::kNotFound);
    EXPECT_EQ(Stored(k.key.id).failed_attempts, i);
    EXPECT_FALSE(Stored(k.key.id).LockedOutAt(clock_.Now()));
  }
  EXPECT_EQ(Check(wrong).outcome, Outcome::kNotFound);
  ApiKey locked = Stored(k.key.id);
  EXPECT_TRUE(locked.LockedOutAt(clock_.Now()));
  ASSERT_TRUE(locked.unlock_at.has_value());
  EXPECT_EQ(*locked.unlock_at, clock_.Now() + std::chrono::minutes(15));
  EXPECT_EQ(Check(k.token).outcome, Outcome::kLockedOut);

  clock_.Advance(std::chrono::minutes(15) - Seconds{1});
  EXPECT_EQ(Check(k.token).outcome, Outcome::kLockedOut);
  clock_.Advance(Seconds{1});
  EXPECT_EQ(Stored(k.key.id).FailedAttemptsAt(clock_.Now()), 0);
  EXPECT_EQ(Check(k.token).outcome, Outcome::kValid);
  EXPECT_FALSE(Stored(k.key.id).locked);
}

TEST_F(Verifier, LockoutIsAudited) {
  IssuedKey k = MustCreate(master_, "target", "Auditor");
  for (int i = 0; i < 5; ++i) (void)Check(WrongSecret(k.token));
  int lockouts = 0;
  for (const AuditEvent& e : AuditTrail()) {
    if (e.action == "auth.lockout" && e.target == "apikey:" + std::to_string(k.key.id)) ++lockouts;
  }
  EXPECT_EQ(lockouts, 1);
}

TEST_F(Verifier, FailuresFromOutsideTheAllowlistAreNotCounted) {
  IssuedKey k = CreateWithAllowlist("fenced", {"8.8.8.0/24"});
  const std::string wrong = WrongSecret(k.token);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(Check(wrong, "1.1.1.1").outcome, Outcome::kNotFound);
  EXPECT_EQ(Stored(k.key.id).failed_attempts, 0);
  EXPECT_EQ(Check(k.token, "8.8.8.8").outcome, Outcome::kValid);
  (void)Check(wrong, "8.8.8.9");
  EXPECT_EQ(Stored(k.key.id).failed_attempts, 1);
}

TEST_F(Verifier, SuccessResetsTheFailureCount) {
  IssuedKey k = MustCreate(master_, "target", "Auditor");
  for (int i = 0; i < 4; ++i) (void)Check(WrongSecret(k.token));
  EXPECT_EQ(Check(k.token).outcome, Outcome::kValid);
  EXPECT_EQ(Stored(k.key.id).failed_attempts, 0);
  EXPECT_EQ(Stored(k.key.id).last_used_at, clock_.Now());
  for (int i = 0; i < 4; ++i) (void)Check(WrongSecret(k.token));
  EXPECT_EQ(Check(k.token).outcome, Outcome::kValid);
}

TEST_F(Verifier, ThresholdZeroDisablesLockout) {
  core::Verifier lenient(lookup_, hasher_, clock_, LockoutPolicy{0, std::chrono::minutes(15)});
  IssuedKey k = MustCreate(master_, "target", "Auditor");
  VerifyRequest wrong;
  const std::string bad = WrongSecret(k.token);
  wrong.token = bad;
  wrong.client_ip = IpAddress::Parse("8.8.8.8");
  for (int i = 0; i < 20; ++i) (void)lenient.Verify(wrong);
  EXPECT_FALSE(Stored(k.key.id).LockedOutAt(clock_.Now()));
  EXPECT_EQ(Check(k.token).outcome, Outcome::kValid);
}

class DenyAllThrottle : public FailureThrottle {
 public:
  bool Allowed(ThrottleBudget, const IpAddress&, Time) override { return false; }
  void RecordFailure(ThrottleBudget, const IpAddress&, Time) override {}
  std::int64_t RetryAfterSeconds(ThrottleBudget, const IpAddress&, Time) const override {
    return 42;
  }
};

TEST_F(Verifier, AThrottledAddressIsRateLimitedBeforeAnythingElse) {
  DenyAllThrottle throttle;
  core::Verifier throttled(lookup_, hasher_, clock_, LockoutPolicy{}, &throttle);
  VerifyRequest req;
  req.token = master_token_;
  req.client_ip = IpAddress::Parse("8.8.8.8");
  const Verification v = throttled.Verify(req);
  EXPECT_EQ(v.outcome, Outcome::kRateLimited);
  EXPECT_EQ(v.retry_after_seconds, 42);
  EXPECT_FALSE(v.key.has_value());
}

TEST_F(Verifier, AStoreThatCannotAnswerIsUnavailable) {
  store_.FailNextCommit();
  EXPECT_EQ(Check(master_token_).outcome, Outcome::kUnavailable);
}

TEST_F(Verifier, APepperRotationReHashesOnNextUse) {
  IssuedKey k = MustCreate(master_, "old pepper", "Auditor");
  PepperSet both = PepperSet::Parse(std::string(testing::kTestPepperFile) +
                                    "2 QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI=\n")
                       .value();
  SecretHasher rotated(std::move(both));
  core::Verifier after(lookup_, rotated, clock_);
  VerifyRequest req;
  req.token = k.token;
  req.client_ip = IpAddress::Parse("8.8.8.8");
  EXPECT_EQ(after.Verify(req).outcome, Outcome::kValid);
  EXPECT_EQ(Stored(k.key.id).digest.pepper_version, 2u);
  EXPECT_EQ(after.Verify(req).outcome, Outcome::kValid);
}

// A lookup over the store that runs `between` after the secret matched and before the use is
// recorded: where another call's rotation of the same key can land.
class InterposingLookup final : public KeyLookup {
 public:
  InterposingLookup(Store& store, std::function<void()> between)
      : inner_(store), between_(std::move(between)) {}
  Result<bool> Find(std::string_view public_id, KeyEntry& out) override {
    return inner_.Find(public_id, out);
  }
  std::shared_ptr<const RoleEntry> Role(RoleId id) override { return inner_.Role(id); }
  void RecordFailure(const KeyEntry& key, Time now, const LockoutPolicy& policy,
                     const std::optional<IpAddress>& client) override {
    inner_.RecordFailure(key, now, policy, client);
  }
  void RecordSuccess(const KeyEntry& key, Time now, bool previous_secret,
                     const std::optional<SecretDigest>& rehash) override {
    between_();
    inner_.RecordSuccess(key, now, previous_secret, rehash);
  }

 private:
  StoreKeyLookup inner_;
  std::function<void()> between_;
};

TEST_F(Verifier, ARehashNeverUndoesARotationCommittedMeanwhile) {
  IssuedKey k = MustCreate(master_, "rotated meanwhile", "Auditor");
  SecretHasher rotated(PepperSet::Parse(std::string(testing::kTestPepperFile) +
                                        "2 QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI=\n")
                           .value());
  std::string new_token;
  InterposingLookup lookup(store_, [&] {
    if (!new_token.empty()) return;
    Result<IssuedKey> r = service_.Rotate(master_, k.key.id, 0);
    ASSERT_TRUE(r.has_value()) << r.error().Message();
    new_token = r->token;
  });
  core::Verifier after(lookup, rotated, clock_);
  VerifyRequest req;
  req.token = k.token;
  req.client_ip = IpAddress::Parse("8.8.8.8");
  EXPECT_EQ(after.Verify(req).outcome, Outcome::kValid);  // the old secret, before the rotation
  ASSERT_FALSE(new_token.empty());

  core::Verifier plain(lookup_, rotated, clock_);
  EXPECT_EQ(plain.Verify(req).outcome, Outcome::kNotFound) << "the old secret came back";
  req.token = new_token;
  EXPECT_EQ(plain.Verify(req).outcome, Outcome::kValid);
}

TEST(VerifierOutcome, NamesAreTheWireCodes) {
  std::set<std::string> names;
  for (Outcome o :
       {Outcome::kValid, Outcome::kMalformed, Outcome::kNotFound, Outcome::kDisabled,
        Outcome::kExpired, Outcome::kLockedOut, Outcome::kIpNotAllowed,
        Outcome::kInsufficientPermissions, Outcome::kRateLimited, Outcome::kUnavailable}) {
    names.insert(OutcomeName(o));
  }
  EXPECT_EQ(names,
            (std::set<std::string>{"VALID", "MALFORMED", "NOT_FOUND", "DISABLED", "EXPIRED",
                                   "LOCKED_OUT", "IP_NOT_ALLOWED", "INSUFFICIENT_PERMISSIONS",
                                   "RATE_LIMITED", "UNAVAILABLE"}));
}

TEST(AuthenticateCall, MapsOutcomesToErrors) {
  // Exercised end to end in KeyFixture-based tests; here the mapping of a refused token.
  storage::MemoryStore store;
  ManualClock clock(Time{Seconds{testing::kTestEpochSeconds}});
  SecretHasher hasher(testing::TestPeppers());
  StoreKeyLookup lookup(store);
  core::Verifier verifier(lookup, hasher, clock);
  Result<Principal> p = Authenticate(verifier, "garbage", IpAddress::Parse("8.8.8.8"));
  ASSERT_FALSE(p.has_value());
  EXPECT_EQ(p.error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(p.error().Message(), "invalid or missing API key");
}

}  // namespace
}  // namespace keyward::core
