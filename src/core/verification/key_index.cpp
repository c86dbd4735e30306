#include "core/verification/key_index.hpp"

#include <array>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>
#include <variant>

#include "core/store/observed_unit_of_work.hpp"
#include "core/verification/epoch.hpp"
#include "core/verification/key_index_shard.hpp"

namespace keyward::core {
namespace {

constexpr std::size_t kShardCount = 256;

// Keys this process's indexes apart in the per-thread caches below; never reused.
std::atomic<std::uint64_t> g_next_index_id{1};

// Last-used times one thread collected and the flusher has not written yet: an open-addressing
// table (id 0 marks a free slot) that only grows until drained. A key's slot is found from its
// public id's hash (index::HashPublicId), which the chain knows before it has found the key, so
// the slot is requested early (Prefetch) rather than missed in RecordSuccess. Matched by key id.
class UseTable {
 public:
  KeyUse& At(KeyId id, std::uint64_t hash) {
    if ((size_ + 1) * 2 > slots_.size()) Grow();
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
      Slot& slot = slots_[i];
      if (slot.use.id == id) return slot.use;
      if (slot.use.id == 0) {
        ++size_;
        slot.hash = hash;
        slot.use.id = id;
        return slot.use;
      }
    }
  }
  // Starts loading the slot At(_, hash) will look at first. Needs no lock: it reads only a copy
  // of the slots' address and mask kept for this, and prefetching an address that is no longer
  // the table's is harmless.
  void Prefetch(std::uint64_t hash) const {
    const std::uintptr_t base = prefetch_base_.load(std::memory_order_relaxed);
    const std::uint64_t mask = prefetch_mask_.load(std::memory_order_relaxed);
    __builtin_prefetch(reinterpret_cast<const void*>(base + (hash & mask) * sizeof(Slot)));
  }
  bool empty() const { return size_ == 0; }
  // Every use, and the table emptied.
  template <typename F>
  void Drain(F&& f) {
    for (const Slot& slot : slots_) {
      if (slot.use.id != 0) f(slot.use);
    }
    slots_.clear();
    size_ = 0;
    PublishForPrefetch();
  }

 private:
  struct Slot {
    std::uint64_t hash = 0;
    KeyUse use;
  };
  void Grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 64 : old.size() * 2, Slot{});
    size_ = 0;
    for (const Slot& slot : old) {
      if (slot.use.id != 0) At(slot.use.id, slot.hash) = slot.use;
    }
    PublishForPrefetch();
  }
  void PublishForPrefetch() {
    prefetch_base_.store(reinterpret_cast<std::uintptr_t>(slots_.data()),
                         std::memory_order_relaxed);
    prefetch_mask_.store(slots_.empty() ? 0 : slots_.size() - 1, std::memory_order_relaxed);
  }
  std::vector<Slot> slots_;
  std::size_t size_ = 0;
  std::atomic<std::uintptr_t> prefetch_base_{0};
  std::atomic<std::uint64_t> prefetch_mask_{0};
};

// One thread's pending last-used times for one index. Only its thread and the flusher lock it,
// so verifying threads never share it.
struct alignas(64) UseBuffer {
  std::mutex mu;
  UseTable uses;
  std::atomic<bool> orphaned{false};  // its thread is gone: another may take it over
};

// This thread's handles on per-index state, by index id: its use buffer and its own copies of the
// index's roles (so a Role() answer shares no reference count with other threads). Bounded: the
// oldest entry goes when full.
struct ThreadIndexState {
  std::uint64_t index_id = 0;
  std::shared_ptr<UseBuffer> uses;
  std::uint64_t roles_generation = 0;  // 0: no copy yet
  std::unordered_map<RoleId, std::shared_ptr<const RoleEntry>> roles;
};

class ThreadIndexStates {
 public:
  ThreadIndexStates() = default;
  ThreadIndexStates(const ThreadIndexStates&) = delete;
  ThreadIndexStates& operator=(const ThreadIndexStates&) = delete;
  ~ThreadIndexStates() {
    for (ThreadIndexState& state : states_) Orphan(state);
  }

  ThreadIndexState& For(std::uint64_t index_id) {
    for (ThreadIndexState& state : states_) {
      if (state.index_id == index_id) return state;
    }
    if (states_.size() >= kMaxStates) {
      Orphan(states_.front());
      states_.erase(states_.begin());
    }
    ThreadIndexState& state = states_.emplace_back();
    state.index_id = index_id;
    return state;
  }

 private:
  static void Orphan(ThreadIndexState& state) {
    if (state.uses) state.uses->orphaned.store(true, std::memory_order_release);
  }
  static constexpr std::size_t kMaxStates = 8;
  std::vector<ThreadIndexState> states_;
};

thread_local ThreadIndexStates t_index_states;

// What a committed unit of work changed, applied to the index in commit order.
struct KeyWritten {
  ApiKey key;
};
struct KeyErased {
  std::string public_id;
};
struct RoleWritten {
  core::Role role;
};
struct RoleErased {
  RoleId id;
};
using Change = std::variant<KeyWritten, KeyErased, RoleWritten, RoleErased>;

// Notes the key and role writes of a unit of work, to apply once it is committed.
class ChangeRecorder final : public StoreWriteObserver {
 public:
  explicit ChangeRecorder(std::vector<Change>& changes) : changes_(changes) {}
  void KeyWritten(const ApiKey& key) override { changes_.emplace_back(core::KeyWritten{key}); }
  void KeyErased(KeyId, const std::string& public_id) override {
    changes_.emplace_back(core::KeyErased{public_id});
  }
  void RoleWritten(const core::Role& role) override {
    changes_.emplace_back(core::RoleWritten{role});
  }
  void RoleErased(RoleId id) override { changes_.emplace_back(core::RoleErased{id}); }

 private:
  std::vector<Change>& changes_;
};

}  // namespace

class KeyIndex::Impl {
 public:
  Impl(Store& store, const Clock& clock, KeyIndexOptions options)
      : inner_(store),
        clock_(clock),
        options_(options),
        decorated_(*this),
        id_(g_next_index_id.fetch_add(1, std::memory_order_relaxed)) {
    roles_ = std::make_shared<const RoleMap>();
  }

  ~Impl() { Stop(); }

  // The decorator every write goes through.
  class Decorated final : public Store {
   public:
    explicit Decorated(Impl& impl) : impl_(impl) {}
    Status Transact(const std::function<Status(UnitOfWork&)>& fn) override {
      return impl_.TransactAndApply(fn, {});
    }
    Status TransactThen(const std::function<Status(UnitOfWork&)>& fn,
                        const std::function<void()>& on_commit) override {
      return impl_.TransactAndApply(fn, on_commit);
    }

   private:
    Impl& impl_;
  };

  Store& store() { return decorated_; }

  Status TransactAndApply(const std::function<Status(UnitOfWork&)>& fn,
                          const std::function<void()>& on_commit) {
    // The changes reach the index from the store's commit hook, so in the order they were
    // committed, and no lock is held across the store: concurrent writers can commit together.
    std::vector<Change> changes;
    Status st = inner_.TransactThen(
        [&](UnitOfWork& uow) -> Status {
          changes.clear();
          ChangeRecorder recorder(changes);
          ObservedUnitOfWork recording(uow, recorder);
          return fn(recording);
        },
        [&] {
          for (Change& c : changes) Apply(std::move(c));
          if (on_commit) on_commit();
        });
    if (st) {
      Touch();
    } else if (st.error().code != ErrorCode::kUnavailable) {
      Touch();  // the store answered, with a refusal
    }
    return st;
  }

  Status Load() {
    // One load at a time (the background resync and a caller's).
    std::lock_guard load_lock(load_mu_);
    // Built apart, then each shard published whole: readers go on reading the old content.
    std::unique_ptr<std::array<index::KeyShard, kShardCount>> fresh;
    std::shared_ptr<RoleMap> roles;
    // The publication happens in the read's commit hook: after the hooks of the writes the read
    // saw, and before those of the writes committed after it, which then apply on top of it.
    Status st = inner_.TransactThen(
        [&](UnitOfWork& uow) -> Status {
          // Made here, so that nothing of an earlier, failed attempt can linger.
          fresh = std::make_unique<std::array<index::KeyShard, kShardCount>>();
          KW_ASSIGN_OR_RETURN(roles, ReadRoles(uow));
          return uow.ForEachKey([&](ApiKey&& key) -> Status {
            (*fresh)[ShardOf(key.public_id)].Upsert(index::CompactKey::From(key));
            return Ok();
          });
        },
        [&] {
          for (std::size_t i = 0; i < kShardCount; ++i) {
            std::lock_guard lock(shards_[i].write_mu);
            shards_[i].keys.Adopt((*fresh)[i]);
          }
          PublishRoles(std::move(roles));
        });
    if (!st) return st;
    Touch();
    ++resyncs_;
    return Ok();
  }

  Status Refresh(const std::vector<KeyRef>& keys, bool roles) {
    std::lock_guard load_lock(load_mu_);
    std::vector<Change> changes;
    std::shared_ptr<RoleMap> role_map;
    // Applied in the read's commit hook, like Load's: in order with this node's own writes.
    Status st = inner_.TransactThen(
        [&](UnitOfWork& uow) -> Status {
          changes.clear();
          role_map.reset();
          for (const KeyRef& ref : keys) {
            KW_ASSIGN_OR_RETURN(std::optional<ApiKey> key, uow.FindKey(ref.id));
            if (!key || key->public_id != ref.public_id) {
              changes.emplace_back(KeyErased{ref.public_id});
            }
            if (key) changes.emplace_back(KeyWritten{std::move(*key)});
          }
          if (!roles) return Ok();
          KW_ASSIGN_OR_RETURN(role_map, ReadRoles(uow));
          return Ok();
        },
        [&] {
          for (Change& c : changes) Apply(std::move(c));
          if (role_map) PublishRoles(std::move(role_map));
        });
    if (st) Touch();
    return st;
  }

  // Lock-free: reads the shard inside an epoch read section, writes nothing shared.
  // `hash` is index::HashPublicId(public_id).
  Result<bool> Find(std::string_view public_id, std::uint64_t hash, KeyEntry& out) {
    if (stale_.load(std::memory_order_relaxed)) return Unavailable("the key index is stale");
    const Shard& shard = shards_[ShardOfHash(hash)];
    const epoch::ReadGuard guard;
    const index::CompactKey* key = shard.keys.Find(public_id, hash);
    if (key == nullptr) return false;
    key->CopyTo(out);
    return true;
  }

  // Prefetches with no ReadGuard (KeyShard::PrefetchHome says why that is safe).
  std::uint64_t Prefetch(std::string_view public_id) {
    const std::uint64_t hash = index::HashPublicId(public_id);
    shards_[ShardOfHash(hash)].keys.PrefetchHome(hash);
    return hash;
  }

  // The key's record, and the slot its last-used time will take in this thread's buffer.
  void PrefetchKey(std::uint64_t hash) {
    {
      const epoch::ReadGuard guard;
      shards_[ShardOfHash(hash)].keys.Prefetch(hash);
    }
    ThisThreadUses().uses.Prefetch(hash);
  }

  // From this thread's own copies of the roles, re-made when a role changed: one atomic load
  // shared with writers, and a reference count only this thread touches.
  std::shared_ptr<const RoleEntry> Role(RoleId id) {
    ThreadIndexState& state = t_index_states.For(id_);
    if (state.roles_generation != roles_generation_.load(std::memory_order_acquire)) {
      std::lock_guard lock(roles_mu_);
      state.roles.clear();
      for (const auto& [role_id, role] : *roles_) {
        state.roles.emplace(role_id, std::make_shared<const RoleEntry>(*role));
      }
      state.roles_generation = roles_generation_.load(std::memory_order_relaxed);
    }
    const auto it = state.roles.find(id);
    return it == state.roles.end() ? nullptr : it->second;
  }

  void RecordFailure(const KeyEntry& key, Time now, const LockoutPolicy& policy,
                     const std::optional<IpAddress>& client) {
    // A key already locked counts nothing more: no store write, so a flood against a locked key
    // costs the store nothing.
    if (!FailureWritesAtOnce(key, now)) return;
    // Written at once (docs/architecture.md): the store's count decides, so lockout is exact across
    // nodes, and the decorator puts the stored result into the index.
    if (!StoreFailedAttempt(decorated_, key.id, now, policy, client)) ++writes_failed_;
  }

  void RecordSuccess(const KeyEntry& key, Time now, bool previous_secret,
                     const std::optional<SecretDigest>& rehash) {
    if (SuccessWritesAtOnce(key, now, rehash.has_value())) {
      // A reset is written at once too, so it can never land after a later failure's count.
      if (!StoreSuccessfulUse(decorated_, key, now, previous_secret, rehash)) ++writes_failed_;
      return;
    }
    UseBuffer& buffer = ThisThreadUses();
    std::lock_guard lock(buffer.mu);  // shared only with the flusher, once a flush
    KeyUse& use = buffer.uses.At(key.id, index::HashPublicId(key.public_id));
    use.last_used_at = now;
    if (previous_secret) use.previous_secret_used_at = now;
  }

  bool Fresh(Time now) const {
    return now.time_since_epoch().count() - last_contact_.load() <=
           options_.staleness_limit.count();
  }

  KeyIndexStats Stats() const {
    KeyIndexStats stats;
    for (const Shard& shard : shards_) {
      std::lock_guard lock(shard.write_mu);
      stats.keys += shard.keys.size();
      stats.memory_bytes += shard.keys.MemoryBytes();
    }
    {
      std::lock_guard lock(roles_mu_);
      stats.roles = roles_->size();
    }
    stats.writes_failed = writes_failed_.load();
    stats.resyncs = resyncs_.load();
    return stats;
  }

  void Start() {
    std::lock_guard lock(thread_mu_);
    if (thread_.joinable()) return;
    stopping_ = false;
    thread_ = std::thread([this] { Run(); });
  }

  void Stop() {
    {
      std::lock_guard lock(thread_mu_);
      stopping_ = true;
    }
    thread_cv_.notify_all();
    if (thread_.joinable()) thread_.join();
    Flush();
  }

  void Flush() {
    std::lock_guard flush_lock(flush_mu_);
    FlushLastUsed();
  }

 private:
  struct Shard {
    mutable std::mutex write_mu;  // writers only: readers never take it
    index::KeyShard keys;
  };
  using RoleMap = std::unordered_map<RoleId, std::shared_ptr<const RoleEntry>>;

  static std::size_t ShardOfHash(std::uint64_t hash) {
    return static_cast<std::size_t>(hash >> 56) % kShardCount;
  }
  static std::size_t ShardOf(std::string_view public_id) {
    return ShardOfHash(index::HashPublicId(public_id));
  }

  // Every role in the store, as the index holds them.
  static Result<std::shared_ptr<RoleMap>> ReadRoles(UnitOfWork& uow) {
    KW_ASSIGN_OR_RETURN(std::vector<core::Role> list, uow.ListRoles());
    auto roles = std::make_shared<RoleMap>();
    for (core::Role& r : list) {
      (*roles)[r.id] = std::make_shared<const RoleEntry>(
          RoleEntry{r.id, std::move(r.name), std::move(r.permissions)});
    }
    return roles;
  }

  // Publishes a new role map (under roles_mu_ by the caller or here); readers notice the new
  // generation and copy it.
  void PublishRoles(std::shared_ptr<const RoleMap> roles) {
    std::lock_guard lock(roles_mu_);
    roles_ = std::move(roles);
    roles_generation_.fetch_add(1, std::memory_order_release);
  }

  // This thread's buffer of pending last-used times: one of an ended thread's, or a new one.
  UseBuffer& ThisThreadUses() {
    ThreadIndexState& state = t_index_states.For(id_);
    if (!state.uses) {
      std::lock_guard lock(buffers_mu_);
      for (const std::shared_ptr<UseBuffer>& buffer : buffers_) {
        bool orphaned = true;
        if (buffer->orphaned.compare_exchange_strong(orphaned, false, std::memory_order_acquire)) {
          state.uses = buffer;
          break;
        }
      }
      if (!state.uses) state.uses = buffers_.emplace_back(std::make_shared<UseBuffer>());
    }
    return *state.uses;
  }

  void Touch() { last_contact_.store(clock_.Now().time_since_epoch().count()); }

  void Apply(Change&& change) {
    if (auto* w = std::get_if<KeyWritten>(&change)) {
      Shard& shard = shards_[ShardOf(w->key.public_id)];
      index::CompactKey compact = index::CompactKey::From(w->key);
      std::lock_guard lock(shard.write_mu);
      shard.keys.Upsert(std::move(compact));
    } else if (auto* e = std::get_if<KeyErased>(&change)) {
      Shard& shard = shards_[ShardOf(e->public_id)];
      std::lock_guard lock(shard.write_mu);
      shard.keys.Erase(e->public_id);
    } else if (auto* r = std::get_if<RoleWritten>(&change)) {
      std::shared_ptr<RoleMap> roles;
      {
        std::lock_guard lock(roles_mu_);
        roles = std::make_shared<RoleMap>(*roles_);
      }
      (*roles)[r->role.id] = std::make_shared<const RoleEntry>(
          RoleEntry{r->role.id, r->role.name, r->role.permissions});
      PublishRoles(std::move(roles));
    } else if (auto* d = std::get_if<RoleErased>(&change)) {
      std::shared_ptr<RoleMap> roles;
      {
        std::lock_guard lock(roles_mu_);
        roles = std::make_shared<RoleMap>(*roles_);
      }
      roles->erase(d->id);
      PublishRoles(std::move(roles));
    }
  }

  void FlushLastUsed() {
    // The latest time per key across every thread's buffer.
    std::unordered_map<KeyId, KeyUse> merged;
    {
      std::lock_guard buffers_lock(buffers_mu_);
      for (const std::shared_ptr<UseBuffer>& buffer : buffers_) {
        std::lock_guard lock(buffer->mu);
        buffer->uses.Drain([&](const KeyUse& use) {
          auto [it, inserted] = merged.try_emplace(use.id, use);
          if (inserted) return;
          KeyUse& m = it->second;
          m.last_used_at = std::max(m.last_used_at, use.last_used_at);
          if (use.previous_secret_used_at &&
              (!m.previous_secret_used_at ||
               *m.previous_secret_used_at < *use.previous_secret_used_at)) {
            m.previous_secret_used_at = use.previous_secret_used_at;
          }
        });
      }
    }
    // Records readers have let go of since the last write go now, not at the next write.
    for (Shard& shard : shards_) {
      std::lock_guard lock(shard.write_mu);
      shard.keys.Reclaim();
    }
    if (merged.empty()) return;
    std::vector<KeyUse> uses;
    uses.reserve(merged.size());
    for (const auto& [id, use] : merged) uses.push_back(use);
    const Status st = inner_.Transact([&](UnitOfWork& uow) { return uow.SetLastUsed(uses); });
    if (st) {
      Touch();
    } else {
      ++writes_failed_;
    }
  }

  void Run() {
    Time next_flush = clock_.Now() + options_.flush_interval;
    Time next_resync = clock_.Now() + options_.resync_interval;
    std::unique_lock lock(thread_mu_);
    while (!stopping_) {
      thread_cv_.wait_for(lock, std::chrono::milliseconds(200), [this] { return stopping_; });
      if (stopping_) break;
      lock.unlock();
      const Time now = clock_.Now();
      if (now >= next_flush) {
        Flush();
        next_flush = now + options_.flush_interval;
      }
      if (options_.resync_interval.count() > 0 && now >= next_resync) {
        (void)Load();
        next_resync = now + options_.resync_interval;
      }
      // Half-way to the limit, not past it: a fault that begins now still leaves a whole half
      // of the limit before /readyz fails, and a quiet healthy index never reads as stale.
      if (now.time_since_epoch().count() - last_contact_.load() >
          options_.staleness_limit.count() / 2) {
        Ping();
      }
      stale_.store(!Fresh(clock_.Now()), std::memory_order_relaxed);
      lock.lock();
    }
  }

  // Reaches the store when nothing else has lately, so a quiet index does not go stale.
  void Ping() {
    const Status st = inner_.Transact([](UnitOfWork& uow) -> Status {
      Result<std::optional<std::string>> any = uow.GetMeta("schema");
      return any ? Ok() : any.error();
    });
    if (st) Touch();
  }

  Store& inner_;
  const Clock& clock_;
  KeyIndexOptions options_;
  Decorated decorated_;
  std::array<Shard, kShardCount> shards_;
  const std::uint64_t id_;  // keys this index's per-thread state
  mutable std::mutex roles_mu_;
  std::shared_ptr<const RoleMap> roles_;
  std::atomic<std::uint64_t> roles_generation_{1};
  std::mutex buffers_mu_;
  std::vector<std::shared_ptr<UseBuffer>> buffers_;
  std::mutex load_mu_;
  std::mutex flush_mu_;
  std::mutex thread_mu_;
  std::condition_variable thread_cv_;
  bool stopping_ = false;
  std::thread thread_;
  std::atomic<std::int64_t> last_contact_{0};
  std::atomic<bool> stale_{false};
  std::atomic<std::uint64_t> writes_failed_{0};
  std::atomic<std::uint64_t> resyncs_{0};
};

KeyIndex::KeyIndex(Store& store, const Clock& clock, KeyIndexOptions options)
    : impl_(std::make_unique<Impl>(store, clock, options)) {}
KeyIndex::~KeyIndex() = default;
Store& KeyIndex::store() { return impl_->store(); }
Status KeyIndex::Load() { return impl_->Load(); }
Status KeyIndex::Refresh(const std::vector<KeyRef>& keys, bool roles) {
  return impl_->Refresh(keys, roles);
}
void KeyIndex::Start() { impl_->Start(); }
void KeyIndex::Flush() { impl_->Flush(); }
Result<bool> KeyIndex::Find(std::string_view public_id, KeyEntry& out) {
  return impl_->Find(public_id, index::HashPublicId(public_id), out);
}

KeyLookup::IdHint KeyIndex::Prefetch(std::string_view public_id) {
  return impl_->Prefetch(public_id);
}

void KeyIndex::PrefetchKey(IdHint hint) { impl_->PrefetchKey(hint); }

Result<bool> KeyIndex::FindHinted(std::string_view public_id, IdHint hint, KeyEntry& out) {
  return impl_->Find(public_id, hint, out);
}

std::shared_ptr<const RoleEntry> KeyIndex::Role(RoleId id) { return impl_->Role(id); }
void KeyIndex::RecordFailure(const KeyEntry& key, Time now, const LockoutPolicy& policy,
                             const std::optional<IpAddress>& client) {
  impl_->RecordFailure(key, now, policy, client);
}
void KeyIndex::RecordSuccess(const KeyEntry& key, Time now, bool previous_secret,
                             const std::optional<SecretDigest>& rehash) {
  impl_->RecordSuccess(key, now, previous_secret, rehash);
}
bool KeyIndex::Fresh(Time now) const { return impl_->Fresh(now); }
KeyIndexStats KeyIndex::Stats() const { return impl_->Stats(); }

std::string_view InternTimeZone(std::string_view zone) {
  static std::mutex mu;
  static auto* zones = new std::set<std::string, std::less<>>();  // lives until exit
  std::lock_guard lock(mu);
  auto it = zones->find(zone);
  if (it == zones->end()) it = zones->emplace(zone).first;
  return *it;
}

}  // namespace keyward::core
