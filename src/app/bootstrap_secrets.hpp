// Where a first start hands over its two secrets, the first Master Administrator key's secret and
// the one-time console password of admin@localhost: the terminal (standard error), a file each
// named by KEYWARD_BOOTSTRAP_KEY_FILE / KEYWARD_BOOTSTRAP_PASSWORD_FILE, or two files in the
// directory --bootstrap-secrets-dir names (the packaged service's way: the secrets never reach
// the journal; docs/operations.md "Install"). Plain value type and free functions; the functions
// touch only the file system.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace keyward::app {

// The files in a --bootstrap-secrets-dir.
inline constexpr std::string_view kBootstrapKeyFileName = "admin-api-key";
inline constexpr std::string_view kBootstrapPasswordFileName = "admin-password";

struct BootstrapSecretFiles {
  std::optional<std::string> key_file;       // else the terminal
  std::optional<std::string> password_file;  // else the terminal
  // The directory's files are created, never replaced (an existing one is an error); the files
  // the variables name are replaced.
  bool exclusive = false;
  std::optional<std::string> dir;  // --bootstrap-secrets-dir, when given
};

// From --bootstrap-secrets-dir (`dir`) and the values of the two variables (null or empty: not
// set). A directory and a variable together are refused (kInvalidArgument, Msg::kSetting, naming
// both), as is an empty directory name. Touches nothing.
core::Result<BootstrapSecretFiles> BootstrapSecretFilesFor(const std::optional<std::string>& dir,
                                                           const char* key_file_variable,
                                                           const char* password_file_variable);

// With a directory: creates it (mode 0700; its parent must exist) unless it is there, and on a
// store without keys (`store_is_new`) refuses (kAlreadyExists) while a file of an earlier first
// start is still in it, before any secret is made that could not be written. Errors name the
// path and the cause. Without a directory: does nothing.
core::Status PrepareBootstrapSecretsDir(const BootstrapSecretFiles& files, bool store_is_new);

// Writes `line` + "\n" to `path` with mode 0600 and fsyncs it. `exclusive`: the file must not
// exist (O_EXCL) and its directory is fsynced too, and on error the file is removed again; else a
// file there is replaced. Errors name the path, never the line.
core::Status WriteSecretFile(const std::string& path, const std::string& line, bool exclusive);

}  // namespace keyward::app
