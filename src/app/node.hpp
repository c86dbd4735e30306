// Node: the core of one running Keyward, wired in the one order that keeps every guarantee:
//   real store -> audit chain (every event chained, then handed to SIEM delivery)
//              -> key index (every key write applied to the in-memory index)
// and over them the key use cases, the failure throttle, the aggregated auth.failure recorder,
// the verification chain reading the index, and the audit retention job. Destroyed in the
// reverse order, so pending last-used times, failure sums and SIEM deliveries are written out.
//
// Thread-safety: the accessors are thread-safe; construction and destruction are not.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "app/config.hpp"
#include "app/runtime.hpp"
#include "core/accounts/account_service.hpp"
#include "core/accounts/session_service.hpp"
#include "core/audit/audit_chain.hpp"
#include "core/clock.hpp"
#include "core/crypto/password.hpp"
#include "core/keys/key_service.hpp"
#include "core/roles/role_service.hpp"
#include "core/verification/auth_failure_recorder.hpp"
#include "core/verification/failure_throttle.hpp"
#include "core/verification/key_index.hpp"
#include "core/verification/verifier.hpp"
#include "http/logger.hpp"
#include "http/metrics.hpp"
#include "siem/forwarder.hpp"
#include "storage/postgres/change_feed.hpp"

namespace keyward::app {

class Node {
 public:
  // Opens the store, loads the index and starts the background work. Errors say what failed.
  static core::Result<std::unique_ptr<Node>> Open(const ServeConfig& config, http::Logger& logger,
                                                  http::Metrics& metrics);
  ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  const core::Clock& clock() const { return clock_; }
  core::Store& store() { return index_->store(); }
  core::KeyIndex& index() { return *index_; }
  core::KeyService& keys() { return *keys_; }
  core::Verifier& verifier() { return *verifier_; }
  core::RoleService& roles() { return *roles_; }
  core::AccountService& accounts() { return *accounts_; }
  core::SessionService& sessions() { return *sessions_; }
  const core::PepperSet& peppers() const { return opened_.peppers; }
  // Whether verification may be trusted now (the index within its staleness limit).
  bool Ready() const { return index_->Fresh(clock_.Now()); }
  // Why the store refuses writes now (full, locked, its file removed), or empty.
  std::string WriteFault() const { return opened_.write_fault ? opened_.write_fault() : ""; }

 private:
  Node(const ServeConfig& config, http::Logger& logger);
  core::Status Start(http::Metrics& metrics);
  // On PostgreSQL: applies to the index what other nodes write (storage/postgres/change_feed.hpp).
  core::Status FollowOtherNodes();
  // Hourly housekeeping: audit retention (when configured) and ended console sessions.
  void RetentionLoop();

  ServeConfig config_;
  http::Logger& logger_;
  core::SystemClock clock_;
  core::SystemRandom random_;
  OpenedStore opened_;
  std::unique_ptr<siem::SiemForwarder> siem_;
  std::unique_ptr<core::AuditSink> siem_sink_;
  std::unique_ptr<core::AuditChainStore> chain_;
  std::unique_ptr<core::KeyIndex> index_;
  std::unique_ptr<storage::postgres::PgChangeFeed> feed_;
  std::unique_ptr<core::SecretHasher> hasher_;
  std::unique_ptr<core::KeyService> keys_;
  std::unique_ptr<core::SlidingFailureThrottle> throttle_;
  std::unique_ptr<core::AuthFailureRecorder> recorder_;
  std::unique_ptr<core::Verifier> verifier_;
  std::unique_ptr<core::PasswordHasher> passwords_;
  std::unique_ptr<core::RoleService> roles_;
  std::unique_ptr<core::AccountService> accounts_;
  std::unique_ptr<core::SessionService> sessions_;
  std::mutex retention_mu_;
  std::condition_variable retention_cv_;
  bool stopping_ = false;
  std::thread retention_;
};

}  // namespace keyward::app
