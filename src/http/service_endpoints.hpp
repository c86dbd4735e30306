// The service endpoints of `keyward serve` that need no credential: GET /healthz (the process
// answers), GET /readyz (a store unit of work succeeds), GET /metrics (Prometheus text, with the
// keyward_keys{status} gauges counted from the store) and GET /v1/openapi.json.
//
// Counting keys reads every key, so the gauges are recounted at most once per `gauge_ttl`
// (5 s by default): scrapes stay cheap however often they come.
//
// Thread-safe: the gauge refresh is serialised by a mutex; everything else is stateless.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>

#include "core/clock.hpp"
#include "core/store/store.hpp"
#include "http/logger.hpp"
#include "http/metrics.hpp"
#include "http/reply.hpp"

namespace keyward::http {

class ServiceEndpoints {
 public:
  // The references must outlive this object. `logger` may be null (nothing is logged).
  ServiceEndpoints(core::Store& store, const core::Clock& clock, Metrics& metrics, Logger* logger,
                   std::chrono::steady_clock::duration gauge_ttl = std::chrono::seconds(5));

  // 200 {"status": "ok"}.
  Reply Healthz() const;
  // 200 {"status": "ready"} when ready, else 503 unavailable. Ready means the readiness check
  // given to set_readiness passes (the key index is within its staleness limit) or, without one,
  // that a store unit of work succeeds.
  Reply Readyz() const;
  // Replaces the store check of Readyz. Set before serving; not thread-safe.
  void set_readiness(std::function<bool()> ready) { ready_ = std::move(ready); }
  // 200 text/plain; version=0.0.4: the metrics registry, key gauges refreshed when stale. A store
  // failure while counting keeps the previous counts (and is logged): metrics never fail.
  Reply MetricsText();
  // 200 application/json: the OpenAPI document.
  Reply OpenApi() const;

 private:
  void RefreshKeyGauges();

  core::Store& store_;
  const core::Clock& clock_;
  Metrics& metrics_;
  Logger* logger_;
  std::function<bool()> ready_;
  const std::chrono::steady_clock::duration gauge_ttl_;

  std::mutex mu_;
  std::optional<std::chrono::steady_clock::time_point> counted_at_;  // guarded by mu_
};

}  // namespace keyward::http
