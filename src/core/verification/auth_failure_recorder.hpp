// AuthFailureRecorder: failed authentications into the audit trail, aggregated so that a flood
// cannot fill the disk (docs/architecture.md "Audit event"). Per calendar minute (UTC) and per
// (key, client IP) pair — the key by id when the token named one, else by its public prefix, else
// none:
//   - the first failure is written at once as one `auth.failure` event, details
//     {"reason": "<OUTCOME>", "count": 1, "keyPrefix": "kw_<public id>"} (keyPrefix when known);
//   - the rest of that minute is summed into one more event written when the minute has ended,
//     details {"reason": <the most frequent>, "count": n, "keyPrefix", "windowStart": "<RFC 3339>",
//     "reasons": {"<OUTCOME>": n, ...} (only when there were several)}.
// Events: actor "anonymous", action "auth.failure", target "apikey:<id>" when the key is known
// (else ""), ip the client address, outcome "failure". Never a secret.
//
// Memory is bounded: at most `max_pairs` pairs are tracked; failures of further pairs are summed
// into one overflow event per minute (details {"reason", "count", "overflow": true}, no key, no
// ip). Writes are queued and made by a background thread (Start), each in its own unit of work,
// so Record never waits for the store; past `max_queued` waiting events, a pair's first failure
// is summed instead of written at once. A write the store refuses is dropped and counted.
// Without Start, nothing is written until Flush, which writes in the caller's thread (tests).
//
// Thread-safety: every public member is thread-safe.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>

#include "core/clock.hpp"
#include "core/net/ip.hpp"
#include "core/store/api_key.hpp"
#include "core/store/audit_event.hpp"
#include "core/store/store.hpp"
#include "core/verification/verifier.hpp"

namespace keyward::core {

struct AuthFailureOptions {
  std::size_t max_pairs = 10000;   // (key, ip) pairs tracked over the minutes not yet written
  std::size_t max_queued = 10000;  // first-failure events waiting for the store
  Seconds flush_interval{1};       // how often the background thread writes ended minutes
};

struct AuthFailureStats {
  std::uint64_t events_written = 0;
  std::uint64_t writes_failed = 0;      // events the store refused (dropped)
  std::uint64_t overflow_failures = 0;  // failures summed into an overflow event
  std::size_t tracked_pairs = 0;
  std::size_t queued = 0;
};

class AuthFailureRecorder final : public AuthEventSink {
 public:
  // `store` (the audit chain store) and `clock` (read by the background thread) must outlive it.
  AuthFailureRecorder(Store& store, const Clock& clock, AuthFailureOptions options = {});
  // Stop().
  ~AuthFailureRecorder() override;
  AuthFailureRecorder(const AuthFailureRecorder&) = delete;
  AuthFailureRecorder& operator=(const AuthFailureRecorder&) = delete;

  // Starts the background writer. Idempotent.
  void Start();
  // Stops the background writer and writes everything, the current minute's sums included.
  // Record after Stop still counts; the next Flush or Stop writes it. Idempotent.
  void Stop();

  // Counts one failed authentication at `now`. `key_prefix` is "kw_<public id>" or empty.
  void Record(Outcome outcome, std::optional<KeyId> key, std::string_view key_prefix,
              const std::optional<IpAddress>& client, Time now);
  // Queues the sums of the minutes ended by `now`, then writes every queued event in the
  // caller's thread; returns once they are written (or refused).
  void Flush(Time now);

  // AuthEventSink: Record with the key's id and "kw_" + public id.
  void Failed(Outcome outcome, const KeyEntry* key_or_null, std::string_view public_id,
              const std::optional<IpAddress>& client, Time now) override;

  AuthFailureStats Stats() const;

 private:
  struct Bucket {
    std::optional<KeyId> key;
    std::string key_prefix;
    std::string ip;
    std::int64_t summed = 0;                  // failures not yet written
    std::map<Outcome, std::int64_t> reasons;  // of the summed failures
    Time last{};
  };
  struct Minute {
    std::unordered_map<std::string, Bucket> pairs;
    Bucket overflow;
  };

  // Moves the sums of minutes that end at or before `now` (every minute when nullopt) to the
  // queue. Requires mu_.
  void QueueEndedLocked(std::optional<Time> now);
  void Drain();
  void Run();

  Store& store_;
  const Clock& clock_;
  const AuthFailureOptions options_;

  mutable std::mutex mu_;
  std::map<std::int64_t, Minute> minutes_;  // by minute number since the epoch; guarded by mu_
  std::size_t tracked_ = 0;                 // pairs over all of minutes_; guarded by mu_
  std::deque<AuditEvent> queue_;            // guarded by mu_
  std::uint64_t events_written_ = 0;        // guarded by mu_
  std::uint64_t writes_failed_ = 0;         // guarded by mu_
  std::uint64_t overflow_failures_ = 0;     // guarded by mu_

  std::mutex write_mu_;  // one writer at a time, so events reach the store in queue order
  std::mutex thread_mu_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by thread_mu_
  bool pending_ = false;   // first failures queued; guarded by thread_mu_
  std::thread thread_;
};

}  // namespace keyward::core
