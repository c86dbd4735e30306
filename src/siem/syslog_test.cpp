#include "siem/syslog.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "siem/cef.hpp"
#include "siem/syslog_sender.hpp"
#include "siem/url_text.hpp"
#include "testing/siem/events.hpp"

namespace keyward::siem {
namespace {

std::vector<std::string> SplitFields(const std::string& message, std::size_t count) {
  std::vector<std::string> fields;
  std::size_t start = 0;
  for (std::size_t i = 0; i + 1 < count; ++i) {
    const std::size_t space = message.find(' ', start);
    fields.push_back(message.substr(start, space - start));
    start = space + 1;
  }
  fields.push_back(message.substr(start));
  return fields;
}

TEST(Syslog, FormatsRfc5424Fields) {
  const core::AuditEvent event = testing::TrickyEvent(5);
  SyslogHeader header;
  header.hostname = "kw-node-1";
  header.proc_id = "4242";
  const std::string cef = FormatCef(event, event.hash, "1.0");
  const std::string message = FormatSyslog(header, event, 3, cef);
  const std::vector<std::string> f = SplitFields(message, 8);
  EXPECT_EQ(f[0], "<133>1");  // local0 (16) * 8 + notice (5)
  EXPECT_EQ(f[1], "2026-01-02T03:04:05Z");
  EXPECT_EQ(f[2], "kw-node-1");
  EXPECT_EQ(f[3], "keyward");
  EXPECT_EQ(f[4], "4242");
  EXPECT_EQ(f[5], "apikey.update");
  EXPECT_EQ(f[6], "-");
  EXPECT_EQ(f[7], cef);
}

TEST(Syslog, PriorityCombinesFacilityAndSeverity) {
  core::AuditEvent event;
  event.action = "auth.lockout";
  SyslogHeader header;
  header.facility = 10;                                                   // authpriv
  EXPECT_EQ(FormatSyslog(header, event, 8, "m").substr(0, 6), "<83>1 ");  // 80 + error (3)
  header.facility = 0;
  EXPECT_EQ(FormatSyslog(header, event, 10, "m").substr(0, 5), "<2>1 ");
  EXPECT_EQ(SyslogSeverity(0), 6);
  EXPECT_EQ(SyslogSeverity(3), 5);
  EXPECT_EQ(SyslogSeverity(6), 4);
  EXPECT_EQ(SyslogSeverity(8), 3);
  EXPECT_EQ(SyslogSeverity(10), 2);
}

TEST(Syslog, HeaderFieldsArePrintableAsciiWithinLimits) {
  core::AuditEvent event;
  event.action = "a.very.long.action.name.that.goes.past.thirty.two";
  SyslogHeader header;
  header.hostname = "host name\tü";
  const std::vector<std::string> f = SplitFields(FormatSyslog(header, event, 3, "m"), 8);
  EXPECT_EQ(f[2], "host_name___");  // ü is two bytes
  EXPECT_EQ(f[4], "-");             // no PROCID
  EXPECT_EQ(f[5], "a.very.long.action.name.that.goe");
  EXPECT_EQ(f[5].size(), 32u);

  event.action.clear();
  header.hostname.clear();
  const std::vector<std::string> g = SplitFields(FormatSyslog(header, event, 3, "m"), 8);
  EXPECT_EQ(g[2], "-");
  EXPECT_EQ(g[5], "-");
}

TEST(Syslog, TruncatesAtCharacterBoundaries) {
  EXPECT_EQ(TruncateMessage("short", 10), "short");
  EXPECT_EQ(TruncateMessage("abcdef", 4), "abcd");
  // "日" is three bytes: a cut inside it drops the whole character.
  EXPECT_EQ(TruncateMessage("ab日本", 4), "ab");
  EXPECT_EQ(TruncateMessage("ab日本", 5), "ab日");
  // A cut right after the first backslash of an escape drops it too.
  EXPECT_EQ(TruncateMessage("x=a\\\\b", 4), "x=a");
  EXPECT_EQ(TruncateMessage("x=a\\\\b", 5), "x=a\\\\");
}

TEST(Syslog, FramesByOctetCount) {
  EXPECT_EQ(FrameOctetCounted("hello"), "5 hello");
  EXPECT_EQ(FrameOctetCounted("日本"), "6 日本");
  EXPECT_EQ(FrameOctetCounted(""), "0 ");
}

TEST(Syslog, MessageCarriesTheEventHashAsChainHead) {
  const core::AuditEvent event = testing::TrickyEvent(9);
  SyslogHeader header;
  header.hostname = "h";
  const std::string message = SyslogMessage(header, event, "1.0");
  EXPECT_NE(message.find(" cs3Label=chainHead cs3=" + event.hash + " "), std::string::npos);
  EXPECT_EQ(message.find('\n'), std::string::npos);
}

TEST(SyslogUrl, ParsesTransportsPortsAndOptions) {
  auto udp = ParseSyslogUrl("udp://127.0.0.1:5514");
  ASSERT_TRUE(udp) << udp.error().Message();
  EXPECT_EQ(udp->transport, SyslogTransport::kUdp);
  EXPECT_EQ(udp->host, "127.0.0.1");
  EXPECT_EQ(udp->port, 5514);
  EXPECT_EQ(udp->facility, kDefaultSyslogFacility);
  EXPECT_EQ(udp->max_datagram, kDefaultMaxDatagram);

  auto tcp = ParseSyslogUrl("tcp://siem.example.com?facility=authpriv");
  ASSERT_TRUE(tcp) << tcp.error().Message();
  EXPECT_EQ(tcp->transport, SyslogTransport::kTcp);
  EXPECT_EQ(tcp->port, 514);
  EXPECT_EQ(tcp->facility, 10);

  auto tls = ParseSyslogUrl("tls://[::1]?ca=/etc/ssl/siem%20ca.pem&facility=13");
  ASSERT_TRUE(tls) << tls.error().Message();
  EXPECT_EQ(tls->transport, SyslogTransport::kTls);
  EXPECT_EQ(tls->host, "::1");
  EXPECT_EQ(tls->port, 6514);
  EXPECT_EQ(tls->ca_file, "/etc/ssl/siem ca.pem");
  EXPECT_EQ(tls->facility, 13);
  EXPECT_FALSE(tls->insecure);

  auto insecure = ParseSyslogUrl("tls://h:6514/?insecure=1");
  ASSERT_TRUE(insecure) << insecure.error().Message();
  EXPECT_TRUE(insecure->insecure);

  auto big = ParseSyslogUrl("udp://h?maxsize=65000");
  ASSERT_TRUE(big);
  EXPECT_EQ(big->max_datagram, 65000u);
}

TEST(SyslogUrl, RejectsWithTheTextInTheMessage) {
  const std::pair<const char*, const char*> cases[] = {
      {"http://h:514", "udp://, tcp:// or tls://"},
      {"udp:/h", "udp://, tcp:// or tls://"},
      {"udp://:514", "udp://, tcp:// or tls://"},
      {"udp://h/path", "udp://, tcp:// or tls://"},
      {"udp://user@h", "udp://, tcp:// or tls://"},
      {"udp://h:0", "port"},
      {"udp://h:65536", "port"},
      {"udp://h:5x", "udp://, tcp:// or tls://"},
      {"tcp://h?facility=local9", "facility"},
      {"tcp://h?facility=24", "facility"},
      {"tcp://h?ca=/x.pem", "\"ca\""},
      {"udp://h?maxsize=100", "maxsize"},
      {"tls://h?insecure=maybe", "insecure"},
      {"tls://h?colour=red", "\"colour\""},
      {"not a url", "udp://, tcp:// or tls://"},
  };
  for (const auto& [text, hint] : cases) {
    auto parsed = ParseSyslogUrl(text);
    ASSERT_FALSE(parsed) << text;
    EXPECT_EQ(parsed.error().code, core::ErrorCode::kInvalidArgument);
    const std::string message = parsed.error().Message();
    EXPECT_NE(message.find("\"" + RedactedUrl(text) + "\""), std::string::npos) << message;
    EXPECT_NE(message.find(hint), std::string::npos) << message;
  }
}

TEST(UrlText, HidesCredentials) {
  EXPECT_EQ(RedactedUrl("https://admin:pw@splunk:8088/x@y"), "https://***@splunk:8088/x@y");
  EXPECT_EQ(RedactedUrl("tls://u@h:bad?ca=@"), "tls://***@h:bad?ca=@");
  EXPECT_EQ(RedactedUrl("udp://h:514"), "udp://h:514");
  EXPECT_EQ(RedactedUrl("no scheme@all"), "no scheme@all");
}

}  // namespace
}  // namespace keyward::siem
