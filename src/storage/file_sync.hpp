// The small POSIX steps every durable file write of Keyward takes (the pepper file, a backup, the
// first start's secret files): write all of a buffer, name a file's directory, fsync a file or a
// directory. Each reports failure as false with errno set, for the caller's own error message.
// Thread-safety: plain functions, safe from any thread.
#pragma once

#include <string>
#include <string_view>

namespace keyward::storage {

// Writes all of `data` to `fd`, retrying short writes and EINTR.
bool WriteAll(int fd, std::string_view data);

// The directory that holds `path` ("." for a bare name): where a new entry is made durable.
std::string DirectoryOf(const std::string& path);

// fsync of the file or directory at `path`, opened read-only for it.
bool SyncPath(const std::string& path);

}  // namespace keyward::storage
