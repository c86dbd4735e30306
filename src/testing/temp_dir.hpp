// TempDir: a fresh private directory under $TMPDIR (or /tmp) for a test, removed with all its
// contents when the TempDir is destroyed. For tests only.
//
// Thread-safety: thread-compatible.
#pragma once

#include <string>

namespace keyward::storage {

class TempDir {
 public:
  // Creates the directory; aborts the test binary if that is impossible.
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // path() + "/" + name.
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace keyward::storage
