// KeyShard: one shard of the in-memory key index, read without locks. Each key is an immutable
// record (CompactKey) on the heap; an open-addressing table (linear probing, tombstones) of
// tagged record pointers, published through one atomic pointer, finds it by public id. Internal
// to key_index.cpp.
//
// Readers (Find, Prefetch) write nothing shared: they run inside an epoch::ReadGuard and load
// atomics. A writer never changes a published record or moves a published slot: it swaps in a
// new record (an update), marks a slot as a tombstone (an erase), fills an empty slot (an
// insert), or publishes a rebuilt table (growth, or too many tombstones); what it unlinked is
// freed once no reader can hold it (epoch::Retirer).
//
// Thread-safety: Find and Prefetch from any thread inside a ReadGuard (a single-threaded user may
// skip the guard); Upsert, Erase, Adopt, size and MemoryBytes from one writer at a time (the
// owner serialises them). The destructor needs every reader gone.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <string_view>
#include <vector>

#include "core/store/api_key.hpp"
#include "core/verification/epoch.hpp"
#include "core/verification/verifier.hpp"

namespace keyward::core::index {

using PublicId = std::array<char, 12>;

inline constexpr std::int64_t kNoTime = std::numeric_limits<std::int64_t>::min();

// What few keys have, kept apart so the common key fits two cache lines: a previous digest in
// its grace period, an allowlist, a name longer than CompactKey::kInlineName bytes.
struct ColdKey {
  SecretDigest previous;  // pepper_version 0: none
  std::int64_t previous_until = kNoTime;
  std::shared_ptr<const std::vector<Ipv4Range>> allowed_ips;  // null when empty
  std::string name;                                           // when not inline
};

// A key as the index holds it: 128 bytes (two cache lines, which is all a lookup of a common key
// reads), fixed-size fields, sentinels instead of optionals, the time zone interned, a short
// name inline, the rest in a ColdKey only when there is any.
struct CompactKey {
  static constexpr std::size_t kInlineName = 16;

  PublicId public_id{};
  std::uint8_t locale = 0;  // a Locale
  bool enabled = true;
  bool locked = false;
  std::uint8_t name_size = 0;  // the inline name's length; the name is in `cold` when over
  std::int32_t failed_attempts = 0;
  SecretDigest digest;
  KeyId id = 0;
  RoleId role_id = 0;
  AccountId account_id = 0;  // 0: none
  std::int64_t unlock_at = kNoTime;
  std::int64_t expires_at = kNoTime;
  const char* time_zone = "UTC";  // interned (InternTimeZone), NUL-terminated
  std::unique_ptr<const ColdKey> cold;
  std::array<char, kInlineName> name_inline{};

  static CompactKey From(const ApiKey& key);
  void CopyTo(KeyEntry& out) const;
  std::string_view Name() const;
  // Heap bytes this entry owns besides itself (its cold part; allowlists are counted apart).
  std::size_t HeapBytes() const;
};

class KeyShard {
 public:
  KeyShard() = default;
  ~KeyShard();
  KeyShard(const KeyShard&) = delete;
  KeyShard& operator=(const KeyShard&) = delete;

  // The record with `public_id`, or nullptr. Valid until the reader's ReadGuard ends.
  const CompactKey* Find(std::string_view public_id) const;
  // The same, given HashPublicId(public_id).
  const CompactKey* Find(std::string_view public_id, std::uint64_t hash) const;
  // Starts loading what Find of an id with HashPublicId `hash` will read: its home slot, and the
  // record that slot names when its tag matches. Call inside a ReadGuard.
  void Prefetch(std::uint64_t hash) const;
  // Starts loading only the home slot, with no ReadGuard: it reads a copy of the table's address
  // and mask kept for this alone, and prefetching an address that is no longer the table's is
  // harmless (a prefetch never faults and changes nothing). The first step of a lookup, issued
  // before the caller has even checked the id.
  void PrefetchHome(std::uint64_t hash) const {
    const std::uintptr_t base = home_base_.load(std::memory_order_relaxed);
    const std::uint64_t mask = home_mask_.load(std::memory_order_relaxed);
    __builtin_prefetch(reinterpret_cast<const void*>(base + (hash & mask) * sizeof(std::uint64_t)));
  }

  // Inserts or replaces the entry with key.public_id.
  void Upsert(CompactKey key);
  void Erase(std::string_view public_id);
  // Publishes `fresh`'s content (built by one writer, never shown to readers) in place of this
  // shard's, whose records are freed once no reader holds them. Leaves `fresh` empty.
  void Adopt(KeyShard& fresh);
  // Frees what readers have let go of since the last write.
  void Reclaim() { retirer_.Reclaim(); }

  std::size_t size() const { return live_; }
  std::size_t MemoryBytes() const;

 private:
  struct Table;
  static void FreeTable(void* table);
  static void FreeTableAndRecords(void* table);
  static void FreeRecord(void* record);
  // Publishes a table of at least `capacity` slots holding every live record, without tombstones.
  void Rebuild(std::size_t capacity);

  // Publishes `t` to readers (seq_cst: see epoch::Domain::OldestActive); returns the table before.
  Table* Publish(Table* t);

  std::atomic<Table*> table_{nullptr};
  // The published table's slots and mask, for PrefetchHome only (relaxed; may lag or mix tables).
  std::atomic<std::uintptr_t> home_base_{0};
  std::atomic<std::uint64_t> home_mask_{0};
  std::size_t live_ = 0;  // records in the table
  std::size_t used_ = 0;  // slots not empty: records and tombstones
  epoch::Retirer retirer_;
};

// Bytes of every index's records and probe tables now (they live in a pool of huge-page chunks,
// not on the malloc heap): for measuring the index's memory from outside.
std::size_t RecordBytesInUse();

// A fast hash of a public id (random base62: any well-mixed 64 bits will do).
std::uint64_t HashPublicId(std::string_view public_id);

}  // namespace keyward::core::index
