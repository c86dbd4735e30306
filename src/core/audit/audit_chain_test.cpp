#include "core/audit/audit_chain.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <thread>

#include "testing/audit_fixture.hpp"

namespace keyward::core {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;
using testing::AuditFixture;

class AuditChain : public AuditFixture {
 protected:
  // A series of changes of every kind through KeyService, 7 s apart.
  void ManyKeyChanges(int rounds) {
    for (int round = 0; round < rounds; ++round) {
      const int i = next_++;
      clock_.Advance(seconds{7});
      const IssuedKey k = Issue("key " + std::to_string(i));
      UpdateKeyInput rename;
      rename.name = "renamed " + std::to_string(i);
      rename.description = "desc \"" + std::to_string(i) + "\"";
      ASSERT_TRUE(service_.Update(master_, k.key.id, rename).has_value());
      ASSERT_TRUE(service_.SetEnabled(master_, k.key.id, false).has_value());
      ASSERT_TRUE(service_.SetEnabled(master_, k.key.id, true).has_value());
      ASSERT_TRUE(service_.Lock(master_, k.key.id).has_value());
      ASSERT_TRUE(service_.Unlock(master_, k.key.id).has_value());
      Rotate(k.key.id);
      if (i % 2 == 1) {
        ASSERT_TRUE(service_.Delete(master_, k.key.id).has_value());
      }
    }
  }

  // A new memory store holding `events` as given (ids re-assigned from 1, hashes kept), with
  // `tamper` applied to each first: what an edit of the database rows would leave.
  static std::unique_ptr<storage::MemoryStore> Copy(
      const std::vector<AuditEvent>& events,
      const std::function<bool(AuditEvent&)>& tamper = [](AuditEvent&) { return true; }) {
    auto copy = std::make_unique<storage::MemoryStore>();
    EXPECT_TRUE(copy->Transact([&](UnitOfWork& uow) -> Status {
                      for (AuditEvent e : events) {
                        if (!tamper(e)) continue;  // false: the row is removed
                        KW_ASSIGN_OR_RETURN(const std::int64_t id, uow.AppendAudit(e));
                        (void)id;
                      }
                      return Ok();
                    })
                    .has_value());
    return copy;
  }

  AuditVerification VerifyCopy(const std::vector<AuditEvent>& events,
                               const std::function<bool(AuditEvent&)>& tamper) {
    auto copy = Copy(events, tamper);
    return Verify(*copy, hasher_.peppers());
  }

  int next_ = 0;  // numbers the keys ManyKeyChanges creates
};

TEST_F(AuditChain, VerifiesAfterManyKeyChanges) {
  ManyKeyChanges(20);
  const std::vector<AuditEvent> trail = Trail();
  ASSERT_GT(trail.size(), 150u);
  EXPECT_EQ(trail.front().prev_hash, kGenesisHash);
  for (std::size_t i = 0; i < trail.size(); ++i) {
    EXPECT_EQ(trail[i].hash.substr(0, 3), "v1:") << trail[i].id;
    if (i > 0) {
      EXPECT_EQ(trail[i].prev_hash, trail[i - 1].hash) << trail[i].id;
    }
  }
  const AuditVerification v = Verify();
  EXPECT_TRUE(v.ok) << v.reason;
  EXPECT_EQ(v.events, static_cast<std::int64_t>(trail.size()));
  EXPECT_FALSE(v.first_broken_id.has_value());
  ExpectNoSecretIn(trail);
}

TEST_F(AuditChain, SinkGetsEachCommittedUnitOfWorkInOrder) {
  ManyKeyChanges(3);
  const std::vector<AuditEvent> trail = Trail();
  std::vector<AuditEvent> delivered;
  for (const auto& batch : sink_.batches()) {
    EXPECT_FALSE(batch.empty());
    delivered.insert(delivered.end(), batch.begin(), batch.end());
  }
  ASSERT_EQ(delivered.size(), trail.size());
  for (std::size_t i = 0; i < trail.size(); ++i) {
    EXPECT_EQ(delivered[i].id, trail[i].id);
    EXPECT_EQ(delivered[i].hash, trail[i].hash);
    EXPECT_EQ(delivered[i].prev_hash, trail[i].prev_hash);
    EXPECT_EQ(delivered[i].details_json, trail[i].details_json);
  }
}

TEST_F(AuditChain, FailedCommitLeavesNeitherChangeNorEventNorDelivery) {
  const IssuedKey k = Issue("victim");
  const std::size_t events = Trail().size();
  const std::size_t batches = sink_.batches().size();
  store_.FailNextCommit();
  EXPECT_FALSE(service_.SetEnabled(master_, k.key.id, false).has_value());
  EXPECT_EQ(Trail().size(), events);
  EXPECT_EQ(sink_.batches().size(), batches);
  EXPECT_TRUE(testing::StoredKey(store_, k.key.id).enabled);
  ASSERT_TRUE(service_.SetEnabled(master_, k.key.id, false).has_value());
  const AuditVerification v = Verify();
  EXPECT_TRUE(v.ok) << v.reason;
}

TEST_F(AuditChain, ConcurrentWritersKeepOneChain) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([this, t] {
      for (int i = 0; i < 10; ++i) {
        CreateKeyInput in;
        in.name = "t" + std::to_string(t) + "-" + std::to_string(i);
        in.role = "Auditor";
        EXPECT_TRUE(service_.Create(master_, in).has_value());
      }
    });
  }
  for (std::thread& t : threads) t.join();
  const AuditVerification v = Verify();
  EXPECT_TRUE(v.ok) << v.reason;
  EXPECT_EQ(v.events, 41);
}

TEST_F(AuditChain, AlteredRowIsNamed) {
  ManyKeyChanges(4);
  const std::vector<AuditEvent> trail = Trail();
  const std::int64_t victim = trail[trail.size() / 2].id;
  ASSERT_TRUE(VerifyCopy(trail, [](AuditEvent&) { return true; }).ok);

  const std::vector<std::function<void(AuditEvent&)>> edits = {
      [](AuditEvent& e) { e.details_json = R"({"name":{"old":"x","new":"y"}})"; },
      [](AuditEvent& e) { e.actor = "apikey:999"; },
      [](AuditEvent& e) { e.time += Seconds{1}; },
      [](AuditEvent& e) { e.ip = "1.2.3.4"; },
      [](AuditEvent& e) { e.prev_hash = std::string(kGenesisHash); },
      [](AuditEvent& e) { e.hash[10] = e.hash[10] == 'a' ? 'b' : 'a'; },
  };
  for (std::size_t i = 0; i < edits.size(); ++i) {
    const AuditVerification v = VerifyCopy(trail, [&](AuditEvent& e) {
      if (e.id == victim) edits[i](e);
      return true;
    });
    EXPECT_FALSE(v.ok) << "edit " << i;
    EXPECT_EQ(v.first_broken_id, victim) << "edit " << i << ": " << v.reason;
    EXPECT_FALSE(v.reason.empty());
  }
}

TEST_F(AuditChain, RemovedRowsAreFound) {
  ManyKeyChanges(2);
  const std::vector<AuditEvent> trail = Trail();
  // A row removed from the middle: the next one (which takes its id in the copy) breaks.
  const std::int64_t gone = trail[5].id;
  AuditVerification v = VerifyCopy(trail, [&](AuditEvent& e) { return e.id != gone; });
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_broken_id, gone);

  // Rows removed from the front without an anchor.
  ASSERT_TRUE(store_.Transact([&](UnitOfWork& uow) { return uow.DeleteAuditThrough(trail[3].id); })
                  .has_value());
  v = Verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_broken_id, trail[4].id);
  EXPECT_EQ(v.events, 1);
}

TEST_F(AuditChain, EventsWrittenAroundTheChainAreFound) {
  Issue("one");
  // An event appended straight to the store, with a made-up hash.
  AuditEvent forged;
  forged.time = clock_.Now();
  forged.actor = "system";
  forged.action = "apikey.unlock";
  forged.outcome = "success";
  forged.details_json = "{}";
  forged.prev_hash = Trail().back().hash;
  forged.hash = "v1:" + std::string(64, 'a');
  const std::int64_t id = TransactValue<std::int64_t>(store_, [&](UnitOfWork& uow) {
                            return uow.AppendAudit(forged);
                          }).value();
  Issue("two");
  const AuditVerification v = Verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_broken_id, id);
}

TEST_F(AuditChain, VerifiesAfterRetention) {
  ManyKeyChanges(6);
  const Time cutoff = clock_.Now() - seconds{20};
  const std::vector<AuditEvent> before = Trail();
  std::int64_t older = 0;
  std::int64_t last_older_id = 0;
  std::string last_older_hash;
  for (const AuditEvent& e : before) {
    if (e.time >= cutoff) break;
    ++older;
    last_older_id = e.id;
    last_older_hash = e.hash;
  }
  ASSERT_GT(older, 0);
  ASSERT_LT(older, static_cast<std::int64_t>(before.size()));
  clock_.Advance(minutes{1});
  const std::size_t batches = sink_.batches().size();

  const Result<std::int64_t> removed = ApplyRetention(chain_, hasher_.peppers(), cutoff, clock_);
  ASSERT_TRUE(removed.has_value()) << removed.error().Message();
  EXPECT_EQ(*removed, older);
  const std::vector<AuditEvent> after = Trail();
  ASSERT_EQ(after.size(), before.size() - static_cast<std::size_t>(older) + 1);
  EXPECT_EQ(after.front().id, last_older_id + 1);
  const AuditEvent& anchor = after.back();
  EXPECT_EQ(anchor.action, kAuditAnchorAction);
  EXPECT_EQ(anchor.actor, "system");
  EXPECT_EQ(anchor.time, clock_.Now());
  EXPECT_EQ(anchor.details_json, "{\"removedThroughId\":" + std::to_string(last_older_id) +
                                     ",\"removedCount\":" + std::to_string(older) +
                                     ",\"lastRemovedHash\":\"" + last_older_hash + "\"}");
  ASSERT_EQ(sink_.batches().size(), batches + 1);  // the anchor went to the sink
  EXPECT_EQ(sink_.batches().back().back().id, anchor.id);

  AuditVerification v = Verify();
  EXPECT_TRUE(v.ok) << v.first_broken_id.value_or(0) << ": " << v.reason;
  EXPECT_EQ(v.events, static_cast<std::int64_t>(after.size()));

  // More changes, then a retention that takes the first anchor too: still one chain.
  ManyKeyChanges(2);
  clock_.Advance(minutes{1});
  ASSERT_TRUE(
      ApplyRetention(chain_, hasher_.peppers(), clock_.Now() - seconds{65}, clock_).has_value());
  v = Verify();
  EXPECT_TRUE(v.ok) << v.first_broken_id.value_or(0) << ": " << v.reason;

  // Nothing older than the cutoff: nothing removed, no anchor.
  const std::size_t size = Trail().size();
  EXPECT_EQ(ApplyRetention(chain_, hasher_.peppers(), Time{}, clock_).value(), 0);
  EXPECT_EQ(Trail().size(), size);

  // Removing more from the front by hand, past the anchor's record, is found.
  const std::int64_t first = Trail().front().id;
  ASSERT_TRUE(
      store_.Transact([&](UnitOfWork& uow) { return uow.DeleteAuditThrough(first); }).has_value());
  v = Verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_broken_id, first + 1);
}

TEST_F(AuditChain, RetentionOfEverythingLeavesAVerifiableAnchor) {
  ManyKeyChanges(2);
  clock_.Advance(minutes{1});
  // Through the raw store: the anchor is chained all the same.
  const Result<std::int64_t> removed =
      ApplyRetention(store_, hasher_.peppers(), clock_.Now(), clock_);
  ASSERT_TRUE(removed.has_value());
  EXPECT_GT(*removed, 0);
  ASSERT_EQ(Trail().size(), 1u);
  AuditVerification v = Verify();
  EXPECT_TRUE(v.ok) << v.reason;
  EXPECT_EQ(v.events, 1);
  ManyKeyChanges(1);
  v = Verify();
  EXPECT_TRUE(v.ok) << v.first_broken_id.value_or(0) << ": " << v.reason;
}

TEST_F(AuditChain, OlderChainKeyVersionsStillVerify) {
  Issue("under v1");
  const PepperSet both = PepperSet::Parse(std::string(testing::kTestPepperFile) +
                                          "2 QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI=\n")
                             .value();
  ASSERT_EQ(both.current_version(), 2u);
  AuditChainStore v2(store_, both);
  KeyService service_v2(v2, clock_, random_, hasher_);
  CreateKeyInput in;
  in.name = "under v2";
  in.role = "Auditor";
  ASSERT_TRUE(service_v2.Create(master_, in).has_value());
  const std::vector<AuditEvent> trail = Trail();
  EXPECT_EQ(trail.front().hash.substr(0, 3), "v1:");
  EXPECT_EQ(trail.back().hash.substr(0, 3), "v2:");

  AuditVerification v = Verify(store_, both);
  EXPECT_TRUE(v.ok) << v.reason;
  const PepperSet only_v2 =
      PepperSet::Parse("2 QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI=\n").value();
  v = Verify(store_, only_v2);
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_broken_id, trail.front().id);
  EXPECT_NE(v.reason.find("version 1"), std::string::npos) << v.reason;
}

// Retiring version 1 (keyward pepper retire) keeps its chain key alone: the events chained under
// it still verify, and a wrong retired chain key is caught at the first of them.
TEST_F(AuditChain, EventsUnderARetiredVersionStillVerify) {
  Issue("under v1");
  const std::string v2_line = "2 QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI=\n";
  const PepperSet both = PepperSet::Parse(std::string(testing::kTestPepperFile) + v2_line).value();
  AuditChainStore v2(store_, both);
  KeyService service_v2(v2, clock_, random_, hasher_);
  CreateKeyInput in;
  in.name = "under v2";
  in.role = "Auditor";
  ASSERT_TRUE(service_v2.Create(master_, in).has_value());

  const PepperSet retired =
      PepperSet::Parse("1 retired " + Base64Encode(both.DeriveKey(kAuditChainKeyPurpose, 1)) +
                       "\n" + v2_line)
          .value();
  ASSERT_TRUE(retired.IsRetired(1));
  AuditVerification v = Verify(store_, retired);
  EXPECT_TRUE(v.ok) << v.reason;
  EXPECT_EQ(v.events, static_cast<std::int64_t>(Trail().size()));

  std::array<std::uint8_t, kDigestSize> wrong = both.DeriveKey(kAuditChainKeyPurpose, 1);
  wrong[0] ^= 1;
  v = Verify(store_, PepperSet::Parse("1 retired " + Base64Encode(wrong) + "\n" + v2_line).value());
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_broken_id, Trail().front().id);
}

// A trail written before the chain existed is chained by the first append; an unchained event
// after chained ones is not.
TEST(AuditChainLegacy, UnchainedTrailIsChainedOnce) {
  storage::MemoryStore store;
  const PepperSet peppers = testing::TestPeppers();
  auto append_raw = [&](const std::string& action) {
    AuditEvent e;
    e.actor = "system";
    e.action = action;
    e.outcome = "success";
    e.details_json = "{}";
    ASSERT_TRUE(TransactValue<std::int64_t>(store, [&](UnitOfWork& uow) {
                  return uow.AppendAudit(e);
                }).has_value());
  };
  append_raw("apikey.create");
  append_raw("apikey.update");
  AuditChainStore chain(store, peppers);
  auto append_chained = [&](const std::string& action) {
    AuditEvent e;
    e.actor = "system";
    e.action = action;
    e.outcome = "success";
    e.details_json = "{}";
    ASSERT_TRUE(chain
                    .Transact([&](UnitOfWork& uow) -> Status {
                      KW_ASSIGN_OR_RETURN(const std::int64_t id, uow.AppendAudit(e));
                      (void)id;
                      return Ok();
                    })
                    .has_value());
  };
  append_chained("apikey.delete");
  auto verify = [&] {
    return TransactValue<AuditVerification>(
               store, [&](UnitOfWork& uow) { return VerifyAuditChain(uow, peppers); })
        .value();
  };
  AuditVerification v = verify();
  EXPECT_TRUE(v.ok) << v.reason;
  EXPECT_EQ(v.events, 3);

  append_raw("apikey.lock");  // around the chain
  append_chained("apikey.unlock");
  v = verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_broken_id, 4);
}

}  // namespace
}  // namespace keyward::core
