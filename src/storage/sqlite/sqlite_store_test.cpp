#include "storage/sqlite/sqlite_store.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <fstream>

#include "storage/sqlite/migrations.hpp"
#include "testing/store_contract/store_contract.hpp"
#include "testing/store_contract/store_contract_helpers.hpp"
#include "testing/temp_dir.hpp"

namespace keyward::storage {
namespace {

// A SqliteStore in a temporary directory that goes when the store goes.
class TempSqliteStore final : public core::Store {
 public:
  TempSqliteStore() {
    auto store = SqliteStore::Open(dir_.File("keyward.db"));
    EXPECT_TRUE(store.has_value()) << (store ? "" : store.error().Message());
    if (store) store_ = std::move(store).value();
  }
  core::Status Transact(const std::function<core::Status(core::UnitOfWork&)>& fn) override {
    if (!store_) return core::Internal("store did not open");
    return store_->Transact(fn);
  }
  core::Status TransactThen(const std::function<core::Status(core::UnitOfWork&)>& fn,
                            const std::function<void()>& on_commit) override {
    if (!store_) return core::Internal("store did not open");
    return store_->TransactThen(fn, on_commit);  // its group commit, not the default
  }

 private:
  TempDir dir_;  // declared first: outlives the store
  std::unique_ptr<SqliteStore> store_;
};

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreContract, ::testing::Values(StoreFactory([] {
                           return std::unique_ptr<core::Store>(std::make_unique<TempSqliteStore>());
                         })));

std::unique_ptr<SqliteStore> MustOpen(const std::string& path) {
  auto store = SqliteStore::Open(path);
  EXPECT_TRUE(store.has_value()) << (store ? "" : store.error().Message());
  return store ? std::move(store).value() : nullptr;
}

// Runs `sql` on a connection of its own (as another process would).
void RawExec(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  EXPECT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  sqlite3_close(db);
}

std::int64_t RawInt(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  std::int64_t out = -1;
  if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW) {
    out = sqlite3_column_int64(stmt, 0);
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

TEST(SqliteStore, KeySurvivesReopen) {
  TempDir dir;
  const std::string path = dir.File("keyward.db");
  core::ApiKey key = contract::NewKey("survivor", core::kAuditorRoleId);
  key.allowed_ips = {core::Ipv4Range{0x08080800u, 24}};
  key.expires_at = contract::kNow + std::chrono::seconds{60};
  core::KeyId id = 0;
  {
    auto store = MustOpen(path);
    ASSERT_NE(store, nullptr);
    id = contract::Insert(*store, key);
  }
  auto store = MustOpen(path);
  ASSERT_NE(store, nullptr);
  const auto found = contract::Find(*store, id);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->public_id, key.public_id);
  EXPECT_EQ(found->name, "survivor");
  EXPECT_EQ(found->allowed_ips, key.allowed_ips);
  EXPECT_EQ(found->expires_at, key.expires_at);
  EXPECT_EQ(found->digest, key.digest);
  EXPECT_EQ(found->role_name, core::BuiltInRoles()[1].name);
}

TEST(SqliteStore, IdsAreNeverReusedAcrossReopen) {
  TempDir dir;
  const std::string path = dir.File("keyward.db");
  core::KeyId key_id = 0;
  core::RoleId role_id = 0;
  {
    auto store = MustOpen(path);
    key_id = contract::Insert(*store, contract::NewKey("gone"));
    role_id = contract::Get<core::RoleId>(*store, [](core::UnitOfWork& uow) {
      return uow.InsertRole(contract::NewRole("gone", {}));
    });
    ASSERT_TRUE(contract::Do(*store, [&](core::UnitOfWork& uow) -> core::Status {
                  KW_RETURN_IF_ERROR(uow.DeleteKey(key_id));
                  return uow.DeleteRole(role_id);
                }).has_value());
  }
  auto store = MustOpen(path);
  EXPECT_GT(contract::Insert(*store, contract::NewKey("next")), key_id);
  EXPECT_GT(contract::Get<core::RoleId>(*store,
                                        [](core::UnitOfWork& uow) {
                                          return uow.InsertRole(contract::NewRole("next", {}));
                                        }),
            role_id);
}

TEST(SqliteStore, PragmasAreSet) {
  TempDir dir;
  auto store = MustOpen(dir.File("keyward.db"));
  ASSERT_NE(store, nullptr);
  auto pragma = [&](const char* name) {
    auto value = store->ReadPragma(name);
    EXPECT_TRUE(value.has_value()) << name;
    return value ? *value : std::string();
  };
  EXPECT_EQ(pragma("journal_mode"), "wal");
  EXPECT_EQ(pragma("synchronous"), "2");  // FULL
  EXPECT_EQ(pragma("foreign_keys"), "1");
  EXPECT_EQ(pragma("busy_timeout"), "5000");
  EXPECT_FALSE(store->ReadPragma("journal_mode = DELETE").has_value());
}

TEST(SqliteStore, DatabaseFileIsPrivate) {
  TempDir dir;
  const std::string path = dir.File("keyward.db");
  auto store = MustOpen(path);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(SqliteStore, SchemaVersionIsRecorded) {
  TempDir dir;
  const std::string path = dir.File("keyward.db");
  MustOpen(path).reset();
  EXPECT_EQ(RawInt(path, "SELECT max(version) FROM schema_migrations"),
            sqlite::LatestSchemaVersion());
  EXPECT_EQ(RawInt(path, "SELECT count(*) FROM schema_migrations"),
            static_cast<std::int64_t>(sqlite::EmbeddedMigrations().size()));
  // Opening again applies nothing twice.
  MustOpen(path).reset();
  EXPECT_EQ(RawInt(path, "SELECT count(*) FROM schema_migrations"),
            static_cast<std::int64_t>(sqlite::EmbeddedMigrations().size()));
  EXPECT_EQ(RawInt(path, "SELECT count(*) FROM roles WHERE built_in = 1"), 3);
}

// Writes at `path` the schema of versions 1 to `version`, as a Keyward of that version left it.
void CreateDatabaseAtVersion(const std::string& path, int version) {
  RawExec(path,
          "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
          " applied_at INTEGER NOT NULL)");
  for (const sqlite::Migration& m : sqlite::EmbeddedMigrations()) {
    if (m.version > version) continue;
    RawExec(path, std::string(m.sql).c_str());
    RawExec(path, ("INSERT INTO schema_migrations (version, name, applied_at) VALUES (" +
                   std::to_string(m.version) + ", '" + std::string(m.name) + "', 0)")
                      .c_str());
  }
}

// Writes at `path` a database as a Keyward of schema version 2 (before accounts) left it, with
// one key (id 1, public id "PubBefore001", named "before accounts").
void CreateVersion2Database(const std::string& path) {
  CreateDatabaseAtVersion(path, 2);
  RawExec(path,
          "INSERT INTO api_keys (public_id, name, name_key, role_id, locale, time_zone, enabled,"
          " locked, source, created_at, digest_version, digest) VALUES ('PubBefore001',"
          " 'before accounts', 'before accounts', 1, 'en-US', 'UTC', 1, 0, 'api', 1700000000, 1,"
          " zeroblob(32))");
}

TEST(SqliteStore, Version2DatabaseMigratesToAccounts) {
  TempDir dir;
  const std::string path = dir.File("keyward.db");
  CreateVersion2Database(path);
  ASSERT_EQ(RawInt(path, "SELECT max(version) FROM schema_migrations"), 2);

  auto store = MustOpen(path);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(RawInt(path, "SELECT max(version) FROM schema_migrations"),
            sqlite::LatestSchemaVersion());
  EXPECT_GE(sqlite::LatestSchemaVersion(), 3);
  EXPECT_EQ(RawInt(path,
                   "SELECT count(*) FROM schema_migrations WHERE version = 3"
                   " AND name = 'accounts'"),
            1);
  // The old key reads as before, not suspended.
  const auto key = contract::Find(*store, 1);
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(key->name, "before accounts");
  EXPECT_FALSE(key->account_suspended);
  EXPECT_EQ(key->StatusAt(contract::kNow), core::KeyStatus::kEnabled);
  // And the new tables work.
  const core::AccountId account =
      contract::InsertAccount(*store, contract::NewAccount("first@example.com"));
  EXPECT_EQ(account, 1);
  core::ApiKey token = contract::NewKey("first token");
  token.source = core::KeySource::kAccount;
  token.account_id = account;
  token.account_suspended = true;
  const core::KeyId token_id = contract::Insert(*store, token);
  const auto found = contract::Get<std::optional<core::ApiKey>>(
      *store, [&](core::UnitOfWork& uow) { return uow.FindAccountToken(account); });
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->id, token_id);
  EXPECT_TRUE(found->account_suspended);
}

TEST(SqliteStore, PendingMigrationsAreBackedUpFirst) {
  TempDir dir;
  const std::string path = dir.File("keyward.db");
  const std::string backups = dir.File("backups");
  CreateVersion2Database(path);
  auto store = SqliteStore::Open(path, {}, backups);
  ASSERT_TRUE(store.has_value()) << store.error().Message();
  const std::optional<std::string>& backup = (*store)->MigrationBackup();
  ASSERT_TRUE(backup.has_value());
  EXPECT_EQ(backup->rfind(backups + "/keyward-schema-v2-", 0), 0u) << *backup;
  EXPECT_TRUE(backup->ends_with("Z.db")) << *backup;
  // The copy is the store as it was: version 2, the old key.
  EXPECT_EQ(RawInt(*backup, "SELECT max(version) FROM schema_migrations"), 2);
  EXPECT_EQ(RawInt(*backup, "SELECT count(*) FROM api_keys WHERE name = 'before accounts'"), 1);
  EXPECT_EQ(RawInt(path, "SELECT max(version) FROM schema_migrations"),
            sqlite::LatestSchemaVersion());
  struct stat st {};
  ASSERT_EQ(::stat(backups.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  store->reset();
  // Nothing pending: no second backup.
  auto again = SqliteStore::Open(path, {}, backups);
  ASSERT_TRUE(again.has_value());
  EXPECT_FALSE((*again)->MigrationBackup().has_value());
}

TEST(SqliteStore, ANewStoreIsNotBackedUp) {
  TempDir dir;
  auto store = SqliteStore::Open(dir.File("keyward.db"), {}, dir.File("b"));
  ASSERT_TRUE(store.has_value());
  EXPECT_FALSE((*store)->MigrationBackup().has_value());
  struct stat st {};
  EXPECT_NE(::stat(dir.File("b").c_str(), &st), 0);
}

TEST(SqliteStore, AFailedMigrationLeavesTheSchemaAsItWas) {
  TempDir dir;
  const std::string path = dir.File("keyward.db");
  CreateVersion2Database(path);
  // A table in the way of a later migration: V003 creates "accounts".
  RawExec(path, "CREATE TABLE accounts (x)");
  auto store = SqliteStore::Open(path, {}, dir.File("backups"));
  ASSERT_FALSE(store.has_value());
  // All pending migrations run in one transaction: none of them is kept.
  EXPECT_EQ(RawInt(path, "SELECT max(version) FROM schema_migrations"), 2);
  EXPECT_EQ(RawInt(path, "SELECT count(*) FROM pragma_table_info('accounts')"), 1);
  EXPECT_EQ(RawInt(path, "SELECT count(*) FROM api_keys WHERE name = 'before accounts'"), 1);
}

TEST(SqliteStore, Version3DatabaseMovesTokensOutOfTheKeyNameNamespace) {
  TempDir dir;
  const std::string path = dir.File("keyward.db");
  CreateDatabaseAtVersion(path, 3);
  RawExec(path,
          "INSERT INTO accounts (email, email_key, type, role_id, access_level, given_name,"
          " surname, description, locale, time_zone, enabled, password_hash,"
          " must_change_password, created_at) VALUES ('a@example.com', 'a@example.com', 'local',"
          " 2, 'api_only', '', '', '', 'en-US', 'UTC', 1, 'x', 1, 1700000000)");
  RawExec(path,
          "INSERT INTO api_keys (public_id, name, name_key, role_id, locale, time_zone, enabled,"
          " locked, source, account_id, created_at, digest_version, digest) VALUES"
          " ('PubToken0001', 'Authentication token of account 1',"
          " 'authentication token of account 1', 2, 'en-US', 'UTC', 1, 0, 'account', 1,"
          " 1700000000, 1, zeroblob(32))");
  auto store = MustOpen(path);
  ASSERT_NE(store, nullptr);
  // The token no longer holds its name in the key-name index; an ordinary key may take it.
  EXPECT_EQ(RawInt(path,
                   "SELECT count(*) FROM api_keys WHERE source = 'account'"
                   " AND name_key = char(1) || 'account:1'"),
            1);
  contract::Insert(*store, contract::NewKey("Authentication token of account 1"));
  // And the account reads with its one-time password unused.
  const auto account = contract::Get<std::optional<core::Account>>(
      *store, [](core::UnitOfWork& uow) { return uow.FindAccount(1); });
  ASSERT_TRUE(account.has_value());
  EXPECT_TRUE(account->must_change_password);
  EXPECT_FALSE(account->one_time_password_used);
}

TEST(SqliteStore, SchemaChecksAccessLevelAndSuspension) {
  TempDir dir;
  const std::string path = dir.File("keyward.db");
  core::AccountId id = 0;
  {
    auto store = MustOpen(path);
    ASSERT_NE(store, nullptr);
    id = contract::InsertAccount(*store, contract::NewAccount("alice@example.com"));
    contract::Insert(*store, contract::NewKey("some key"));
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  EXPECT_NE(
      sqlite3_exec(db, "UPDATE accounts SET access_level = 'root'", nullptr, nullptr, nullptr),
      SQLITE_OK);
  EXPECT_NE(
      sqlite3_exec(db, "UPDATE api_keys SET account_suspended = 2", nullptr, nullptr, nullptr),
      SQLITE_OK);
  sqlite3_close(db);
  auto store = MustOpen(path);
  const auto account = contract::Get<std::optional<core::Account>>(
      *store, [&](core::UnitOfWork& uow) { return uow.FindAccount(id); });
  ASSERT_TRUE(account.has_value());
  EXPECT_EQ(account->access_level, core::AccessLevel::kConsoleAndApi);
}

TEST(SqliteStore, DatabaseFromTheFutureIsRefused) {
  TempDir dir;
  const std::string path = dir.File("keyward.db");
  MustOpen(path).reset();
  RawExec(path,
          "INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future', 0)");
  const auto store = SqliteStore::Open(path);
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().msg, core::Msg::kSchemaTooNew);
  const std::string message = store.error().Message();
  EXPECT_NE(message.find("schema version 9999"), std::string::npos) << message;
  EXPECT_NE(
      message.find("knows schema versions 1 to " + std::to_string(sqlite::LatestSchemaVersion())),
      std::string::npos)
      << message;
  EXPECT_NE(message.find(path), std::string::npos) << message;
}

TEST(SqliteStore, FileThatIsNotSqliteGivesACleanError) {
  TempDir dir;
  const std::string path = dir.File("keyward.db");
  {
    std::ofstream out(path);
    for (int i = 0; i < 200; ++i) out << "this is not a database, just some text\n";
  }
  const auto store = SqliteStore::Open(path);
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().msg, core::Msg::kStoreError);
  const std::string message = store.error().Message();
  EXPECT_NE(message.find(path), std::string::npos) << message;
  EXPECT_EQ(message.find("SELECT"), std::string::npos) << message;
  EXPECT_EQ(message.find("PRAGMA"), std::string::npos) << message;
}

TEST(SqliteStore, MissingDirectoryIsUnavailable) {
  TempDir dir;
  const std::string path = dir.File("no/such/dir/keyward.db");
  const auto store = SqliteStore::Open(path);
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code, core::ErrorCode::kUnavailable);
  EXPECT_NE(store.error().Message().find(path), std::string::npos) << store.error().Message();
}

TEST(SqliteStore, BuiltInRolesAreRestoredAtOpen) {
  TempDir dir;
  const std::string path = dir.File("keyward.db");
  MustOpen(path).reset();
  RawExec(path, "UPDATE roles SET name = 'Tampered', name_key = 'tampered' WHERE id = 2");
  auto store = MustOpen(path);
  const auto role = contract::Get<std::optional<core::Role>>(
      *store, [](core::UnitOfWork& uow) { return uow.FindRole(core::kAuditorRoleId); });
  ASSERT_TRUE(role.has_value());
  EXPECT_EQ(role->name, core::BuiltInRoles()[1].name);
}

TEST(SqliteStore, CorruptRowIsAnInternalErrorNotACrash) {
  TempDir dir;
  const std::string path = dir.File("keyward.db");
  core::KeyId id = 0;
  {
    auto store = MustOpen(path);
    id = contract::Insert(*store, contract::NewKey("soon corrupt"));
  }
  RawExec(path, "UPDATE api_keys SET locale = 'xx-XX', allowed_ips = 'not an ip'");
  auto store = MustOpen(path);
  const auto st = store->Transact([&](core::UnitOfWork& uow) -> core::Status {
    auto key = uow.FindKey(id);
    if (!key) return key.error();
    return core::Ok();
  });
  ASSERT_FALSE(st.has_value());
  EXPECT_EQ(st.error().code, core::ErrorCode::kInternal);
}

}  // namespace
}  // namespace keyward::storage
