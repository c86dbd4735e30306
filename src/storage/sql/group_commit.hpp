// GroupCommit: how an SQL store lets units of work from concurrent threads share one transaction
// (one commit, one flush). Writers queue; the first finds no batch running and leads: it takes
// every unit of work queued so far (its own included) and hands them to the store's batch runner,
// which runs them one after another in one transaction, each inside its own savepoint, commits
// once and runs the on-commit hooks of those that committed, in order; only then do their callers
// return. Units of work arriving meanwhile form the next batch, so a lone writer waits for no one.
// SqliteStore and PostgresStore both commit this way; the batch runner is each one's own.
//
// Thread-safety: thread-safe.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <vector>

#include "core/store/store.hpp"

namespace keyward::storage::sql {

class GroupCommit {
 public:
  // One writer's unit of work, on its caller's stack until its caller returns. The batch runner
  // sets `result`.
  struct Member {
    const std::function<core::Status(core::UnitOfWork&)>& fn;
    const std::function<void()>& on_commit;
    core::Status result;
    bool done = false;  // guarded by the GroupCommit's mutex
  };
  // Runs every member of a batch (on the leader's thread) and sets each one's result.
  using BatchRunner = std::function<void(const std::vector<Member*>&)>;

  // Queues `fn` (and its hook) for the next batch, leading that batch with `run_batch` when no
  // batch is running; returns its result once its batch is done.
  core::Status Run(const std::function<core::Status(core::UnitOfWork&)>& fn,
                   const std::function<void()>& on_commit, const BatchRunner& run_batch);

  // What group commit has done so far: `commits` transactions committed, holding `units` units
  // of work. The batch runner reports each commit. For tests and benchmarks.
  struct Stats {
    std::uint64_t commits = 0;
    std::uint64_t units = 0;
  };
  void Committed(std::size_t units);
  Stats stats() const;
  // How many units of work wait for the running batch to end (they form the next one).
  std::size_t Queued() const;

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Member*> queue_;  // guarded by mu_
  bool leading_ = false;        // a batch is running; guarded by mu_
  Stats stats_;                 // guarded by mu_
};

// Runs a hook that must not throw; one that does must not cost the others theirs.
void RunHook(const std::function<void()>& on_commit);

}  // namespace keyward::storage::sql
