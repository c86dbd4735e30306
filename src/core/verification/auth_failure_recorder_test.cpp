#include "core/verification/auth_failure_recorder.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "testing/audit_fixture.hpp"

namespace keyward::core {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;
using testing::AuditFixture;

bool Has(const AuditEvent& e, const std::string& text) {
  return e.details_json.find(text) != std::string::npos;
}

class AuthFailureRecorderTest : public AuditFixture {
 protected:
  AuthFailureRecorderTest() : start_(clock_.Now()) {}

  std::vector<AuditEvent> Failures() {
    std::vector<AuditEvent> out;
    for (AuditEvent& e : Trail()) {
      if (e.action == "auth.failure") out.push_back(std::move(e));
    }
    return out;
  }

  static std::optional<IpAddress> Ip(const char* text) { return IpAddress::Parse(text); }

  const Time start_;  // the start of a minute (kTestEpochSeconds is a multiple of 60)
};

TEST_F(AuthFailureRecorderTest, TenFailuresOfOnePairInAMinuteAreTwoEvents) {
  AuthFailureRecorder recorder(chain_, clock_);
  ASSERT_EQ(start_.time_since_epoch().count() % 60, 0);
  for (int i = 0; i < 10; ++i) {
    recorder.Record(Outcome::kNotFound, KeyId{5}, "kw_AAAAAAAAAAAA", Ip("8.8.8.8"),
                    start_ + seconds{i * 5});
  }
  recorder.Flush(start_ + seconds{59});  // the minute has not ended: only the first is written
  std::vector<AuditEvent> events = Failures();
  ASSERT_EQ(events.size(), 1u);
  const AuditEvent& first = events[0];
  EXPECT_EQ(first.time, start_);
  EXPECT_EQ(first.actor, "anonymous");
  EXPECT_EQ(first.target, "apikey:5");
  EXPECT_EQ(first.ip, "8.8.8.8");
  EXPECT_EQ(first.outcome, "failure");
  EXPECT_EQ(first.details_json,
            R"({"reason":"NOT_FOUND","count":1,"keyPrefix":"kw_AAAAAAAAAAAA"})");

  recorder.Flush(start_ + seconds{60});
  events = Failures();
  ASSERT_EQ(events.size(), 2u);
  const AuditEvent& sum = events[1];
  EXPECT_EQ(sum.time, start_ + seconds{45});  // the last failure summed
  EXPECT_EQ(sum.target, "apikey:5");
  EXPECT_EQ(sum.ip, "8.8.8.8");
  EXPECT_EQ(sum.details_json, R"({"reason":"NOT_FOUND","count":9,"keyPrefix":"kw_AAAAAAAAAAAA",)"
                              R"("windowStart":"2027-01-15T08:00:00Z"})");
  recorder.Flush(start_ + minutes{5});
  EXPECT_EQ(Failures().size(), 2u);
  EXPECT_EQ(recorder.Stats().events_written, 2u);
  EXPECT_EQ(recorder.Stats().tracked_pairs, 0u);
  const AuditVerification v = Verify();
  EXPECT_TRUE(v.ok) << v.reason;
}

TEST_F(AuthFailureRecorderTest, EachPairAndEachMinuteCountsApart) {
  AuthFailureRecorder recorder(chain_, clock_);
  for (int i = 0; i < 3; ++i) {
    recorder.Record(Outcome::kNotFound, KeyId{5}, "kw_AAAAAAAAAAAA", Ip("8.8.8.8"), start_);
    recorder.Record(Outcome::kNotFound, KeyId{5}, "kw_AAAAAAAAAAAA", Ip("1.1.1.1"), start_);
    recorder.Record(Outcome::kNotFound, KeyId{6}, "kw_BBBBBBBBBBBB", Ip("8.8.8.8"), start_);
  }
  recorder.Record(Outcome::kMalformed, std::nullopt, "", Ip("8.8.8.8"), start_);
  recorder.Record(Outcome::kNotFound, KeyId{5}, "kw_AAAAAAAAAAAA", Ip("8.8.8.8"),
                  start_ + seconds{61});  // the next minute starts afresh
  recorder.Flush(start_ + minutes{2});
  const std::vector<AuditEvent> events = Failures();
  // Three pairs: a first event and a sum of 2 each; the malformed one alone; the next minute's
  // first failure.
  ASSERT_EQ(events.size(), 3u + 1u + 3u + 1u);
  int firsts = 0;
  int sums = 0;
  for (const AuditEvent& e : events) {
    if (Has(e, R"("count":1)")) ++firsts;
    if (Has(e, R"("count":2)")) ++sums;
  }
  EXPECT_EQ(firsts, 5);
  EXPECT_EQ(sums, 3);
  EXPECT_EQ(events[3].details_json, R"({"reason":"MALFORMED","count":1})");
  EXPECT_EQ(events[3].target, "");
}

TEST_F(AuthFailureRecorderTest, SumsNameEveryReason) {
  AuthFailureRecorder recorder(chain_, clock_);
  recorder.Record(Outcome::kNotFound, KeyId{5}, "kw_AAAAAAAAAAAA", Ip("8.8.8.8"), start_);
  recorder.Record(Outcome::kLockedOut, KeyId{5}, "kw_AAAAAAAAAAAA", Ip("8.8.8.8"), start_);
  recorder.Record(Outcome::kLockedOut, KeyId{5}, "kw_AAAAAAAAAAAA", Ip("8.8.8.8"), start_);
  recorder.Record(Outcome::kNotFound, KeyId{5}, "kw_AAAAAAAAAAAA", Ip("8.8.8.8"), start_);
  recorder.Record(Outcome::kLockedOut, KeyId{5}, "kw_AAAAAAAAAAAA", Ip("8.8.8.8"), start_);
  recorder.Flush(start_ + minutes{1});
  const std::vector<AuditEvent> events = Failures();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_TRUE(Has(events[1], R"("reason":"LOCKED_OUT","count":4)")) << events[1].details_json;
  EXPECT_TRUE(Has(events[1], R"("reasons":{"NOT_FOUND":1,"LOCKED_OUT":3})"))
      << events[1].details_json;
}

TEST_F(AuthFailureRecorderTest, MemoryIsBoundedWhateverTheNumberOfAddresses) {
  AuthFailureOptions options;
  options.max_pairs = 100;
  AuthFailureRecorder recorder(chain_, clock_, options);
  for (int i = 0; i < 1000; ++i) {
    const std::string ip = "10." + std::to_string(i / 256) + "." + std::to_string(i % 256) + ".1";
    recorder.Record(Outcome::kNotFound, std::nullopt, "kw_CCCCCCCCCCCC", Ip(ip.c_str()), start_);
    ASSERT_LE(recorder.Stats().tracked_pairs, 100u);
  }
  EXPECT_EQ(recorder.Stats().overflow_failures, 900u);
  recorder.Flush(start_ + minutes{1});
  const std::vector<AuditEvent> events = Failures();
  ASSERT_EQ(events.size(), 101u);
  const AuditEvent& overflow = events.back();
  EXPECT_EQ(overflow.ip, "");
  EXPECT_EQ(overflow.target, "");
  EXPECT_TRUE(Has(overflow, R"("count":900,"overflow":true)")) << overflow.details_json;
  EXPECT_EQ(recorder.Stats().tracked_pairs, 0u);
  // The next minute has room again.
  recorder.Record(Outcome::kNotFound, std::nullopt, "kw_CCCCCCCCCCCC", Ip("9.9.9.9"),
                  start_ + minutes{1});
  recorder.Flush(start_ + minutes{1});
  EXPECT_EQ(Failures().size(), 102u);
}

TEST_F(AuthFailureRecorderTest, FullQueueSumsFirstFailuresInstead) {
  AuthFailureOptions options;
  options.max_queued = 5;
  AuthFailureRecorder recorder(chain_, clock_, options);
  for (int i = 0; i < 10; ++i) {
    const std::string ip = "10.0.0." + std::to_string(i + 1);
    recorder.Record(Outcome::kNotFound, KeyId{5}, "kw_AAAAAAAAAAAA", Ip(ip.c_str()), start_);
  }
  EXPECT_EQ(recorder.Stats().queued, 5u);
  recorder.Flush(start_ + minutes{1});
  const std::vector<AuditEvent> events = Failures();
  ASSERT_EQ(events.size(), 10u);  // nothing lost: 5 written at once, 5 as sums of one
  for (std::size_t i = 5; i < events.size(); ++i) {
    EXPECT_TRUE(Has(events[i], "windowStart")) << events[i].details_json;
  }
}

TEST_F(AuthFailureRecorderTest, StopWritesTheCurrentMinute) {
  AuthFailureRecorder recorder(chain_, clock_);
  for (int i = 0; i < 3; ++i) {
    recorder.Record(Outcome::kDisabled, KeyId{5}, "kw_AAAAAAAAAAAA", Ip("8.8.8.8"), start_);
  }
  recorder.Stop();
  const std::vector<AuditEvent> events = Failures();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_TRUE(Has(events[1], R"("reason":"DISABLED","count":2)"));
}

TEST_F(AuthFailureRecorderTest, BackgroundWriterWritesTheFirstFailureAtOnce) {
  {
    AuthFailureRecorder recorder(chain_, clock_);
    recorder.Start();
    recorder.Record(Outcome::kNotFound, KeyId{5}, "kw_AAAAAAAAAAAA", Ip("8.8.8.8"), start_);
    recorder.Record(Outcome::kNotFound, KeyId{5}, "kw_AAAAAAAAAAAA", Ip("8.8.8.8"), start_);
    for (int i = 0; i < 200 && Failures().empty(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_EQ(Failures().size(), 1u);
  }  // the destructor writes the rest
  EXPECT_EQ(Failures().size(), 2u);
  const AuditVerification v = Verify();
  EXPECT_TRUE(v.ok) << v.reason;
}

// The verification chain reports every failed outcome, with the key when it is known.
class VerifierAuthEvents : public AuthFailureRecorderTest {
 protected:
  VerifierAuthEvents()
      : recorder_(chain_, clock_),
        lookup_(chain_),
        verifier_(lookup_, hasher_, clock_, {}, nullptr, &recorder_) {}

  Outcome Check(const std::string& token, const char* ip = "8.8.8.8",
                std::vector<std::string_view> permissions = {}) {
    VerifyRequest req;
    req.token = token;
    req.client_ip = IpAddress::Parse(ip);
    req.required_permissions = permissions;
    return verifier_.Verify(req).outcome;
  }

  AuthFailureRecorder recorder_;
  StoreKeyLookup lookup_;
  Verifier verifier_;
};

TEST_F(VerifierAuthEvents, EveryFailedOutcomeIsAuditedAndNoSecretIs) {
  const IssuedKey ok = Issue("good");
  const IssuedKey disabled = Issue("disabled");
  ASSERT_TRUE(service_.SetEnabled(master_, disabled.key.id, false).has_value());
  const IssuedKey locked = Issue("locked");
  ASSERT_TRUE(service_.Lock(master_, locked.key.id).has_value());
  CreateKeyInput fenced_in;
  fenced_in.name = "fenced";
  fenced_in.role = "Auditor";
  fenced_in.allowed_ips = std::vector<std::string>{"1.1.1.1"};
  const IssuedKey fenced = service_.Create(master_, fenced_in).value();
  tokens_.push_back(fenced.token);
  const std::string unknown =
      FormatToken("ZZZZZZZZZZZZ", std::string(kSecretLength, 'q'));  // names no key
  tokens_.push_back(unknown);

  EXPECT_EQ(Check(ok.token), Outcome::kValid);
  EXPECT_EQ(Check("kw_not_a_token"), Outcome::kMalformed);
  EXPECT_EQ(Check(unknown), Outcome::kNotFound);
  EXPECT_EQ(Check(testing::WrongSecret(ok.token)), Outcome::kNotFound);
  EXPECT_EQ(Check(disabled.token), Outcome::kDisabled);
  EXPECT_EQ(Check(locked.token), Outcome::kLockedOut);
  EXPECT_EQ(Check(fenced.token), Outcome::kIpNotAllowed);
  EXPECT_EQ(Check(ok.token, "8.8.8.8", {"keys:verify"}), Outcome::kInsufficientPermissions);
  recorder_.Flush(clock_.Now() + minutes{1});

  const std::vector<AuditEvent> events = Failures();
  ASSERT_EQ(events.size(), 7u);
  auto expect = [&](std::size_t i, const char* reason, const std::string& target,
                    const std::string& prefix) {
    SCOPED_TRACE(events[i].details_json);
    EXPECT_TRUE(Has(events[i], std::string(R"("reason":")") + reason + "\""));
    EXPECT_EQ(events[i].target, target);
    EXPECT_EQ(events[i].ip, "8.8.8.8");
    if (prefix.empty()) {
      EXPECT_FALSE(Has(events[i], "keyPrefix"));
    } else {
      EXPECT_TRUE(Has(events[i], R"("keyPrefix":")" + prefix + "\""));
    }
  };
  const auto target = [](const IssuedKey& k) { return "apikey:" + std::to_string(k.key.id); };
  expect(0, "MALFORMED", "", "");
  expect(1, "NOT_FOUND", "", "kw_ZZZZZZZZZZZZ");
  expect(2, "NOT_FOUND", target(ok), TokenPrefix(ok.key.public_id));
  expect(3, "DISABLED", target(disabled), TokenPrefix(disabled.key.public_id));
  expect(4, "LOCKED_OUT", target(locked), TokenPrefix(locked.key.public_id));
  expect(5, "IP_NOT_ALLOWED", target(fenced), TokenPrefix(fenced.key.public_id));
  expect(6, "INSUFFICIENT_PERMISSIONS", target(ok), TokenPrefix(ok.key.public_id));
  ExpectNoSecretIn(Trail());
  const AuditVerification v = Verify();
  EXPECT_TRUE(v.ok) << v.reason;
}

// A throttled address: RATE_LIMITED, with the key prefix when the token parses.
class AlwaysThrottled final : public FailureThrottle {
 public:
  bool Allowed(ThrottleBudget, const IpAddress&, Time) override { return false; }
  void RecordFailure(ThrottleBudget, const IpAddress&, Time) override {}
  std::int64_t RetryAfterSeconds(ThrottleBudget, const IpAddress&, Time) const override {
    return 30;
  }
};

TEST_F(AuthFailureRecorderTest, RateLimitedIsAudited) {
  AuthFailureRecorder recorder(chain_, clock_);
  StoreKeyLookup lookup(chain_);
  AlwaysThrottled throttle;
  Verifier verifier(lookup, hasher_, clock_, {}, &throttle, &recorder);
  const IssuedKey k = Issue("throttled");
  VerifyRequest req;
  req.token = k.token;
  req.client_ip = IpAddress::Parse("8.8.8.8");
  EXPECT_EQ(verifier.Verify(req).outcome, Outcome::kRateLimited);
  recorder.Flush(clock_.Now());
  const std::vector<AuditEvent> events = Failures();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(Has(events[0], R"("reason":"RATE_LIMITED")"));
  EXPECT_TRUE(Has(events[0], TokenPrefix(k.key.public_id)));
  EXPECT_EQ(events[0].target, "");  // the chain stopped before looking the key up
  ExpectNoSecretIn(Trail());
}

}  // namespace
}  // namespace keyward::core
