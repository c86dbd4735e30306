#include "siem/syslog.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <optional>
#include <utility>

#include "core/time_zone.hpp"
#include "siem/url_text.hpp"

namespace keyward::siem {
namespace {

constexpr std::array<std::string_view, 24> kFacilityNames = {
    "kern",   "user",   "mail",     "daemon", "auth",   "syslog", "lpr",    "news",
    "uucp",   "cron",   "authpriv", "ftp",    "ntp",    "audit",  "alert",  "clock",
    "local0", "local1", "local2",   "local3", "local4", "local5", "local6", "local7"};

constexpr std::size_t kMinDatagram = 480;  // RFC 5426: every receiver takes 480 octets
constexpr std::size_t kMaxDatagram = 65000;
constexpr std::size_t kMaxMsgId = 32;
constexpr std::size_t kMaxHostname = 255;
constexpr std::size_t kMaxAppName = 48;
constexpr std::size_t kMaxProcId = 128;

core::Error ShapeError(std::string_view text) {
  return core::MakeError(core::ErrorCode::kInvalidArgument, core::Msg::kWrongType,
                         {"syslog URL \"" + RedactedUrl(text) + "\"",
                          "udp://, tcp:// or tls://HOST[:PORT][?facility=...]"});
}

core::Error ValueError(std::string_view what, std::string_view text, std::string_view value) {
  return core::MakeError(
      core::ErrorCode::kInvalidArgument, core::Msg::kFilterInvalid,
      {std::string(what) + " in syslog URL \"" + RedactedUrl(text) + "\"", std::string(value)});
}

std::optional<unsigned long> ParseNumber(std::string_view digits) {
  unsigned long value = 0;
  const char* end = digits.data() + digits.size();
  auto [ptr, ec] = std::from_chars(digits.data(), end, value);
  if (digits.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

std::optional<int> ParseFacility(std::string_view value) {
  for (std::size_t i = 0; i < kFacilityNames.size(); ++i) {
    if (kFacilityNames[i] == value) return static_cast<int>(i);
  }
  std::optional<unsigned long> number = ParseNumber(value);
  if (!number || *number >= kFacilityNames.size()) return std::nullopt;
  return static_cast<int>(*number);
}

// Applies one query parameter to `dest`.
core::Status ApplyParam(SyslogDestination& dest, std::string_view key, std::string_view value,
                        std::string_view text) {
  const bool tls = dest.transport == SyslogTransport::kTls;
  if (key == "facility") {
    std::optional<int> facility = ParseFacility(value);
    if (!facility) return ValueError("facility (0 to 23, or a name such as local0)", text, value);
    dest.facility = *facility;
  } else if (key == "ca" && tls) {
    if (value.empty()) return ValueError("ca (a PEM file)", text, value);
    dest.ca_file = std::string(value);
  } else if (key == "insecure" && tls) {
    if (value != "" && value != "1" && value != "true" && value != "0" && value != "false") {
      return ValueError("insecure (1 or 0)", text, value);
    }
    dest.insecure = value.empty() || value == "1" || value == "true";
  } else if (key == "maxsize" && dest.transport == SyslogTransport::kUdp) {
    std::optional<unsigned long> size = ParseNumber(value);
    if (!size || *size < kMinDatagram || *size > kMaxDatagram) {
      return ValueError("maxsize (480 to 65000)", text, value);
    }
    dest.max_datagram = *size;
  } else {
    return core::MakeError(core::ErrorCode::kInvalidArgument, core::Msg::kUnknownField,
                           {"\"" + std::string(key) + "\" in syslog URL \"" + RedactedUrl(text) +
                            "\" (known: facility; ca, insecure for tls; maxsize for udp)"});
  }
  return core::Ok();
}

// Printable US-ASCII (33-126) only, at most `limit` characters; "-" when nothing is left.
std::string HeaderField(std::string_view value, std::size_t limit) {
  std::string out;
  for (char c : value.substr(0, std::min(value.size(), limit))) {
    const auto u = static_cast<unsigned char>(c);
    out += (u >= 33 && u <= 126) ? c : '_';
  }
  return out.empty() ? "-" : out;
}

}  // namespace

core::Result<SyslogDestination> ParseSyslogUrl(std::string_view text) {
  auto parsed = boost::urls::parse_uri(text);
  if (!parsed) return ShapeError(text);
  const boost::urls::url_view url = *parsed;
  SyslogDestination dest;
  dest.text = RedactedUrl(text);
  if (url.scheme() == "udp") {
    dest.transport = SyslogTransport::kUdp;
  } else if (url.scheme() == "tcp") {
    dest.transport = SyslogTransport::kTcp;
  } else if (url.scheme() == "tls") {
    dest.transport = SyslogTransport::kTls;
  } else {
    return ShapeError(text);
  }
  const bool empty_path = url.path().empty() || url.path() == "/";
  if (!url.has_authority() || url.has_userinfo() || !empty_path || url.has_fragment()) {
    return ShapeError(text);
  }
  dest.host = url.host_address();
  if (dest.host.empty()) return ShapeError(text);
  dest.port = dest.transport == SyslogTransport::kTls ? 6514 : 514;
  if (url.has_port()) {
    std::optional<unsigned long> port = ParseNumber(url.port());
    if (!port || *port == 0 || *port > 65535) {
      return ValueError("port (1 to 65535)", text, url.port());
    }
    dest.port = static_cast<std::uint16_t>(*port);
  }
  for (const auto& param : url.params()) {
    KW_RETURN_IF_ERROR(ApplyParam(dest, param.key, param.value, text));
  }
  return dest;
}

std::string_view TransportName(SyslogTransport transport) {
  switch (transport) {
    case SyslogTransport::kUdp:
      return "udp";
    case SyslogTransport::kTcp:
      return "tcp";
    case SyslogTransport::kTls:
      return "tls";
  }
  return "udp";
}

int SyslogSeverity(int cef_severity) {
  if (cef_severity <= 2) return 6;
  if (cef_severity <= 4) return 5;
  if (cef_severity <= 6) return 4;
  if (cef_severity <= 8) return 3;
  return 2;
}

std::string FormatSyslog(const SyslogHeader& header, const core::AuditEvent& event,
                         int cef_severity, std::string_view msg) {
  const int facility = std::clamp(header.facility, 0, 23);
  std::string out = "<" + std::to_string(facility * 8 + SyslogSeverity(cef_severity)) + ">1 ";
  out += core::FormatTime(event.time, "UTC");
  out += ' ';
  out += HeaderField(header.hostname, kMaxHostname);
  out += ' ';
  out += HeaderField(header.app_name, kMaxAppName);
  out += ' ';
  out += HeaderField(header.proc_id, kMaxProcId);
  out += ' ';
  out += HeaderField(event.action, kMaxMsgId);
  out += " - ";
  out += msg;
  return out;
}

std::string TruncateMessage(std::string message, std::size_t max_bytes) {
  if (message.size() <= max_bytes) return message;
  std::size_t cut = max_bytes;
  // Step back over UTF-8 continuation bytes (10xxxxxx) to the start of the cut character.
  while (cut > 0 && (static_cast<unsigned char>(message[cut]) & 0xC0) == 0x80) --cut;
  message.resize(cut);
  std::size_t backslashes = 0;
  while (backslashes < message.size() && message[message.size() - 1 - backslashes] == '\\') {
    ++backslashes;
  }
  if (backslashes % 2 == 1) message.pop_back();
  return message;
}

std::string FrameOctetCounted(std::string_view message) {
  std::string out = std::to_string(message.size());
  out += ' ';
  out += message;
  return out;
}

}  // namespace keyward::siem
