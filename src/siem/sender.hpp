// Sender: delivers batches of audit events to one destination (a syslog receiver or an HTTP Event
// Collector), keeping its connection between batches. The forwarder gives each Sender a worker
// thread of its own, so a slow destination never holds the others up.
// Not thread-safe: one thread calls Send at a time.
#pragma once

#include <string>

#include "core/result.hpp"
#include "siem/batch.hpp"
#include "siem/send_limits.hpp"

namespace keyward::siem {

class Sender {
 public:
  virtual ~Sender() = default;

  // Sends `batch` within `limits`. Ok when the destination took every event (for UDP: when every
  // datagram left). kUnavailable: worth retrying (destination down, timeout, 5xx); the batch may
  // have been partly received, so a retry can repeat events (at-least-once). Any other code: the
  // destination refused the data itself and a retry would fail the same way.
  virtual core::Status Send(const Batch& batch, const SendLimits& limits) = 0;

  // What the destination is, for logs and stats, e.g. "syslog tcp://siem:514". Never a secret.
  virtual const std::string& name() const = 0;
};

// The detail of an error from Send (its first argument, which names the destination and the
// step that failed), for logs and stats.
inline std::string ErrorDetail(const core::Error& error) {
  return error.args.empty() ? error.Message() : error.args.front();
}

}  // namespace keyward::siem
