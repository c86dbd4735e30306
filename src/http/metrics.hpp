// Metrics: a small registry of counters, gauges and one request-latency histogram, rendered in
// the Prometheus text exposition format 0.0.4 for GET /metrics. No external library.
//
// Built in:
//   keyward_request_duration_seconds{method,code}  histogram; code is the status class "2xx"...
//   keyward_verifications_total{outcome}          counter
//   keyward_verification_duration_seconds{endpoint} histogram; endpoint "verify", "authz", "other"
//   keyward_http_connections                      gauge, open connections
//   keyward_http_connections_rejected_total       counter, connections refused at the limit
// plus any counter (GetCounter()) or gauge (SetGauge()) a caller registers.
//
// Label cardinality stays bounded by design: the histogram is labelled only by method (unknown
// methods fold into "OTHER") and status class, never by path.
//
// Thread-safe. ObserveRequest, ObserveVerification, IncrementVerification (for the known
// outcomes), connection accounting and Counter::Increment are lock-free (relaxed atomics);
// registering a new series and Render take a mutex.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace keyward::http {

class Metrics {
 public:
  using Labels = std::vector<std::pair<std::string, std::string>>;

  // A monotonically increasing count.
  class Counter {
   public:
    void Increment(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
    std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

   private:
    std::atomic<std::uint64_t> value_{0};
  };

  // The Content-Type of Render()'s output, for GET /metrics.
  static constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

  // Upper bounds (seconds) of the latency histogram's buckets, +Inf excluded.
  static constexpr std::array<double, 14> kLatencyBuckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  // Upper bounds (seconds) of the verification histogram's buckets, +Inf excluded: a verification
  // from the in-memory index takes microseconds.
  static constexpr std::array<double, 14> kVerificationBuckets = {
      0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001,
      0.0025,  0.005,    0.01,    0.025,  0.05,    0.1,    1};

  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Records one answered request: its method (e.g. "GET"), status code and duration (a negative
  // or NaN duration counts as 0).
  void ObserveRequest(std::string_view method, unsigned status, double seconds);

  // keyward_verifications_total{outcome="<outcome>"} += 1. `outcome` is a wire name such as
  // "VALID" or "NOT_FOUND"; the known ones are lock-free, others are registered on first use.
  void IncrementVerification(std::string_view outcome);

  // Records how long one verification took at `endpoint` ("verify" or "authz"; anything else
  // folds into "other"). A negative or NaN duration counts as 0.
  void ObserveVerification(std::string_view endpoint, double seconds);

  // Connection accounting for keyward_http_connections and ..._rejected_total.
  void ConnectionOpened();
  void ConnectionClosed();
  void ConnectionRejected();

  // Returns the counter `name{labels}`, created at zero on first use. The reference stays valid
  // for the Metrics' lifetime: look it up once and keep it on hot paths (the lookup locks).
  // `name` and label names must be valid Prometheus names; label values and `help` may hold
  // anything (escaped on output). The help text of the first registration wins. If `name` is
  // already a gauge, the counter returned works but is never rendered.
  Counter& GetCounter(std::string_view name, std::string_view help, Labels labels = {});

  // Sets the gauge `name{labels}` to `value` (e.g. keyward_keys{status="enabled"}).
  void SetGauge(std::string_view name, std::string_view help, Labels labels, double value);

  // The whole registry in text exposition format 0.0.4, one family after another, each with its
  // # HELP and # TYPE lines. Histogram buckets are cumulative and end with le="+Inf".
  std::string Render() const;

 private:
  static constexpr std::size_t kMethods = 8;        // GET HEAD POST PUT PATCH DELETE OPTIONS OTHER
  static constexpr std::size_t kStatusClasses = 5;  // 1xx .. 5xx
  static constexpr std::size_t kKnownOutcomes = 10;
  static constexpr std::size_t kEndpoints = 3;  // verify authz other

  // One histogram series over `Bounds` (+Inf excluded).
  template <std::size_t Bounds>
  struct Histogram {
    std::array<std::atomic<std::uint64_t>, Bounds + 1> buckets{};  // last: +Inf
    std::atomic<double> sum{0};
  };
  using RequestHistogram = Histogram<kLatencyBuckets.size()>;
  using VerificationHistogram = Histogram<kVerificationBuckets.size()>;
  struct Family;

  Counter& GetCounterLocked(std::string_view name, std::string_view help, Labels labels);
  std::atomic<double>& GaugeLocked(std::string_view name, std::string_view help, Labels labels);
  void RenderRequests(std::string& out) const;
  void RenderVerifications(std::string& out) const;

  // The histograms are fixed arrays, so the hot path needs no lookup and no lock.
  std::array<std::array<RequestHistogram, kStatusClasses>, kMethods> requests_;
  std::array<VerificationHistogram, kEndpoints> verification_times_;

  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<Family>, std::less<>> families_;  // guarded by mu_
  std::vector<std::unique_ptr<Counter>> orphans_;                         // guarded by mu_

  // Series registered at construction, cached so their updates skip the lookup.
  std::array<Counter*, kKnownOutcomes> verifications_{};
  std::atomic<double>* connections_ = nullptr;
  Counter* connections_rejected_ = nullptr;
};

}  // namespace keyward::http
