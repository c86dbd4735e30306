// The pepper file on disk, for `keyward pepper rotate` and `retire`: which file a configuration
// names, its text, and replacing it whole. The text is a secret: it is returned to the caller
// and never put into an error.
//
// Thread-safety: the functions are safe to call from any thread; two processes replacing the same
// file must be serialized by the caller (the pepper commands do it inside a unit of work of the
// store).
#pragma once

#include <optional>
#include <string>

#include "core/result.hpp"

namespace keyward::storage {

// `pepper_file` when given, else DATA_DIR/pepper (storage/data_dir.hpp).
std::string PepperFilePath(const std::string& data_dir,
                           const std::optional<std::string>& pepper_file);

// The whole text of the pepper file at `path`. Errors (Msg::kSetting, naming the path):
// kNotFound when there is no such file, kInvalidArgument when it cannot be read or is too large.
core::Result<std::string> ReadPepperText(const std::string& path);

// Replaces the file at `path` (a symbolic link: its target) with `contents`, atomically: a
// temporary file beside it (mode 0600, the old file's owner and group when they differ from ours
// and we may set them), written and fsynced, renamed over it, then the directory fsynced. A reader
// sees the old text or the new, never a mix. Errors (kUnavailable, Msg::kSetting) name the file and
// the reason, e.g. a directory that is not writable; the old file is then left as it was.
core::Status ReplacePepperFile(const std::string& path, const std::string& contents);

}  // namespace keyward::storage
