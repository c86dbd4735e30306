#include "siem/hec.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <memory>
#include <string>

#include "testing/siem/events.hpp"

namespace keyward::siem {
namespace {

namespace json = boost::json;

TEST(Hec, EventHasTheCollectorShape) {
  const core::AuditEvent event = testing::TrickyEvent(42);
  const json::value v = json::parse(FormatHecEvent(event, "kw-1", "v1:head"));
  const json::object& o = v.as_object();
  EXPECT_EQ(o.at("time").as_int64(), 1767323045);
  EXPECT_EQ(o.at("sourcetype").as_string(), "keyward:audit");
  EXPECT_EQ(o.at("source").as_string(), "keyward");
  EXPECT_EQ(o.at("host").as_string(), "kw-1");
  const json::object& e = o.at("event").as_object();
  EXPECT_EQ(e.at("id").as_int64(), 42);
  EXPECT_EQ(e.at("time").as_string(), "2026-01-02T03:04:05Z");
  EXPECT_EQ(e.at("actor").as_string(), event.actor);
  EXPECT_EQ(e.at("action").as_string(), "apikey.update");
  EXPECT_EQ(e.at("target").as_string(), event.target);
  EXPECT_EQ(e.at("ip").as_string(), "203.0.113.9");
  EXPECT_EQ(e.at("outcome").as_string(), "success");
  EXPECT_EQ(e.at("details"), json::parse(event.details_json));
  EXPECT_EQ(e.at("details").at("name").at("new").as_string(), "本番 \"prod\"\n");
  EXPECT_EQ(e.at("hash").as_string(), event.hash);
  EXPECT_EQ(e.at("prevHash").as_string(), event.prev_hash);
  EXPECT_EQ(e.at("chainHead").as_string(), "v1:head");
}

TEST(Hec, DetailsThatAreNotJsonStayText) {
  core::AuditEvent event = testing::TrickyEvent(1);
  event.details_json = "{not json";
  json::value v = json::parse(FormatHecEvent(event, "h", ""));
  EXPECT_EQ(v.at("event").at("details").as_string(), "{not json");
  event.details_json.clear();
  v = json::parse(FormatHecEvent(event, "h", ""));
  EXPECT_TRUE(v.at("event").at("details").as_object().empty());
}

TEST(Hec, BatchIsOneObjectALineAllVouchingForTheNewestHash) {
  Batch batch;
  for (int id = 1; id <= 3; ++id) {
    batch.push_back(std::make_shared<const core::AuditEvent>(testing::TrickyEvent(id)));
  }
  const std::string body = FormatHecBatch(batch, "h");
  std::size_t start = 0;
  int lines = 0;
  while (start < body.size()) {
    std::size_t end = body.find('\n', start);
    if (end == std::string::npos) end = body.size();
    const json::value v = json::parse(body.substr(start, end - start));
    ++lines;
    EXPECT_EQ(v.at("event").at("id").as_int64(), lines);
    EXPECT_EQ(v.at("event").at("chainHead").as_string(), batch.back()->hash);
    start = end + 1;
  }
  EXPECT_EQ(lines, 3);
  EXPECT_EQ(FormatHecBatch({}, "h"), "");
}

TEST(Hec, AuthorizationUsesTheSplunkScheme) {
  EXPECT_EQ(HecAuthorization("abc-123"), "Splunk abc-123");
}

TEST(HecUrl, ParsesSchemesPortsAndPaths) {
  auto https = ParseHecUrl("https://splunk:8088/services/collector/event");
  ASSERT_TRUE(https) << https.error().Message();
  EXPECT_TRUE(https->tls);
  EXPECT_EQ(https->host, "splunk");
  EXPECT_EQ(https->port, 8088);
  EXPECT_EQ(https->host_header, "splunk:8088");
  EXPECT_EQ(https->target, "/services/collector/event");

  auto plain = ParseHecUrl("http://[::1]");
  ASSERT_TRUE(plain) << plain.error().Message();
  EXPECT_FALSE(plain->tls);
  EXPECT_EQ(plain->host, "::1");
  EXPECT_EQ(plain->port, 80);
  EXPECT_EQ(plain->host_header, "[::1]");
  EXPECT_EQ(plain->target, "/services/collector/event");

  auto query = ParseHecUrl("https://hec.example.com/services/collector?channel=x");
  ASSERT_TRUE(query);
  EXPECT_EQ(query->port, 443);
  EXPECT_EQ(query->target, "/services/collector?channel=x");
}

TEST(HecUrl, RejectsWithTheTextInTheMessage) {
  for (const char* text : {"ftp://splunk", "https://", "http://h:0", "http://h:99999",
                           "http://h/#frag", "splunk:8088"}) {
    auto parsed = ParseHecUrl(text);
    ASSERT_FALSE(parsed) << text;
    EXPECT_NE(parsed.error().Message().find(std::string("\"") + text + "\""), std::string::npos)
        << parsed.error().Message();
  }
  auto credentials = ParseHecUrl("https://admin:hunter2@splunk:8088");
  ASSERT_FALSE(credentials);
  EXPECT_NE(credentials.error().Message().find("\"https://***@splunk:8088\""), std::string::npos);
  EXPECT_EQ(credentials.error().Message().find("hunter2"), std::string::npos);
}

}  // namespace
}  // namespace keyward::siem
