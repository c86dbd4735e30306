#include "app/serve.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <csignal>
#include <iostream>
#include <thread>

#include "app/runtime.hpp"
#include "core/clock.hpp"
#include "core/digest.hpp"
#include "core/failure_throttle.hpp"
#include "core/key_index.hpp"
#include "core/key_service.hpp"
#include "core/verifier.hpp"
#include "http/api_handler.hpp"
#include "http/logger.hpp"
#include "http/metrics.hpp"
#include "http/server.hpp"

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

}  // namespace

int RunServe(const ServeConfig& config) {
  http::Logger logger;
  if (core::Status st = ValidateConfig(config); !st) {
    logger.Error("invalid configuration", {{"error", st.error().Message()}});
    return 2;
  }
  core::SystemRandom random;
  core::Result<OpenedStore> opened = OpenStore(config, random);
  if (!opened) {
    logger.Error("cannot open the store", {{"error", opened.error().Message()}});
    return 1;
  }
  core::SystemClock clock;
  // Verification reads the in-memory index; every write goes through the index's store so the
  // index stays exact.
  core::KeyIndex key_index(*opened->store, clock);
  if (core::Status st = key_index.Load(); !st) {
    logger.Error("cannot load the key index", {{"error", st.error().Message()}});
    return 1;
  }
  key_index.Start();
  core::Store& store = key_index.store();
  core::SecretHasher hasher(opened->peppers);
  core::KeyServiceOptions key_options;
  key_options.allowlist.allow_private = config.allow_private_ips;
  core::KeyService keys(store, clock, random, hasher, key_options);
  core::SlidingFailureThrottle throttle(config.throttle_per_minute);
  core::Verifier verifier(
      key_index, hasher, clock,
      core::LockoutPolicy{config.lockout_threshold, core::Seconds{config.lockout_seconds}},
      &throttle);
  if (core::Status st = BootstrapIfEmpty(keys, config, std::cerr); !st) {
    logger.Error("cannot create the first Master Administrator key",
                 {{"error", st.error().Message()}});
    return 1;
  }

  http::Metrics metrics;
  http::ApiHandler handler(keys, verifier, store, clock, metrics, &logger);
  handler.set_trusted_proxies(TrustedProxyRanges(config));
  handler.set_readiness([&key_index, &clock] { return key_index.Fresh(clock.Now()); });
  const ListenAddress listen = ParseListen(config.listen).value();
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
  options.max_connections = static_cast<std::size_t>(config.max_connections);
  http::Server server(options, handler, logger, metrics);
  if (core::Status st = server.Start(); !st) {
    logger.Error("cannot listen", {{"error", st.error().Message()}});
    return 1;
  }
  const std::string where =
      (listen.host.find(':') != std::string::npos ? "[" + listen.host + "]" : listen.host) + ":" +
      std::to_string(server.port());
  std::cout << "listening on " << where << std::endl;
  logger.Info("started", {{"listen", where},
                          {"keys", static_cast<std::uint64_t>(key_index.Stats().keys)},
                          {"tls", config.tls_cert.has_value()},
                          {"store", "sqlite"},
                          {"dataDir", config.data_dir}});
  {
    SignalWatcher watcher(server, logger);
    server.Run();
  }
  logger.Info("stopped");
  return 0;
}

int RunAdminRecover(const ServeConfig& config) {
  core::SystemRandom random;
  core::Result<OpenedStore> opened = OpenStore(config, random);
  if (!opened) {
    std::cerr << "keyward: cannot open the store: " << opened.error().Message() << "\n";
    return 1;
  }
  core::SystemClock clock;
  core::SecretHasher hasher(opened->peppers);
  core::KeyService keys(*opened->store, clock, random, hasher);
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
