#include "app/runtime.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "core/store/pepper_guard.hpp"
#include "storage/data_dir.hpp"
#include "storage/pepper_file.hpp"
#include "storage/postgres/postgres_store.hpp"
#include "storage/sqlite/sqlite_backup.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace keyward::app {
namespace {

core::Error SetupError(core::ErrorCode code, std::string text) {
  return core::MakeError(code, core::Msg::kStoreError, {std::move(text)});
}

// The pepper fingerprint is checked as on SQLite: a node given another pepper than the store's
// refuses to start, naming the mismatch.
core::Result<OpenedStore> OpenPostgres(const ServeConfig& config, core::Random& random,
                                       IfMissing if_missing) {
  OpenedStore out;
  KW_ASSIGN_OR_RETURN(out.peppers,
                      storage::LoadPepper(config.data_dir, config.pepper_file, random));
  core::Result<std::unique_ptr<storage::postgres::PostgresStore>> opened =
      storage::postgres::PostgresStore::Open(*config.database,
                                             {.create_schema = if_missing == IfMissing::kCreate});
  if (!opened) {
    // At start the detail is the message: the (redacted) URL and libpq's reason.
    const core::Error& e = opened.error();
    if (e.msg == core::Msg::kStoreUnreachable && !e.args.empty()) {
      return SetupError(e.code, e.args.front());
    }
    return e;
  }
  std::unique_ptr<storage::postgres::PostgresStore> postgres = std::move(opened).value();
  out.write_fault = [raw = postgres.get()] { return raw->WriteFault(); };
  out.postgres = postgres.get();
  out.store = std::move(postgres);
  KW_RETURN_IF_ERROR(out.store->Transact(
      [&](core::UnitOfWork& uow) { return core::CheckAndRecordPepper(uow, out.peppers); }));
  return out;
}

// A store that has been used records its pepper's fingerprint. When such a store is there but
// its pepper file is not (a restored backup: the pepper is never in one), LoadPepper must not make
// a new pepper: it would verify no key, and the pepper guard would refuse it only after the file
// had been written, leaving a wrong pepper where the right one must be put back.
core::Status RefuseMissingPepper(const ServeConfig& config) {
  if (config.pepper_file) return core::Ok();
  const std::string database = storage::DatabasePath(config.data_dir);
  const std::string pepper = storage::PepperFilePath(config.data_dir, std::nullopt);
  std::error_code ec;
  if (std::filesystem::exists(pepper, ec) || !std::filesystem::exists(database, ec)) {
    return core::Ok();
  }
  KW_ASSIGN_OR_RETURN(const bool knows, storage::sqlite::RecordsPepper(database));
  if (!knows) return core::Ok();
  return core::MakeError(core::ErrorCode::kInvalidArgument, core::Msg::kPepperMissing,
                         {"the store " + database, pepper});
}

}  // namespace

std::string MigrationBackupDir(const std::string& data_dir) { return data_dir + "/backups"; }

core::Result<OpenedStore> OpenStore(const ServeConfig& config, core::Random& random,
                                    IfMissing if_missing) {
  if (config.database) return OpenPostgres(config, random, if_missing);
  if (if_missing == IfMissing::kRefuse) {
    // Before anything is created: a command that must find a store leaves no trace without one.
    const std::string path = storage::DatabasePath(config.data_dir);
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
      return core::MakeError(
          core::ErrorCode::kNotFound, core::Msg::kSetting,
          {"no Keyward store at " + std::filesystem::absolute(path, ec).string() + " (--data-dir " +
           config.data_dir + "): point --data-dir at the data directory of the server you mean"});
    }
  }
  if (::mkdir(config.data_dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return SetupError(
        core::ErrorCode::kUnavailable,
        "cannot create the data directory " + config.data_dir + ": " + std::strerror(errno));
  }
  KW_RETURN_IF_ERROR(RefuseMissingPepper(config));
  OpenedStore out;
  KW_ASSIGN_OR_RETURN(out.peppers,
                      storage::LoadPepper(config.data_dir, config.pepper_file, random));
  KW_ASSIGN_OR_RETURN(std::unique_ptr<storage::SqliteStore> sqlite,
                      storage::SqliteStore::Open(storage::DatabasePath(config.data_dir),
                                                 {.max_database_bytes = config.max_database_bytes},
                                                 MigrationBackupDir(config.data_dir)));
  out.migration_backup = sqlite->MigrationBackup();
  out.write_fault = [raw = sqlite.get()] { return raw->WriteFault(); };
  out.store = std::move(sqlite);
  KW_RETURN_IF_ERROR(out.store->Transact(
      [&](core::UnitOfWork& uow) { return core::CheckAndRecordPepper(uow, out.peppers); }));
  return out;
}

core::Status BootstrapIfEmpty(const core::KeyService& keys, const BootstrapSecretFiles& files,
                              const FirstStartHints& hints, std::ostream& err) {
  KW_ASSIGN_OR_RETURN(std::optional<core::IssuedKey> first,
                      keys.IssueFirstMasterKey(core::Principal::System(), "admin"));
  if (!first) return core::Ok();
  const core::IssuedKey& admin = *first;
  if (files.key_file) {
    KW_RETURN_IF_ERROR(WriteSecretFile(*files.key_file, admin.token, files.exclusive));
    err << "keyward: first start: created the Master Administrator API key \"" << admin.key.name
        << "\" (id " << admin.key.id << "); its secret is in " << *files.key_file << "\n";
    return core::Ok();
  }
  err << "keyward: first start: created the Master Administrator API key \"" << admin.key.name
      << "\" (id " << admin.key.id << ").\n"
      << "keyward: its secret is shown this once and never again; store it now:\n\n"
      << "    export KEYWARD_API_KEY=" << admin.token << "\n\n"
      << "keyward: then call the API with it, e.g. curl -H \"Authorization: Bearer "
         "$KEYWARD_API_KEY\" "
      << hints.base_url << "/v1/apikeys\n"
      << "keyward: or with the CLI: " << hints.cli.program << " keys list\n";
  if (hints.base_url != hints.cli.default_url) {
    err << "keyward: the CLI calls " << hints.cli.default_url
        << " unless told otherwise; point it at this server with:\n\n"
        << "    export KEYWARD_URL=" << hints.base_url << "\n\n";
  }
  err.flush();
  return core::Ok();
}

core::Status BootstrapAdministratorAccount(const core::AccountService& accounts,
                                           const BootstrapSecretFiles& files,
                                           const FirstStartHints& hints, std::ostream& err) {
  KW_ASSIGN_OR_RETURN(std::optional<std::string> password, accounts.BootstrapAdministrator());
  if (!password) return core::Ok();
  const std::string email(core::kBootstrapAdminEmail);
  if (files.password_file) {
    KW_RETURN_IF_ERROR(WriteSecretFile(*files.password_file, *password, files.exclusive));
    err << "keyward: created the Master Administrator account " << email
        << "; its one-time console password is in " << *files.password_file << "\n";
    return core::Ok();
  }
  err << "keyward: created the Master Administrator account " << email << ".\n"
      << "keyward: its one-time console password is shown this once; it must be changed at "
         "first sign-in:\n\n"
      << "    " << *password << "\n\n"
      << "keyward: sign in with POST " << hints.base_url << "/v1/session {\"email\": \"" << email
      << "\", \"password\": \"...\"}\n";
  err.flush();
  return core::Ok();
}

}  // namespace keyward::app
