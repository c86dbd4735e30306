#include "app/bootstrap_secrets.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "storage/file_sync.hpp"

namespace keyward::app {
namespace {

core::Error SettingError(std::string text) {
  return core::MakeError(core::ErrorCode::kInvalidArgument, core::Msg::kSetting, {std::move(text)});
}

core::Error FileError(core::ErrorCode code, std::string text) {
  return core::MakeError(code, core::Msg::kSetting, {std::move(text)});
}

bool IsSet(const char* variable) { return variable != nullptr && *variable != '\0'; }

}  // namespace

core::Result<BootstrapSecretFiles> BootstrapSecretFilesFor(const std::optional<std::string>& dir,
                                                           const char* key_file_variable,
                                                           const char* password_file_variable) {
  BootstrapSecretFiles files;
  if (!dir) {
    if (IsSet(key_file_variable)) files.key_file = key_file_variable;
    if (IsSet(password_file_variable)) files.password_file = password_file_variable;
    return files;
  }
  if (dir->empty()) return SettingError("--bootstrap-secrets-dir \"\": a directory is required");
  // One place per secret: with both, the operator would look for it in the wrong one.
  for (const auto& [name, value] :
       {std::pair{"KEYWARD_BOOTSTRAP_KEY_FILE", key_file_variable},
        std::pair{"KEYWARD_BOOTSTRAP_PASSWORD_FILE", password_file_variable}}) {
    if (IsSet(value)) {
      return SettingError("--bootstrap-secrets-dir and " + std::string(name) +
                          " both say where a first-start secret goes: set one of them");
    }
  }
  const std::filesystem::path base(*dir);
  files.dir = *dir;
  files.key_file = (base / kBootstrapKeyFileName).string();
  files.password_file = (base / kBootstrapPasswordFileName).string();
  files.exclusive = true;
  return files;
}

core::Status PrepareBootstrapSecretsDir(const BootstrapSecretFiles& files, bool store_is_new) {
  if (!files.dir) return core::Ok();
  const std::string& dir = *files.dir;
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return FileError(core::ErrorCode::kUnavailable,
                     "--bootstrap-secrets-dir: cannot create " + dir + ": " + std::strerror(errno));
  }
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return FileError(core::ErrorCode::kUnavailable,
                     "--bootstrap-secrets-dir: " + dir + " is not a directory");
  }
  if (!store_is_new) return core::Ok();
  for (const std::optional<std::string>& file : {files.key_file, files.password_file}) {
    std::error_code ec;
    if (file && std::filesystem::exists(std::filesystem::symlink_status(*file, ec))) {
      // Short, the path last: an error's text is cut after 128 characters (core/messages.hpp).
      return FileError(core::ErrorCode::kAlreadyExists,
                       "a new store: move away the file of an earlier first start: " + *file);
    }
  }
  return core::Ok();
}

core::Status WriteSecretFile(const std::string& path, const std::string& line, bool exclusive) {
  const int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (exclusive ? O_EXCL : O_TRUNC);
  const int fd = ::open(path.c_str(), flags, 0600);
  if (fd < 0) {
    return FileError(core::ErrorCode::kUnavailable,
                     "cannot write " + path + ": " + std::strerror(errno));
  }
  const std::string text = line + "\n";
  // fchmod: the mode stays 0600 whatever the umask, and a replaced file becomes 0600.
  bool ok = ::fchmod(fd, 0600) == 0 && storage::WriteAll(fd, text) && ::fsync(fd) == 0;
  int saved = errno;
  ::close(fd);
  if (ok && exclusive && !storage::SyncPath(storage::DirectoryOf(path))) {
    ok = false;
    saved = errno;
  }
  if (!ok) {
    // Half a secret is no use, and would block the next try; only a file this call created is
    // removed (a variable may name any path).
    if (exclusive) ::unlink(path.c_str());
    return FileError(core::ErrorCode::kUnavailable,
                     "cannot write " + path + ": " + std::strerror(saved));
  }
  return core::Ok();
}

}  // namespace keyward::app
