// The PostgreSQL store on a real server (testing/postgres/pg_server.hpp): the store contract
// suite, its migrations, two stores on one database as two nodes would hold them (exact lockout,
// one audit chain, change notifications), and an outage of the server.
#include "storage/postgres/postgres_store.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "core/audit/audit_chain.hpp"
#include "core/crypto/digest.hpp"
#include "core/store/audit_record.hpp"
#include "core/verification/verifier.hpp"
#include "storage/postgres/change_feed.hpp"
#include "storage/postgres/pg_connection.hpp"
#include "testing/postgres/pg_server.hpp"
#include "testing/store_contract/store_contract.hpp"
#include "testing/store_contract/store_contract_helpers.hpp"

namespace keyward::storage {
namespace {

using postgres::PostgresStore;
using testing::SharedPgServer;

std::string NewDatabase(testing::PgServer& server = SharedPgServer()) {
  core::Result<std::string> url = server.CreateDatabase();
  EXPECT_TRUE(url.has_value()) << (url ? "" : testing::ErrorText(url.error()));
  return url ? *url : std::string();
}

std::unique_ptr<PostgresStore> OpenStore(const std::string& url,
                                         postgres::PostgresStoreOptions options = {}) {
  auto store = PostgresStore::Open(url, options);
  EXPECT_TRUE(store.has_value()) << (store ? "" : testing::ErrorText(store.error()));
  return store ? std::move(store).value() : nullptr;
}

INSTANTIATE_TEST_SUITE_P(Postgres, StoreContract,
                         ::testing::Values(StoreFactory([]() -> std::unique_ptr<core::Store> {
                           return OpenStore(NewDatabase());
                         })));

// Waits (bounded) until `done` holds, checking every 20 ms; the bound is a deadline for a hang,
// not a speed claim.
template <typename Fn>
bool Eventually(Fn done, std::chrono::seconds bound = std::chrono::seconds(10)) {
  const auto until = std::chrono::steady_clock::now() + bound;
  while (std::chrono::steady_clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

core::PepperSet TestPeppers() {
  auto peppers = core::PepperSet::Parse("1 " + std::string(44, 'A') + "\n");
  EXPECT_TRUE(peppers.has_value());
  return peppers ? *peppers : core::PepperSet();
}

TEST(PostgresStore, ReopeningMigratesNothingTwiceAndKeepsTheData) {
  const std::string url = NewDatabase();
  core::KeyId id = 0;
  {
    auto store = OpenStore(url);
    ASSERT_NE(store, nullptr);
    id = contract::Get<core::KeyId>(
        *store, [](core::UnitOfWork& uow) { return uow.InsertKey(contract::NewKey("kept")); });
  }
  auto again = OpenStore(url);
  ASSERT_NE(again, nullptr);
  auto key = contract::Get<std::optional<core::ApiKey>>(
      *again, [&](core::UnitOfWork& uow) { return uow.FindKey(id); });
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(key->name, "kept");
}

TEST(PostgresStore, RefusesASchemaFromANewerKeyward) {
  const std::string url = NewDatabase();
  ASSERT_NE(OpenStore(url), nullptr);
  {
    auto connection = postgres::PgConnection::Open(url);
    ASSERT_TRUE(connection.has_value());
    ASSERT_TRUE((*connection)
                    ->Execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES "
                              "(999, 'future', 0)",
                              "test"));
  }
  auto store = PostgresStore::Open(url);
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code, core::ErrorCode::kInternal);
  EXPECT_EQ(store.error().msg, core::Msg::kSchemaTooNew);
  EXPECT_NE(store.error().Message().find("schema version 999, but this Keyward knows schema "
                                         "versions 1 to"),
            std::string::npos)
      << store.error().Message();
}

TEST(PostgresStore, WithoutCreateAnEmptyDatabaseIsRefusedAndLeftEmpty) {
  const std::string url = NewDatabase();
  auto store = PostgresStore::Open(url, {.create_schema = false});
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code, core::ErrorCode::kNotFound);
  auto connection = postgres::PgConnection::Open(url);
  ASSERT_TRUE(connection.has_value());
  auto stmt =
      (*connection)->Prepare("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", "test");
  ASSERT_TRUE(stmt.has_value());
  auto row = stmt->Step();
  ASSERT_TRUE(row.has_value() && *row);
  EXPECT_EQ(stmt->Int(0), 0);
}

TEST(PostgresStore, AnUnreachableServerIsNamedWithoutThePassword) {
  auto store = PostgresStore::Open("postgresql://keyward:s3cret-pw@127.0.0.1:1/none",
                                   {.connect_timeout_seconds = 2});
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code, core::ErrorCode::kUnavailable);
  EXPECT_EQ(store.error().msg, core::Msg::kStoreUnreachable);
  const std::string text = testing::ErrorText(store.error());
  EXPECT_EQ(text.find("s3cret-pw"), std::string::npos) << text;
  EXPECT_NE(text.find("127.0.0.1"), std::string::npos) << text;
}

TEST(PostgresStore, RedactUrlHidesPasswordsInBothForms) {
  EXPECT_EQ(postgres::RedactUrl("postgresql://u:pw@h:5/d"), "postgresql://u:***@h:5/d");
  EXPECT_EQ(postgres::RedactUrl("postgresql://u@h/d"), "postgresql://u@h/d");
  EXPECT_EQ(postgres::RedactUrl("host=h password=pw dbname=d"), "host=h password=*** dbname=d");
}

TEST(PostgresStore, RedactUrlHidesPasswordsGivenAsParameters) {
  EXPECT_EQ(postgres::RedactUrl("postgresql://u@h:5/d?password=pw"),
            "postgresql://u@h:5/d?password=***");
  EXPECT_EQ(postgres::RedactUrl("postgresql://u:a@h/d?sslmode=disable&password=b&x=1"),
            "postgresql://u:***@h/d?sslmode=disable&password=***&x=1");
  EXPECT_EQ(postgres::RedactUrl("postgresql://h/d?user=u&sslpassword=k"),
            "postgresql://h/d?user=u&sslpassword=***");
  EXPECT_EQ(postgres::RedactUrl("host=h password=a sslpassword=b"),
            "host=h password=*** sslpassword=***");
}

// Two stores on one database are two nodes: failures counted through both, from many threads at
// once, lock the key at exactly the threshold, once.
TEST(PostgresStore, FailuresSplitAcrossTwoNodesLockAtExactlyTheThreshold) {
  const std::string url = NewDatabase();
  auto a = OpenStore(url);
  auto b = OpenStore(url);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  const core::KeyId id = contract::Get<core::KeyId>(
      *a, [](core::UnitOfWork& uow) { return uow.InsertKey(contract::NewKey("target")); });
  const core::LockoutPolicy policy{.threshold = 40, .duration = std::chrono::hours(1)};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      core::Store& node = t % 2 == 0 ? static_cast<core::Store&>(*a) : *b;
      for (int i = 0; i < 5; ++i) {
        EXPECT_TRUE(core::StoreFailedAttempt(node, id, contract::kNow, policy, std::nullopt));
      }
    });
  }
  for (std::thread& t : threads) t.join();
  auto key = contract::Get<std::optional<core::ApiKey>>(
      *b, [&](core::UnitOfWork& uow) { return uow.FindKey(id); });
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(key->failed_attempts, 40);
  EXPECT_TRUE(key->locked);
  auto lockouts = contract::Get<std::vector<core::AuditEvent>>(*a, [](core::UnitOfWork& uow) {
    core::AuditFilter filter;
    filter.action = "auth.lockout";
    return uow.QueryAudit(filter, contract::Page(100));
  });
  EXPECT_EQ(lockouts.size(), 1u);
}

// Both nodes appending audit events at once leave one chain that verifies.
TEST(PostgresStore, TwoNodesWritingAtOnceLeaveOneAuditChain) {
  const std::string url = NewDatabase();
  auto a = OpenStore(url);
  auto b = OpenStore(url);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  const core::PepperSet peppers = TestPeppers();
  core::AuditChainStore chain_a(*a, peppers);
  core::AuditChainStore chain_b(*b, peppers);
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      core::Store& node = t % 2 == 0 ? static_cast<core::Store&>(chain_a) : chain_b;
      for (int i = 0; i < 15; ++i) {
        EXPECT_TRUE(node.Transact([&](core::UnitOfWork& uow) -> core::Status {
          return core::AppendAuditRecord(uow, "node" + std::to_string(t % 2), "", contract::kNow,
                                         "test.write", "key/" + std::to_string(i), "success", "{}");
        }));
      }
    });
  }
  for (std::thread& t : threads) t.join();
  auto verified = contract::Get<core::AuditVerification>(
      *b, [&](core::UnitOfWork& uow) { return core::VerifyAuditChain(uow, peppers); });
  EXPECT_TRUE(verified.ok) << verified.reason;
  EXPECT_EQ(verified.events, 90);
}

// What one node writes reaches the other's change feed; its own writes are not echoed to it.
TEST(PostgresStore, ChangesOfOneNodeReachTheOthersFeed) {
  const std::string url = NewDatabase();
  auto a = OpenStore(url);
  auto b = OpenStore(url);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  std::mutex mu;
  std::vector<std::pair<core::KeyId, std::string>> seen;
  int role_batches = 0;
  postgres::PgChangeFeed feed(url, b->node_tag(),
                              {.on_changes =
                                   [&](const postgres::StoreChanges& changes) {
                                     std::lock_guard lock(mu);
                                     seen.insert(seen.end(), changes.keys.begin(),
                                                 changes.keys.end());
                                     if (changes.roles) ++role_batches;
                                   },
                               .on_resync = {}});
  ASSERT_TRUE(feed.Start());
  core::ApiKey from_b = contract::NewKey("written on b");
  contract::Get<core::KeyId>(*b, [&](core::UnitOfWork& uow) { return uow.InsertKey(from_b); });
  core::ApiKey from_a = contract::NewKey("written on a");
  const core::KeyId id =
      contract::Get<core::KeyId>(*a, [&](core::UnitOfWork& uow) { return uow.InsertKey(from_a); });
  ASSERT_TRUE(contract::Do(*a, [&](core::UnitOfWork& uow) { return uow.DeleteKey(id); }));
  core::Role role;
  role.name = "auditors";
  role.permissions = core::PermissionSet::Of({"keys.read"});
  contract::Get<core::RoleId>(*a, [&](core::UnitOfWork& uow) { return uow.InsertRole(role); });
  ASSERT_TRUE(Eventually([&] {
    std::lock_guard lock(mu);
    return seen.size() >= 2 && role_batches >= 1;
  }));
  std::lock_guard lock(mu);
  ASSERT_EQ(seen.size(), 2u);  // the insert and the delete on a; nothing of b's own
  EXPECT_EQ(seen[0], std::make_pair(id, from_a.public_id));
  EXPECT_EQ(seen[1], std::make_pair(id, from_a.public_id));
}

// Units of work queued while a batch runs share the next transaction, each in its own savepoint:
// one refused by its function and one refused by the server (a name that is not UTF-8 aborts its
// statement, and so the transaction, up to the savepoint) are undone alone, and the others commit
// together.
TEST(PostgresStore, QueuedUnitsOfWorkShareACommitEachKeptOrUndoneAlone) {
  auto store = OpenStore(NewDatabase());
  ASSERT_NE(store, nullptr);
  const auto before = store->Stats();
  std::atomic<bool> inside{false};
  bool queued = false;
  std::thread leader([&] {
    EXPECT_TRUE(store->Transact([&](core::UnitOfWork& uow) -> core::Status {
      inside = true;
      queued = Eventually([&] { return store->Queued() == 4; }, std::chrono::seconds(30));
      return uow.SetMeta("leader", "1");
    }));
  });
  ASSERT_TRUE(Eventually([&] { return inside.load(); }));
  const std::vector<std::string> names = {"first", "refused", "not utf-8 \xff", "fourth"};
  std::vector<core::Status> results(names.size(), core::Ok());
  std::vector<std::thread> writers;
  for (std::size_t i = 0; i < names.size(); ++i) {
    writers.emplace_back([&, i] {
      results[i] = store->Transact([&](core::UnitOfWork& uow) -> core::Status {
        auto id = uow.InsertKey(contract::NewKey(names[i]));
        if (!id) return id.error();
        if (names[i] == "refused") return core::Internal("refused by its function");
        return core::Ok();
      });
    });
  }
  leader.join();
  for (std::thread& w : writers) w.join();
  ASSERT_TRUE(queued);
  EXPECT_TRUE(results[0]);
  EXPECT_FALSE(results[1]);
  EXPECT_FALSE(results[2]);
  EXPECT_TRUE(results[3]);
  std::vector<std::string> stored;
  for (const core::ApiKey& k : contract::Get<std::vector<core::ApiKey>>(
           *store, [](core::UnitOfWork& uow) { return uow.AllKeys(); })) {
    stored.push_back(k.name);
  }
  std::sort(stored.begin(), stored.end());
  EXPECT_EQ(stored, (std::vector<std::string>{"first", "fourth"}));
  const auto after = store->Stats();
  // The leader alone, then the four queued ones in one transaction, two of them kept (the
  // listing above is one more commit).
  EXPECT_EQ(after.commits - before.commits, 3u);
  EXPECT_EQ(after.units - before.units, 4u);
}

// libpq would cut a text parameter at its first NUL byte: such a value is refused, never stored
// shortened.
TEST(PostgresStore, TextWithANulByteIsRefusedNotCutShort) {
  auto store = OpenStore(NewDatabase());
  ASSERT_NE(store, nullptr);
  const core::Status st = store->Transact([](core::UnitOfWork& uow) -> core::Status {
    auto id = uow.InsertKey(contract::NewKey(std::string("nul\0byte", 8)));
    return id ? core::Ok() : id.error();
  });
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, core::ErrorCode::kInternal);
  EXPECT_TRUE(contract::Get<std::vector<core::ApiKey>>(*store, [](core::UnitOfWork& uow) {
                return uow.AllKeys();
              }).empty());
}

TEST(PostgresStore, ParseChangesReadsKeysAndRolesAndSkipsTheRest) {
  std::string tag;
  postgres::StoreChanges changes;
  ASSERT_TRUE(postgres::ParseChanges("n0a k12:AbC r7 x9 k:bad k0:zero k5", tag, changes));
  EXPECT_EQ(tag, "n0a");
  ASSERT_EQ(changes.keys.size(), 1u);
  EXPECT_EQ(changes.keys[0], std::make_pair(core::KeyId{12}, std::string("AbC")));
  EXPECT_TRUE(changes.roles);
  postgres::StoreChanges none;
  EXPECT_FALSE(postgres::ParseChanges("garbage", tag, none));
  EXPECT_TRUE(none.empty());
}

// A server that stops: units of work fail unavailable, naming the cause, and nothing is kept;
// once it is back, they succeed again with no restart of the store, and the feed resyncs.
TEST(PostgresStore, AnOutageRefusesWritesAndTheStoreRecoversByItself) {
  auto server = testing::PgServer::Create();
  ASSERT_TRUE(server.has_value()) << (server ? "" : testing::ErrorText(server.error()));
  const std::string url = NewDatabase(**server);
  auto store = OpenStore(url, {.pool_size = 3});
  ASSERT_NE(store, nullptr);
  std::atomic<int> resyncs{0};
  postgres::PgChangeFeed feed(url, "n-test", {.on_changes = {}, .on_resync = [&] { ++resyncs; }});
  ASSERT_TRUE(feed.Start());
  // Warm the pool: its idle connections are the ones the outage breaks.
  for (int i = 0; i < 3; ++i) {
    contract::Get<core::KeyId>(*store, [&](core::UnitOfWork& uow) {
      return uow.InsertKey(contract::NewKey("before " + std::to_string(i)));
    });
  }
  ASSERT_TRUE((*server)->Stop());
  const core::Status refused = store->Transact([](core::UnitOfWork& uow) -> core::Status {
    core::Result<core::KeyId> id = uow.InsertKey(contract::NewKey("during"));
    return id ? core::Ok() : id.error();
  });
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, core::ErrorCode::kUnavailable);
  EXPECT_EQ(refused.error().msg, core::Msg::kStoreUnreachable);
  EXPECT_EQ(store->WriteFault(), "the database server cannot be reached");
  EXPECT_TRUE(Eventually([&] { return !feed.Connected(); }));

  ASSERT_TRUE((*server)->Start());
  // The first unit of work after the return meets the broken idle connections and starts over
  // on a new one: it succeeds.
  core::Status again = store->Transact([](core::UnitOfWork& uow) -> core::Status {
    core::Result<core::KeyId> id = uow.InsertKey(contract::NewKey("after"));
    return id ? core::Ok() : id.error();
  });
  EXPECT_TRUE(again) << (again ? "" : testing::ErrorText(again.error()));
  EXPECT_EQ(store->WriteFault(), "");
  EXPECT_TRUE(Eventually([&] { return feed.Connected() && resyncs.load() >= 1; }));
  auto keys = contract::Get<std::vector<core::ApiKey>>(
      *store, [](core::UnitOfWork& uow) { return uow.AllKeys(); });
  std::vector<std::string> names;
  for (const core::ApiKey& k : keys) names.push_back(k.name);
  EXPECT_EQ(names, (std::vector<std::string>{"before 0", "before 1", "before 2", "after"}));
}

}  // namespace
}  // namespace keyward::storage
