// keyward: the server (`serve`), the local admin commands (`admin recover`) and the client of the
// native API (`keys`, `roles`, `whoami`) in one binary, with `version` and `help`. See
// docs/cli.md.
#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "app/config.hpp"
#include "app/pepper_command.hpp"
#include "app/serve.hpp"
#include "app/version.hpp"
#include "cli/api_session.hpp"
#include "cli/client.hpp"

namespace {

// Flags shared by `serve` and the local admin commands that open the store.
void AddStoreOptions(CLI::App& cmd, keyward::app::ServeConfig& config) {
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

// Where and how the server listens: address, store, threads, proxies, TLS, access log.
void AddServerOptions(CLI::App& serve, keyward::app::ServeConfig& config) {
  serve.add_option("--listen", config.listen, "HOST:PORT to listen on (port 0: any free port)")
      ->envname("KEYWARD_LISTEN");
  AddStoreOptions(serve, config);
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
}

// The protection of keys and console accounts: allowlists, lockout, throttle, console sessions,
// password hashing.
void AddProtectionOptions(CLI::App& serve, keyward::app::ServeConfig& config) {
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
void AddAuditOptions(CLI::App& serve, keyward::app::ServeConfig& config) {
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
void AddConnectionOptions(CLI::App& serve, keyward::app::ServeConfig& config) {
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

// The options of `keyward serve`, in the order --help lists them.
void AddServeOptions(CLI::App& serve, keyward::app::ServeConfig& config) {
  AddServerOptions(serve, config);
  AddProtectionOptions(serve, config);
  AddAuditOptions(serve, config);
  AddConnectionOptions(serve, config);
}

// `keyward help [COMMAND...]`: the help of the program or of the command named, as --help prints
// it. An unknown command is a usage error (exit 2).
void AddHelpCommand(CLI::App& app, int& exit_code) {
  auto* help = app.add_subcommand("help", "Show the help of keyward or of a command");
  auto words = std::make_shared<std::vector<std::string>>();
  help->add_option("command", *words, "A command, e.g. keys create");
  help->callback([&app, &exit_code, words] {
    const CLI::App* target = &app;
    std::string parents;  // "keyward keys" before "create": the usage line names the whole path
    for (const std::string& word : *words) {
      parents += parents.empty() ? target->get_name() : " " + target->get_name();
      const CLI::App* next = nullptr;
      for (const CLI::App* sub : target->get_subcommands({})) {
        if (sub->get_name() == word) next = sub;
      }
      if (next == nullptr) {
        std::cerr << "keyward: no command \"" << word << "\"; see keyward help\n";
        exit_code = 2;
        return;
      }
      target = next;
    }
    // App::help() hands over to the subcommand that was parsed, `help` itself; the formatter
    // describes the program as --help does.
    std::cout << (target == &app ? app.get_formatter()->make_help(&app, app.get_name(),
                                                                  CLI::AppFormatMode::Normal)
                                 : target->help(parents));
  });
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Keyward: API key management and verification"};
  app.require_subcommand(1);
  app.set_version_flag("--version", keyward::app::VersionLine());
  int exit_code = 0;

  keyward::app::ServeConfig serve_config;
  CLI::App* serve = app.add_subcommand("serve", "Run the server");
  AddServeOptions(*serve, serve_config);
  serve->callback([&] {
    exit_code =
        keyward::app::RunServe(serve_config, {argv[0], std::string(keyward::cli::kDefaultUrl)});
  });

  keyward::app::ServeConfig admin_config;
  CLI::App* admin = app.add_subcommand("admin", "Local administration (opens the store directly)");
  admin->require_subcommand(1);
  CLI::App* recover =
      admin->add_subcommand("recover", "Issue a new Master Administrator key into the store");
  AddStoreOptions(*recover, admin_config);
  recover->callback([&] { exit_code = keyward::app::RunAdminRecover(admin_config); });

  bool version_json = false;
  CLI::App* version = app.add_subcommand("version", "Print the version, commit and build type");
  version->add_flag("--json", version_json, "As {\"version\", \"commit\", \"buildType\"}");
  version->callback([&] {
    std::cout << (version_json ? keyward::app::VersionJson() : keyward::app::VersionLine()) << "\n";
  });
  AddHelpCommand(app, exit_code);
  keyward::app::AddPepperCommands(app, exit_code);

  keyward::cli::AddClientCommands(app, exit_code);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return keyward::cli::ExitCodeForParseError(app, e, keyward::cli::HasJsonFlag(argc, argv),
                                               std::cout);
  }
  return exit_code;
}
