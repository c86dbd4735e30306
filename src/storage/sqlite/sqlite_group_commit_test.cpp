// SqliteStore's group commit (sqlite_store.hpp): units of work queued while a batch runs are
// committed together, one transaction for all of them, each kept or undone on its own; and, with
// many writers at once through the whole stack `keyward serve` builds (SqliteStore, the audit
// chain, the key index, the key service), every acknowledged write is there, no refused one is,
// the audit chain verifies and the index matches the store. Run under ThreadSanitizer too.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/audit/audit_chain.hpp"
#include "core/keys/key_service.hpp"
#include "core/random.hpp"
#include "core/verification/key_index.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "testing/key_fixture.hpp"
#include "testing/store_contract/store_contract_helpers.hpp"
#include "testing/temp_dir.hpp"

namespace keyward::storage {
namespace {

using core::ErrorCode;
using core::UnitOfWork;

std::unique_ptr<SqliteStore> OpenIn(TempDir& dir) {
  auto store = SqliteStore::Open(dir.File("keyward.db"));
  EXPECT_TRUE(store.has_value()) << (store ? "" : store.error().Message());
  return store ? std::move(store).value() : nullptr;
}

// Waits, yielding, until `done` holds; false if it does not within a limit that only keeps a
// broken build from hanging.
template <typename Pred>
bool AwaitTrue(Pred done) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!done()) {
    if (std::chrono::steady_clock::now() > give_up) return false;
    std::this_thread::yield();
  }
  return true;
}

TEST(SqliteGroupCommit, WritersQueuedDuringABatchShareTheNextCommitEachKeptOrUndoneAlone) {
  TempDir dir;
  std::unique_ptr<SqliteStore> store = OpenIn(dir);
  ASSERT_NE(store, nullptr);
  const SqliteStore::CommitStats before = store->Stats();

  // The first writer holds its batch open until three more writers queue behind it.
  std::atomic<bool> inside{false};
  bool three_queued = false;
  std::thread leader([&] {
    const core::Status st = store->Transact([&](UnitOfWork& uow) -> core::Status {
      inside = true;
      three_queued = AwaitTrue([&] { return store->Queued() == 3; });
      return uow.SetMeta("leader", "1");
    });
    EXPECT_TRUE(st.has_value());
  });
  ASSERT_TRUE(AwaitTrue([&] { return inside.load(); }));

  const std::vector<core::ApiKey> keys = {contract::NewKey("first"), contract::NewKey("refused"),
                                          contract::NewKey("third")};
  std::vector<core::Status> results(keys.size(), core::Ok());
  std::vector<bool> hooked(keys.size(), false);
  std::vector<std::thread> writers;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    writers.emplace_back([&, i] {
      results[i] = store->TransactThen(
          [&](UnitOfWork& uow) -> core::Status {
            auto id = uow.InsertKey(keys[i]);
            if (!id) return id.error();
            if (keys[i].name == "refused") {
              return core::MakeError(ErrorCode::kConflict, core::Msg::kPepperMismatch, {"mine"});
            }
            return core::Ok();
          },
          [&, i] { hooked[i] = true; });
    });
  }
  leader.join();
  for (std::thread& w : writers) w.join();
  ASSERT_TRUE(three_queued);
  const SqliteStore::CommitStats after = store->Stats();

  EXPECT_TRUE(results[0].has_value());
  ASSERT_FALSE(results[1].has_value());
  EXPECT_EQ(results[1].error().code, ErrorCode::kConflict);
  EXPECT_EQ(results[1].error().args, std::vector<std::string>{"mine"});
  EXPECT_TRUE(results[2].has_value());
  EXPECT_EQ(hooked, (std::vector<bool>{true, false, true}));
  std::vector<std::string> names;
  for (const core::ApiKey& k : contract::List(*store, contract::AtNow())) names.push_back(k.name);
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"first", "third"}));

  // The leader's unit of work alone, then the three queued ones in one transaction.
  EXPECT_EQ(after.commits - before.commits, 2u);
  EXPECT_EQ(after.units - before.units, 3u);  // the refused one was not committed
}

TEST(SqliteGroupCommit, ALoneWriterCommitsAtOnce) {
  TempDir dir;
  std::unique_ptr<SqliteStore> store = OpenIn(dir);
  ASSERT_NE(store, nullptr);
  const SqliteStore::CommitStats before = store->Stats();
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(
        store->Transact([&](UnitOfWork& uow) { return uow.SetMeta("n", std::to_string(i)); })
            .has_value());
  }
  EXPECT_EQ(store->Stats().commits - before.commits, 3u);
  EXPECT_EQ(store->Queued(), 0u);
}

// Many writers at once through the stack `keyward serve` builds. Names collide across writers on
// purpose: for each name exactly one create is acknowledged, the others are refused.
TEST(SqliteGroupCommit, ConcurrentWritersThroughTheWholeStackLoseNothingAndKeepOneChain) {
  constexpr int kWriters = 16;
  constexpr int kCreatesEach = 12;
  constexpr int kDistinctNames = 96;  // fewer than kWriters * kCreatesEach
  TempDir dir;
  std::unique_ptr<SqliteStore> sqlite = OpenIn(dir);
  ASSERT_NE(sqlite, nullptr);
  const core::PepperSet peppers = core::testing::TestPeppers();
  core::AuditChainStore chain(*sqlite, peppers);
  core::ManualClock clock(core::Time{core::Seconds{core::testing::kTestEpochSeconds}});
  core::KeyIndex index(
      chain, clock, core::KeyIndexOptions{core::Seconds{1}, core::Seconds{0}, core::Seconds{300}});
  ASSERT_TRUE(index.Load().has_value());
  core::SystemRandom random;
  core::SecretHasher hasher(peppers);
  core::KeyService keys(index.store(), clock, random, hasher);

  std::mutex mu;
  std::map<core::KeyId, std::string> acknowledged;  // guarded by mu
  std::atomic<int> refused{0};
  std::atomic<int> loaded{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kWriters; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kCreatesEach; ++i) {
        core::CreateKeyInput in;
        in.name = "key " + std::to_string((t * kCreatesEach + i * 7) % kDistinctNames);
        in.role = "Auditor";
        core::Result<core::IssuedKey> made = keys.Create(core::Principal::System(), in);
        if (made) {
          std::lock_guard lock(mu);
          acknowledged.emplace(made->key.id, in.name);
        } else {
          EXPECT_EQ(made.error().code, ErrorCode::kAlreadyExists) << made.error().Message();
          ++refused;
        }
      }
      // A full reload among the writes must not undo any of them.
      if (t % 4 == 0 && index.Load()) ++loaded;
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(loaded.load(), kWriters / 4);

  // Every acknowledged create is stored, and nothing else: one key per name.
  const std::vector<core::ApiKey> stored =
      contract::List(*sqlite, contract::AtNow(), contract::Page(1000));
  std::map<core::KeyId, std::string> in_store;
  for (const core::ApiKey& k : stored) in_store.emplace(k.id, k.name);
  EXPECT_EQ(in_store, acknowledged);
  EXPECT_EQ(static_cast<int>(acknowledged.size()), kDistinctNames);
  EXPECT_EQ(static_cast<int>(acknowledged.size()) + refused.load(), kWriters * kCreatesEach);

  // One audit event per acknowledged create, in one chain that verifies.
  const core::AuditVerification verified = contract::Get<core::AuditVerification>(
      *sqlite, [&](UnitOfWork& uow) { return core::VerifyAuditChain(uow, peppers); });
  EXPECT_TRUE(verified.ok) << verified.reason;
  const auto events = contract::Get<std::vector<core::AuditEvent>>(
      *sqlite, [](UnitOfWork& uow) { return uow.ListAudit(0, 100000); });
  int creates = 0;
  for (const core::AuditEvent& e : events) creates += e.action == "apikey.create" ? 1 : 0;
  EXPECT_EQ(creates, kDistinctNames);

  // The index holds exactly what the store holds.
  EXPECT_EQ(index.Stats().keys, stored.size());
  for (const core::ApiKey& k : stored) {
    core::KeyEntry entry;
    ASSERT_TRUE(index.Find(k.public_id, entry).value()) << k.name;
    EXPECT_EQ(entry.id, k.id);
    EXPECT_EQ(entry.digest, k.digest);
  }
}

}  // namespace
}  // namespace keyward::storage
