// PostgresStore: core's store port on a PostgreSQL database shared by any number of Keyward nodes
// (docs/postgresql.md). The unit of work is the SQL one every store shares (storage/sql), over
// libpq connections kept in a small pool (pg_connection.hpp): a broken one is dropped and
// replaced. Schema migrations
// (postgres/migrations/V*.sql, the same versions as SQLite's) run at open, under an advisory lock,
// so nodes starting together migrate once.
//
// Units of work are serialized across every node: each runs in a READ COMMITTED transaction
// whose first statement takes one transaction-scoped advisory lock (kUnitOfWorkLock), held to its
// COMMIT. So each sees every earlier one's writes, as on SQLite: the audit chain's head is read
// under the lock in the same transaction as the event it links (two nodes never fork the chain),
// and the read-modify-write of a failure count or a sign-in lockout is exact across nodes.
// Verification never waits on it: the hot path reads the in-memory index.
//
// Group commit (storage/sql/group_commit.hpp), as on SQLite: units of work from concurrent threads
// of one node share one transaction (one lock, one commit), each inside its own savepoint, so one
// that fails is undone alone; a lone unit of work runs with no savepoint.
//
// Every committed unit of work that wrote keys or roles announces them with NOTIFY on
// kChangeChannel, inside its transaction (so exactly when it commits): PgChangeFeed on the other
// nodes applies them to their indexes (change_feed.hpp).
//
// Store outage: a unit of work the server cannot take (down, restarting, unreachable) fails
// kUnavailable with Msg::kStoreUnreachable and nothing of it is kept; a broken connection is
// dropped from the pool and the next unit of work connects afresh, so writes recover by
// themselves once the server is back. A COMMIT whose connection is lost mid-way cannot know
// whether the server applied it: it is reported unavailable too.
//
// Thread-safety: thread-safe.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/store/store.hpp"
#include "storage/sql/group_commit.hpp"

namespace keyward::storage::postgres {

class PgConnection;

// The channel of change notifications and the advisory lock of units of work (one 64-bit key,
// "keyward" in ASCII).
inline constexpr std::string_view kChangeChannel = "keyward_changes";
inline constexpr std::int64_t kUnitOfWorkLock = 0x6b657977617264;

struct PostgresStoreOptions {
  // Connections kept open at most; units of work beyond wait for one.
  int pool_size = 8;
  int connect_timeout_seconds = 5;
  // Whether Open creates and migrates the schema; when false, a database without Keyward's
  // schema is refused with kNotFound (admin commands that must find an existing store).
  bool create_schema = true;
};

class PostgresStore final : public core::Store {
 public:
  // Connects to `url` and migrates the schema. Errors (naming the URL without its password):
  // kUnavailable when the server cannot be reached; kInternal for a schema from a newer Keyward.
  static core::Result<std::unique_ptr<PostgresStore>> Open(const std::string& url,
                                                           PostgresStoreOptions options = {});
  ~PostgresStore() override;
  PostgresStore(const PostgresStore&) = delete;
  PostgresStore& operator=(const PostgresStore&) = delete;

  core::Status Transact(const std::function<core::Status(core::UnitOfWork&)>& fn) override;
  core::Status TransactThen(const std::function<core::Status(core::UnitOfWork&)>& fn,
                            const std::function<void()>& on_commit) override;

  // What group commit has done so far (for tests and benchmarks).
  sql::GroupCommit::Stats Stats() const { return group_.stats(); }
  std::size_t Queued() const { return group_.Queued(); }

  // Why writes are refused now, in a few plain words for /readyz, or empty: the last unit of
  // work could not reach the server and none has succeeded since.
  std::string WriteFault() const;
  // This store's tag in its change notifications, so that a node can skip its own.
  const std::string& node_tag() const { return node_tag_; }
  const std::string& url() const { return url_; }

 private:
  PostgresStore(std::string url, PostgresStoreOptions options, std::string node_tag);
  core::Result<std::unique_ptr<PgConnection>> Acquire();
  void Release(std::unique_ptr<PgConnection> connection);
  // BEGIN, and the advisory lock of units of work.
  static core::Status Begin(PgConnection& connection);
  // Closes every idle connection (after one was found dropped by the server).
  void DropIdle();
  // A pooled connection inside a transaction that holds the lock (Begin), a dropped idle
  // connection replaced once.
  core::Result<std::unique_ptr<PgConnection>> AcquireBegun();
  using Member = sql::GroupCommit::Member;
  // Runs a batch of group commit in one transaction, each unit of work in a savepoint.
  void RunBatch(const std::vector<Member*>& batch);

  const std::string url_;
  const PostgresStoreOptions options_;
  const std::string node_tag_;
  std::mutex pool_mu_;
  std::condition_variable pool_cv_;
  std::vector<std::unique_ptr<PgConnection>> idle_;  // guarded by pool_mu_
  int open_ = 0;                                     // connections out or idle; pool_mu_
  std::atomic<bool> unreachable_{false};
  sql::GroupCommit group_;
};

}  // namespace keyward::storage::postgres
