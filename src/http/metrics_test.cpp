#include "http/metrics.hpp"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace keyward::http {
namespace {

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(Metrics, RendersTheRequestHistogramCumulatively) {
  Metrics metrics;
  metrics.ObserveRequest("GET", 200, 0.003);
  metrics.ObserveRequest("GET", 204, 0.2);
  metrics.ObserveRequest("GET", 201, 30);
  const std::string text = metrics.Render();
  EXPECT_TRUE(Contains(text, "# TYPE keyward_request_duration_seconds histogram\n")) << text;
  EXPECT_TRUE(Contains(text, "# HELP keyward_request_duration_seconds "));
  const std::string series = R"(keyward_request_duration_seconds_bucket{method="GET",code="2xx",)";
  EXPECT_TRUE(Contains(text, series + R"(le="0.0025"} 0)"
                                      "\n"))
      << text;
  EXPECT_TRUE(Contains(text, series + R"(le="0.005"} 1)"
                                      "\n"))
      << text;
  EXPECT_TRUE(Contains(text, series + R"(le="0.25"} 2)"
                                      "\n"))
      << text;
  EXPECT_TRUE(Contains(text, series + R"(le="10"} 2)"
                                      "\n"))
      << text;
  EXPECT_TRUE(Contains(text, series + R"(le="+Inf"} 3)"
                                      "\n"))
      << text;
  EXPECT_TRUE(
      Contains(text, R"(keyward_request_duration_seconds_count{method="GET",code="2xx"} 3)"));
  EXPECT_TRUE(
      Contains(text, R"(keyward_request_duration_seconds_sum{method="GET",code="2xx"} 30.203)"));
}

TEST(Metrics, LabelsRequestsOnlyByMethodAndStatusClass) {
  Metrics metrics;
  metrics.ObserveRequest("BREW", 418, 0.01);
  metrics.ObserveRequest("DELETE", 503, 0.01);
  const std::string text = metrics.Render();
  EXPECT_TRUE(Contains(text, R"(_count{method="OTHER",code="4xx"} 1)")) << text;
  EXPECT_TRUE(Contains(text, R"(_count{method="DELETE",code="5xx"} 1)")) << text;
  EXPECT_FALSE(Contains(text, "BREW"));
  EXPECT_FALSE(Contains(text, "418"));
}

TEST(Metrics, CountsVerificationsByOutcome) {
  Metrics metrics;
  metrics.IncrementVerification("VALID");
  metrics.IncrementVerification("VALID");
  metrics.IncrementVerification("NOT_FOUND");
  metrics.IncrementVerification("SOMETHING_NEW");
  const std::string text = metrics.Render();
  EXPECT_TRUE(Contains(text, "# TYPE keyward_verifications_total counter\n"));
  EXPECT_TRUE(Contains(text, "keyward_verifications_total{outcome=\"VALID\"} 2\n")) << text;
  EXPECT_TRUE(Contains(text, "keyward_verifications_total{outcome=\"NOT_FOUND\"} 1\n"));
  EXPECT_TRUE(Contains(text, "keyward_verifications_total{outcome=\"EXPIRED\"} 0\n"));
  EXPECT_TRUE(Contains(text, "keyward_verifications_total{outcome=\"SOMETHING_NEW\"} 1\n"));
  // One family, one header, however its series were registered.
  EXPECT_EQ(text.find("# TYPE keyward_verifications_total"),
            text.rfind("# TYPE keyward_verifications_total"));
}

TEST(Metrics, RendersTheVerificationHistogramByEndpoint) {
  Metrics metrics;
  metrics.ObserveVerification("authz", 0.00002);
  metrics.ObserveVerification("authz", 0.003);
  metrics.ObserveVerification("verify", -1);
  metrics.ObserveVerification("somewhere", 0.5);
  const std::string text = metrics.Render();
  EXPECT_TRUE(Contains(text, "# TYPE keyward_verification_duration_seconds histogram\n")) << text;
  const std::string authz = R"(keyward_verification_duration_seconds_bucket{endpoint="authz",)";
  EXPECT_TRUE(Contains(text, authz + R"(le="1e-05"} 0)"
                                     "\n"))
      << text;
  EXPECT_TRUE(Contains(text, authz + R"(le="2.5e-05"} 1)"
                                     "\n"))
      << text;
  EXPECT_TRUE(Contains(text, authz + R"(le="0.005"} 2)"
                                     "\n"))
      << text;
  EXPECT_TRUE(Contains(text, authz + R"(le="+Inf"} 2)"
                                     "\n"))
      << text;
  EXPECT_TRUE(Contains(
      text, R"(keyward_verification_duration_seconds_bucket{endpoint="verify",le="1e-05"} 1)"));
  EXPECT_TRUE(Contains(text, R"(keyward_verification_duration_seconds_count{endpoint="other"} 1)"));
  EXPECT_FALSE(Contains(text, "somewhere"));
}

TEST(Metrics, SetsGaugesWithLabels) {
  Metrics metrics;
  metrics.SetGauge("keyward_keys", "API keys by status.", {{"status", "enabled"}}, 5);
  metrics.SetGauge("keyward_keys", "API keys by status.", {{"status", "disabled"}}, 2);
  metrics.SetGauge("keyward_keys", "API keys by status.", {{"status", "enabled"}}, 6);
  const std::string text = metrics.Render();
  EXPECT_TRUE(
      Contains(text, "# HELP keyward_keys API keys by status.\n# TYPE keyward_keys gauge\n"))
      << text;
  EXPECT_TRUE(Contains(text, "keyward_keys{status=\"enabled\"} 6\n")) << text;
  EXPECT_TRUE(Contains(text, "keyward_keys{status=\"disabled\"} 2\n")) << text;
}

TEST(Metrics, EscapesLabelValuesAndHelp) {
  Metrics metrics;
  metrics.GetCounter("keyward_test_total", "line one\nback\\slash", {{"v", "a\"b\\c\nd"}})
      .Increment();
  const std::string text = metrics.Render();
  EXPECT_TRUE(Contains(text, "# HELP keyward_test_total line one\\nback\\\\slash\n")) << text;
  EXPECT_TRUE(Contains(text, R"(keyward_test_total{v="a\"b\\c\nd"} 1)"
                             "\n"))
      << text;
}

TEST(Metrics, ReturnsTheSameCounterForTheSameNameAndLabels) {
  Metrics metrics;
  Metrics::Counter& a = metrics.GetCounter("keyward_x_total", "X.", {{"k", "v"}});
  Metrics::Counter& b = metrics.GetCounter("keyward_x_total", "X.", {{"k", "v"}});
  Metrics::Counter& c = metrics.GetCounter("keyward_x_total", "X.", {{"k", "w"}});
  EXPECT_EQ(&a, &b);
  EXPECT_NE(&a, &c);
}

TEST(Metrics, TracksOpenAndRejectedConnections) {
  Metrics metrics;
  metrics.ConnectionOpened();
  metrics.ConnectionOpened();
  metrics.ConnectionClosed();
  metrics.ConnectionRejected();
  const std::string text = metrics.Render();
  EXPECT_TRUE(Contains(text, "keyward_http_connections 1\n")) << text;
  EXPECT_TRUE(Contains(text, "keyward_http_connections_rejected_total 1\n")) << text;
}

TEST(Metrics, LosesNoObservationUnderConcurrency) {
  Metrics metrics;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&metrics] {
      for (int i = 0; i < 1000; ++i) {
        metrics.ObserveRequest("POST", 200, 0.001);
        metrics.IncrementVerification("VALID");
      }
    });
  }
  for (auto& thread : threads) thread.join();
  const std::string text = metrics.Render();
  EXPECT_TRUE(Contains(text, R"(_count{method="POST",code="2xx"} 4000)")) << text;
  EXPECT_TRUE(Contains(text, "keyward_verifications_total{outcome=\"VALID\"} 4000\n"));
}

}  // namespace
}  // namespace keyward::http
