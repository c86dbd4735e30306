// Opening what every local command needs: the store named by the configuration (the embedded
// SQLite file in the data directory, or a PostgreSQL database) and the pepper, checked against the
// store's fingerprint so a node with the wrong pepper refuses to start.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "app/bootstrap_secrets.hpp"
#include "app/config.hpp"
#include "core/accounts/account_service.hpp"
#include "core/crypto/digest.hpp"
#include "core/keys/key_service.hpp"
#include "core/random.hpp"
#include "core/store/store.hpp"

namespace keyward::storage::postgres {
class PostgresStore;
}

namespace keyward::app {

struct OpenedStore {
  std::unique_ptr<core::Store> store;
  core::PepperSet peppers;
  // Why the store refuses writes now, in a few words for /readyz, or empty (thread-safe; valid
  // while `store` lives).
  std::function<std::string()> write_fault;
  // The same store when it is PostgreSQL (its nodes follow each other's changes), else null.
  storage::postgres::PostgresStore* postgres = nullptr;
  // The automatic backup of the embedded store taken before its schema was migrated at this
  // open, if one was (MigrationBackupDir).
  std::optional<std::string> migration_backup;
};

// Where the automatic backups taken before schema migrations go: DATA_DIR/backups.
std::string MigrationBackupDir(const std::string& data_dir);

// What OpenStore does when the embedded store's file does not exist yet.
enum class IfMissing {
  kCreate,  // `serve`: a first start creates the data directory, the store and the pepper
  kRefuse,  // local admin commands: kNotFound naming the path looked at, and nothing is created
};

// Opens the store and the pepper for `config`. Errors say what could not be opened and why.
core::Result<OpenedStore> OpenStore(const ServeConfig& config, core::Random& random,
                                    IfMissing if_missing);

// For the first-start lines: how the CLI is run and the server it calls unless told otherwise.
struct CliHints {
  std::string program;
  std::string default_url;
};

// For the first-start lines: where the started server answers (its base URL, with the real port
// when port 0 was asked for) and how the CLI reaches it.
struct FirstStartHints {
  std::string base_url;
  CliHints cli;
};

// On a store with no key at all: issues the first Master Administrator key and hands its token
// over once, to `files.key_file` (one line, mode 0600; `err` says where) or else on `err` with a
// line saying how to use it. Does nothing on a store that has keys.
core::Status BootstrapIfEmpty(const core::KeyService& keys, const BootstrapSecretFiles& files,
                              const FirstStartHints& hints, std::ostream& err);

// Creates the Master Administrator account admin@localhost at the first start of a store
// without it (AccountService::BootstrapAdministrator) and hands its one-time password over once,
// to `files.password_file` (one line, mode 0600; `err` says where) or else on `err`.
core::Status BootstrapAdministratorAccount(const core::AccountService& accounts,
                                           const BootstrapSecretFiles& files,
                                           const FirstStartHints& hints, std::ostream& err);

}  // namespace keyward::app
