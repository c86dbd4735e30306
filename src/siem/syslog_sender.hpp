// Syslog senders: RFC 5424 messages carrying CEF lines, one datagram each over UDP, octet-counted
// over TCP and TLS. Each message vouches for its own event's hash as the chain head.
// Not thread-safe (see Sender).
#pragma once

#include <memory>
#include <string>

#include "core/result.hpp"
#include "siem/sender.hpp"
#include "siem/syslog.hpp"

namespace keyward::siem {

// The RFC 5424 message (unframed, untruncated) for one event.
std::string SyslogMessage(const SyslogHeader& header, const core::AuditEvent& event,
                          std::string_view product_version);

// A Sender for `destination`; `header.facility` is taken from the destination. Errors: the TLS
// context cannot be built (an unreadable CA file, named in the message).
core::Result<std::unique_ptr<Sender>> MakeSyslogSender(const SyslogDestination& destination,
                                                       SyslogHeader header,
                                                       std::string product_version);

}  // namespace keyward::siem
