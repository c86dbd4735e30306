#include "siem/cef.hpp"

#include <gtest/gtest.h>

#include <string>

#include "testing/siem/events.hpp"

namespace keyward::siem {
namespace {

struct EscapeCase {
  std::string input;
  std::string header;
  std::string extension;
};

TEST(Cef, EscapesHeaderAndExtensionDifferently) {
  const EscapeCase cases[] = {
      {"plain text", "plain text", "plain text"},
      {"a|b", "a\\|b", "a|b"},
      {"a\\b", "a\\\\b", "a\\\\b"},
      {"a=b", "a=b", "a\\=b"},
      {"l1\nl2", "l1 l2", "l1\\nl2"},
      {"l1\r\nl2", "l1  l2", "l1\\r\\nl2"},
      {"\\|=", "\\\\\\|=", "\\\\|\\="},
      {"鍵=値|日本語", "鍵=値\\|日本語", "鍵\\=値|日本語"},
      {"", "", ""},
  };
  for (const EscapeCase& c : cases) {
    EXPECT_EQ(EscapeCefHeader(c.input), c.header) << c.input;
    EXPECT_EQ(EscapeCefExtension(c.input), c.extension) << c.input;
  }
}

TEST(Cef, SeverityFollowsTheAction) {
  EXPECT_EQ(CefSeverity("auth.lockout", "failure"), 8);
  EXPECT_EQ(CefSeverity("auth.failure", "failure"), 6);
  EXPECT_EQ(CefSeverity("apikey.update", "failure"), 5);
  EXPECT_EQ(CefSeverity("apikey.delete", "success"), 4);
  EXPECT_EQ(CefSeverity("apikey.lock", "success"), 4);
  EXPECT_EQ(CefSeverity("apikey.create", "success"), 3);
  EXPECT_EQ(CefSeverity("apikey.unlock", "success"), 3);
}

TEST(Cef, NamesKnownAndUnknownActions) {
  EXPECT_EQ(CefEventName("apikey.create"), "API key created");
  EXPECT_EQ(CefEventName("auth.lockout"), "API key locked out after failed attempts");
  EXPECT_EQ(CefEventName("pepper.rotate_now"), "pepper rotate now");
}

TEST(Cef, FormatsAWholeLine) {
  const core::AuditEvent event = testing::TrickyEvent(42);
  const std::string line = FormatCef(event, "v1:head", "1.2|3");
  const std::string expected =
      "CEF:0|Keyward|Keyward|1.2\\|3|apikey.update|API key updated|3|"
      "rt=1767323045000 suser=account:7 a|b\\=c\\\\d src=203.0.113.9 act=apikey.update "
      "outcome=success cs1Label=target cs1=apikey:43\\n次の行 cs2Label=details "
      "cs2={\"name\":{\"old\":\"ci|deploy\\=1\\\\\\\\x\",\"new\":\"本番 \\\\\"prod\\\\\"\\\\n\"},"
      "\"n\":42} cs3Label=chainHead cs3=v1:head cs4Label=prevHash cs4=" +
      event.prev_hash + " externalId=42";
  EXPECT_EQ(line, expected);
  EXPECT_EQ(line.find('\n'), std::string::npos);
}

TEST(Cef, LeavesOutEmptyValues) {
  core::AuditEvent event;
  event.id = 1;
  event.action = "auth.lockout";
  event.outcome = "failure";
  const std::string line = FormatCef(event, "", "9");
  EXPECT_EQ(line,
            "CEF:0|Keyward|Keyward|9|auth.lockout|API key locked out after failed attempts|8|"
            "rt=0 act=auth.lockout outcome=failure externalId=1");
}

TEST(Cef, AnActionWithAPipeStaysInItsHeaderField) {
  core::AuditEvent event;
  event.action = "odd|action\\";
  const std::string line = FormatCef(event, "", "1");
  EXPECT_NE(line.find("|odd\\|action\\\\|odd\\|action\\\\|3|"), std::string::npos) << line;
  EXPECT_NE(line.find("act=odd|action\\\\ "), std::string::npos) << line;
}

}  // namespace
}  // namespace keyward::siem
