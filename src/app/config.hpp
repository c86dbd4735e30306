// ServeConfig: everything `keyward serve` and the local admin commands are told, from flags and
// KEYWARD_* environment variables (docs/api.md "Command line"), validated before anything starts.
// Plain value type.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/net/ip.hpp"
#include "core/result.hpp"

namespace keyward::app {

struct ServeConfig {
  std::string listen = "127.0.0.1:8080";
  std::string data_dir = "./keyward-data";
  std::optional<std::string> database;  // a postgresql:// URL; empty = the embedded store
  std::int64_t max_database_bytes = 0;  // the embedded store's cap (0: none)
  int threads = 1;                      // I/O threads
  int workers =
      16;  // threads for handlers (they may block on the store; waiting writers share a commit)
  std::vector<std::string> trusted_proxies;
  std::optional<std::string> pepper_file;
  std::optional<std::string> tls_cert;
  std::optional<std::string> tls_key;
  bool access_log = false;
  bool metrics_need_credential = false;  // GET /metrics answers only a valid API key or session
  bool allow_private_ips = false;
  int lockout_threshold = 5;
  int throttle_per_minute = 30;  // failed verifications a client address may make a minute
  std::int64_t lockout_seconds = 900;
  int session_idle_minutes = 30;  // console sessions
  int session_max_hours = 12;
  int max_password_hashes = 4;  // argon2id computations at once
  // Seconds the key index may go without reaching the store before verification refuses.
  std::int64_t index_staleness_seconds = 300;
  int read_timeout_seconds = 30;    // a request must arrive whole within this
  int idle_timeout_seconds = 60;    // an idle keep-alive connection is closed after this
  int header_timeout_seconds = 10;  // a request's headers (a new connection's: from its accept)
  int max_connections = 1024;
  int max_connections_per_address = 256;  // trusted proxies exempt
  // Audit: days of events kept (0: all), and SIEM destinations for every event as it happens.
  int audit_retention_days = 0;
  std::vector<std::string> syslog_urls;       // udp://, tcp:// or tls://HOST:PORT
  std::optional<std::string> hec_url;         // Splunk HTTP Event Collector
  std::optional<std::string> hec_token_file;  // the HEC token (else KEYWARD_HEC_TOKEN)
  // First start: the directory the first secrets are written to (app/bootstrap_secrets.hpp).
  std::optional<std::string> bootstrap_secrets_dir;
};

// The smallest --max-database-size (bytes): room for the schema and the first credentials.
inline constexpr std::int64_t kMinDatabaseBytes = 1 << 20;

struct ListenAddress {
  std::string host;
  std::uint16_t port = 0;
};

// "HOST:PORT" or "[V6]:PORT". Errors (Msg::kSetting) name the flag and the text.
core::Result<ListenAddress> ParseListen(const std::string& text);

// Checks the settings every command that opens the store uses (--data-dir, --database).
core::Status ValidateStoreConfig(const ServeConfig& config);

// Every problem of the configuration of `serve`, in the order ValidateConfig checks them: each
// message starts with the flag it is about ("--threads 0: must be ...").
std::vector<core::Error> ConfigProblems(const ServeConfig& config);

// Checks the whole configuration of `serve` (listen address, thread counts, trusted proxy
// ranges, TLS files given in pairs, the store, limits). Errors (kInvalidArgument, Msg::kSetting)
// are plain sentences for the operator that name the flag and the value given.
core::Status ValidateConfig(const ServeConfig& config);

// The trusted proxies as ranges (validated by ValidateConfig).
std::vector<core::Ipv4Range> TrustedProxyRanges(const ServeConfig& config);

}  // namespace keyward::app
