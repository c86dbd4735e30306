// The audit trail's hash chain (docs/architecture.md "Audit event"): every event carries an HMAC
// over its content and its predecessor's hash, so an event altered, inserted or removed in the
// database is found by VerifyAuditChain, naming the first broken event.
//
// The chain key of pepper version V is PepperSet::DeriveKey("audit chain", V): new events use the
// current version, events made under older versions still verify while their pepper is listed,
// in full or retired (a retired line keeps the chain key).
// An event's hash is "v<V>:" followed by the lowercase hex HMAC-SHA256, under that key, of
// CanonicalAuditBytes(event) (see there). The first event's prev_hash is kGenesisHash.
//
// AuditChainStore is a Store decorator that chains every event appended through it. Because the
// store assigns ids and the hash covers the id, an append is two writes in the appending unit of
// work: AppendAudit (prev_hash filled, hash empty) returns the id, then SetAuditHash writes the
// hash. Both commit or neither does, together with the change the event records. Every writer of
// audit events must reach the store through one AuditChainStore: wrap the real store with it
// first, and any other decorator (the key index) around it. Several Keyward processes on one store
// stay correct because the store serializes units of work: SQLite's are exclusive, and
// PostgreSQL's each take one advisory lock first (storage/postgres/postgres_store.hpp), so the
// head is read under it and the chain never forks.
//
// Events written before the chain existed (a database from before schema V002) have no hash; the
// first append through the chain store chains them in id order, once, when no event of the
// trail is chained yet. An unchained event after a chained one is never chained: it fails
// verification.
//
// Retention (ApplyRetention) removes events from the front and appends an "audit.anchor" event
// whose details carry the hash of the last removed event; the first remaining event links to it.
//
// Thread-safety: AuditChainStore is thread-safe; the free functions are as safe as their store.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/crypto/digest.hpp"
#include "core/result.hpp"
#include "core/store/audit_event.hpp"
#include "core/store/store.hpp"

namespace keyward::core {

// The prev_hash of the first event ever written.
inline constexpr std::string_view kGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";
// The purpose string of the chain key (PepperSet::DeriveKey) is kAuditChainKeyPurpose, declared
// with PepperSet: a retired pepper version keeps that key alone.
// Retention's anchor events: actor "system", target "audit", details
// {"removedThroughId": N, "removedCount": n, "lastRemovedHash": "<hash of event N>"}.
inline constexpr std::string_view kAuditAnchorAction = "audit.anchor";

// The bytes the hash of `event` covers: the netstrings (`<decimal byte length>:<bytes>,`) of, in
// order, the label "keyward audit event v1", the id in decimal, the time in decimal seconds since
// the Unix epoch, actor, action, target, ip, outcome, details_json and prev_hash. Every field is
// delimited by its length, so no two different events serialize alike. `event.hash` is ignored.
std::string CanonicalAuditBytes(const AuditEvent& event);

// "v<version>:<hex HMAC>" of `event` under the chain key of pepper `version`; empty when that
// version is unknown.
std::string ComputeAuditHash(const PepperSet& peppers, std::uint32_t version,
                             const AuditEvent& event);

// Receives the audit events of each committed unit of work, in commit order, with their ids and
// hashes (the last one delivered is the chain head). SIEM forwarding plugs in here.
class AuditSink {
 public:
  virtual ~AuditSink() = default;
  // Called after the commit, from the store's commit hook (Store::TransactThen), so in commit
  // order: must be quick (queue the events, never write them to the network here), must not
  // throw and must not use the chain store.
  virtual void Deliver(const std::vector<AuditEvent>& committed) = 0;
};

namespace audit {
struct ChainKey;
}

class AuditChainStore final : public Store {
 public:
  // `inner` must outlive this store; `sink` (may be null) too while set. The chain key of the
  // current pepper version is derived here, once.
  AuditChainStore(Store& inner, const PepperSet& peppers, AuditSink* sink = nullptr);
  ~AuditChainStore() override;
  AuditChainStore(const AuditChainStore&) = delete;
  AuditChainStore& operator=(const AuditChainStore&) = delete;

  // Runs `fn` on `inner` with a unit of work whose AppendAudit chains the event. After a
  // successful commit, hands the events appended to the sink, from `inner`'s commit hook (so in
  // commit order, and without holding a lock across `inner`: its group commit stays whole).
  // Errors as `inner`'s.
  Status Transact(const std::function<Status(UnitOfWork&)>& fn) override;
  Status TransactThen(const std::function<Status(UnitOfWork&)>& fn,
                      const std::function<void()>& on_commit) override;

 private:
  Store& inner_;
  std::unique_ptr<const audit::ChainKey> key_;
  AuditSink* const sink_;
};

// What VerifyAuditChain found.
struct AuditVerification {
  bool ok = true;
  std::int64_t events = 0;                      // events checked (all of them when ok)
  std::optional<std::int64_t> first_broken_id;  // the first event that fails, when !ok
  std::string reason;                           // why it fails, in English, when !ok
};

// Walks every event in id order, in pages, checking each hash against the event's content and
// each prev_hash against the previous event's hash. The first event must link to kGenesisHash,
// or — once retention has run — to the lastRemovedHash of the newest anchor. Stops at the first
// broken event. Errors only when the store cannot be read. Reads the whole trail inside `uow`.
Result<AuditVerification> VerifyAuditChain(UnitOfWork& uow, const PepperSet& peppers);

// Retention: in one unit of work, removes the events before `cutoff` from the front of the trail
// (stopping at the first event at or after it) and, if any were removed, appends an anchor event
// (time clock.Now()) that carries the last removed hash, so the rest still verifies. Use the
// chain store, so the anchor reaches the sink; the raw store works too (the anchor is chained
// here either way). Returns the number of events removed; errors from the store.
Result<std::int64_t> ApplyRetention(Store& store, const PepperSet& peppers, Time cutoff,
                                    const Clock& clock);

}  // namespace keyward::core
