#include "app/config.hpp"

#include <charconv>

namespace keyward::app {
namespace {

// A setting that cannot be used, in plain words: the flag, the value given, what is wrong.
core::Error SettingError(std::string text) {
  return core::MakeError(core::ErrorCode::kInvalidArgument, core::Msg::kSetting, {std::move(text)});
}

std::string Quoted(const std::string& value) { return "\"" + value + "\""; }

// "--threads 0: must be a number from 1 to 256".
core::Status CheckRange(const char* flag, std::int64_t value, std::int64_t low, std::int64_t high) {
  if (value >= low && value <= high) return core::Ok();
  return SettingError(std::string(flag) + " " + std::to_string(value) + ": must be a number from " +
                      std::to_string(low) + " to " + std::to_string(high));
}

core::Status CheckAtLeast(const char* flag, std::int64_t value, std::int64_t low,
                          const char* unit = "") {
  if (value >= low) return core::Ok();
  return SettingError(std::string(flag) + " " + std::to_string(value) + ": must be at least " +
                      std::to_string(low) + unit);
}

}  // namespace

core::Result<ListenAddress> ParseListen(const std::string& text) {
  const std::string shape =
      " is not HOST:PORT (for example 127.0.0.1:8080, localhost:8080 or [::1]:8080)";
  ListenAddress out;
  std::string port_text;
  if (!text.empty() && text.front() == '[') {
    const std::size_t close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return SettingError("--listen " + Quoted(text) + shape);
    }
    out.host = text.substr(1, close - 1);
    port_text = text.substr(close + 2);
  } else {
    const std::size_t colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0) {
      return SettingError("--listen " + Quoted(text) + shape);
    }
    out.host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
  }
  unsigned port = 0;
  const auto [end, ec] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535 ||
      port_text.empty()) {
    return SettingError("--listen " + Quoted(text) + ": the port " + Quoted(port_text) +
                        " is not a number from 0 to 65535 (0 picks a free port)");
  }
  out.port = static_cast<std::uint16_t>(port);
  return out;
}

core::Status ValidateStoreConfig(const ServeConfig& config) {
  if (config.database) {
    // The URL is not echoed: it may carry a password.
    const std::string& url = *config.database;
    if (!url.starts_with("postgresql://") && !url.starts_with("postgres://")) {
      return SettingError(
          "--database: not a PostgreSQL URL; give postgresql://USER@HOST:PORT/DATABASE, or leave "
          "it "
          "out for the embedded store");
    }
    if (!config.pepper_file || config.pepper_file->empty()) {
      return SettingError(
          "--database needs --pepper-file (or KEYWARD_PEPPER_FILE), the same file on every node");
    }
    if (config.max_database_bytes != 0) {
      return SettingError("--max-database-size caps the embedded store alone; not with --database");
    }
    return core::Ok();
  }
  if (config.data_dir.empty()) return SettingError("--data-dir \"\": a directory is required");
  if (config.max_database_bytes != 0 && config.max_database_bytes < kMinDatabaseBytes) {
    return SettingError("--max-database-size " + std::to_string(config.max_database_bytes) +
                        ": must be 0 (no cap) or at least " + std::to_string(kMinDatabaseBytes) +
                        " bytes");
  }
  return core::Ok();
}

std::vector<core::Error> ConfigProblems(const ServeConfig& config) {
  std::vector<core::Error> out;
  const auto check = [&out](const core::Status& st) {
    if (!st) out.push_back(st.error());
  };
  if (auto listen = ParseListen(config.listen); !listen) out.push_back(listen.error());
  check(ValidateStoreConfig(config));
  check(CheckRange("--threads", config.threads, 1, 256));
  check(CheckRange("--workers", config.workers, 1, 1024));
  for (const std::string& proxy : config.trusted_proxies) {
    if (auto range = core::ParseIpv4Range(proxy); !range) {
      out.push_back(
          SettingError("--trusted-proxy " + Quoted(proxy) + ": " + range.error().Message()));
    }
  }
  if (config.tls_cert.has_value() != config.tls_key.has_value()) {
    out.push_back(SettingError(std::string(config.tls_cert ? "--tls-cert" : "--tls-key") +
                               " was given alone: --tls-cert and --tls-key go together"));
  }
  check(CheckAtLeast("--read-timeout", config.read_timeout_seconds, 1, " second"));
  check(CheckAtLeast("--idle-timeout", config.idle_timeout_seconds, 1, " second"));
  check(CheckAtLeast("--header-timeout", config.header_timeout_seconds, 1, " second"));
  check(CheckAtLeast("--max-connections", config.max_connections, 1));
  check(CheckAtLeast("--max-connections-per-address", config.max_connections_per_address, 1));
  check(CheckAtLeast("--audit-retention-days", config.audit_retention_days, 0));
  if (config.hec_token_file && !config.hec_url) {
    out.push_back(SettingError("--hec-token-file was given without --hec-url"));
  }
  check(CheckAtLeast("--session-idle-minutes", config.session_idle_minutes, 1));
  check(CheckAtLeast("--session-max-hours", config.session_max_hours, 1));
  check(CheckAtLeast("--max-concurrent-password-hashes", config.max_password_hashes, 1));
  check(CheckAtLeast("--throttle", config.throttle_per_minute, 0));
  check(CheckAtLeast("--lockout-threshold", config.lockout_threshold, 0));
  check(CheckAtLeast("--lockout-seconds", config.lockout_seconds, 1, " second"));
  check(CheckAtLeast("--index-staleness-limit", config.index_staleness_seconds, 1, " second"));
  return out;
}

core::Status ValidateConfig(const ServeConfig& config) {
  std::vector<core::Error> problems = ConfigProblems(config);
  if (problems.empty()) return core::Ok();
  return std::move(problems.front());
}

std::vector<core::Ipv4Range> TrustedProxyRanges(const ServeConfig& config) {
  std::vector<core::Ipv4Range> out;
  for (const std::string& proxy : config.trusted_proxies) {
    if (auto range = core::ParseIpv4Range(proxy)) out.push_back(*range);
  }
  return out;
}

}  // namespace keyward::app
