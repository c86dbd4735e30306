// KeyIndex: the in-memory index of every key under the verification chain (docs/architecture.md
// "The verification chain", speed notes). Verification reads it without touching the store:
//   - Find copies a key out of one of 256 shards without a lock: each key is an immutable
//     record, swapped whole by writers and freed once no reader holds it (epoch.hpp), so readers
//     never wait, not even for a writer, and write nothing shared (cores do not contend);
//   - Role answers from the calling thread's own copy of the roles, re-made after a role change;
//   - a counted failure is written to the store at once (ApplyFailedAttempt inside one unit of
//     work, so lockout is exact across nodes) and the stored result replaces the index's copy;
//     a failure against a key already locked writes nothing; a success that must reset a count
//     is written at once too;
//   - last-used times are collected in a buffer per thread and written behind, about once a
//     second, by the index's background thread, which also runs the periodic resync.
// The index is kept exact on every write made through store(): a Store decorator that, after
// each committed unit of work, applies the keys and roles it wrote. Writes made elsewhere arrive
// through Refresh, when the store announces them (another node on PostgreSQL, within a second),
// and in any case with the periodic full resync.
// Past `staleness_limit` without a successful load, resync or write, Find answers kUnavailable
// rather than trust a stale index.
//
// Thread-safety: every public member is thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/store/store.hpp"
#include "core/verification/verifier.hpp"

namespace keyward::core {

struct KeyIndexOptions {
  Seconds flush_interval{1};     // last-used write-behind period
  Seconds resync_interval{30};   // full reload from the store (safety net); 0 = never
  Seconds staleness_limit{300};  // past this without contact with the store: UNAVAILABLE
};

// A key written elsewhere: its id, and its public id (by which the index finds it to drop it).
struct KeyRef {
  KeyId id = 0;
  std::string public_id;
};

struct KeyIndexStats {
  std::size_t keys = 0;
  std::size_t roles = 0;
  std::size_t memory_bytes = 0;     // index structures, names and allowlists
  std::uint64_t writes_failed = 0;  // queued store writes that could not be made
  std::uint64_t resyncs = 0;
};

class KeyIndex final : public KeyLookup {
 public:
  // `store` is the real store; use store() for every write so the index stays exact.
  KeyIndex(Store& store, const Clock& clock, KeyIndexOptions options = {});
  ~KeyIndex() override;  // stops the background thread after writing what is pending
  KeyIndex(const KeyIndex&) = delete;
  KeyIndex& operator=(const KeyIndex&) = delete;

  // The store to use for every write: the real one, decorated to keep this index exact.
  Store& store();

  // Loads every key and role from the store, replacing the index's content. Errors from the store.
  Status Load();
  // Re-reads from the store the keys `keys` and, when `roles`, every role, and applies what it
  // reads: a key the store no longer has leaves the index. For writes made elsewhere; one at a
  // time with Load, so a load never overwrites a newer refresh. Errors from the store.
  Status Refresh(const std::vector<KeyRef>& keys, bool roles);
  // Starts the background thread (last-used write-behind, periodic resync, staleness). Idempotent.
  void Start();
  // Writes the pending last-used times now; for tests and shutdown. Returns once written.
  void Flush();

  // KeyLookup.
  Result<bool> Find(std::string_view public_id, KeyEntry& out) override;
  IdHint Prefetch(std::string_view public_id) override;
  void PrefetchKey(IdHint hint) override;
  Result<bool> FindHinted(std::string_view public_id, IdHint hint, KeyEntry& out) override;
  std::shared_ptr<const RoleEntry> Role(RoleId id) override;
  void RecordFailure(const KeyEntry& key, Time now, const LockoutPolicy& policy,
                     const std::optional<IpAddress>& client) override;
  void RecordSuccess(const KeyEntry& key, Time now, bool previous_secret,
                     const std::optional<SecretDigest>& rehash) override;

  // Whether the index is within its staleness limit at `now` (for /readyz).
  bool Fresh(Time now) const;
  KeyIndexStats Stats() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// The process-wide copy of a time-zone name: equal names share one string that lives until the
// process ends. Thread-safe.
std::string_view InternTimeZone(std::string_view zone);

}  // namespace keyward::core
