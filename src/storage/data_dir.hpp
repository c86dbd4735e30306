// The data directory (docs/architecture.md "Storage and scale"): where the embedded store keeps its
// database and, unless a pepper file is configured, its pepper. The pepper never lives in the
// database.
//
// Thread-safety: the functions are safe to call from any thread; LoadPepper is also safe
// against another process creating the same pepper at the same time (the first one wins).
#pragma once

#include <optional>
#include <string>

#include "core/crypto/digest.hpp"
#include "core/random.hpp"
#include "core/result.hpp"

namespace keyward::storage {

// The SQLite database in `data_dir`: data_dir + "/keyward.db".
std::string DatabasePath(const std::string& data_dir);

// The pepper to use. With `pepper_file`, that file is read and parsed (PepperSet::Parse); it is
// never created. Without, DATA_DIR/pepper is read, or on first start created: the directory with
// mode 0700 if missing, the file with mode 0600 holding PepperSet::Generate(random), written
// and fsynced before it becomes visible under its name.
// Errors (Msg::kStoreError, naming the file): kInvalidArgument for a missing, unreadable or
// malformed pepper file; kUnavailable when the data directory cannot be written.
core::Result<core::PepperSet> LoadPepper(const std::string& data_dir,
                                         const std::optional<std::string>& pepper_file,
                                         core::Random& random);

}  // namespace keyward::storage
