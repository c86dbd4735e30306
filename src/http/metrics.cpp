#include "http/metrics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace keyward::http {
namespace {

constexpr std::array<std::string_view, 8> kMethodNames = {"GET",   "HEAD",   "POST",    "PUT",
                                                          "PATCH", "DELETE", "OPTIONS", "OTHER"};
constexpr std::array<std::string_view, 5> kStatusClassNames = {"1xx", "2xx", "3xx", "4xx", "5xx"};
// core::OutcomeName's wire names, fixed here so the hot path is a handful of compares.
constexpr std::array<std::string_view, 10> kOutcomeNames = {
    "VALID",        "MALFORMED",  "NOT_FOUND",      "DISABLED",
    "EXPIRED",      "LOCKED_OUT", "IP_NOT_ALLOWED", "INSUFFICIENT_PERMISSIONS",
    "RATE_LIMITED", "UNAVAILABLE"};

constexpr std::array<std::string_view, 3> kEndpointNames = {"verify", "authz", "other"};

constexpr std::string_view kRequestsName = "keyward_request_duration_seconds";
constexpr std::string_view kVerificationTimesName = "keyward_verification_duration_seconds";
constexpr std::string_view kVerificationsName = "keyward_verifications_total";
constexpr std::string_view kVerificationsHelp = "Key verifications, by outcome.";

std::size_t MethodIndex(std::string_view method) {
  for (std::size_t i = 0; i + 1 < kMethodNames.size(); ++i) {
    if (kMethodNames[i] == method) return i;
  }
  return kMethodNames.size() - 1;
}

std::size_t EndpointIndex(std::string_view endpoint) {
  for (std::size_t i = 0; i + 1 < kEndpointNames.size(); ++i) {
    if (kEndpointNames[i] == endpoint) return i;
  }
  return kEndpointNames.size() - 1;
}

std::size_t StatusClassIndex(unsigned status) {
  if (status < 200) return 0;
  if (status >= 500) return 4;
  return status / 100 - 1;
}

// Escapes a label value: backslash, double quote and line feed (format 0.0.4).
void AppendEscaped(std::string& out, std::string_view text, bool quote) {
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quote) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

std::string FormatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", v);
}

void AppendLabels(std::string& out, const Metrics::Labels& labels) {
  if (labels.empty()) return;
  out += '{';
  bool first = true;
  for (const auto& [name, value] : labels) {
    if (!first) out += ',';
    first = false;
    out += name;
    out += "=\"";
    AppendEscaped(out, value, /*quote=*/true);
    out += '"';
  }
  out += '}';
}

void AppendHeader(std::string& out, std::string_view name, std::string_view help,
                  std::string_view type) {
  out += "# HELP ";
  out += name;
  out += ' ';
  AppendEscaped(out, help, /*quote=*/false);
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

// Adds one observation of `seconds` to `histogram`, whose buckets have upper bounds `bounds`.
template <class Histogram, std::size_t N>
void Record(Histogram& histogram, const std::array<double, N>& bounds, double seconds) {
  if (!(seconds >= 0)) seconds = 0;  // NaN fails every comparison
  const auto bucket = std::lower_bound(bounds.begin(), bounds.end(), seconds) - bounds.begin();
  histogram.buckets[static_cast<std::size_t>(bucket)].fetch_add(1, std::memory_order_relaxed);
  histogram.sum.fetch_add(seconds, std::memory_order_relaxed);
}

// Appends the _bucket, _sum and _count lines of one histogram series labelled `labels`
// ("method=\"GET\",code=\"2xx\""); nothing for a series that has seen no observation, which keeps
// the page short.
template <class Histogram, std::size_t N>
void AppendHistogram(std::string& out, std::string_view name, std::string_view labels,
                     const Histogram& histogram, const std::array<double, N>& bounds) {
  // Read each bucket once; _count is their total, so the three parts of a series agree even
  // while observations are being recorded.
  std::array<std::uint64_t, N + 1> counts{};
  std::uint64_t total = 0;
  for (std::size_t b = 0; b < counts.size(); ++b) {
    counts[b] = histogram.buckets[b].load(std::memory_order_relaxed);
    total += counts[b];
  }
  if (total == 0) return;
  std::uint64_t cumulative = 0;
  for (std::size_t b = 0; b < counts.size(); ++b) {
    cumulative += counts[b];
    const std::string le = b < N ? FormatValue(bounds[b]) : "+Inf";
    out += fmt::format("{}_bucket{{{},le=\"{}\"}} {}\n", name, labels, le, cumulative);
  }
  out += fmt::format("{}_sum{{{}}} {}\n", name, labels,
                     FormatValue(histogram.sum.load(std::memory_order_relaxed)));
  out += fmt::format("{}_count{{{}}} {}\n", name, labels, total);
}

}  // namespace

struct Metrics::Family {
  bool is_gauge = false;
  std::string help;
  std::map<Labels, std::unique_ptr<Counter>> counters;
  std::map<Labels, std::unique_ptr<std::atomic<double>>> gauges;
};

Metrics::Metrics() {
  static_assert(kMethodNames.size() == kMethods && kStatusClassNames.size() == kStatusClasses);
  static_assert(kOutcomeNames.size() == kKnownOutcomes && kEndpointNames.size() == kEndpoints);
  for (std::size_t i = 0; i < kOutcomeNames.size(); ++i) {
    verifications_[i] = &GetCounter(kVerificationsName, kVerificationsHelp,
                                    {{"outcome", std::string(kOutcomeNames[i])}});
  }
  std::lock_guard lock(mu_);
  connections_ = &GaugeLocked("keyward_http_connections", "Open HTTP connections.", {});
  connections_rejected_ = &GetCounterLocked(
      "keyward_http_connections_rejected_total",
      "Connections closed on arrival because the server was at its connection limit.", {});
}

Metrics::~Metrics() = default;

void Metrics::ObserveRequest(std::string_view method, unsigned status, double seconds) {
  Record(requests_[MethodIndex(method)][StatusClassIndex(status)], kLatencyBuckets, seconds);
}

void Metrics::ObserveVerification(std::string_view endpoint, double seconds) {
  Record(verification_times_[EndpointIndex(endpoint)], kVerificationBuckets, seconds);
}

void Metrics::IncrementVerification(std::string_view outcome) {
  for (std::size_t i = 0; i < kOutcomeNames.size(); ++i) {
    if (kOutcomeNames[i] == outcome) {
      verifications_[i]->Increment();
      return;
    }
  }
  GetCounter(kVerificationsName, kVerificationsHelp, {{"outcome", std::string(outcome)}})
      .Increment();
}

void Metrics::ConnectionOpened() { connections_->fetch_add(1, std::memory_order_relaxed); }
void Metrics::ConnectionClosed() { connections_->fetch_sub(1, std::memory_order_relaxed); }
void Metrics::ConnectionRejected() { connections_rejected_->Increment(); }

Metrics::Counter& Metrics::GetCounter(std::string_view name, std::string_view help, Labels labels) {
  std::lock_guard lock(mu_);
  return GetCounterLocked(name, help, std::move(labels));
}

Metrics::Counter& Metrics::GetCounterLocked(std::string_view name, std::string_view help,
                                            Labels labels) {
  auto it = families_.find(name);
  if (it == families_.end()) {
    auto family = std::make_unique<Family>();
    family->help = help;
    it = families_.emplace(std::string(name), std::move(family)).first;
  }
  Family& family = *it->second;
  if (family.is_gauge) return *orphans_.emplace_back(std::make_unique<Counter>());
  auto& slot = family.counters[std::move(labels)];
  if (!slot) slot = std::make_unique<Counter>();
  return *slot;
}

void Metrics::SetGauge(std::string_view name, std::string_view help, Labels labels, double value) {
  std::lock_guard lock(mu_);
  GaugeLocked(name, help, std::move(labels)).store(value, std::memory_order_relaxed);
}

std::atomic<double>& Metrics::GaugeLocked(std::string_view name, std::string_view help,
                                          Labels labels) {
  auto it = families_.find(name);
  if (it == families_.end()) {
    auto family = std::make_unique<Family>();
    family->is_gauge = true;
    family->help = help;
    it = families_.emplace(std::string(name), std::move(family)).first;
  }
  Family& family = *it->second;
  auto& slot = family.gauges[std::move(labels)];
  if (!slot) slot = std::make_unique<std::atomic<double>>(0);
  // A gauge set under a counter's name is kept (so the reference is valid) but never rendered.
  return *slot;
}

std::string Metrics::Render() const {
  std::string out;
  RenderRequests(out);
  RenderVerifications(out);
  std::lock_guard lock(mu_);
  for (const auto& [name, family] : families_) {
    AppendHeader(out, name, family->help, family->is_gauge ? "gauge" : "counter");
    if (family->is_gauge) {
      for (const auto& [labels, value] : family->gauges) {
        out += name;
        AppendLabels(out, labels);
        out += ' ';
        out += FormatValue(value->load(std::memory_order_relaxed));
        out += '\n';
      }
    } else {
      for (const auto& [labels, counter] : family->counters) {
        out += name;
        AppendLabels(out, labels);
        out += ' ';
        out += std::to_string(counter->value());
        out += '\n';
      }
    }
  }
  return out;
}

void Metrics::RenderRequests(std::string& out) const {
  AppendHeader(out, kRequestsName,
               "Time from a request's arrival to the end of its response, by method and status "
               "class.",
               "histogram");
  for (std::size_t m = 0; m < kMethods; ++m) {
    for (std::size_t c = 0; c < kStatusClasses; ++c) {
      const std::string labels =
          fmt::format("method=\"{}\",code=\"{}\"", kMethodNames[m], kStatusClassNames[c]);
      AppendHistogram(out, kRequestsName, labels, requests_[m][c], kLatencyBuckets);
    }
  }
}

void Metrics::RenderVerifications(std::string& out) const {
  AppendHeader(out, kVerificationTimesName,
               "Time the verification chain took to decide on a presented key, by endpoint.",
               "histogram");
  for (std::size_t e = 0; e < kEndpoints; ++e) {
    const std::string labels = fmt::format("endpoint=\"{}\"", kEndpointNames[e]);
    AppendHistogram(out, kVerificationTimesName, labels, verification_times_[e],
                    kVerificationBuckets);
  }
}

}  // namespace keyward::http
