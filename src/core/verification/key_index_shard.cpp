#include "core/verification/key_index_shard.hpp"

#include <malloc.h>
#include <sys/mman.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <new>
#include <unordered_map>
#include <utility>

#include "core/crypto/token.hpp"
#include "core/verification/key_index.hpp"

namespace keyward::core::index {
namespace {

std::int64_t ToRaw(const std::optional<Time>& t) {
  return t ? t->time_since_epoch().count() : kNoTime;
}

std::optional<Time> FromRaw(std::int64_t raw) {
  if (raw == kNoTime) return std::nullopt;
  return Time{Seconds{raw}};
}

}  // namespace

std::uint64_t HashPublicId(std::string_view public_id) {
  std::uint64_t a = 0;
  std::uint64_t b = 0;
  if (public_id.size() == kPublicIdLength) {  // every stored id: two loads of fixed size
    static_assert(kPublicIdLength > 8 && kPublicIdLength <= 16);
    std::memcpy(&a, public_id.data(), 8);
    std::memcpy(&b, public_id.data() + 8, kPublicIdLength - 8);
  } else {
    const std::size_t first = std::min<std::size_t>(8, public_id.size());
    if (first > 0) std::memcpy(&a, public_id.data(), first);
    if (public_id.size() > first) {
      std::memcpy(&b, public_id.data() + first, std::min<std::size_t>(8, public_id.size() - first));
    }
  }
  std::uint64_t x = a ^ (b * 0x9E3779B97F4A7C15ULL);
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  return x;
}

static_assert(sizeof(CompactKey) <= 128, "a common key must fit two cache lines");

CompactKey CompactKey::From(const ApiKey& key) {
  CompactKey c;
  std::memcpy(c.public_id.data(), key.public_id.data(),
              std::min(c.public_id.size(), key.public_id.size()));
  c.locale = static_cast<std::uint8_t>(key.locale);
  c.enabled = key.enabled && !key.account_suspended;
  c.locked = key.locked;
  c.failed_attempts = key.failed_attempts;
  c.id = key.id;
  c.role_id = key.role_id;
  c.account_id = key.account_id.value_or(0);
  c.unlock_at = ToRaw(key.unlock_at);
  c.expires_at = ToRaw(key.expires_at);
  c.digest = key.digest;
  c.time_zone = InternTimeZone(key.time_zone).data();
  const bool grace = key.previous_digest && key.previous_digest_until;
  const bool long_name = key.name.size() > kInlineName;
  if (grace || long_name || !key.allowed_ips.empty()) {
    auto cold = std::make_unique<ColdKey>();
    if (grace) {
      cold->previous = *key.previous_digest;
      cold->previous_until = ToRaw(key.previous_digest_until);
    }
    if (!key.allowed_ips.empty()) {
      cold->allowed_ips = std::make_shared<const std::vector<Ipv4Range>>(key.allowed_ips);
    }
    if (long_name) cold->name = key.name;
    c.cold = std::move(cold);
  }
  if (long_name) {
    c.name_size = kInlineName + 1;
  } else {
    c.name_size = static_cast<std::uint8_t>(key.name.size());
    std::memcpy(c.name_inline.data(), key.name.data(), key.name.size());
  }
  return c;
}

std::string_view CompactKey::Name() const {
  if (name_size > kInlineName) return cold->name;
  return {name_inline.data(), name_size};
}

std::size_t CompactKey::HeapBytes() const {
  if (!cold) return 0;
  std::size_t bytes = malloc_usable_size(const_cast<ColdKey*>(cold.get())) + sizeof(std::size_t);
  if (cold->name.capacity() > 15) {  // beyond std::string's own buffer
    bytes += cold->name.capacity() + 1 + sizeof(std::size_t);
  }
  return bytes;
}

void CompactKey::CopyTo(KeyEntry& out) const {
  out.id = id;
  out.public_id.assign(public_id.data(), public_id.size());
  out.role_id = role_id;
  out.account_id = account_id == 0 ? std::nullopt : std::optional<AccountId>(account_id);
  out.name.assign(Name());
  out.locale = static_cast<Locale>(locale);
  out.time_zone.assign(time_zone);
  out.enabled = enabled;
  out.locked = locked;
  out.failed_attempts = failed_attempts;
  out.unlock_at = FromRaw(unlock_at);
  out.expires_at = FromRaw(expires_at);
  out.digest = digest;
  if (cold && cold->previous.pepper_version != 0) {
    out.previous_digest = cold->previous;
    out.previous_digest_until = FromRaw(cold->previous_until);
  } else {
    out.previous_digest.reset();
    out.previous_digest_until.reset();
  }
  if (cold) {
    out.allowed_ips = cold->allowed_ips;
  } else {
    out.allowed_ips.reset();
  }
}

namespace {

constexpr std::uint64_t kEmptySlot = 0;
constexpr std::uint64_t kTombstone = 1;
constexpr int kTagShift = 48;
constexpr std::uint64_t kPointerMask = (std::uint64_t{1} << kTagShift) - 1;
constexpr std::size_t kMinCapacity = 16;

// A slot holds 0 (empty), 1 (a tombstone) or a record's address with 16 bits of its id's hash
// above it, so a probe that meets another id's slot rarely reads that record.
std::uint64_t TagOf(std::uint64_t hash) { return (hash >> 32) & 0xFFFF; }

std::uint64_t Encode(const CompactKey* record, std::uint64_t hash) {
  const auto address = reinterpret_cast<std::uintptr_t>(record);
  if ((address & ~kPointerMask) != 0 || address <= kTombstone) {
    std::fputs("keyward: a key index record lies outside the 48-bit address space\n", stderr);
    std::abort();
  }
  return (TagOf(hash) << kTagShift) | address;
}

const CompactKey* RecordOf(std::uint64_t slot) {
  return reinterpret_cast<const CompactKey*>(static_cast<std::uintptr_t>(slot & kPointerMask));
}

bool Holds(std::uint64_t slot) { return slot != kEmptySlot && slot != kTombstone; }

// Where records and probe tables live: 2 MiB chunks, aligned and advised as transparent huge
// pages, cut into blocks of a multiple of 64 bytes (a record's slot, or a power-of-two table).
// A million keys then span about a hundred TLB entries instead of tens of thousands of 4 KiB
// pages, so a lookup over many keys misses the TLB far less. Freed blocks are kept, by size, for
// the next of their size (a resync frees and refills as many); chunks are never returned. Blocks
// larger than a chunk come from operator new. Thread-safe (writers only; readers never allocate).
class HugePagePool {
 public:
  static constexpr std::size_t kRecord = (sizeof(CompactKey) + 63) / 64 * 64;
  static constexpr std::size_t kChunk = std::size_t{2} << 20;

  static HugePagePool& Get() {
    static auto* pool = new HugePagePool();  // lives until exit, like the blocks it holds
    return *pool;
  }

  // `bytes`: a multiple of 64.
  void* Allocate(std::size_t bytes) {
    if (bytes > kChunk) return ::operator new(bytes);
    std::lock_guard lock(mu_);
    in_use_ += bytes;
    FreeBlock*& free = free_[bytes];
    if (free != nullptr) {
      FreeBlock* block = free;
      free = block->next;
      return block;
    }
    if (static_cast<std::size_t>(end_ - next_) < bytes) NewChunk();
    void* block = next_;
    next_ += bytes;
    return block;
  }

  void Free(void* p, std::size_t bytes) {
    if (bytes > kChunk) return ::operator delete(p);
    std::lock_guard lock(mu_);
    in_use_ -= bytes;
    FreeBlock*& free = free_[bytes];
    free = new (p) FreeBlock{free};
  }

  std::size_t InUseBytes() const {
    std::lock_guard lock(mu_);
    return in_use_;
  }

 private:
  struct FreeBlock {
    FreeBlock* next;
  };

  void NewChunk() {
    // Map twice the size and trim, for 2 MiB alignment.
    void* mapped =
        mmap(nullptr, 2 * kChunk, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mapped == MAP_FAILED) throw std::bad_alloc();
    const auto base = reinterpret_cast<std::uintptr_t>(mapped);
    const std::uintptr_t aligned = (base + kChunk - 1) & ~(kChunk - 1);
    if (aligned > base) munmap(mapped, aligned - base);
    if (base + 2 * kChunk > aligned + kChunk) {
      munmap(reinterpret_cast<void*>(aligned + kChunk), base + 2 * kChunk - aligned - kChunk);
    }
    auto* chunk = reinterpret_cast<char*>(aligned);
    madvise(chunk, kChunk, MADV_HUGEPAGE);  // a hint: without huge pages it works the same
    next_ = chunk;
    end_ = chunk + kChunk;
  }

  mutable std::mutex mu_;
  std::unordered_map<std::size_t, FreeBlock*> free_;  // by block size
  char* next_ = nullptr;
  char* end_ = nullptr;
  std::size_t in_use_ = 0;
};

const CompactKey* NewRecord(CompactKey&& key) {
  return new (HugePagePool::Get().Allocate(HugePagePool::kRecord)) CompactKey(std::move(key));
}

void DeleteRecord(const CompactKey* record) {
  auto* mutable_record = const_cast<CompactKey*>(record);
  mutable_record->~CompactKey();
  HugePagePool::Get().Free(mutable_record, HugePagePool::kRecord);
}

std::string_view IdOf(const CompactKey& key) {
  return {key.public_id.data(), key.public_id.size()};
}

}  // namespace

struct KeyShard::Table {
  explicit Table(std::size_t capacity)
      : mask(capacity - 1),
        slots(static_cast<std::atomic<std::uint64_t>*>(HugePagePool::Get().Allocate(Bytes()))) {
    for (std::size_t i = 0; i < capacity; ++i)
      new (&slots[i]) std::atomic<std::uint64_t>(kEmptySlot);
  }
  ~Table() { HugePagePool::Get().Free(slots, Bytes()); }
  Table(const Table&) = delete;
  Table& operator=(const Table&) = delete;

  std::size_t capacity() const { return mask + 1; }
  std::size_t Bytes() const { return capacity() * sizeof(std::atomic<std::uint64_t>); }

  const std::size_t mask;
  std::atomic<std::uint64_t>* const slots;  // capacity() of them, in the huge-page pool
};

void KeyShard::FreeTable(void* table) { delete static_cast<Table*>(table); }

void KeyShard::FreeRecord(void* record) { DeleteRecord(static_cast<const CompactKey*>(record)); }

void KeyShard::FreeTableAndRecords(void* table) {
  auto* t = static_cast<Table*>(table);
  for (std::size_t i = 0; i < t->capacity(); ++i) {
    const std::uint64_t s = t->slots[i].load(std::memory_order_relaxed);
    if (Holds(s)) DeleteRecord(RecordOf(s));
  }
  delete t;
}

KeyShard::~KeyShard() {
  if (Table* t = table_.load(std::memory_order_relaxed)) FreeTableAndRecords(t);
}

const CompactKey* KeyShard::Find(std::string_view public_id) const {
  return Find(public_id, HashPublicId(public_id));
}

const CompactKey* KeyShard::Find(std::string_view public_id, std::uint64_t hash) const {
  // seq_cst loads (plain loads on x86): see epoch::Domain::OldestActive.
  const Table* t = table_.load(std::memory_order_seq_cst);
  if (t == nullptr) return nullptr;
  const std::uint64_t tag = TagOf(hash);
  for (std::size_t i = hash & t->mask;; i = (i + 1) & t->mask) {
    const std::uint64_t s = t->slots[i].load(std::memory_order_seq_cst);
    if (s == kEmptySlot) return nullptr;
    if (Holds(s) && (s >> kTagShift) == tag) {
      const CompactKey* record = RecordOf(s);
      if (IdOf(*record) == public_id) return record;
    }
  }
}

void KeyShard::Prefetch(std::uint64_t hash) const {
  const Table* t = table_.load(std::memory_order_seq_cst);
  if (t == nullptr) return;
  // The home slot's load may miss; the record's lines are then requested without waiting for
  // them, so both misses overlap whatever the caller does next (the chain: its HMAC).
  const std::uint64_t s = t->slots[hash & t->mask].load(std::memory_order_seq_cst);
  if (Holds(s) && (s >> kTagShift) == TagOf(hash)) {
    const auto* record = reinterpret_cast<const char*>(RecordOf(s));
    __builtin_prefetch(record);
    __builtin_prefetch(record + 64);
  }
}

void KeyShard::Rebuild(std::size_t capacity) {
  std::size_t size = kMinCapacity;
  while (size < capacity) size *= 2;
  auto fresh = std::make_unique<Table>(size);
  Table* old = table_.load(std::memory_order_relaxed);
  if (old != nullptr) {
    for (std::size_t i = 0; i < old->capacity(); ++i) {
      const std::uint64_t s = old->slots[i].load(std::memory_order_relaxed);
      if (!Holds(s)) continue;
      std::size_t j = HashPublicId(IdOf(*RecordOf(s))) & fresh->mask;
      while (fresh->slots[j].load(std::memory_order_relaxed) != kEmptySlot)
        j = (j + 1) & fresh->mask;
      fresh->slots[j].store(s, std::memory_order_relaxed);
    }
  }
  Publish(fresh.release());
  used_ = live_;
  // The records live on in the new table; only the old table goes.
  if (old != nullptr) retirer_.Retire(old, &KeyShard::FreeTable);
}

KeyShard::Table* KeyShard::Publish(Table* t) {
  Table* old = table_.exchange(t, std::memory_order_seq_cst);
  home_base_.store(t != nullptr ? reinterpret_cast<std::uintptr_t>(t->slots) : 0,
                   std::memory_order_relaxed);
  home_mask_.store(t != nullptr ? t->mask : 0, std::memory_order_relaxed);
  return old;
}

void KeyShard::Upsert(CompactKey key) {
  const std::string_view id = IdOf(key);
  const std::uint64_t hash = HashPublicId(id);
  const CompactKey* record = NewRecord(std::move(key));
  Table* t = table_.load(std::memory_order_relaxed);
  std::size_t free_slot = std::string_view::npos;
  if (t != nullptr) {
    for (std::size_t i = hash & t->mask;; i = (i + 1) & t->mask) {
      const std::uint64_t s = t->slots[i].load(std::memory_order_relaxed);
      if (s == kEmptySlot) {
        if (free_slot == std::string_view::npos) free_slot = i;
        break;
      }
      if (s == kTombstone) {
        if (free_slot == std::string_view::npos) free_slot = i;
        continue;
      }
      if (IdOf(*RecordOf(s)) == IdOf(*record)) {
        // An update: readers see the old record or the new one, each whole.
        t->slots[i].store(Encode(record, hash), std::memory_order_seq_cst);
        retirer_.Retire(const_cast<CompactKey*>(RecordOf(s)), &KeyShard::FreeRecord);
        return;
      }
    }
  }
  if (t == nullptr || (used_ + 1) * 4 > t->capacity() * 3) {
    Rebuild((live_ + 1) * 2);
    t = table_.load(std::memory_order_relaxed);
    free_slot = hash & t->mask;
    while (t->slots[free_slot].load(std::memory_order_relaxed) != kEmptySlot) {
      free_slot = (free_slot + 1) & t->mask;
    }
  }
  if (t->slots[free_slot].load(std::memory_order_relaxed) == kEmptySlot) ++used_;
  ++live_;
  t->slots[free_slot].store(Encode(record, hash), std::memory_order_seq_cst);
}

void KeyShard::Erase(std::string_view public_id) {
  Table* t = table_.load(std::memory_order_relaxed);
  if (t == nullptr) return;
  const std::uint64_t hash = HashPublicId(public_id);
  for (std::size_t i = hash & t->mask;; i = (i + 1) & t->mask) {
    const std::uint64_t s = t->slots[i].load(std::memory_order_relaxed);
    if (s == kEmptySlot) return;
    if (Holds(s) && IdOf(*RecordOf(s)) == public_id) {
      // A tombstone, not a backward shift: a reader probing past this slot must still find
      // every key after it.
      t->slots[i].store(kTombstone, std::memory_order_seq_cst);
      --live_;
      retirer_.Retire(const_cast<CompactKey*>(RecordOf(s)), &KeyShard::FreeRecord);
      return;
    }
  }
}

void KeyShard::Adopt(KeyShard& fresh) {
  Table* incoming = fresh.Publish(nullptr);
  Table* old = Publish(incoming);
  live_ = std::exchange(fresh.live_, 0);
  used_ = std::exchange(fresh.used_, 0);
  if (old != nullptr) retirer_.Retire(old, &KeyShard::FreeTableAndRecords);
}

std::size_t KeyShard::MemoryBytes() const {
  const Table* t = table_.load(std::memory_order_relaxed);
  if (t == nullptr) return 0;
  std::size_t bytes = sizeof(Table) + t->capacity() * sizeof(std::uint64_t);
  for (std::size_t i = 0; i < t->capacity(); ++i) {
    const std::uint64_t s = t->slots[i].load(std::memory_order_relaxed);
    if (!Holds(s)) continue;
    const CompactKey* record = RecordOf(s);
    bytes += HugePagePool::kRecord + record->HeapBytes();
  }
  return bytes;
}

std::size_t RecordBytesInUse() { return HugePagePool::Get().InUseBytes(); }

}  // namespace keyward::core::index
