#include "http/service_endpoints.hpp"

#include <boost/json/object.hpp>
#include <boost/json/string.hpp>

#include <array>
#include <string>
#include <utility>

#include "core/locale.hpp"
#include "http/error_map.hpp"

namespace keyward::http {
namespace {

constexpr std::array kStatuses = {core::KeyStatus::kEnabled, core::KeyStatus::kDisabled,
                                  core::KeyStatus::kExpired, core::KeyStatus::kLockedOut};

}  // namespace

ServiceEndpoints::ServiceEndpoints(core::Store& store, const core::Clock& clock, Metrics& metrics,
                                   Logger& logger, std::function<bool()> ready,
                                   std::function<std::string()> degraded,
                                   std::chrono::steady_clock::duration gauge_ttl)
    : store_(store),
      clock_(clock),
      metrics_(metrics),
      logger_(logger),
      ready_(std::move(ready)),
      degraded_(std::move(degraded)),
      gauge_ttl_(gauge_ttl) {}

Reply ServiceEndpoints::Healthz() const {
  return Reply::Json(200, boost::json::object{{"status", "ok"}});
}

Reply ServiceEndpoints::Readyz() const {
  if (ready_) {
    if (ready_()) {
      boost::json::object body{{"status", "ready"}};
      if (degraded_) {
        if (std::string fault = degraded_(); !fault.empty()) body["degraded"] = fault;
      }
      return Reply::Json(200, std::move(body));
    }
    return ErrorReply(core::Unavailable("readiness check"), core::Locale::kEnUs);
  }
  // A read, not an empty unit of work: some stores open a transaction lazily, on first use.
  const core::Status st = store_.Transact([](core::UnitOfWork& uow) -> core::Status {
    KW_RETURN_IF_ERROR(uow.GetMeta("readyz"));
    return core::Ok();
  });
  if (st) return Reply::Json(200, boost::json::object{{"status", "ready"}});
  logger_.Warn("readiness check failed", {{"error", boost::json::string(LogDetail(st.error()))}});
  return ErrorReply(core::Unavailable("readiness check"), core::Locale::kEnUs);
}

Reply ServiceEndpoints::MetricsText() {
  RefreshKeyGauges();
  return Reply::Text(200, metrics_.Render(), "text/plain; version=0.0.4; charset=utf-8");
}

void ServiceEndpoints::RefreshKeyGauges() {
  std::lock_guard lock(mu_);
  const auto now = std::chrono::steady_clock::now();
  if (counted_at_ && now - *counted_at_ < gauge_ttl_) return;
  const core::Time at = clock_.Now();
  std::array<double, kStatuses.size()> counts{};
  const core::Status st = store_.Transact([&](core::UnitOfWork& uow) -> core::Status {
    KW_ASSIGN_OR_RETURN(std::vector<core::ApiKey> keys, uow.AllKeys());
    for (const core::ApiKey& key : keys) {
      const core::KeyStatus status = key.StatusAt(at);
      for (std::size_t i = 0; i < kStatuses.size(); ++i) {
        if (kStatuses[i] == status) counts[i] += 1;
      }
    }
    return core::Ok();
  });
  // Whatever the outcome, wait a full interval: a failing store is not hammered by scrapes.
  counted_at_ = now;
  if (!st) {
    logger_.Warn("counting keys failed", {{"error", boost::json::string(LogDetail(st.error()))}});
    return;
  }
  for (std::size_t i = 0; i < kStatuses.size(); ++i) {
    metrics_.SetGauge("keyward_keys", "API keys by status",
                      {{"status", core::KeyStatusName(kStatuses[i])}}, counts[i]);
  }
}

}  // namespace keyward::http
