// Epoch-based reclamation for the key index's lock-free readers (docs/architecture.md "The
// verification chain", speed notes). Readers announce, in a cache line of their own thread, the
// epoch they entered in; writers retire what they unlinked with the epoch of the moment, and free
// it once every reader inside a read section entered later. A reader writes only its own slot:
// nothing shared is written on the read path, so readers on several cores never contend.
//
// Every step uses std::atomic with the orderings spelt out (no fences, no benign races), so
// ThreadSanitizer checks it as it runs. liburcu would do the same job, but TSan does not model
// its barriers and would report every read as a race.
//
// Thread-safety: ReadGuard and Retirer are used as documented on each; the domain is process-wide.
#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

namespace keyward::core::epoch {

// One thread's announcement: 0 outside read sections, else the epoch it entered in.
struct alignas(64) ReaderSlot {
  std::atomic<std::uint64_t> epoch{0};
  std::atomic<bool> in_use{false};
  ReaderSlot* next = nullptr;  // the domain's list; set once, before publication
};

// The process-wide epoch and the list of reader slots (never freed; reused as threads come and go).
class Domain {
 public:
  static Domain& Get();

  // The calling thread's slot, registered on first use and released when the thread ends.
  ReaderSlot& ThisThreadSlot();
  std::uint64_t Current() const { return global_.load(std::memory_order_seq_cst); }
  // Moves the epoch on; returns the epoch before (the stamp of what was unlinked before the call).
  std::uint64_t Advance() { return global_.fetch_add(1, std::memory_order_seq_cst); }
  // The oldest epoch a reader is inside now, or UINT64_MAX when no reader is.
  std::uint64_t OldestActive() const;

  ReaderSlot* Acquire();
  static void Release(ReaderSlot* slot);

 private:
  std::atomic<std::uint64_t> global_{1};
  std::atomic<ReaderSlot*> head_{nullptr};
};

// A read section: while one lives on this thread, nothing retired after it began is freed.
// Nests (only the outermost announces). Must end on the thread that began it.
class ReadGuard {
 public:
  ReadGuard();
  ~ReadGuard();
  ReadGuard(const ReadGuard&) = delete;
  ReadGuard& operator=(const ReadGuard&) = delete;

 private:
  ReaderSlot* slot_;
  bool outermost_;
};

// What one writer unlinked and will free once no reader can still hold it. Not thread-safe: its
// owner serialises the writers that use it.
class Retirer {
 public:
  Retirer() = default;
  Retirer(const Retirer&) = delete;
  Retirer& operator=(const Retirer&) = delete;
  // Frees everything at once: the owner guarantees no reader is left (its readers are gone).
  ~Retirer();

  // Hands `p`, already unreachable for readers that begin from now on, to `free(p)` once every
  // reader that might still hold it has left. Frees what is due at the same time.
  void Retire(void* p, void (*free)(void* p));
  // Frees what no reader can hold any more.
  void Reclaim();
  std::size_t pending() const { return items_.size(); }

 private:
  struct Item {
    std::uint64_t stamp;
    void* p;
    void (*free)(void*);
  };
  std::vector<Item> items_;
};

}  // namespace keyward::core::epoch
