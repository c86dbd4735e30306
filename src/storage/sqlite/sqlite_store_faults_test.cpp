// SqliteStore when it cannot write (sqlite_store.hpp "Store faults"): a full database, a write
// lock held by another connection, the database file moved away or removed and restored. Each
// refuses the write with kUnavailable and the message naming the cause, keeps nothing of it,
// lets units of work that only read go on where the file can be read, and writes again once the
// cause is gone.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "storage/sqlite/sqlite_store.hpp"
#include "testing/store_contract/store_contract_helpers.hpp"
#include "testing/temp_dir.hpp"

namespace keyward::storage {
namespace {

std::unique_ptr<SqliteStore> MustOpen(const std::string& path, SqliteStoreOptions options = {}) {
  auto store = SqliteStore::Open(path, options);
  EXPECT_TRUE(store.has_value()) << (store ? "" : store.error().Message());
  return store ? std::move(store).value() : nullptr;
}

core::ApiKey BigKey(const std::string& name) {
  core::ApiKey key = contract::NewKey(name);
  key.description = std::string(1000, 'x');
  return key;
}

std::int64_t CountKeys(core::Store& store) {
  return static_cast<std::int64_t>(
      contract::Get<std::vector<core::ApiKey>>(store, [](core::UnitOfWork& uow) {
        return uow.AllKeys();
      }).size());
}

void ExpectFault(const core::Status& st, core::Msg msg) {
  ASSERT_FALSE(st.has_value());
  EXPECT_EQ(st.error().code, core::ErrorCode::kUnavailable);
  EXPECT_EQ(st.error().msg, msg) << st.error().Message();
}

// A directory holding the store's file, which the tests move and remove.
class StoreFaults : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(::mkdir(data_.c_str(), 0700), 0);
    store_ = MustOpen(path_);
    ASSERT_NE(store_, nullptr);
  }
  void TearDown() override {
    store_.reset();
    // Whatever the test left at the path goes with the TempDir; a moved-away copy too.
  }
  SqliteStore& store() { return *store_; }

  TempDir dir_;
  const std::string data_ = dir_.File("data");
  const std::string away_ = dir_.File("data.away");
  const std::string path_ = data_ + "/keyward.db";
  std::unique_ptr<SqliteStore> store_;
};

TEST(SqliteStoreCap, MaxDatabaseBytesSetsMaxPageCountInWholePages) {
  TempDir dir;
  auto store = MustOpen(dir.File("keyward.db"), {.max_database_bytes = (1 << 20) + 100});
  ASSERT_NE(store, nullptr);
  const auto page_size = store->ReadPragma("page_size");
  const auto max_pages = store->ReadPragma("max_page_count");
  ASSERT_TRUE(page_size.has_value() && max_pages.has_value());
  EXPECT_EQ(std::stoll(*max_pages), (1 << 20) / std::stoll(*page_size));
}

TEST(SqliteStoreCap, FullDatabaseRefusesWritesKeepsNothingAndRecoversWhenSpaceIsFreed) {
  TempDir dir;
  auto store = MustOpen(dir.File("keyward.db"), {.max_database_bytes = 1 << 20});
  ASSERT_NE(store, nullptr);
  std::vector<core::KeyId> ids;
  core::Status refused = core::Ok();
  for (int i = 0; i < 5000 && refused; ++i) {
    const core::ApiKey key = BigKey("filler " + std::to_string(i));
    core::KeyId id = 0;
    refused = store->Transact([&](core::UnitOfWork& uow) -> core::Status {
      KW_ASSIGN_OR_RETURN(id, uow.InsertKey(key));
      return core::Ok();
    });
    if (refused) ids.push_back(id);  // counted only once committed
  }
  ExpectFault(refused, core::Msg::kStoreFull);
  EXPECT_NE(refused.error().Message().find("full"), std::string::npos);
  EXPECT_EQ(store->WriteFault(), "writes refused: the database is full");
  // Nothing of the refused unit of work is kept; reading goes on.
  EXPECT_EQ(CountKeys(*store), static_cast<std::int64_t>(ids.size()));
  // A unit of work that only reads does not clear the fault: only a write that fits does.
  EXPECT_EQ(store->WriteFault(), "writes refused: the database is full");
  ASSERT_TRUE(contract::Do(*store, [&](core::UnitOfWork& uow) -> core::Status {
                for (std::size_t i = 0; i < ids.size() / 2; ++i) {
                  KW_RETURN_IF_ERROR(uow.DeleteKey(ids[i]));
                }
                return core::Ok();
              }).has_value());
  EXPECT_TRUE(contract::TryInsert(*store, BigKey("after freeing space")).has_value());
  EXPECT_EQ(store->WriteFault(), "");
}

TEST(SqliteStoreCap, ZeroMeansNoCap) {
  TempDir dir;
  auto store = MustOpen(dir.File("keyward.db"));
  ASSERT_NE(store, nullptr);
  const auto max_pages = store->ReadPragma("max_page_count");
  ASSERT_TRUE(max_pages.has_value());
  EXPECT_GT(std::stoll(*max_pages), 1'000'000);
}

TEST_F(StoreFaults, WriteLockOfAnotherConnectionRefusesWritesUntilReleased) {
  contract::Insert(store(), contract::NewKey("before"));
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  ExpectFault(contract::TryInsert(store(), contract::NewKey("while locked")),
              core::Msg::kStoreLocked);  // after the 5 s busy wait
  EXPECT_EQ(store().WriteFault(), "writes refused: the database is locked by another process");
  ASSERT_EQ(sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(other);
  // Any unit of work that begins (it takes the write lock) clears the fault.
  EXPECT_EQ(CountKeys(store()), 1);
  EXPECT_EQ(store().WriteFault(), "");
  EXPECT_TRUE(contract::TryInsert(store(), contract::NewKey("after")).has_value());
}

TEST_F(StoreFaults, MovedAwayRefusesWritesReadsGoOnAndMovedBackWritesAgain) {
  const core::KeyId before = contract::Insert(store(), contract::NewKey("before"));
  EXPECT_EQ(store().WriteFault(), "");
  ASSERT_EQ(std::rename(data_.c_str(), away_.c_str()), 0);
  EXPECT_EQ(store().WriteFault(), "writes refused: the database file was removed or replaced");
  const core::Status refused = contract::TryInsert(store(), contract::NewKey("while away"));
  ExpectFault(refused, core::Msg::kStoreRemoved);
  // The log detail names the path; the caller's message does not.
  EXPECT_NE(refused.error().args.front().find(path_), std::string::npos);
  EXPECT_EQ(refused.error().Message().find(path_), std::string::npos);
  // Reads go on from the open file.
  ASSERT_TRUE(contract::Find(store(), before).has_value());
  EXPECT_EQ(CountKeys(store()), 1);
  ASSERT_EQ(std::rename(away_.c_str(), data_.c_str()), 0);
  EXPECT_EQ(store().WriteFault(), "");
  contract::Insert(store(), contract::NewKey("after"));
  store_.reset();
  auto reopened = MustOpen(path_);
  ASSERT_NE(reopened, nullptr);
  const auto names = contract::Names(contract::Get<std::vector<core::ApiKey>>(
      *reopened, [](core::UnitOfWork& uow) { return uow.AllKeys(); }));
  EXPECT_EQ(names, (std::vector<std::string>{"before", "after"}));
}

// Copies the open store's database to `to` with SQLite's online backup.
void Backup(const std::string& from, const std::string& to) {
  sqlite3* src = nullptr;
  sqlite3* dst = nullptr;
  ASSERT_EQ(sqlite3_open(from.c_str(), &src), SQLITE_OK);
  ASSERT_EQ(sqlite3_open(to.c_str(), &dst), SQLITE_OK);
  sqlite3_backup* backup = sqlite3_backup_init(dst, "main", src, "main");
  ASSERT_NE(backup, nullptr);
  EXPECT_EQ(sqlite3_backup_step(backup, -1), SQLITE_DONE);
  EXPECT_EQ(sqlite3_backup_finish(backup), SQLITE_OK);
  sqlite3_close(dst);
  sqlite3_close(src);
}

void RemoveDatabase(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm"}) ::unlink((path + suffix).c_str());
}

TEST_F(StoreFaults, RemovedRefusesWritesAndACopyRestoredAtThePathIsReopened) {
  ASSERT_TRUE(contract::Do(store(), [](core::UnitOfWork& uow) {
                return uow.SetMeta("pepper.versions", "1");
              }).has_value());
  const core::KeyId before = contract::Insert(store(), contract::NewKey("before"));
  const std::string copy = dir_.File("copy.db");
  Backup(path_, copy);
  RemoveDatabase(path_);
  ExpectFault(contract::TryInsert(store(), contract::NewKey("while removed")),
              core::Msg::kStoreRemoved);
  ASSERT_EQ(std::rename(copy.c_str(), path_.c_str()), 0);
  const core::KeyId after = contract::Insert(store(), contract::NewKey("after"));
  EXPECT_EQ(store().WriteFault(), "");
  ASSERT_TRUE(contract::Find(store(), before).has_value());
  ASSERT_TRUE(contract::Find(store(), after).has_value());
  store_.reset();
  // The restored file holds it all (and its -wal was not deleted by closing the unlinked one).
  auto reopened = MustOpen(path_);
  ASSERT_NE(reopened, nullptr);
  EXPECT_TRUE(contract::Find(*reopened, before).has_value());
  EXPECT_TRUE(contract::Find(*reopened, after).has_value());
  EXPECT_EQ(CountKeys(*reopened), 2);
}

TEST_F(StoreFaults, AnotherStoreAtThePathIsNotAdopted) {
  ASSERT_TRUE(contract::Do(store(), [](core::UnitOfWork& uow) {
                return uow.SetMeta("pepper.fingerprint.1", "ours");
              }).has_value());
  RemoveDatabase(path_);
  {
    auto stranger = MustOpen(dir_.File("stranger.db"));
    ASSERT_NE(stranger, nullptr);
    ASSERT_TRUE(contract::Do(*stranger, [](core::UnitOfWork& uow) {
                  return uow.SetMeta("pepper.fingerprint.1", "theirs");
                }).has_value());
  }
  ASSERT_EQ(std::rename(dir_.File("stranger.db").c_str(), path_.c_str()), 0);
  ExpectFault(contract::TryInsert(store(), contract::NewKey("into a stranger")),
              core::Msg::kStoreRemoved);
  EXPECT_EQ(store().WriteFault(), "writes refused: the database file was removed or replaced");
}

}  // namespace
}  // namespace keyward::storage
