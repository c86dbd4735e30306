// Syslog delivery of audit events: where to send (SyslogDestination, parsed from a URL such as
// "tls://siem.example.com:6514"), RFC 5424 messages carrying the CEF line, and the framings of
// each transport: one datagram per message on UDP (RFC 5426, truncated, never split), octet
// counting on TCP and TLS (RFC 6587 3.4.1, RFC 5425: "<length> <message>").
// Pure functions and plain value types; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "core/store/audit_event.hpp"

namespace keyward::siem {

enum class SyslogTransport { kUdp, kTcp, kTls };

// local0: audit events stay apart from the host's own auth logs unless the operator says so.
inline constexpr int kDefaultSyslogFacility = 16;
inline constexpr std::size_t kDefaultMaxDatagram = 8192;

struct SyslogDestination {
  SyslogTransport transport = SyslogTransport::kUdp;
  std::string host;  // name or IP literal, IPv6 without brackets
  std::uint16_t port = 514;
  int facility = kDefaultSyslogFacility;           // 0-23
  std::size_t max_datagram = kDefaultMaxDatagram;  // UDP: longer messages are truncated
  bool insecure = false;  // TLS: skip certificate and host name verification
  std::string ca_file;    // TLS: PEM file of trusted CAs; empty uses the system's store
  std::string text;       // the URL as configured, for logs and messages
};

// Parses "udp://HOST[:PORT]", "tcp://HOST[:PORT]" or "tls://HOST[:PORT]" (default ports 514,
// 514 and 6514; IPv6 literals in brackets) with optional query parameters:
//   facility=local0|authpriv|13|...   ca=/path/to/ca.pem (tls)   insecure=1 (tls)
//   maxsize=8192 (udp, 480 to 65000)
// Errors are kInvalidArgument whose message names the text and what is wrong with it.
core::Result<SyslogDestination> ParseSyslogUrl(std::string_view text);

// Name of a transport: "udp", "tcp" or "tls".
std::string_view TransportName(SyslogTransport transport);

// The syslog severity (RFC 5424, 0 emergency .. 7 debug) for a CEF severity: 0-2 -> 6
// informational, 3-4 -> 5 notice, 5-6 -> 4 warning, 7-8 -> 3 error, 9-10 -> 2 critical.
int SyslogSeverity(int cef_severity);

// The header fields that do not come from the event.
struct SyslogHeader {
  int facility = kDefaultSyslogFacility;
  std::string hostname;  // non-printable characters become '_'; empty renders as "-"
  std::string app_name = "keyward";
  std::string proc_id;  // empty renders as "-"
};

// One RFC 5424 message, without framing:
//   <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID - MSG
// PRI = facility * 8 + SyslogSeverity(cef_severity); TIMESTAMP is the event time in UTC with "Z";
// MSGID is the action, at most 32 printable ASCII characters; no structured data; MSG is `msg`
// as is (UTF-8 without a BOM, so a CEF reader finds "CEF:" first).
std::string FormatSyslog(const SyslogHeader& header, const core::AuditEvent& event,
                         int cef_severity, std::string_view msg);

// `message` cut to at most `max_bytes` without splitting a UTF-8 sequence or leaving a dangling
// CEF escape backslash at the end. Unchanged when it already fits.
std::string TruncateMessage(std::string message, std::size_t max_bytes);

// RFC 6587 octet-counting frame: the byte length in decimal, a space, then the message.
std::string FrameOctetCounted(std::string_view message);

}  // namespace keyward::siem
