// VerifyRequest::may_wait = false (the I/O thread's verification): a request whose outcome the
// store must write at once is answered deferred with nothing done at all, and the same request
// verified again with may_wait counts exactly once. Over the in-memory KeyIndex, as served.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <vector>

#include "core/crypto/token.hpp"
#include "core/verification/key_index.hpp"
#include "core/verification/verifier.hpp"
#include "testing/key_fixture.hpp"

namespace keyward::core {
namespace {

using testing::kTestEpochSeconds;
using testing::TestPeppers;
using testing::WrongSecret;

// Counts the units of work that reach the store.
class CountingStore final : public Store {
 public:
  explicit CountingStore(Store& inner) : inner_(inner) {}
  Status Transact(const std::function<Status(UnitOfWork&)>& fn) override {
    ++units_;
    return inner_.Transact(fn);
  }
  int units() const { return units_.load(); }

 private:
  Store& inner_;
  std::atomic<int> units_{0};
};

// Counts every failure recorded, per address.
class CountingThrottle final : public FailureThrottle {
 public:
  bool Allowed(ThrottleBudget, const IpAddress&, Time) override { return true; }
  void RecordFailure(ThrottleBudget, const IpAddress&, Time) override { ++failures; }
  std::int64_t RetryAfterSeconds(ThrottleBudget, const IpAddress&, Time) const override {
    return 0;
  }
  std::atomic<int> failures{0};
};

class RecordingSink final : public AuthEventSink {
 public:
  void Failed(Outcome outcome, const KeyEntry*, std::string_view, const std::optional<IpAddress>&,
              Time) override {
    std::lock_guard lock(mu_);
    outcomes_.push_back(outcome);
  }
  std::vector<Outcome> outcomes() const {
    std::lock_guard lock(mu_);
    return outcomes_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<Outcome> outcomes_;
};

class VerifierDeferral : public ::testing::Test {
 protected:
  VerifierDeferral()
      : clock_(Time{Seconds{kTestEpochSeconds}}),
        random_(11),
        hasher_(TestPeppers()),
        counting_(memory_),
        index_(counting_, clock_, KeyIndexOptions{Seconds{1}, Seconds{0}, Seconds{300}}),
        service_(index_.store(), clock_, random_, hasher_),
        verifier_(index_, hasher_, clock_, LockoutPolicy{3, std::chrono::minutes(15)}, &throttle_,
                  &sink_) {
    admin_ = service_.IssueMasterKey(Principal::System(), "admin").value();
    EXPECT_TRUE(index_.Load().has_value());
    master_ = Authenticate(verifier_, admin_.token, IpAddress::Parse("8.8.8.8")).value();
    index_.Flush();
  }

  IssuedKey Create(const std::string& name, std::vector<std::string> ips = {}) {
    CreateKeyInput in;
    in.name = name;
    in.role = "Auditor";
    if (!ips.empty()) in.allowed_ips = std::move(ips);
    return service_.Create(master_, in).value();
  }

  Verification Verify(const std::string& token, bool may_wait, const char* ip = "8.8.8.8") {
    VerifyRequest req;
    req.token = token;
    req.client_ip = IpAddress::Parse(ip);
    req.may_wait = may_wait;
    return verifier_.Verify(req);
  }

  ApiKey Stored(KeyId id) { return testing::StoredKey(memory_, id); }
  std::size_t AuditEvents() {
    return TransactValue<std::vector<AuditEvent>>(
               memory_, [](UnitOfWork& uow) { return uow.ListAudit(0, 100000); })
        .value()
        .size();
  }
  KeyEntry Indexed(const IssuedKey& key) {
    KeyEntry entry;
    EXPECT_TRUE(index_.Find(key.key.public_id, entry).value());
    return entry;
  }

  // Everything a verification can touch, to compare before and after.
  struct Effects {
    int units = 0;
    int throttled = 0;
    std::size_t reported = 0;
    std::size_t audit = 0;
    friend bool operator==(const Effects&, const Effects&) = default;
  };
  Effects Now() {
    return Effects{counting_.units(), throttle_.failures.load(), sink_.outcomes().size(),
                   AuditEvents()};
  }

  storage::MemoryStore memory_;
  ManualClock clock_;
  SeededRandom random_;
  SecretHasher hasher_;
  CountingStore counting_;
  KeyIndex index_;
  KeyService service_;
  CountingThrottle throttle_;
  RecordingSink sink_;
  Verifier verifier_;
  IssuedKey admin_;
  Principal master_;
};

TEST_F(VerifierDeferral, ACountedWrongSecretIsDeferredWithNoSideEffectAtAll) {
  const IssuedKey k = Create("target");
  const std::string wrong = WrongSecret(k.token);
  const Effects before = Now();
  const Verification v = Verify(wrong, /*may_wait=*/false);
  EXPECT_TRUE(v.deferred);
  EXPECT_EQ(v.outcome, Outcome::kUnavailable);  // fails closed for a caller that ignores it
  EXPECT_FALSE(v.key.has_value());
  EXPECT_EQ(Now(), before);  // no unit of work, throttle count, reported failure or audit event
  EXPECT_EQ(Stored(k.key.id).failed_attempts, 0);
  EXPECT_EQ(Indexed(k).failed_attempts, 0);

  // Verified again where it may wait: counted exactly once, everywhere.
  const Verification again = Verify(wrong, /*may_wait=*/true);
  EXPECT_FALSE(again.deferred);
  EXPECT_EQ(again.outcome, Outcome::kNotFound);
  EXPECT_EQ(Stored(k.key.id).failed_attempts, 1);
  EXPECT_EQ(Indexed(k).failed_attempts, 1);
  EXPECT_EQ(throttle_.failures.load(), before.throttled + 1);
  EXPECT_EQ(sink_.outcomes().size(), before.reported + 1);
  EXPECT_EQ(counting_.units(), before.units + 1);
}

TEST_F(VerifierDeferral, LockoutStaysExactAtTheThreshold) {
  const IssuedKey k = Create("target");
  const std::string wrong = WrongSecret(k.token);
  for (int i = 1; i <= 3; ++i) {
    ASSERT_TRUE(Verify(wrong, false).deferred);
    EXPECT_EQ(Verify(wrong, true).outcome, Outcome::kNotFound);
    EXPECT_EQ(Stored(k.key.id).failed_attempts, i);
  }
  EXPECT_TRUE(Stored(k.key.id).LockedOutAt(clock_.Now()));
  // Locked: nothing more is counted, so nothing is deferred either.
  const Effects before = Now();
  const Verification locked = Verify(wrong, false);
  EXPECT_FALSE(locked.deferred);
  EXPECT_EQ(locked.outcome, Outcome::kNotFound);
  EXPECT_EQ(counting_.units(), before.units);
  EXPECT_EQ(Stored(k.key.id).failed_attempts, 3);
  EXPECT_EQ(Verify(k.token, false).outcome, Outcome::kLockedOut);
}

TEST_F(VerifierDeferral, UncountedFailuresAreAnsweredAtOnce) {
  const IssuedKey fenced = Create("fenced", {"8.8.8.0/24"});
  // From outside the allowlist nothing is written: answered, not deferred.
  const Effects before = Now();
  const Verification v = Verify(WrongSecret(fenced.token), false, "1.1.1.1");
  EXPECT_FALSE(v.deferred);
  EXPECT_EQ(v.outcome, Outcome::kNotFound);
  EXPECT_EQ(counting_.units(), before.units);
  EXPECT_EQ(throttle_.failures.load(), before.throttled + 1);
  // Neither is an unknown id or a malformed token.
  EXPECT_FALSE(
      Verify(FormatToken("AAAAAAAAAAAA", std::string(kSecretLength, 'x')), false).deferred);
  EXPECT_FALSE(Verify("garbage", false).deferred);
}

TEST_F(VerifierDeferral, AValidKeyWithACountToResetIsDeferredWithNoSideEffect) {
  const IssuedKey k = Create("target");
  ASSERT_EQ(Verify(WrongSecret(k.token), true).outcome, Outcome::kNotFound);
  ASSERT_EQ(Stored(k.key.id).failed_attempts, 1);
  const Effects before = Now();
  const Verification v = Verify(k.token, false);
  EXPECT_TRUE(v.deferred);
  EXPECT_FALSE(v.key.has_value());
  index_.Flush();  // a last-used time recorded in memory would be written now
  EXPECT_EQ(Now(), before);
  EXPECT_EQ(Stored(k.key.id).failed_attempts, 1);
  EXPECT_FALSE(Stored(k.key.id).last_used_at.has_value());

  const Verification again = Verify(k.token, true);
  EXPECT_EQ(again.outcome, Outcome::kValid);
  EXPECT_EQ(Stored(k.key.id).failed_attempts, 0);
  EXPECT_EQ(Indexed(k).failed_attempts, 0);
  EXPECT_EQ(Stored(k.key.id).last_used_at, clock_.Now());
}

TEST_F(VerifierDeferral, AValidKeyWhoseAutomaticLockRanOutIsDeferred) {
  const IssuedKey k = Create("target");
  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(Verify(WrongSecret(k.token), true).outcome, Outcome::kNotFound);
  ASSERT_TRUE(Stored(k.key.id).locked);
  clock_.Advance(std::chrono::minutes(15));
  EXPECT_TRUE(Verify(k.token, false).deferred);
  EXPECT_TRUE(Stored(k.key.id).locked);
  EXPECT_EQ(Verify(k.token, true).outcome, Outcome::kValid);
  EXPECT_FALSE(Stored(k.key.id).locked);
}

TEST_F(VerifierDeferral, AValidKeyUnderAnOldPepperIsDeferredUntilItCanBeReHashed) {
  const IssuedKey k = Create("old pepper");
  SecretHasher rotated(PepperSet::Parse(std::string(testing::kTestPepperFile) +
                                        "2 QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI=\n")
                           .value());
  Verifier after(index_, rotated, clock_);
  VerifyRequest req;
  req.token = k.token;
  req.client_ip = IpAddress::Parse("8.8.8.8");
  req.may_wait = false;
  EXPECT_TRUE(after.Verify(req).deferred);
  EXPECT_EQ(Stored(k.key.id).digest.pepper_version, 1u);
  req.may_wait = true;
  EXPECT_EQ(after.Verify(req).outcome, Outcome::kValid);
  EXPECT_EQ(Stored(k.key.id).digest.pepper_version, 2u);
  req.may_wait = false;
  EXPECT_EQ(after.Verify(req).outcome, Outcome::kValid);  // nothing left to write at once
}

TEST_F(VerifierDeferral, AnOrdinaryValidUseIsAnsweredAtOnceAndWrittenBehind) {
  const IssuedKey k = Create("target");
  const Effects before = Now();
  const Verification v = Verify(k.token, false);
  EXPECT_FALSE(v.deferred);
  EXPECT_EQ(v.outcome, Outcome::kValid);
  EXPECT_EQ(counting_.units(), before.units);
  index_.Flush();
  EXPECT_EQ(Stored(k.key.id).last_used_at, clock_.Now());
}

TEST(WritesAtOnceRule, FailureUnlessLockedSuccessWhenSomethingMustBeReset) {
  const Time now{Seconds{kTestEpochSeconds}};
  KeyEntry key;
  EXPECT_TRUE(FailureWritesAtOnce(key, now));
  EXPECT_FALSE(SuccessWritesAtOnce(key, now, false));
  EXPECT_TRUE(SuccessWritesAtOnce(key, now, true));
  key.failed_attempts = 2;
  EXPECT_TRUE(SuccessWritesAtOnce(key, now, false));
  key.failed_attempts = 0;
  key.locked = true;
  EXPECT_FALSE(FailureWritesAtOnce(key, now));  // locked by hand: nothing to count
  key.unlock_at = now + Seconds{60};
  EXPECT_FALSE(FailureWritesAtOnce(key, now));
  EXPECT_FALSE(SuccessWritesAtOnce(key, now, false));
  key.unlock_at = now;  // the automatic lock has run out
  EXPECT_TRUE(FailureWritesAtOnce(key, now));
  EXPECT_TRUE(SuccessWritesAtOnce(key, now, false));
}

}  // namespace
}  // namespace keyward::core
