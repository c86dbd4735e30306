#include "app/serve.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <thread>
#include <utility>
#include <vector>

#include "app/node.hpp"
#include "app/runtime.hpp"
#include "app/version.hpp"
#include "core/audit/audit_chain.hpp"
#include "core/audit/audit_service.hpp"
#include "core/clock.hpp"
#include "core/crypto/digest.hpp"
#include "core/keys/key_service.hpp"
#include "core/verification/verifier.hpp"
#include "http/front/api_handler.hpp"
#include "http/logger.hpp"
#include "http/metrics.hpp"
#include "http/transport/server.hpp"
#include "storage/postgres/pg_connection.hpp"

namespace keyward::app {
namespace {

// Stops `server` on SIGINT or SIGTERM, from a thread of its own; the destructor ends that thread.
class SignalWatcher {
 public:
  explicit SignalWatcher(http::Server& server, http::Logger& logger)
      : signals_(io_, SIGINT, SIGTERM) {
    signals_.async_wait([&server, &logger](const boost::system::error_code& ec, int signo) {
      if (ec) return;
      logger.Info("stopping", {{"signal", signo == SIGINT ? "SIGINT" : "SIGTERM"}});
      server.Stop();
    });
    thread_ = std::thread([this] { io_.run(); });
  }
  ~SignalWatcher() {
    io_.stop();
    thread_.join();
  }

 private:
  boost::asio::io_context io_;
  boost::asio::signal_set signals_;
  std::thread thread_;
};

// A start that failed, said in plain words on standard error. A setting that cannot be used
// exits 2 (as an invalid configuration does), anything else 1.
int CannotStart(const core::Error& error, const char* what = "cannot start") {
  std::cerr << "keyward: " << what << ": " << error.Message() << "\n";
  return error.code == core::ErrorCode::kInvalidArgument ? 2 : 1;
}

// The transport's settings: where it listens, its threads, TLS, timeouts and connection limits;
// the trusted proxies are exempt from the per-address limit.
http::ServerOptions ServerOptionsFor(const ServeConfig& config, const ListenAddress& listen,
                                     std::vector<core::Ipv4Range> trusted_proxies) {
  http::ServerOptions options;
  options.host = listen.host;
  options.port = listen.port;
  options.io_threads = config.threads;
  options.worker_threads = config.workers;
  options.tls_cert_file = config.tls_cert;
  options.tls_key_file = config.tls_key;
  options.access_log = config.access_log;
  options.read_timeout = std::chrono::seconds{config.read_timeout_seconds};
  options.idle_timeout = std::chrono::seconds{config.idle_timeout_seconds};
  options.header_timeout = std::chrono::seconds{config.header_timeout_seconds};
  options.max_connections = static_cast<std::size_t>(config.max_connections);
  options.max_connections_per_address =
      static_cast<std::size_t>(config.max_connections_per_address);
  options.unlimited_peers = std::move(trusted_proxies);
  return options;
}

}  // namespace

int RunServe(const ServeConfig& config, const CliHints& cli) {
  if (core::Status st = ValidateConfig(config); !st) {
    std::cerr << "keyward: invalid configuration: " << st.error().Message() << "\n";
    return 2;
  }
  core::Result<BootstrapSecretFiles> secret_files = BootstrapSecretFilesFor(
      config.bootstrap_secrets_dir, std::getenv("KEYWARD_BOOTSTRAP_KEY_FILE"),
      std::getenv("KEYWARD_BOOTSTRAP_PASSWORD_FILE"));
  if (!secret_files) {
    std::cerr << "keyward: invalid configuration: " << secret_files.error().Message() << "\n";
    return 2;
  }
  http::Logger logger;
  http::Metrics metrics;
  metrics.SetGauge("keyward_build_info", "The running binary: its version and git commit",
                   {{"version", std::string(Version())}, {"commit", std::string(Commit())}}, 1);
  core::Result<std::unique_ptr<Node>> opened = Node::Open(config, logger, metrics);
  if (!opened) return CannotStart(opened.error());
  Node& node = **opened;
  // Before the first secrets exist: a directory that cannot take them stops the start while the
  // store is still empty.
  if (core::Status st = PrepareBootstrapSecretsDir(*secret_files, node.index().Stats().keys == 0);
      !st) {
    return CannotStart(st.error());
  }
  core::AuditService audit(node.store(), node.peppers());
  const std::vector<core::Ipv4Range> trusted_proxies = TrustedProxyRanges(config);
  http::ApiHandler handler(
      http::ApiServices{.keys = node.keys(),
                        .verifier = node.verifier(),
                        .store = node.store(),
                        .clock = node.clock(),
                        .roles = node.roles(),
                        .accounts = node.accounts(),
                        .sessions = node.sessions(),
                        .audit = audit,
                        .metrics = metrics,
                        .logger = logger},
      http::ApiOptions{.trusted_proxies = trusted_proxies,
                       .ready = [&node] { return node.Ready(); },
                       .degraded = [&node] { return node.WriteFault(); },
                       .metrics_need_credential = config.metrics_need_credential});
  const ListenAddress listen = ParseListen(config.listen).value();
  http::Server server(ServerOptionsFor(config, listen, trusted_proxies), handler, logger, metrics);
  // Bound before the first start's lines, so they name the real port; nothing is served before
  // Run(), so no request sees a store without its first credentials.
  if (core::Status st = server.Start(); !st) return CannotStart(st.error());
  const std::string where =
      (listen.host.find(':') != std::string::npos ? "[" + listen.host + "]" : listen.host) + ":" +
      std::to_string(server.port());
  const FirstStartHints hints{(config.tls_cert ? "https://" : "http://") + where, cli};
  if (core::Status st = BootstrapIfEmpty(node.keys(), *secret_files, hints, std::cerr); !st) {
    return CannotStart(st.error(), "cannot create the first Master Administrator key");
  }
  if (core::Status st =
          BootstrapAdministratorAccount(node.accounts(), *secret_files, hints, std::cerr);
      !st) {
    return CannotStart(st.error(), "cannot create the Master Administrator account");
  }
  // SIGINT/SIGTERM are handled from before "listening on" is printed: whoever reads that line
  // may signal at once, and must get a clean stop, never the default action.
  SignalWatcher watcher(server, logger);
  std::cout << "listening on " << where << std::endl;
  logger.Info("started", {{"listen", where},
                          {"keys", static_cast<std::uint64_t>(node.index().Stats().keys)},
                          {"tls", config.tls_cert.has_value()},
                          {"store", config.database ? "postgresql" : "sqlite"},
                          {"where", config.database ? storage::postgres::RedactUrl(*config.database)
                                                    : config.data_dir}});
  server.Run();
  logger.Info("stopped");
  return 0;
}

int RunAdminRecover(const ServeConfig& config) {
  if (core::Status st = ValidateStoreConfig(config); !st) {
    std::cerr << "keyward: invalid configuration: " << st.error().Message() << "\n";
    return 2;
  }
  core::SystemRandom random;
  core::Result<OpenedStore> opened = OpenStore(config, random, IfMissing::kRefuse);
  if (!opened) {
    std::cerr << "keyward: cannot open the store: " << opened.error().Message() << "\n";
    return opened.error().code == core::ErrorCode::kNotFound ? 2 : 1;
  }
  if (opened->migration_backup) {
    std::cerr << "keyward: schema backup before migrating: " << *opened->migration_backup << "\n";
  }
  core::SystemClock clock;
  core::SecretHasher hasher(opened->peppers);
  // Through the audit chain, so the recovery's event is chained like every other.
  core::AuditChainStore chain(*opened->store, opened->peppers);
  core::KeyService keys(chain, clock, random, hasher);
  core::Principal recover = core::Principal::System();
  recover.actor = "system:admin-recover";
  core::Result<core::IssuedKey> issued = keys.IssueMasterKey(recover, "recovered admin");
  if (!issued) {
    std::cerr << "keyward: cannot issue a key: " << issued.error().Message() << "\n";
    return 1;
  }
  std::cerr << "keyward: issued Master Administrator API key \"" << issued->key.name << "\" (id "
            << issued->key.id << "). Its secret, shown this once:\n";
  std::cout << issued->token << std::endl;
  return 0;
}

}  // namespace keyward::app
