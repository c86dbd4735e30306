// End to end: a forwarder delivering to real receivers on 127.0.0.1 (UDP and TCP/TLS syslog, an
// HTTP Event Collector). No timing assertions: arrivals are awaited with a generous deadline.
#include "siem/forwarder.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json/parse.hpp>

#include <atomic>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "siem/syslog_sender.hpp"
#include "testing/siem/events.hpp"
#include "testing/siem/receivers.hpp"

namespace keyward::siem {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;
using testing::TrickyEvent;

constexpr char kToken[] = "hec-token-f00d";

ForwarderConfig FastConfig() {
  ForwarderConfig config;
  config.hostname = "kw-test";
  config.product_version = "1.0";
  config.io_timeout = milliseconds(1000);
  config.initial_backoff = milliseconds(20);
  config.max_backoff = milliseconds(200);
  config.drain_timeout = milliseconds(500);
  return config;
}

SyslogDestination Syslog(const std::string& url) {
  auto parsed = ParseSyslogUrl(url);
  if (!parsed) ADD_FAILURE() << url << ": " << parsed.error().Message();
  return parsed ? *parsed : SyslogDestination{};
}

std::string Port(std::uint16_t port) { return std::to_string(port); }

std::unique_ptr<SiemForwarder> Make(ForwarderConfig config) {
  auto made = SiemForwarder::Create(std::move(config));
  if (!made) ADD_FAILURE() << made.error().Message();
  return made ? std::move(made).value() : nullptr;
}

// Polls `done` until it holds or a generous deadline passes.
bool Eventually(const std::function<bool()>& done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(milliseconds(10));
  }
  return true;
}

std::string ExpectedSyslog(const core::AuditEvent& event) {
  SyslogHeader header;
  header.hostname = "kw-test";
  header.proc_id = std::to_string(::getpid());
  return SyslogMessage(header, event, "1.0");
}

// Every event object of every request, in arrival order.
std::vector<json::value> HecEvents(const std::vector<testing::HecRequest>& requests) {
  std::vector<json::value> events;
  for (const testing::HecRequest& request : requests) {
    std::size_t start = 0;
    while (start < request.body.size()) {
      std::size_t end = request.body.find('\n', start);
      if (end == std::string::npos) end = request.body.size();
      events.push_back(json::parse(request.body.substr(start, end - start)));
      start = end + 1;
    }
  }
  return events;
}

// The HEC side of DeliversToUdpTcpAndHec: `events`, in order, each POSTed with the token, every
// event of a request carrying the newest hash of that request as chainHead.
void ExpectHecReceived(testing::HecCollector& hec, const std::vector<core::AuditEvent>& events) {
  ASSERT_TRUE(Eventually([&] { return HecEvents(hec.requests().Snapshot()).size() >= 3; }));
  const std::vector<testing::HecRequest> requests = hec.requests().Snapshot();
  for (const testing::HecRequest& request : requests) {
    EXPECT_EQ(request.method, "POST");
    EXPECT_EQ(request.target, "/services/collector/event");
    EXPECT_EQ(request.authorization, std::string("Splunk ") + kToken);
    EXPECT_EQ(request.content_type, "application/json");
    const std::vector<json::value> in_request = HecEvents({request});
    const json::value& newest = in_request.back().at("event").at("hash");
    for (const json::value& v : in_request) EXPECT_EQ(v.at("event").at("chainHead"), newest);
  }
  const std::vector<json::value> received = HecEvents(requests);
  ASSERT_EQ(received.size(), 3u);
  for (std::size_t i = 0; i < events.size(); ++i) {
    const json::value& e = received[i].at("event");
    EXPECT_EQ(e.at("id").as_int64(), events[i].id);
    EXPECT_EQ(e.at("target").as_string(), events[i].target);
    EXPECT_EQ(e.at("details"), json::parse(events[i].details_json));
    EXPECT_EQ(received[i].at("host").as_string(), "kw-test");
  }
}

TEST(SiemForwarder, DeliversToUdpTcpAndHec) {
  testing::UdpSyslogReceiver udp;
  testing::StreamSyslogReceiver tcp;
  testing::HecCollector hec;
  ForwarderConfig config = FastConfig();
  config.syslog.push_back(Syslog("udp://127.0.0.1:" + Port(udp.port())));
  config.syslog.push_back(Syslog("tcp://127.0.0.1:" + Port(tcp.port())));
  config.hec.push_back(
      {"http://127.0.0.1:" + Port(hec.port()) + "/services/collector/event", kToken, false, ""});
  std::atomic<std::uint64_t> hook_delivered{0};
  std::atomic<std::uint64_t> hook_dropped{0};
  config.on_counts = [&](std::uint64_t delivered, std::uint64_t dropped) {
    hook_delivered += delivered;
    hook_dropped += dropped;
  };
  auto forwarder = Make(config);
  ASSERT_NE(forwarder, nullptr);
  forwarder->Start();
  const std::vector<core::AuditEvent> events = {TrickyEvent(1), TrickyEvent(2), TrickyEvent(3)};
  forwarder->Deliver({events[0], events[1]});
  forwarder->Deliver({events[2]});

  const std::vector<std::string> datagrams = udp.messages().WaitFor(3);
  const std::vector<std::string> frames = tcp.messages().WaitFor(3);
  ASSERT_EQ(datagrams.size(), 3u);
  ASSERT_EQ(frames.size(), 3u);
  for (std::size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(datagrams[i], ExpectedSyslog(events[i]));
    EXPECT_EQ(frames[i], ExpectedSyslog(events[i]));
    EXPECT_NE(frames[i].find("cs3=" + events[i].hash), std::string::npos);
    EXPECT_NE(frames[i].find("suser=account:7 a|b\\=c\\\\d "), std::string::npos) << frames[i];
    EXPECT_NE(frames[i].find("cs1=apikey:43\\n次の行 "), std::string::npos) << frames[i];
  }

  ASSERT_NO_FATAL_FAILURE(ExpectHecReceived(hec, events));

  ASSERT_TRUE(Eventually([&] { return forwarder->delivered() == 9; }));
  forwarder->Stop();
  EXPECT_EQ(forwarder->dropped(), 0u);
  EXPECT_EQ(hook_delivered.load(), 9u);
  EXPECT_EQ(hook_dropped.load(), 0u);
}

TEST(SiemForwarder, DeliversOverTlsOnlyToATrustedReceiver) {
  const testing::TestCertificate certificate = testing::MakeTestCertificate();
  const std::string ca_file = testing::WriteTempFile("ca.pem", certificate.cert_pem);
  testing::StreamSyslogReceiver tls(testing::MakeServerTlsContext(certificate));
  ForwarderConfig config = FastConfig();
  config.syslog.push_back(Syslog("tls://127.0.0.1:" + Port(tls.port()) + "?ca=" + ca_file));
  config.syslog.push_back(Syslog("tls://127.0.0.1:" + Port(tls.port())));  // system CAs only
  auto forwarder = Make(config);
  ASSERT_NE(forwarder, nullptr);
  forwarder->Start();
  forwarder->Deliver({TrickyEvent(1), TrickyEvent(2)});

  const std::vector<std::string> frames = tls.messages().WaitFor(2);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0], ExpectedSyslog(TrickyEvent(1)));
  EXPECT_EQ(frames[1], ExpectedSyslog(TrickyEvent(2)));
  ASSERT_TRUE(Eventually([&] {
    return forwarder->Stats()[1].last_error.find("certificate") != std::string::npos;
  })) << forwarder->Stats()[1].last_error;
  EXPECT_FALSE(forwarder->Stats()[1].healthy);
  EXPECT_EQ(tls.messages().Snapshot().size(), 2u);
  forwarder->Stop();
  EXPECT_EQ(forwarder->delivered(), 2u);
  EXPECT_EQ(forwarder->dropped(), 2u);
  std::filesystem::remove_all(std::filesystem::path(ca_file).parent_path());
}

TEST(SiemForwarder, PostsToAnHttpsCollectorItTrusts) {
  const testing::TestCertificate certificate = testing::MakeTestCertificate();
  const std::string ca_file = testing::WriteTempFile("ca.pem", certificate.cert_pem);
  testing::HecCollector hec(testing::HecCollector::Mode::kSuccess,
                            testing::MakeServerTlsContext(certificate));
  ForwarderConfig config = FastConfig();
  config.hec.push_back({"https://localhost:" + Port(hec.port()), kToken, false, ca_file});
  auto forwarder = Make(config);
  ASSERT_NE(forwarder, nullptr);
  forwarder->Start();
  forwarder->Deliver({TrickyEvent(1), TrickyEvent(2)});

  ASSERT_TRUE(Eventually([&] { return HecEvents(hec.requests().Snapshot()).size() >= 2; }));
  const std::vector<testing::HecRequest> requests = hec.requests().Snapshot();
  EXPECT_EQ(requests[0].authorization, std::string("Splunk ") + kToken);
  EXPECT_EQ(requests[0].target, "/services/collector/event");
  const std::vector<json::value> received = HecEvents(requests);
  EXPECT_EQ(received.back().at("event").at("chainHead").as_string(), TrickyEvent(2).hash);
  ASSERT_TRUE(Eventually([&] { return forwarder->delivered() == 2; }));
  forwarder->Stop();
  EXPECT_EQ(forwarder->dropped(), 0u);
  std::filesystem::remove_all(std::filesystem::path(ca_file).parent_path());
}

TEST(SiemForwarder, DeadDestinationsDoNotHoldUpTheOthers) {
  testing::UdpSyslogReceiver udp;
  testing::HecCollector busy(testing::HecCollector::Mode::kBusy);
  ForwarderConfig config = FastConfig();
  config.syslog.push_back(Syslog("tcp://127.0.0.1:" + Port(testing::DeadPort())));
  config.hec.push_back({"http://127.0.0.1:" + Port(busy.port()), kToken, false, ""});
  config.syslog.push_back(Syslog("udp://127.0.0.1:" + Port(udp.port())));
  std::mutex log_mu;
  std::vector<std::string> log;
  config.log = [&](std::string_view line) {
    std::lock_guard lock(log_mu);
    log.emplace_back(line);
  };
  auto forwarder = Make(config);
  ASSERT_NE(forwarder, nullptr);
  forwarder->Start();
  for (int id = 1; id <= 5; ++id) forwarder->Deliver({TrickyEvent(id)});

  EXPECT_EQ(udp.messages().WaitFor(5).size(), 5u);
  EXPECT_GE(busy.requests().WaitFor(2).size(), 2u);  // retried
  // Syslog destinations come first, in configuration order: dead TCP, UDP, then the collector.
  ASSERT_TRUE(Eventually([&] {
    const auto stats = forwarder->Stats();
    return !stats[0].healthy && !stats[2].healthy && forwarder->delivered() == 5;
  }));
  const auto stats = forwarder->Stats();
  EXPECT_NE(stats[0].last_error.find("connect"), std::string::npos) << stats[0].last_error;
  EXPECT_TRUE(stats[1].healthy);
  EXPECT_EQ(stats[1].delivered, 5u);
  EXPECT_NE(stats[2].last_error.find("503"), std::string::npos) << stats[2].last_error;
  forwarder->Stop();
  EXPECT_EQ(forwarder->delivered(), 5u);
  EXPECT_EQ(forwarder->dropped(), 10u);
  std::lock_guard lock(log_mu);
  ASSERT_FALSE(log.empty());
  for (const std::string& line : log) EXPECT_EQ(line.find(kToken), std::string::npos) << line;
}

TEST(SiemForwarder, OverflowDropsTheOldest) {
  testing::UdpSyslogReceiver udp;
  ForwarderConfig config = FastConfig();
  config.queue_capacity = 3;
  config.syslog.push_back(Syslog("udp://127.0.0.1:" + Port(udp.port())));
  auto forwarder = Make(config);
  ASSERT_NE(forwarder, nullptr);
  for (int id = 1; id <= 5; ++id) forwarder->Deliver({TrickyEvent(id)});
  EXPECT_EQ(forwarder->dropped(), 2u);
  EXPECT_EQ(forwarder->Stats()[0].pending, 3u);

  forwarder->Start();
  const std::vector<std::string> datagrams = udp.messages().WaitFor(3);
  ASSERT_EQ(datagrams.size(), 3u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(datagrams[i], ExpectedSyslog(TrickyEvent(i + 3)));
  ASSERT_TRUE(Eventually([&] { return forwarder->delivered() == 3; }));
  forwarder->Stop();
  EXPECT_EQ(forwarder->dropped(), 2u);
}

TEST(SiemForwarder, OverflowWhileADestinationIsDownCountsEveryDrop) {
  ForwarderConfig config = FastConfig();
  config.queue_capacity = 10;
  config.max_batch = 5;
  config.syslog.push_back(Syslog("tcp://127.0.0.1:" + Port(testing::DeadPort())));
  auto forwarder = Make(config);
  ASSERT_NE(forwarder, nullptr);
  forwarder->Start();
  for (int id = 1; id <= 100; ++id) forwarder->Deliver({TrickyEvent(id)});
  // At most the queue and one batch in flight are still held.
  EXPECT_GE(forwarder->dropped(), 100u - 10u - 5u);
  EXPECT_LE(forwarder->Stats()[0].pending, 10u);
  forwarder->Stop();
  EXPECT_EQ(forwarder->delivered(), 0u);
  EXPECT_EQ(forwarder->dropped(), 100u);
}

TEST(SiemForwarder, ACollectorThatNeverAnswersIsCutOff) {
  testing::HecCollector silent(testing::HecCollector::Mode::kSilent);
  ForwarderConfig config = FastConfig();
  config.io_timeout = milliseconds(200);
  config.hec.push_back({"http://127.0.0.1:" + Port(silent.port()), kToken, false, ""});
  auto forwarder = Make(config);
  ASSERT_NE(forwarder, nullptr);
  forwarder->Start();
  forwarder->Deliver({TrickyEvent(1)});
  ASSERT_TRUE(Eventually([&] {
    return forwarder->Stats()[0].last_error.find("timed out") != std::string::npos;
  })) << forwarder->Stats()[0].last_error;
  EXPECT_GE(silent.requests().Snapshot().size(), 1u);
  forwarder->Stop();
  EXPECT_EQ(forwarder->delivered(), 0u);
  EXPECT_EQ(forwarder->dropped(), 1u);
}

TEST(SiemForwarder, EventsAfterStopAreCountedAsDropped) {
  testing::UdpSyslogReceiver udp;
  ForwarderConfig config = FastConfig();
  config.syslog.push_back(Syslog("udp://127.0.0.1:" + Port(udp.port())));
  config.syslog.push_back(Syslog("udp://127.0.0.1:" + Port(udp.port())));
  auto forwarder = Make(config);
  ASSERT_NE(forwarder, nullptr);
  forwarder->Start();
  forwarder->Stop();
  forwarder->Deliver({TrickyEvent(1), TrickyEvent(2)});
  EXPECT_EQ(forwarder->dropped(), 4u);
  forwarder->Stop();  // idempotent
}

TEST(SiemForwarder, CreateNamesTheBadDestination) {
  ForwarderConfig bad_url = FastConfig();
  bad_url.hec.push_back({"ftp://splunk", kToken, false, ""});
  auto made = SiemForwarder::Create(bad_url);
  ASSERT_FALSE(made);
  EXPECT_NE(made.error().Message().find("ftp://splunk"), std::string::npos);

  ForwarderConfig no_token = FastConfig();
  no_token.hec.push_back({"https://splunk:8088", "", false, ""});
  made = SiemForwarder::Create(no_token);
  ASSERT_FALSE(made);
  EXPECT_NE(made.error().Message().find("token"), std::string::npos);

  ForwarderConfig missing_ca = FastConfig();
  missing_ca.syslog.push_back(Syslog("tls://127.0.0.1:6514?ca=/nonexistent/ca.pem"));
  made = SiemForwarder::Create(missing_ca);
  ASSERT_FALSE(made);
  EXPECT_NE(made.error().Message().find("/nonexistent/ca.pem"), std::string::npos);

  ForwarderConfig no_queue = FastConfig();
  no_queue.queue_capacity = 0;
  EXPECT_FALSE(SiemForwarder::Create(no_queue));
}

}  // namespace
}  // namespace keyward::siem
