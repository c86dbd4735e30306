#include "core/verification/key_index.hpp"

#include <array>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <thread>
#include <unordered_map>
#include <variant>

#include "core/store/forwarding_unit_of_work.hpp"
#include "core/verification/key_index_shard.hpp"

namespace keyward::core {
namespace {

constexpr std::size_t kShardCount = 256;

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

// A UnitOfWork that forwards every call and notes the key and role writes that succeed.
class RecordingUnitOfWork final : public ForwardingUnitOfWork {
 public:
  RecordingUnitOfWork(UnitOfWork& inner, std::vector<Change>& changes)
      : ForwardingUnitOfWork(inner), changes_(changes) {}

  Result<KeyId> InsertKey(const ApiKey& key) override {
    Result<KeyId> id = inner_.InsertKey(key);
    if (id) {
      KeyWritten w{key};
      w.key.id = *id;
      changes_.emplace_back(std::move(w));
    }
    return id;
  }
  Status UpdateKey(const ApiKey& key) override {
    Status st = inner_.UpdateKey(key);
    if (st) changes_.emplace_back(KeyWritten{key});
    return st;
  }
  Status DeleteKey(KeyId id) override {
    KW_ASSIGN_OR_RETURN(std::optional<ApiKey> key, inner_.FindKey(id));
    Status st = inner_.DeleteKey(id);
    if (st && key) changes_.emplace_back(KeyErased{key->public_id});
    return st;
  }
  Result<RoleId> InsertRole(const core::Role& role) override {
    Result<RoleId> id = inner_.InsertRole(role);
    if (id) {
      RoleWritten w{role};
      w.role.id = *id;
      changes_.emplace_back(std::move(w));
    }
    return id;
  }
  Status UpdateRole(const core::Role& role) override {
    Status st = inner_.UpdateRole(role);
    if (st) changes_.emplace_back(RoleWritten{role});
    return st;
  }
  Status DeleteRole(RoleId id) override {
    Status st = inner_.DeleteRole(id);
    if (st) changes_.emplace_back(RoleErased{id});
    return st;
  }

 private:
  std::vector<Change>& changes_;
};

}  // namespace

class KeyIndex::Impl {
 public:
  Impl(Store& store, const Clock& clock, KeyIndexOptions options)
      : inner_(store), clock_(clock), options_(options), decorated_(*this) {
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
          RecordingUnitOfWork recording(uow, changes);
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
    auto fresh = std::make_unique<std::array<index::KeyShard, kShardCount>>();
    auto roles = std::make_shared<RoleMap>();
    // The swap happens in the read's commit hook: after the hooks of the writes the read saw, and
    // before those of the writes committed after it, which then apply on top of what it read.
    Status st = inner_.TransactThen(
        [&](UnitOfWork& uow) -> Status {
          roles->clear();
          for (index::KeyShard& shard : *fresh) shard = index::KeyShard();
          KW_ASSIGN_OR_RETURN(std::vector<core::Role> list, uow.ListRoles());
          for (core::Role& r : list) {
            (*roles)[r.id] = std::make_shared<const RoleEntry>(
                RoleEntry{r.id, std::move(r.name), std::move(r.permissions)});
          }
          return uow.ForEachKey([&](ApiKey&& key) -> Status {
            (*fresh)[ShardOf(key.public_id)].Upsert(index::CompactKey::From(key));
            return Ok();
          });
        },
        [&] {
          for (std::size_t i = 0; i < kShardCount; ++i) {
            std::unique_lock lock(shards_[i].mu);
            std::swap(shards_[i].keys, (*fresh)[i]);  // the old content is freed after the hook
          }
          std::lock_guard lock(roles_mu_);
          roles_ = std::move(roles);
        });
    if (!st) return st;
    Touch();
    ++resyncs_;
    return Ok();
  }

  Result<bool> Find(std::string_view public_id, KeyEntry& out) {
    if (stale_.load(std::memory_order_relaxed)) return Unavailable("the key index is stale");
    const Shard& shard = shards_[ShardOf(public_id)];
    std::shared_lock lock(shard.mu);
    const index::CompactKey* key = shard.keys.Find(public_id);
    if (key == nullptr) return false;
    key->CopyTo(out);
    return true;
  }

  std::shared_ptr<const RoleEntry> Role(RoleId id) {
    std::shared_ptr<const RoleMap> roles;
    {
      std::lock_guard lock(roles_mu_);
      roles = roles_;
    }
    const auto it = roles->find(id);
    return it == roles->end() ? nullptr : it->second;
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
      if (!StoreSuccessfulUse(decorated_, key.id, now, previous_secret, rehash)) ++writes_failed_;
      return;
    }
    Shard& shard = shards_[ShardOf(key.public_id)];
    std::lock_guard lock(shard.pending_mu);
    KeyUse& use = shard.pending[key.id];
    use.id = key.id;
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
      std::shared_lock lock(shard.mu);
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
    mutable std::shared_mutex mu;
    index::KeyShard keys;
    std::mutex pending_mu;
    std::unordered_map<KeyId, KeyUse> pending;  // last-used times not yet written
  };
  using RoleMap = std::unordered_map<RoleId, std::shared_ptr<const RoleEntry>>;

  static std::size_t ShardOf(std::string_view public_id) {
    return static_cast<std::size_t>(index::HashPublicId(public_id) >> 56) % kShardCount;
  }

  void Touch() { last_contact_.store(clock_.Now().time_since_epoch().count()); }

  void Apply(Change&& change) {
    if (auto* w = std::get_if<KeyWritten>(&change)) {
      Shard& shard = shards_[ShardOf(w->key.public_id)];
      index::CompactKey compact = index::CompactKey::From(w->key);
      std::unique_lock lock(shard.mu);
      shard.keys.Upsert(std::move(compact));
    } else if (auto* e = std::get_if<KeyErased>(&change)) {
      Shard& shard = shards_[ShardOf(e->public_id)];
      std::unique_lock lock(shard.mu);
      shard.keys.Erase(e->public_id);
    } else if (auto* r = std::get_if<RoleWritten>(&change)) {
      std::lock_guard lock(roles_mu_);
      auto roles = std::make_shared<RoleMap>(*roles_);
      (*roles)[r->role.id] = std::make_shared<const RoleEntry>(
          RoleEntry{r->role.id, r->role.name, r->role.permissions});
      roles_ = std::move(roles);
    } else if (auto* d = std::get_if<RoleErased>(&change)) {
      std::lock_guard lock(roles_mu_);
      auto roles = std::make_shared<RoleMap>(*roles_);
      roles->erase(d->id);
      roles_ = std::move(roles);
    }
  }

  void FlushLastUsed() {
    std::vector<KeyUse> uses;
    for (Shard& shard : shards_) {
      std::lock_guard lock(shard.pending_mu);
      for (const auto& [id, use] : shard.pending) uses.push_back(use);
      shard.pending.clear();
    }
    if (uses.empty()) return;
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
      if (!Fresh(now)) Ping();
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
  mutable std::mutex roles_mu_;
  std::shared_ptr<const RoleMap> roles_;
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
void KeyIndex::Start() { impl_->Start(); }
void KeyIndex::Flush() { impl_->Flush(); }
Result<bool> KeyIndex::Find(std::string_view public_id, KeyEntry& out) {
  return impl_->Find(public_id, out);
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
