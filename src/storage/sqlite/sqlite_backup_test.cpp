#include "storage/sqlite/sqlite_backup.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <string>

#include "storage/sqlite/migrations.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "testing/store_contract/store_contract_helpers.hpp"
#include "testing/temp_dir.hpp"

namespace keyward::storage::sqlite {
namespace {

// A store at `path` with two keys, closed again.
void MakeStore(const std::string& path) {
  auto store = SqliteStore::Open(path);
  ASSERT_TRUE(store.has_value()) << store.error().Message();
  contract::Insert(**store, contract::NewKey("first"));
  contract::Insert(**store, contract::NewKey("second"));
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::int64_t RawInt(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  std::int64_t out = -1;
  if (sqlite3_step(stmt) == SQLITE_ROW) out = sqlite3_column_int64(stmt, 0);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

bool Exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

TEST(SqliteBackup, CopyHoldsTheStoreAsAStandalonePrivateFile) {
  TempDir dir;
  const std::string source = dir.File("keyward.db");
  MakeStore(source);
  const std::string copy = dir.File("backup.db");
  auto summary = CopyDatabase(source, copy);
  ASSERT_TRUE(summary.has_value()) << summary.error().Message();
  EXPECT_EQ(summary->schema_version, LatestSchemaVersion());
  EXPECT_EQ(summary->keys, 2);
  EXPECT_EQ(summary->custom_roles, 0);
  EXPECT_GT(summary->bytes, 0);
  EXPECT_EQ(RawInt(copy, "SELECT count(*) FROM api_keys WHERE name IN ('first', 'second')"), 2);
  struct stat st {};
  ASSERT_EQ(::stat(copy.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(st.st_size, summary->bytes);
  // Rollback-journal mode in the header (bytes 18 and 19 are 1, WAL's are 2): no -wal needed.
  const std::string bytes = ReadAll(copy);
  ASSERT_GT(bytes.size(), 20u);
  EXPECT_EQ(bytes[18], 1);
  EXPECT_EQ(bytes[19], 1);
  EXPECT_FALSE(Exists(copy + "-wal"));
}

TEST(SqliteBackup, CopyTakesACommittedSnapshotWithoutWaitingForAWriter) {
  TempDir dir;
  const std::string source = dir.File("keyward.db");
  MakeStore(source);
  // Another connection (as a running server) holds an open write transaction.
  sqlite3* writer = nullptr;
  ASSERT_EQ(sqlite3_open(source.c_str(), &writer), SQLITE_OK);
  ASSERT_EQ(
      sqlite3_exec(writer,
                   "BEGIN IMMEDIATE; INSERT INTO meta (key, value) VALUES ('uncommitted', 'x')",
                   nullptr, nullptr, nullptr),
      SQLITE_OK)
      << sqlite3_errmsg(writer);
  auto summary = CopyDatabase(source, dir.File("backup.db"));
  EXPECT_EQ(sqlite3_exec(writer, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(writer);
  ASSERT_TRUE(summary.has_value()) << summary.error().Message();
  EXPECT_EQ(summary->keys, 2);
  EXPECT_EQ(RawInt(dir.File("backup.db"), "SELECT count(*) FROM meta WHERE key = 'uncommitted'"),
            0);
  EXPECT_EQ(RawInt(source, "SELECT count(*) FROM meta WHERE key = 'uncommitted'"), 1);
}

TEST(SqliteBackup, AnExistingDestinationIsLeftAloneUnlessOverwriting) {
  TempDir dir;
  const std::string source = dir.File("keyward.db");
  MakeStore(source);
  const std::string copy = dir.File("backup.db");
  { std::ofstream(copy) << "precious"; }
  auto refused = CopyDatabase(source, copy);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, core::ErrorCode::kAlreadyExists);
  EXPECT_EQ(ReadAll(copy), "precious");
  CopyOptions overwrite;
  overwrite.overwrite = true;
  auto replaced = CopyDatabase(source, copy, overwrite);
  ASSERT_TRUE(replaced.has_value()) << replaced.error().Message();
  EXPECT_EQ(RawInt(copy, "SELECT count(*) FROM api_keys"), 2);
}

TEST(SqliteBackup, AMissingSourceIsNotFound) {
  TempDir dir;
  auto copied = CopyDatabase(dir.File("none.db"), dir.File("backup.db"));
  ASSERT_FALSE(copied.has_value());
  EXPECT_EQ(copied.error().code, core::ErrorCode::kNotFound);
  EXPECT_FALSE(Exists(dir.File("backup.db")));
}

TEST(SqliteBackup, AFileThatIsNotADatabaseIsRefusedAndNothingIsWritten) {
  TempDir dir;
  const std::string source = dir.File("notes.txt");
  {
    std::ofstream out(source);
    for (int i = 0; i < 200; ++i) out << "this is not a database, just some text\n";
  }
  auto copied = CopyDatabase(source, dir.File("backup.db"));
  ASSERT_FALSE(copied.has_value());
  EXPECT_EQ(copied.error().code, core::ErrorCode::kInvalidArgument);
  EXPECT_NE(copied.error().Message().find("not a SQLite database"), std::string::npos)
      << copied.error().Message();
  EXPECT_FALSE(Exists(dir.File("backup.db")));
  EXPECT_FALSE(Exists(dir.File("backup.db.tmp-" + std::to_string(::getpid()))));
}

TEST(SqliteBackup, ADamagedDatabaseFailsTheIntegrityCheck) {
  TempDir dir;
  const std::string source = dir.File("keyward.db");
  MakeStore(source);
  const std::string clean = dir.File("clean.db");
  ASSERT_TRUE(CopyDatabase(source, clean).has_value());
  // Overwrite the middle of every page after the first (its b-tree cells) with garbage.
  std::string bytes = ReadAll(clean);
  const std::size_t page = 4096;
  ASSERT_GT(bytes.size(), 3 * page);
  for (std::size_t at = page; at + page <= bytes.size(); at += page) {
    for (std::size_t i = 8; i < page / 2; ++i) bytes[at + i] = static_cast<char>(0xA5);
  }
  const std::string damaged = dir.File("damaged.db");
  { std::ofstream(damaged, std::ios::binary) << bytes; }
  auto copied = CopyDatabase(damaged, dir.File("backup.db"));
  ASSERT_FALSE(copied.has_value());
  EXPECT_EQ(copied.error().code, core::ErrorCode::kInvalidArgument) << copied.error().Message();
  EXPECT_FALSE(Exists(dir.File("backup.db")));
}

TEST(SqliteBackup, ASqliteDatabaseWithoutKeywardsSchemaIsRefused) {
  TempDir dir;
  const std::string source = dir.File("other.db");
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(source.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE t (x)", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  auto copied = CopyDatabase(source, dir.File("backup.db"));
  ASSERT_FALSE(copied.has_value());
  EXPECT_EQ(copied.error().code, core::ErrorCode::kInvalidArgument);
  EXPECT_NE(copied.error().Message().find("schema_migrations"), std::string::npos)
      << copied.error().Message();
}

TEST(SqliteBackup, ANewerSchemaIsRefusedWhenAsked) {
  TempDir dir;
  const std::string source = dir.File("keyward.db");
  MakeStore(source);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(source.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "INSERT INTO schema_migrations (version, name, applied_at)"
                         " VALUES (9999, 'future', 0)",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  CopyOptions known;
  known.max_schema_version = LatestSchemaVersion();
  auto refused = CopyDatabase(source, dir.File("a.db"), known);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().msg, core::Msg::kSchemaTooNew);
  const std::string message = refused.error().Message();
  EXPECT_NE(message.find("schema version 9999"), std::string::npos) << message;
  EXPECT_NE(message.find("1 to " + std::to_string(LatestSchemaVersion())), std::string::npos)
      << message;
  EXPECT_FALSE(Exists(dir.File("a.db")));
  // A backup takes any version.
  auto copied = CopyDatabase(source, dir.File("b.db"));
  ASSERT_TRUE(copied.has_value()) << copied.error().Message();
  EXPECT_EQ(copied->schema_version, 9999);
}

TEST(SqliteBackup, RecordsPepperSaysWhetherAFingerprintIsStored) {
  TempDir dir;
  const std::string path = dir.File("keyward.db");
  MakeStore(path);
  auto before = RecordsPepper(path);
  ASSERT_TRUE(before.has_value()) << before.error().Message();
  EXPECT_FALSE(*before);
  {
    auto store = SqliteStore::Open(path);
    ASSERT_TRUE(store.has_value());
    ASSERT_TRUE((*store)->Transact(
        [](core::UnitOfWork& uow) { return uow.SetMeta("pepper.fingerprint.1", "abc"); }));
  }
  auto after = RecordsPepper(path);
  ASSERT_TRUE(after.has_value()) << after.error().Message();
  EXPECT_TRUE(*after);
  auto version = SchemaVersionAt(path);
  ASSERT_TRUE(version.has_value());
  EXPECT_EQ(*version, LatestSchemaVersion());
}

TEST(SqliteBackup, MigrationBackupNameCarriesVersionAndUtcTime) {
  EXPECT_EQ(MigrationBackupName(1, 1764944096), "keyward-schema-v1-20251205T141456Z.db");
}

}  // namespace
}  // namespace keyward::storage::sqlite
