#include "storage/sql/group_commit.hpp"

namespace keyward::storage::sql {

core::Status GroupCommit::Run(const std::function<core::Status(core::UnitOfWork&)>& fn,
                              const std::function<void()>& on_commit,
                              const BatchRunner& run_batch) {
  Member me{fn, on_commit, core::Ok()};
  std::unique_lock lock(mu_);
  queue_.push_back(&me);
  cv_.wait(lock, [&] { return me.done || !leading_; });
  if (me.done) return me.result;
  // No batch is running: this writer leads the next one, made of every writer queued (itself
  // included, as every writer not yet done is queued while no batch runs).
  leading_ = true;
  std::vector<Member*> batch;
  batch.swap(queue_);
  lock.unlock();
  run_batch(batch);
  lock.lock();
  for (Member* m : batch) m->done = true;
  leading_ = false;
  lock.unlock();
  cv_.notify_all();
  return me.result;
}

void GroupCommit::Committed(std::size_t units) {
  std::lock_guard lock(mu_);
  ++stats_.commits;
  stats_.units += units;
}

GroupCommit::Stats GroupCommit::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

std::size_t GroupCommit::Queued() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

void RunHook(const std::function<void()>& on_commit) {
  try {
    on_commit();
  } catch (...) {  // a hook must not throw; one that does must not cost the others theirs
  }
}

}  // namespace keyward::storage::sql
