// The service endpoints of `keyward serve` that need no credential and belong to no API surface:
// GET /healthz (the process answers), GET /readyz (the readiness check passes) and GET /metrics
// (Prometheus text, with the keyward_keys{status} gauges counted from the store). A surface's
// route table names them (v1/routes.cpp); each surface serves its own OpenAPI document.
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
#include <string>

#include "core/clock.hpp"
#include "core/store/store.hpp"
#include "http/logger.hpp"
#include "http/metrics.hpp"
#include "http/reply.hpp"

namespace keyward::http {

class ServiceEndpoints {
 public:
  // The references must outlive this object. `ready` is what /readyz answers by (the app's: the
  // key index is within its staleness limit); left empty, /readyz asks whether a store unit of
  // work succeeds. `degraded` names a fault that leaves the node ready (the store refuses writes
  // but verification goes on from the index), or is empty; left empty, none is named.
  ServiceEndpoints(core::Store& store, const core::Clock& clock, Metrics& metrics, Logger& logger,
                   std::function<bool()> ready = {}, std::function<std::string()> degraded = {},
                   std::chrono::steady_clock::duration gauge_ttl = std::chrono::seconds(5));

  // 200 {"status": "ok"}.
  Reply Healthz() const;
  // 200 {"status": "ready"} when ready, with "degraded": the fault's words while the store refuses
  // writes; else 503 unavailable. Ready means the readiness check given at construction passes
  // or, without one, that a store unit of work succeeds.
  Reply Readyz() const;
  // 200 text/plain; version=0.0.4: the metrics registry, key gauges refreshed when stale. A store
  // failure while counting keeps the previous counts (and is logged): metrics never fail.
  Reply MetricsText();

 private:
  void RefreshKeyGauges();

  core::Store& store_;
  const core::Clock& clock_;
  Metrics& metrics_;
  Logger& logger_;
  const std::function<bool()> ready_;
  const std::function<std::string()> degraded_;
  const std::chrono::steady_clock::duration gauge_ttl_;

  std::mutex mu_;
  std::optional<std::chrono::steady_clock::time_point> counted_at_;  // guarded by mu_
};

}  // namespace keyward::http
