#include "app/serve_options.hpp"

namespace keyward::app {
namespace {

// Where and how the server listens: address, threads, proxies, TLS, access log, /metrics.
void AddServerOptions(CLI::App& serve, ServeConfig& config) {
  serve.add_option("--listen", config.listen, "HOST:PORT to listen on (port 0: any free port)")
      ->envname("KEYWARD_LISTEN");
  serve.add_option("--threads", config.threads, "I/O threads")->envname("KEYWARD_THREADS");
  serve.add_option("--workers", config.workers, "Handler threads (they may wait on the store)")
      ->envname("KEYWARD_WORKERS");
  serve
      .add_option("--trusted-proxy", config.trusted_proxies,
                  "A proxy whose X-Forwarded-For is believed (CIDR; repeatable)")
      ->envname("KEYWARD_TRUSTED_PROXIES")
      ->delimiter(',');
  serve.add_option("--tls-cert", config.tls_cert, "PEM certificate chain: serve HTTPS")
      ->envname("KEYWARD_TLS_CERT");
  serve.add_option("--tls-key", config.tls_key, "PEM private key for --tls-cert")
      ->envname("KEYWARD_TLS_KEY");
  serve.add_flag("--access-log", config.access_log, "Log one line per request (never a secret)")
      ->envname("KEYWARD_ACCESS_LOG");
  serve
      .add_flag("--metrics-require-credential", config.metrics_need_credential,
                "GET /metrics answers only a caller with a valid API key or console session")
      ->envname("KEYWARD_METRICS_REQUIRE_CREDENTIAL");
  serve
      .add_option("--bootstrap-secrets-dir", config.bootstrap_secrets_dir,
                  "First start: write the admin key's secret and one-time password to files in "
                  "this directory (made 0700), not to the terminal")
      ->envname("KEYWARD_BOOTSTRAP_SECRETS_DIR");
}

// The protection of keys and console accounts: allowlists, lockout, throttle, console sessions,
// password hashing.
void AddProtectionOptions(CLI::App& serve, ServeConfig& config) {
  serve
      .add_flag("--allow-private-ips", config.allow_private_ips,
                "Admit private and other non-global ranges in allowlists (on-premises)")
      ->envname("KEYWARD_ALLOW_PRIVATE_IPS");
  serve
      .add_option("--lockout-threshold", config.lockout_threshold,
                  "Failed attempts in a row that lock a key (0: never)")
      ->envname("KEYWARD_LOCKOUT_THRESHOLD");
  serve.add_option("--lockout-seconds", config.lockout_seconds, "How long an automatic lock lasts")
      ->envname("KEYWARD_LOCKOUT_SECONDS");
  serve
      .add_option("--throttle", config.throttle_per_minute,
                  "Failed verifications a client address may make a minute (0: no limit)")
      ->envname("KEYWARD_THROTTLE");
  serve
      .add_option("--session-idle-minutes", config.session_idle_minutes,
                  "A console session ends after this many minutes without a call")
      ->envname("KEYWARD_SESSION_IDLE_MINUTES");
  serve
      .add_option("--session-max-hours", config.session_max_hours,
                  "A console session ends this many hours after sign-in")
      ->envname("KEYWARD_SESSION_MAX_HOURS");
  serve
      .add_option("--max-concurrent-password-hashes", config.max_password_hashes,
                  "Password hashes (argon2id, 19 MiB each) run at once; more sign-ins wait")
      ->envname("KEYWARD_MAX_CONCURRENT_PASSWORD_HASHES");
  serve
      .add_option("--index-staleness-limit", config.index_staleness_seconds,
                  "Seconds the key index may go without reaching the store before verification "
                  "refuses and /readyz fails")
      ->envname("KEYWARD_INDEX_STALENESS_LIMIT");
}

// The audit trail: retention and forwarding to a SIEM (syslog, Splunk HEC).
void AddAuditOptions(CLI::App& serve, ServeConfig& config) {
  serve
      .add_option("--audit-retention-days", config.audit_retention_days,
                  "Days of audit events kept; older ones are removed behind an anchor (0: all)")
      ->envname("KEYWARD_AUDIT_RETENTION_DAYS");
  serve
      .add_option("--syslog", config.syslog_urls,
                  "Forward every audit event as CEF over syslog: udp://, tcp:// or tls://HOST:PORT "
                  "(repeatable)")
      ->envname("KEYWARD_SYSLOG")
      ->delimiter(',');
  serve
      .add_option("--hec-url", config.hec_url,
                  "Forward every audit event to a Splunk HTTP Event Collector at this URL")
      ->envname("KEYWARD_HEC_URL");
  serve
      .add_option("--hec-token-file", config.hec_token_file,
                  "File holding the HEC token (else the variable KEYWARD_HEC_TOKEN)")
      ->envname("KEYWARD_HEC_TOKEN_FILE");
}

// The HTTP transport's timeouts and connection limits.
void AddConnectionOptions(CLI::App& serve, ServeConfig& config) {
  serve
      .add_option("--read-timeout", config.read_timeout_seconds,
                  "Seconds a request may take to arrive whole (else 408)")
      ->envname("KEYWARD_READ_TIMEOUT");
  serve
      .add_option("--idle-timeout", config.idle_timeout_seconds,
                  "Seconds an idle keep-alive connection stays open")
      ->envname("KEYWARD_IDLE_TIMEOUT");
  serve
      .add_option("--header-timeout", config.header_timeout_seconds,
                  "Seconds a request's headers may take to arrive (a new connection's: from its "
                  "accept), else 408 or a silent close")
      ->envname("KEYWARD_HEADER_TIMEOUT");
  serve.add_option("--max-connections", config.max_connections, "Open connections at most")
      ->envname("KEYWARD_MAX_CONNECTIONS");
  serve
      .add_option("--max-connections-per-address", config.max_connections_per_address,
                  "Open connections from one client address at most (trusted proxies exempt)")
      ->envname("KEYWARD_MAX_CONNECTIONS_PER_ADDRESS");
}

}  // namespace

// Flags shared by `serve` and the local admin commands that open the store; in --help's group
// "Store".
void AddStoreOptions(CLI::App& cmd, ServeConfig& config) {
  // Each option keeps its default as text: --help shows it, and so does `keyward config show`.
  cmd.option_defaults()->always_capture_default()->group("Store");
  cmd.add_option("--data-dir", config.data_dir, "Data directory of the embedded store")
      ->envname("KEYWARD_DATA_DIR");
  cmd.add_option("--database", config.database, "PostgreSQL URL (postgresql://...)")
      ->envname("KEYWARD_DATABASE");
  cmd.add_option("--max-database-size", config.max_database_bytes,
                 "Bytes the database file may grow to; past it writes get 503 (0: no cap)")
      ->envname("KEYWARD_MAX_DATABASE_SIZE");
  cmd.add_option("--pepper-file", config.pepper_file,
                 "Pepper file: lines '<version> <base64 of >= 32 bytes>'")
      ->envname("KEYWARD_PEPPER_FILE");
}

// The options of `keyward serve`, in the order --help lists them.
void AddServeOptions(CLI::App& serve, ServeConfig& config) {
  serve.option_defaults()->always_capture_default()->group("Server");
  AddServerOptions(serve, config);
  AddStoreOptions(serve, config);
  serve.option_defaults()->group("Keys and sign-in protection");
  AddProtectionOptions(serve, config);
  serve.option_defaults()->group("Audit");
  AddAuditOptions(serve, config);
  serve.option_defaults()->group("Connections");
  AddConnectionOptions(serve, config);
  serve.option_defaults()->group("Options");
}

}  // namespace keyward::app
