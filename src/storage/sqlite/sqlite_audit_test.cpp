// The audit chain on a real SQLite file: rows altered behind Keyward's back with raw SQL are
// named by VerifyAuditChain; retention keeps the chain whole across reopening.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>

#include "core/audit/audit_chain.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "testing/store_contract/store_contract_helpers.hpp"
#include "testing/temp_dir.hpp"

namespace keyward::storage {
namespace {

using core::AuditEvent;
using core::UnitOfWork;
using std::chrono::seconds;

// "1 <base64 of 32 'A' bytes>".
constexpr const char* kPepperFile = "1 QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE=\n";

// Runs `sql` on a connection of its own, as someone editing the file would.
void RawExec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK)
      << sqlite3_errmsg(db);
  sqlite3_close(db);
}

class SqliteAuditChain : public ::testing::Test {
 protected:
  SqliteAuditChain()
      : path_(dir_.File("keyward.db")), peppers_(core::PepperSet::Parse(kPepperFile).value()) {
    Reopen();
  }

  void Reopen() {
    chain_.reset();
    store_.reset();
    auto store = SqliteStore::Open(path_);
    ASSERT_TRUE(store.has_value()) << store.error().Message();
    store_ = std::move(store).value();
    chain_ = std::make_unique<core::AuditChainStore>(*store_, peppers_);
  }

  std::int64_t Append(const std::string& action, seconds offset) {
    AuditEvent e;
    e.time = contract::kNow + offset;
    e.actor = "apikey:1";
    e.action = action;
    e.target = "apikey:2";
    e.ip = "203.0.113.9";
    e.outcome = "success";
    e.details_json = R"({"name":{"old":"a","new":"b"}})";
    return contract::Get<std::int64_t>(*chain_,
                                       [&](UnitOfWork& uow) { return uow.AppendAudit(e); });
  }

  core::AuditVerification Verify() {
    return contract::Get<core::AuditVerification>(
        *store_, [&](UnitOfWork& uow) { return core::VerifyAuditChain(uow, peppers_); });
  }

  TempDir dir_;
  std::string path_;
  core::PepperSet peppers_;
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<core::AuditChainStore> chain_;
};

TEST_F(SqliteAuditChain, RowAlteredWithRawSqlIsNamed) {
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 6; ++i) ids.push_back(Append("apikey.update", seconds{i}));
  core::AuditVerification v = Verify();
  ASSERT_TRUE(v.ok) << v.reason;
  EXPECT_EQ(v.events, 6);

  RawExec(path_,
          "UPDATE audit_events SET details = '{\"name\":{\"old\":\"a\",\"new\":\"z\"}}'"
          " WHERE id = " +
              std::to_string(ids[3]));
  v = Verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_broken_id, ids[3]);
  EXPECT_EQ(v.events, 4);
  EXPECT_FALSE(v.reason.empty());
}

TEST_F(SqliteAuditChain, EachAlteredColumnIsNamed) {
  for (const char* set : {"actor = 'system'", "action = 'apikey.delete'", "target = 'apikey:3'",
                          "ip = ''", "outcome = 'failure'", "time = time + 1", "prev_hash = hash",
                          "hash = 'v1:' || substr(hash, 5) || '0'"}) {
    SCOPED_TRACE(set);
    Append("apikey.create", seconds{0});
    const std::int64_t victim = Append("apikey.update", seconds{1});
    Append("apikey.delete", seconds{2});
    ASSERT_TRUE(Verify().ok);
    RawExec(path_, std::string("UPDATE audit_events SET ") + set +
                       " WHERE id = " + std::to_string(victim));
    const core::AuditVerification v = Verify();
    EXPECT_FALSE(v.ok);
    EXPECT_EQ(v.first_broken_id, victim) << v.reason;
    // Start the next case from an empty trail, as retention of everything would.
    RawExec(path_, "DELETE FROM audit_events");
  }
}

TEST_F(SqliteAuditChain, RetentionKeepsTheChainAcrossReopen) {
  for (int i = 0; i < 10; ++i) Append("apikey.update", seconds{i * 10});
  core::ManualClock clock(contract::kNow + seconds{1000});
  const core::Result<std::int64_t> removed =
      core::ApplyRetention(*chain_, peppers_, contract::kNow + seconds{45}, clock);
  ASSERT_TRUE(removed.has_value()) << removed.error().Message();
  EXPECT_EQ(*removed, 5);
  Reopen();
  core::AuditVerification v = Verify();
  EXPECT_TRUE(v.ok) << v.reason;
  EXPECT_EQ(v.events, 6);  // five left and the anchor
  Append("apikey.update", seconds{2000});
  v = Verify();
  EXPECT_TRUE(v.ok) << v.reason;

  // Removing the front again by hand, without an anchor, is found.
  RawExec(path_, "DELETE FROM audit_events WHERE id = (SELECT min(id) FROM audit_events)");
  v = Verify();
  EXPECT_FALSE(v.ok);
}

TEST_F(SqliteAuditChain, QueryIndexesExist) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db,
                               "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND"
                               " tbl_name = 'audit_events' AND name LIKE 'audit_events_%'",
                               -1, &stmt, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(stmt, 0), 4);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

}  // namespace
}  // namespace keyward::storage
