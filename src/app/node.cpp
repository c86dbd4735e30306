#include "app/node.hpp"

#include <fstream>
#include <sstream>

#include "storage/postgres/postgres_store.hpp"

namespace keyward::app {
namespace {

// Hands each committed batch of audit events to the SIEM forwarder (which only queues them).
class SiemSink final : public core::AuditSink {
 public:
  explicit SiemSink(siem::SiemForwarder& forwarder) : forwarder_(forwarder) {}
  void Deliver(const std::vector<core::AuditEvent>& committed) override {
    forwarder_.Deliver(committed);
  }

 private:
  siem::SiemForwarder& forwarder_;
};

core::Error SetupError(std::string text) {
  return core::MakeError(core::ErrorCode::kInvalidArgument, core::Msg::kSetting, {std::move(text)});
}

// The HEC token: from the file named, else from KEYWARD_HEC_TOKEN. Never logged.
core::Result<std::string> HecToken(const ServeConfig& config) {
  std::string token;
  if (config.hec_token_file) {
    std::ifstream in(*config.hec_token_file);
    if (!in) return SetupError("--hec-token-file: cannot read " + *config.hec_token_file);
    std::getline(in, token);
  } else if (const char* env = std::getenv("KEYWARD_HEC_TOKEN"); env != nullptr) {
    token = env;
  }
  while (!token.empty() && (token.back() == '\r' || token.back() == ' ')) token.pop_back();
  if (token.empty()) {
    return SetupError("--hec-url needs a token: --hec-token-file or KEYWARD_HEC_TOKEN");
  }
  return token;
}

core::Result<std::unique_ptr<siem::SiemForwarder>> MakeForwarder(const ServeConfig& config,
                                                                 http::Logger& logger,
                                                                 http::Metrics& metrics) {
  if (config.syslog_urls.empty() && !config.hec_url) {
    return std::unique_ptr<siem::SiemForwarder>();
  }
  siem::ForwarderConfig fc;
  for (const std::string& url : config.syslog_urls) {
    KW_ASSIGN_OR_RETURN(siem::SyslogDestination dest, siem::ParseSyslogUrl(url));
    fc.syslog.push_back(std::move(dest));
  }
  if (config.hec_url) {
    siem::HecDestination hec;
    hec.url = *config.hec_url;
    KW_ASSIGN_OR_RETURN(hec.token, HecToken(config));
    fc.hec.push_back(std::move(hec));
  }
  fc.log = [&logger](std::string_view line) {
    logger.Warn("siem delivery", {{"detail", std::string(line)}});
  };
  http::Metrics::Counter& delivered = metrics.GetCounter(
      "keyward_siem_delivered_total", "Audit events delivered to SIEM destinations");
  http::Metrics::Counter& dropped = metrics.GetCounter(
      "keyward_siem_dropped_total", "Audit events dropped before reaching a SIEM destination");
  fc.on_counts = [&delivered, &dropped](std::uint64_t d, std::uint64_t x) {
    if (d > 0) delivered.Increment(d);
    if (x > 0) dropped.Increment(x);
  };
  return siem::SiemForwarder::Create(std::move(fc));
}

}  // namespace

Node::Node(const ServeConfig& config, http::Logger& logger) : config_(config), logger_(logger) {}

core::Result<std::unique_ptr<Node>> Node::Open(const ServeConfig& config, http::Logger& logger,
                                               http::Metrics& metrics) {
  std::unique_ptr<Node> node(new Node(config, logger));
  KW_RETURN_IF_ERROR(node->Start(metrics));
  return node;
}

core::Status Node::Start(http::Metrics& metrics) {
  KW_ASSIGN_OR_RETURN(opened_, OpenStore(config_, random_, IfMissing::kCreate));
  if (opened_.migration_backup) {
    logger_.Info("schema backup before migrating", {{"path", *opened_.migration_backup}});
  }
  KW_ASSIGN_OR_RETURN(siem_, MakeForwarder(config_, logger_, metrics));
  if (siem_) {
    siem_sink_ = std::make_unique<SiemSink>(*siem_);
    siem_->Start();
  }
  chain_ =
      std::make_unique<core::AuditChainStore>(*opened_.store, opened_.peppers, siem_sink_.get());
  core::KeyIndexOptions index_options;
  index_options.staleness_limit = core::Seconds{config_.index_staleness_seconds};
  index_ = std::make_unique<core::KeyIndex>(*chain_, clock_, index_options);
  if (opened_.postgres != nullptr) KW_RETURN_IF_ERROR(FollowOtherNodes());
  KW_RETURN_IF_ERROR(index_->Load());
  index_->Start();
  hasher_ = std::make_unique<core::SecretHasher>(opened_.peppers);
  core::KeyServiceOptions key_options;
  key_options.allowlist.allow_private = config_.allow_private_ips;
  keys_ =
      std::make_unique<core::KeyService>(index_->store(), clock_, random_, *hasher_, key_options);
  throttle_ = std::make_unique<core::SlidingFailureThrottle>(config_.throttle_per_minute);
  recorder_ = std::make_unique<core::AuthFailureRecorder>(*chain_, clock_);
  recorder_->Start();
  verifier_ = std::make_unique<core::Verifier>(
      *index_, *hasher_, clock_,
      core::LockoutPolicy{config_.lockout_threshold, core::Seconds{config_.lockout_seconds}},
      throttle_.get(), recorder_.get());
  passwords_ = std::make_unique<core::PasswordHasher>(core::Argon2Params{},
                                                      config_.max_password_hashes, random_);
  roles_ = std::make_unique<core::RoleService>(index_->store(), clock_);
  accounts_ =
      std::make_unique<core::AccountService>(index_->store(), clock_, random_, *keys_, *passwords_);
  core::SessionOptions session_options;
  session_options.idle = std::chrono::minutes(config_.session_idle_minutes);
  session_options.absolute = std::chrono::hours(config_.session_max_hours);
  sessions_ = std::make_unique<core::SessionService>(index_->store(), clock_, random_, *hasher_,
                                                     *passwords_, session_options, throttle_.get());
  retention_ = std::thread([this] { RetentionLoop(); });
  return core::Ok();
}

Node::~Node() {
  {
    std::lock_guard lock(retention_mu_);
    stopping_ = true;
  }
  retention_cv_.notify_all();
  if (retention_.joinable()) retention_.join();
  // Reverse order of Start: failure sums and last-used times are written, then deliveries drain.
  sessions_.reset();
  accounts_.reset();
  roles_.reset();
  passwords_.reset();
  verifier_.reset();
  if (recorder_) recorder_->Stop();
  recorder_.reset();
  throttle_.reset();
  keys_.reset();
  hasher_.reset();
  feed_.reset();  // before the index its handlers write to
  index_.reset();
  chain_.reset();
  if (siem_) siem_->Stop();
  siem_sink_.reset();
  siem_.reset();
}

core::Status Node::FollowOtherNodes() {
  storage::postgres::PgChangeFeed::Handlers handlers;
  handlers.on_changes = [this](const storage::postgres::StoreChanges& changes) {
    std::vector<core::KeyRef> keys;
    keys.reserve(changes.keys.size());
    for (const auto& [id, public_id] : changes.keys) keys.push_back({id, public_id});
    if (core::Status st = index_->Refresh(keys, changes.roles); !st) {
      logger_.Warn("applying another node's changes failed; the next resync repairs it",
                   {{"error", st.error().Message()}});
    }
  };
  handlers.on_resync = [this] {
    logger_.Info("change feed reconnected; reloading the key index", {});
    if (core::Status st = index_->Load(); !st) {
      logger_.Warn("reloading the key index failed; the periodic resync retries",
                   {{"error", st.error().Message()}});
    }
  };
  // Started before the index loads: a change committed during the load is announced after it.
  feed_ = std::make_unique<storage::postgres::PgChangeFeed>(
      opened_.postgres->url(), opened_.postgres->node_tag(), std::move(handlers));
  return feed_->Start();
}

void Node::RetentionLoop() {
  std::unique_lock lock(retention_mu_);
  while (!stopping_) {
    lock.unlock();
    if (config_.audit_retention_days > 0) {
      const core::Time cutoff = clock_.Now() - std::chrono::days(config_.audit_retention_days);
      core::Result<std::int64_t> removed =
          core::ApplyRetention(*chain_, opened_.peppers, cutoff, clock_);
      if (!removed) {
        logger_.Warn("audit retention failed", {{"error", removed.error().Message()}});
      } else if (*removed > 0) {
        logger_.Info("audit retention", {{"removed", static_cast<std::int64_t>(*removed)}});
      }
    }
    if (core::Result<int> swept = sessions_->Sweep(); !swept) {
      logger_.Warn("ending stale sessions failed", {{"error", swept.error().Message()}});
    }
    lock.lock();
    retention_cv_.wait_for(lock, std::chrono::hours(1), [this] { return stopping_; });
  }
}

}  // namespace keyward::app
