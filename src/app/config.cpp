#include "app/config.hpp"

#include <charconv>

namespace keyward::app {
namespace {

core::Error ConfigError(std::string text) {
  return core::MakeError(core::ErrorCode::kInvalidArgument, core::Msg::kStoreError,
                         {std::move(text)});
}

}  // namespace

core::Result<ListenAddress> ParseListen(const std::string& text) {
  ListenAddress out;
  std::string port_text;
  if (!text.empty() && text.front() == '[') {
    const std::size_t close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return ConfigError("listen address \"" + text + "\" is not [IPv6]:PORT");
    }
    out.host = text.substr(1, close - 1);
    port_text = text.substr(close + 2);
  } else {
    const std::size_t colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0) {
      return ConfigError("listen address \"" + text + "\" is not HOST:PORT");
    }
    out.host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
  }
  unsigned port = 0;
  const auto [end, ec] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535 ||
      port_text.empty()) {
    return ConfigError("listen port \"" + port_text + "\" is not a number from 0 to 65535");
  }
  out.port = static_cast<std::uint16_t>(port);
  return out;
}

core::Status ValidateConfig(const ServeConfig& config) {
  if (auto listen = ParseListen(config.listen); !listen) return listen.error();
  if (config.threads < 1 || config.threads > 256) {
    return ConfigError("--threads must be between 1 and 256");
  }
  if (config.workers < 1 || config.workers > 1024) {
    return ConfigError("--workers must be between 1 and 1024");
  }
  for (const std::string& proxy : config.trusted_proxies) {
    if (auto range = core::ParseIpv4Range(proxy); !range) {
      return ConfigError("trusted proxy \"" + proxy + "\": " + range.error().Message());
    }
  }
  if (config.tls_cert.has_value() != config.tls_key.has_value()) {
    return ConfigError("--tls-cert and --tls-key go together");
  }
  if (config.database && config.database->rfind("postgresql://", 0) != 0 &&
      config.database->rfind("postgres://", 0) != 0) {
    return ConfigError("--database must be a postgresql:// URL");
  }
  if (config.read_timeout_seconds < 1 || config.idle_timeout_seconds < 1 ||
      config.header_timeout_seconds < 1) {
    return ConfigError("timeouts must be at least 1 second");
  }
  if (config.max_connections < 1) return ConfigError("--max-connections must be at least 1");
  if (config.max_connections_per_address < 1) {
    return ConfigError("--max-connections-per-address must be at least 1");
  }
  if (config.audit_retention_days < 0)
    return ConfigError("--audit-retention-days must be 0 or more");
  if (config.hec_token_file && !config.hec_url)
    return ConfigError("--hec-token-file needs --hec-url");
  if (config.session_idle_minutes < 1)
    return ConfigError("--session-idle-minutes must be at least 1");
  if (config.session_max_hours < 1) return ConfigError("--session-max-hours must be at least 1");
  if (config.max_password_hashes < 1) {
    return ConfigError("--max-concurrent-password-hashes must be at least 1");
  }
  if (config.throttle_per_minute < 0) return ConfigError("throttle must be 0 or more");
  if (config.lockout_threshold < 0) return ConfigError("lockout threshold must be 0 or more");
  if (config.lockout_seconds < 1) return ConfigError("lockout duration must be at least 1 s");
  return core::Ok();
}

std::vector<core::Ipv4Range> TrustedProxyRanges(const ServeConfig& config) {
  std::vector<core::Ipv4Range> out;
  for (const std::string& proxy : config.trusted_proxies) {
    if (auto range = core::ParseIpv4Range(proxy)) out.push_back(*range);
  }
  return out;
}

}  // namespace keyward::app
