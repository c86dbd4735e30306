// SiemForwarder: delivers committed audit events to SIEMs (syslog receivers over UDP, TCP or TLS
// carrying CEF, and Splunk HTTP Event Collectors), in commit order, off the caller's thread.
//
// Deliver() only appends to one shared bounded queue and returns: it never blocks on the network
// and never fails. Each destination has its own worker thread and its own cursor into the queue,
// so a destination that is down or slow falls behind alone while the others keep up. A failed
// send is retried with exponential backoff until it succeeds, the destination refuses the data
// itself (HEC 400/413: dropped), or Stop() gives up.
//
// Overflow: when the queue holds `queue_capacity` events, the OLDEST queued event is dropped for
// every destination that has not taken it yet. Newest-wins keeps the latest chain head flowing to
// the SIEM, so a gap shows there as a break in the chain rather than as silence; a batch already
// being sent (at most `max_batch` events per destination) is still retried.
//
// Counting: delivered() and dropped() count (event, destination) pairs, so with one destination
// they count events. Every event queued ends up in exactly one of them (after Stop()).
//
// Thread-safety: Deliver, delivered, dropped and Stats may be called from any thread at any time.
// Start and Stop from one owning thread; the destructor stops.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/result.hpp"
#include "core/store/audit_event.hpp"
#include "siem/cef.hpp"
#include "siem/hec.hpp"
#include "siem/sender.hpp"
#include "siem/syslog.hpp"

namespace keyward::siem {

struct ForwarderConfig {
  std::vector<SyslogDestination> syslog;  // e.g. from ParseSyslogUrl("tls://siem:6514")
  std::vector<HecDestination> hec;
  std::string hostname;  // the syslog HOSTNAME and HEC host; empty: this machine's name
  std::string product_version = std::string(DefaultProductVersion());
  std::size_t queue_capacity = 10000;          // events; at least 1
  std::size_t max_batch = 100;                 // events per send (one POST, one TCP write)
  std::chrono::milliseconds io_timeout{5000};  // one connect, write or HEC answer
  std::chrono::milliseconds initial_backoff{250};
  std::chrono::milliseconds max_backoff{30000};
  std::chrono::milliseconds drain_timeout{2000};  // how long Stop() keeps sending
  // Told about delivery problems (once per outage, with the reason) and recoveries. Never given a
  // secret. Called from worker threads; must be thread-safe. May be empty.
  std::function<void(std::string_view)> log;
  // Metrics hook, e.g. keyward_siem_delivered_total += delivered, keyward_siem_dropped_total +=
  // dropped. Called with increments from worker threads and from Deliver(), never under a lock;
  // must be cheap and thread-safe. May be empty.
  std::function<void(std::uint64_t delivered, std::uint64_t dropped)> on_counts;
};

class SiemForwarder {
 public:
  struct DestinationStats {
    std::string name;  // e.g. "syslog tcp://siem:514", "hec https://splunk:8088/..."
    std::uint64_t delivered = 0;
    std::uint64_t dropped = 0;
    std::uint64_t pending = 0;  // queued, not yet taken by this destination
    bool healthy = true;        // the last attempt succeeded (or none was made)
    std::string last_error;     // of the last failed attempt; never a secret
  };

  // Validates `config` and builds a sender per destination. Errors (kInvalidArgument) name the
  // destination at fault: an HEC URL that does not parse, an empty token, a CA file that cannot
  // be read, a zero queue capacity or batch size.
  static core::Result<std::unique_ptr<SiemForwarder>> Create(ForwarderConfig config);

  // For tests and other transports: a forwarder over ready-made senders.
  SiemForwarder(ForwarderConfig config, std::vector<std::unique_ptr<Sender>> senders);
  ~SiemForwarder();
  SiemForwarder(const SiemForwarder&) = delete;
  SiemForwarder& operator=(const SiemForwarder&) = delete;

  // Starts one worker thread per destination. Events delivered before Start() wait in the queue.
  void Start();

  // Stops accepting events, keeps sending what is queued for up to `drain_timeout`, then gives up
  // (cutting off any attempt in progress) and counts what was left as dropped. Idempotent.
  void Stop();

  // Queues `committed` (in commit order) for every destination. Never blocks on I/O, never
  // throws for delivery reasons; after Stop() the events are counted as dropped.
  void Deliver(const std::vector<core::AuditEvent>& committed);

  std::uint64_t delivered() const { return delivered_.load(std::memory_order_relaxed); }
  std::uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
  // One entry per destination in configuration order: the syslog destinations, then the HECs.
  std::vector<DestinationStats> Stats() const;

 private:
  struct Entry {
    std::uint64_t seq;
    std::shared_ptr<const core::AuditEvent> event;
  };
  struct Lane;

  void Work(Lane& lane);
  bool TakeBatch(Lane& lane, Batch& batch);
  void WaitBackoff(std::chrono::milliseconds delay);
  void Count(Lane& lane, std::uint64_t delivered, std::uint64_t dropped);
  void NoteResult(Lane& lane, const core::Status& status);
  void TrimLocked();
  std::uint64_t AbandonLocked(Lane& lane);

  ForwarderConfig config_;
  std::vector<std::unique_ptr<Lane>> lanes_;
  std::atomic<std::uint64_t> delivered_{0};
  std::atomic<std::uint64_t> dropped_{0};
  std::atomic<bool> abort_{false};  // Stop() gave up: cut off attempts in progress

  mutable std::mutex mu_;
  std::condition_variable cv_;       // new events, Stop(), abort
  std::condition_variable idle_cv_;  // a worker finished draining
  std::deque<Entry> queue_;          // guarded by mu_; seq increasing, no gaps
  std::uint64_t next_seq_ = 0;       // guarded by mu_: seq of the next event queued
  bool started_ = false;             // guarded by mu_
  bool stopping_ = false;            // guarded by mu_
  std::size_t running_ = 0;          // guarded by mu_: workers still draining
};

}  // namespace keyward::siem
