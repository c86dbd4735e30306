#include "core/verification/epoch.hpp"

#include <algorithm>
#include <limits>

namespace keyward::core::epoch {
namespace {

// The calling thread's registration: its slot, held until the thread ends, and how deep it is in
// nested read sections.
struct ThreadRegistration {
  ReaderSlot* slot = nullptr;
  int depth = 0;
  ThreadRegistration() = default;
  ThreadRegistration(const ThreadRegistration&) = delete;
  ThreadRegistration& operator=(const ThreadRegistration&) = delete;
  ~ThreadRegistration() {
    if (slot != nullptr) Domain::Release(slot);
  }
};

thread_local ThreadRegistration t_registration;

}  // namespace

Domain& Domain::Get() {
  static Domain* domain = new Domain();  // lives until exit: threads may end after main
  return *domain;
}

ReaderSlot* Domain::Acquire() {
  for (ReaderSlot* s = head_.load(std::memory_order_acquire); s != nullptr; s = s->next) {
    bool expected = false;
    if (!s->in_use.load(std::memory_order_relaxed) &&
        s->in_use.compare_exchange_strong(expected, true, std::memory_order_acquire)) {
      return s;
    }
  }
  auto* slot = new ReaderSlot();  // never freed: the list only grows to the most threads at once
  slot->in_use.store(true, std::memory_order_relaxed);
  ReaderSlot* head = head_.load(std::memory_order_relaxed);
  do {
    slot->next = head;
  } while (!head_.compare_exchange_weak(head, slot, std::memory_order_release,
                                        std::memory_order_relaxed));
  return slot;
}

void Domain::Release(ReaderSlot* slot) {
  slot->epoch.store(0, std::memory_order_release);
  slot->in_use.store(false, std::memory_order_release);
}

ReaderSlot& Domain::ThisThreadSlot() {
  ThreadRegistration& reg = t_registration;
  if (reg.slot == nullptr) reg.slot = Acquire();
  return *reg.slot;
}

std::uint64_t Domain::OldestActive() const {
  std::uint64_t oldest = std::numeric_limits<std::uint64_t>::max();
  for (const ReaderSlot* s = head_.load(std::memory_order_acquire); s != nullptr; s = s->next) {
    // seq_cst, against the reader's seq_cst announcement: either this load sees it, or the
    // reader's later loads see every unlink made before this scan.
    const std::uint64_t e = s->epoch.load(std::memory_order_seq_cst);
    if (e != 0) oldest = std::min(oldest, e);
  }
  return oldest;
}

ReadGuard::ReadGuard() : slot_(&Domain::Get().ThisThreadSlot()) {
  ThreadRegistration& reg = t_registration;
  outermost_ = reg.depth++ == 0;
  if (outermost_) {
    // Announce before reading anything shared (seq_cst: see Domain::OldestActive).
    slot_->epoch.store(Domain::Get().Current(), std::memory_order_seq_cst);
  }
}

ReadGuard::~ReadGuard() {
  --t_registration.depth;
  // Release: every read of the section happens before a writer that sees 0 frees anything.
  if (outermost_) slot_->epoch.store(0, std::memory_order_release);
}

Retirer::~Retirer() {
  for (const Item& item : items_) item.free(item.p);
}

void Retirer::Retire(void* p, void (*free)(void* p)) {
  // A reader that entered at an epoch after `stamp` read the epoch after this advance, so after
  // the unlink that came before it: it cannot hold `p`.
  items_.push_back(Item{Domain::Get().Advance(), p, free});
  Reclaim();
}

void Retirer::Reclaim() {
  if (items_.empty()) return;
  const std::uint64_t oldest = Domain::Get().OldestActive();
  std::size_t kept = 0;
  for (std::size_t i = 0; i < items_.size(); ++i) {
    if (items_[i].stamp < oldest) {
      items_[i].free(items_[i].p);
    } else {
      items_[kept++] = items_[i];
    }
  }
  items_.resize(kept);
}

}  // namespace keyward::core::epoch
