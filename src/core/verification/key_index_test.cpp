#include "core/verification/key_index.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <thread>

#include "core/crypto/token.hpp"
#include "core/verification/epoch.hpp"
#include "core/verification/key_index_shard.hpp"
#include "testing/key_fixture.hpp"

namespace keyward::core {
namespace {

using testing::kTestEpochSeconds;
using testing::TestPeppers;
using testing::WrongSecret;

// A KeyService writing through the index's store, and a Verifier reading the index: the wiring
// `keyward serve` uses.
class KeyIndexTest : public ::testing::Test {
 protected:
  KeyIndexTest()
      : clock_(Time{Seconds{kTestEpochSeconds}}),
        random_(7),
        hasher_(TestPeppers()),
        index_(memory_, clock_, KeyIndexOptions{Seconds{1}, Seconds{0}, Seconds{300}}),
        service_(index_.store(), clock_, random_, hasher_),
        verifier_(index_, hasher_, clock_) {
    admin_ = service_.IssueMasterKey(Principal::System(), "admin").value();
    EXPECT_TRUE(index_.Load().has_value());
    master_ = Authenticate(verifier_, admin_.token, IpAddress::Parse("8.8.8.8")).value();
  }

  IssuedKey Create(const std::string& name, std::vector<std::string> ips = {}) {
    CreateKeyInput in;
    in.name = name;
    in.role = "Auditor";
    if (!ips.empty()) in.allowed_ips = std::move(ips);
    return service_.Create(master_, in).value();
  }

  Outcome Verify(const std::string& token, const char* ip = "8.8.8.8") {
    VerifyRequest req;
    req.token = token;
    req.client_ip = IpAddress::Parse(ip);
    return verifier_.Verify(req).outcome;
  }

  ApiKey Stored(KeyId id) { return testing::StoredKey(memory_, id); }

  storage::MemoryStore memory_;
  ManualClock clock_;
  SeededRandom random_;
  SecretHasher hasher_;
  KeyIndex index_;
  KeyService service_;
  Verifier verifier_;
  IssuedKey admin_;
  Principal master_;
};

TEST_F(KeyIndexTest, LoadFindsEveryKeyAndRole) {
  IssuedKey a = Create("a", {"8.8.8.0/24"});
  KeyIndex fresh(memory_, clock_);
  ASSERT_TRUE(fresh.Load().has_value());
  KeyEntry entry;
  ASSERT_TRUE(fresh.Find(a.key.public_id, entry).value());
  EXPECT_EQ(entry.id, a.key.id);
  EXPECT_EQ(entry.name, "a");
  EXPECT_EQ(entry.digest, a.key.digest);
  ASSERT_NE(entry.allowed_ips, nullptr);
  EXPECT_EQ(entry.allowed_ips->at(0).ToString(), "8.8.8.0/24");
  EXPECT_FALSE(fresh.Find("AAAAAAAAAAAA", entry).value());
  ASSERT_NE(fresh.Role(kAuditorRoleId), nullptr);
  EXPECT_EQ(fresh.Role(kAuditorRoleId)->name, "Auditor");
  EXPECT_EQ(fresh.Stats().keys, 2u);
}

TEST_F(KeyIndexTest, EveryWriteThroughItsStoreReachesTheIndexAtOnce) {
  IssuedKey k = Create("live");
  EXPECT_EQ(Verify(k.token), Outcome::kValid);
  ASSERT_TRUE(service_.SetEnabled(master_, k.key.id, false).has_value());
  EXPECT_EQ(Verify(k.token), Outcome::kDisabled);
  ASSERT_TRUE(service_.SetEnabled(master_, k.key.id, true).has_value());
  IssuedKey rotated = service_.Rotate(master_, k.key.id, 0).value();
  EXPECT_EQ(Verify(k.token), Outcome::kNotFound);
  EXPECT_EQ(Verify(rotated.token), Outcome::kValid);
  UpdateKeyInput in;
  in.allowed_ips = std::vector<std::string>{"1.1.1.1"};
  ASSERT_TRUE(service_.Update(master_, k.key.id, in).has_value());
  EXPECT_EQ(Verify(rotated.token), Outcome::kIpNotAllowed);
  ASSERT_TRUE(service_.Delete(master_, k.key.id).has_value());
  EXPECT_EQ(Verify(rotated.token), Outcome::kNotFound);
}

TEST_F(KeyIndexTest, RoleChangesReachTheIndex) {
  Role role;
  role.name = "orders";
  role.permissions = PermissionSet::Of({"orders:read"});
  const RoleId id = TransactValue<RoleId>(index_.store(), [&](UnitOfWork& uow) {
                      return uow.InsertRole(role);
                    }).value();
  ASSERT_NE(index_.Role(id), nullptr);
  EXPECT_TRUE(index_.Role(id)->permissions.Has("orders:read"));
  ASSERT_TRUE(index_.store().Transact([&](UnitOfWork& uow) { return uow.DeleteRole(id); }));
  EXPECT_EQ(index_.Role(id), nullptr);
}

// Writes made around the index (another node's, on a shared store) reach it when announced:
// Refresh re-reads the keys named and, when asked, the roles.
TEST_F(KeyIndexTest, RefreshAppliesWritesMadeElsewhere) {
  KeyService elsewhere(memory_, clock_, random_, hasher_);
  IssuedKey k = elsewhere
                    .Create(master_,
                            [] {
                              CreateKeyInput in;
                              in.name = "other node";
                              in.role = "Auditor";
                              return in;
                            }())
                    .value();
  EXPECT_EQ(Verify(k.token), Outcome::kNotFound);  // not announced yet
  const KeyRef ref{k.key.id, k.key.public_id};
  ASSERT_TRUE(index_.Refresh({ref}, false));
  EXPECT_EQ(Verify(k.token), Outcome::kValid);

  ASSERT_TRUE(elsewhere.SetEnabled(master_, k.key.id, false).has_value());
  EXPECT_EQ(Verify(k.token), Outcome::kValid);
  ASSERT_TRUE(index_.Refresh({ref}, false));
  EXPECT_EQ(Verify(k.token), Outcome::kDisabled);

  ASSERT_TRUE(elsewhere.Delete(master_, k.key.id).has_value());
  ASSERT_TRUE(index_.Refresh({ref}, false));
  EXPECT_EQ(Verify(k.token), Outcome::kNotFound);
  EXPECT_EQ(index_.Stats().keys, 1u);  // the admin key alone

  Role role;
  role.name = "orders";
  role.permissions = PermissionSet::Of({"orders:read"});
  const RoleId id =
      TransactValue<RoleId>(memory_, [&](UnitOfWork& uow) { return uow.InsertRole(role); }).value();
  EXPECT_EQ(index_.Role(id), nullptr);
  ASSERT_TRUE(index_.Refresh({}, true));
  ASSERT_NE(index_.Role(id), nullptr);
  EXPECT_TRUE(index_.Role(id)->permissions.Has("orders:read"));
  ASSERT_TRUE(memory_.Transact([&](UnitOfWork& uow) { return uow.DeleteRole(id); }));
  ASSERT_TRUE(index_.Refresh({}, true));
  EXPECT_EQ(index_.Role(id), nullptr);
}

TEST_F(KeyIndexTest, ACountedFailureIsWrittenAtOnceAndLocksAtTheThreshold) {
  IssuedKey k = Create("target");
  for (int i = 1; i <= 4; ++i) {
    EXPECT_EQ(Verify(WrongSecret(k.token)), Outcome::kNotFound);
    EXPECT_EQ(Stored(k.key.id).failed_attempts, i);  // no flush needed
  }
  EXPECT_EQ(Verify(WrongSecret(k.token)), Outcome::kNotFound);
  EXPECT_EQ(Verify(k.token), Outcome::kLockedOut);
  ApiKey stored = Stored(k.key.id);
  EXPECT_TRUE(stored.locked);
  EXPECT_EQ(stored.failed_attempts, 5);
  EXPECT_EQ(*stored.unlock_at, clock_.Now() + std::chrono::minutes(15));
}

TEST_F(KeyIndexTest, FailuresAgainstALockedKeyWriteNothing) {
  IssuedKey k = Create("locked");
  for (int i = 0; i < 5; ++i) (void)Verify(WrongSecret(k.token));
  const std::size_t events = TransactValue<std::vector<AuditEvent>>(
                                 memory_, [](UnitOfWork& uow) { return uow.ListAudit(0, 1000); })
                                 .value()
                                 .size();
  for (int i = 0; i < 20; ++i) (void)Verify(WrongSecret(k.token));
  EXPECT_EQ(Stored(k.key.id).failed_attempts, 5);
  EXPECT_EQ(TransactValue<std::vector<AuditEvent>>(
                memory_, [](UnitOfWork& uow) { return uow.ListAudit(0, 1000); })
                .value()
                .size(),
            events);
}

TEST_F(KeyIndexTest, ASuccessResetNeverOvertakesTheFailureBeforeIt) {
  IssuedKey k = Create("ordered");
  for (int i = 0; i < 4; ++i) (void)Verify(WrongSecret(k.token));
  EXPECT_EQ(Verify(k.token), Outcome::kValid);
  (void)Verify(WrongSecret(k.token));
  EXPECT_EQ(Stored(k.key.id).failed_attempts, 1);
  EXPECT_FALSE(Stored(k.key.id).locked);
}

TEST_F(KeyIndexTest, LastUsedIsWrittenBehind) {
  IssuedKey k = Create("used");
  EXPECT_EQ(Verify(k.token), Outcome::kValid);
  EXPECT_FALSE(Stored(k.key.id).last_used_at.has_value());  // no write per request
  index_.Flush();
  EXPECT_EQ(Stored(k.key.id).last_used_at, clock_.Now());
}

TEST_F(KeyIndexTest, UsesOfThePreviousSecretAreWrittenBehindApart) {
  IssuedKey k = Create("rolling over");
  IssuedKey rotated = service_.Rotate(master_, k.key.id, 3600).value();
  ASSERT_EQ(Verify(rotated.token), Outcome::kValid);
  index_.Flush();
  EXPECT_TRUE(Stored(k.key.id).last_used_at.has_value());
  EXPECT_FALSE(Stored(k.key.id).previous_secret_last_used_at.has_value());

  clock_.Advance(Seconds{5});
  ASSERT_EQ(Verify(k.token), Outcome::kValid);  // the old secret, within its grace period
  clock_.Advance(Seconds{5});
  ASSERT_EQ(Verify(rotated.token), Outcome::kValid);  // then the new one, in the same flush
  index_.Flush();
  const ApiKey stored = Stored(k.key.id);
  EXPECT_EQ(stored.previous_secret_last_used_at, clock_.Now() - Seconds{5});
  EXPECT_EQ(stored.last_used_at, clock_.Now());
}

TEST_F(KeyIndexTest, AStaleIndexRefusesRatherThanTrustOldData) {
  IssuedKey k = Create("stale");
  index_.Start();
  memory_.SetUnavailable(true);
  clock_.Advance(Seconds{301});
  Outcome outcome = Outcome::kValid;
  for (int i = 0; i < 100 && outcome != Outcome::kUnavailable; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    outcome = Verify(k.token);
  }
  EXPECT_EQ(outcome, Outcome::kUnavailable);
  EXPECT_FALSE(index_.Fresh(clock_.Now()));
  memory_.SetUnavailable(false);
  for (int i = 0; i < 100 && outcome != Outcome::kValid; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    outcome = Verify(k.token);
  }
  EXPECT_EQ(outcome, Outcome::kValid);
}

TEST_F(KeyIndexTest, ReadersAndWritersRunTogether) {
  IssuedKey k = Create("busy");
  std::atomic<bool> stop{false};
  std::atomic<int> valid{0};
  std::thread reader([&] {
    do {
      if (Verify(admin_.token) == Outcome::kValid) ++valid;
    } while (!stop);
  });
  for (int i = 0; i < 50; ++i) {
    UpdateKeyInput in;
    in.description = "round " + std::to_string(i);
    ASSERT_TRUE(service_.Update(master_, k.key.id, in).has_value());
    Create("extra " + std::to_string(i));
  }
  stop = true;
  reader.join();
  EXPECT_GT(valid.load(), 0);
  EXPECT_EQ(index_.Stats().keys, 52u);
}

// Readers look keys up and verify on several threads, without locks, while writers update,
// rotate, insert and erase keys, change a role and reload the whole index. Each update writes a
// name and an expiry that encode the same round, so a reader that saw parts of two writes would
// see them disagree. A reader never sees that, never sees a key older than a write committed
// before it looked, and the key nobody writes to stays VALID throughout.
TEST_F(KeyIndexTest, LockFreeReadersSeeWholeKeysWhileWritersRun) {
  constexpr int kKeys = 24;
  constexpr int kRounds = 150;
  constexpr int kReaders = 3;
  std::vector<IssuedKey> keys;
  for (int i = 0; i < kKeys; ++i) keys.push_back(Create("k" + std::to_string(i)));
  const Time base = clock_.Now() + std::chrono::hours(24);
  Role role;
  role.name = "r0";
  role.permissions = PermissionSet::Of({"orders:read"});
  const RoleId role_id = TransactValue<RoleId>(index_.store(), [&](UnitOfWork& uow) {
                           return uow.InsertRole(role);
                         }).value();

  std::vector<std::atomic<int>> committed(kKeys);  // the last round written to key i
  std::atomic<bool> stop{false};
  std::atomic<int> torn{0};
  std::atomic<int> behind{0};
  std::atomic<int> missing{0};
  std::atomic<int> admin_refused{0};
  std::atomic<int> torn_roles{0};
  std::atomic<long> reads{0};
  auto reader = [&](int first) {
    KeyEntry entry;
    for (int n = 0; n == 0 || !stop.load(std::memory_order_relaxed); ++n) {  // one read at least
      const int i = (first + n) % kKeys;
      const int before = committed[i].load(std::memory_order_acquire);
      const Result<bool> found = index_.Find(keys[i].key.public_id, entry);
      ++reads;
      if (!found || !*found) {
        ++missing;
        continue;
      }
      const int round = entry.name[0] == 'r' ? std::stoi(entry.name.substr(1)) : 0;
      const std::optional<Time> expiry =
          round == 0 ? std::nullopt : std::optional<Time>(base + Seconds{round});
      if (entry.expires_at != expiry || entry.id != keys[i].key.id) ++torn;
      if (round < before) ++behind;
      if (n % 8 == 0 && Verify(admin_.token) != Outcome::kValid) ++admin_refused;
      if (n % 8 == 4) {
        const std::shared_ptr<const RoleEntry> r = index_.Role(role_id);
        if (r != nullptr) {
          const int role_round = std::stoi(r->name.substr(1));
          const bool reads_orders = r->permissions.Has("orders:read");
          if (reads_orders != (role_round % 2 == 0)) ++torn_roles;
        }
      }
    }
  };
  std::vector<std::thread> readers;
  for (int t = 0; t < kReaders; ++t) readers.emplace_back(reader, t * kKeys / kReaders);

  IssuedKey rotating = Create("rotating");
  std::optional<IssuedKey> churn;
  for (int round = 1; round <= kRounds; ++round) {
    const int i = round % kKeys;
    ASSERT_TRUE(index_.store().Transact([&](UnitOfWork& uow) -> Status {
      KW_ASSIGN_OR_RETURN(std::optional<ApiKey> key, uow.FindKey(keys[i].key.id));
      key->name = "r" + std::to_string(round);
      key->expires_at = base + Seconds{round};
      return uow.UpdateKey(*key);
    }));
    committed[i].store(round, std::memory_order_release);
    // An insert and an erase in some shard each round: tombstones, growth and rebuilds.
    if (churn) {
      ASSERT_TRUE(service_.Delete(master_, churn->key.id).has_value());
    }
    churn = Create("churn " + std::to_string(round));
    if (round % 10 == 0) {
      rotating = service_.Rotate(master_, rotating.key.id, 3600).value();
      Role changed = role;
      changed.id = role_id;
      changed.name = "r" + std::to_string(round / 10);
      changed.permissions =
          PermissionSet::Of({(round / 10) % 2 == 0 ? "orders:read" : "orders:write"});
      ASSERT_TRUE(
          index_.store().Transact([&](UnitOfWork& uow) { return uow.UpdateRole(changed); }));
    }
    if (round % 50 == 0) {
      ASSERT_TRUE(index_.Load().has_value());
    }
  }
  stop = true;
  for (std::thread& t : readers) t.join();

  EXPECT_GT(reads.load(), 0);
  EXPECT_EQ(torn.load(), 0);
  EXPECT_EQ(behind.load(), 0);
  EXPECT_EQ(missing.load(), 0);
  EXPECT_EQ(admin_refused.load(), 0);
  EXPECT_EQ(torn_roles.load(), 0);
  // Every write is there at the end, and the rotated key answers to its last token only.
  KeyEntry entry;
  for (int i = 0; i < kKeys; ++i) {
    ASSERT_TRUE(index_.Find(keys[i].key.public_id, entry).value());
    EXPECT_EQ(entry.name, committed[i].load() == 0 ? "k" + std::to_string(i)
                                                   : "r" + std::to_string(committed[i].load()));
  }
  EXPECT_EQ(Verify(rotating.token), Outcome::kValid);
  EXPECT_EQ(index_.Role(role_id)->name, "r" + std::to_string(kRounds / 10));
  EXPECT_EQ(index_.Stats().keys, static_cast<std::size_t>(kKeys + 3));  // admin, rotating, churn
}

// Last-used times collected on several threads all reach the store at the next flush.
TEST_F(KeyIndexTest, LastUsedFromEveryThreadIsFlushed) {
  IssuedKey a = Create("a");
  IssuedKey b = Create("b");
  std::thread one([&] { EXPECT_EQ(Verify(a.token), Outcome::kValid); });
  std::thread two([&] { EXPECT_EQ(Verify(b.token), Outcome::kValid); });
  one.join();
  two.join();
  EXPECT_FALSE(Stored(a.key.id).last_used_at.has_value());
  index_.Flush();
  EXPECT_EQ(Stored(a.key.id).last_used_at, clock_.Now());
  EXPECT_EQ(Stored(b.key.id).last_used_at, clock_.Now());
}

// The shard's lock-free table directly: readers keep finding every stable key, whole, while one
// writer inserts and erases thousands of others around them (tombstones, growth, rebuilds).
TEST(KeyShard, ReadersFindEveryStableKeyWhileAWriterChurns) {
  index::KeyShard shard;
  SeededRandom random(5);
  std::vector<std::string> stable;
  for (int i = 0; i < 300; ++i) {
    ApiKey key;
    key.id = i + 1;
    key.public_id = GeneratePublicId(random);
    key.name = key.public_id;
    stable.push_back(key.public_id);
    shard.Upsert(index::CompactKey::From(key));
  }
  std::vector<ApiKey> churn;
  for (int i = 0; i < 3000; ++i) {
    ApiKey key;
    key.id = 10'000 + i;
    key.public_id = GeneratePublicId(random);
    key.name = "churn";
    churn.push_back(key);
  }
  std::atomic<bool> stop{false};
  std::atomic<int> lost{0};
  std::atomic<long> reads{0};
  std::atomic<int> started{0};
  auto reader = [&] {
    ++started;
    do {
      for (const std::string& id : stable) {
        const epoch::ReadGuard guard;
        const index::CompactKey* found = shard.Find(id);
        ++reads;
        if (found == nullptr || found->Name() != id) ++lost;
      }
    } while (!stop.load(std::memory_order_relaxed));
  };
  std::thread r1(reader);
  std::thread r2(reader);
  // The churn starts once both readers run, so it always happens under their reads.
  while (started.load() < 2) std::this_thread::yield();
  for (int pass = 0; pass < 2; ++pass) {
    for (const ApiKey& key : churn) shard.Upsert(index::CompactKey::From(key));
    for (std::size_t i = 0; i < stable.size(); i += 7) {
      ApiKey again;
      again.id = static_cast<KeyId>(i + 1);
      again.public_id = stable[i];
      again.name = stable[i];
      shard.Upsert(index::CompactKey::From(again));  // replaced in place, never missing
    }
    for (const ApiKey& key : churn) shard.Erase(key.public_id);
  }
  stop = true;
  r1.join();
  r2.join();
  EXPECT_GT(reads.load(), 0);
  EXPECT_EQ(lost.load(), 0);
  EXPECT_EQ(shard.size(), stable.size());
}

TEST(KeyShard, EraseKeepsEveryOtherKeyFindable) {
  index::KeyShard shard;
  std::vector<std::string> ids;
  SeededRandom random(3);
  for (int i = 0; i < 5000; ++i) {
    ApiKey key;
    key.id = i + 1;
    key.public_id = GeneratePublicId(random);
    key.name = "k" + std::to_string(i);
    ids.push_back(key.public_id);
    shard.Upsert(index::CompactKey::From(key));
  }
  std::mt19937 gen(11);
  std::shuffle(ids.begin(), ids.end(), gen);
  for (std::size_t i = 0; i < 2500; ++i) shard.Erase(ids[i]);
  EXPECT_EQ(shard.size(), 2500u);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const index::CompactKey* found = shard.Find(ids[i]);
    EXPECT_EQ(found != nullptr, i >= 2500) << i;
    if (found != nullptr) {
      EXPECT_EQ(std::string_view(found->public_id.data(), 12), ids[i]);
    }
  }
}

TEST(KeyShard, UpsertReplacesInPlace) {
  index::KeyShard shard;
  ApiKey key;
  key.id = 1;
  key.public_id = "AAAAAAAAAAAA";
  key.name = "before";
  shard.Upsert(index::CompactKey::From(key));
  key.name = "after, a name long enough to need its own allocation";
  shard.Upsert(index::CompactKey::From(key));
  EXPECT_EQ(shard.size(), 1u);
  EXPECT_EQ(shard.Find("AAAAAAAAAAAA")->Name(), key.name);
}

TEST(InternTimeZone, EqualNamesShareOneString) {
  const std::string a = "Asia/Tokyo";
  const std::string b = "Asia/Tokyo";
  EXPECT_EQ(InternTimeZone(a).data(), InternTimeZone(b).data());
  EXPECT_EQ(InternTimeZone("UTC"), "UTC");
}

}  // namespace
}  // namespace keyward::core
