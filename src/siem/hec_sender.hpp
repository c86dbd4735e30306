// HEC sender: POSTs batches of audit events to a Splunk HTTP Event Collector over one kept-alive
// http or https connection. Every event of a POST carries the batch's chain head.
// Not thread-safe (see Sender).
#pragma once

#include <memory>
#include <string>

#include "core/result.hpp"
#include "siem/hec.hpp"
#include "siem/sender.hpp"

namespace keyward::siem {

// A Sender for `destination`, naming `hostname` as the events' host. Errors: the URL does not
// parse, the token is empty, or the TLS context cannot be built (an unreadable CA file).
core::Result<std::unique_ptr<Sender>> MakeHecSender(const HecDestination& destination,
                                                    std::string hostname);

}  // namespace keyward::siem
