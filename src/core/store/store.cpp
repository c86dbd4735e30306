#include "core/store/store.hpp"

namespace keyward::core {

Status Store::TransactThen(const std::function<Status(UnitOfWork&)>& fn,
                           const std::function<void()>& on_commit) {
  // Held across the unit of work and its hook, so hooks follow the order of commits among the
  // callers of TransactThen (units of work committed through Transact alone have no hook).
  std::lock_guard lock(then_mu_);
  Status st = Transact(fn);
  if (st && on_commit) on_commit();
  return st;
}

}  // namespace keyward::core
