// The data behind the in-process benchmarks: SQLite files of N keys made from deterministic key
// material, so the tokens of any stored key can be re-made without storing a secret. Building a
// million keys takes a while (InsertKey checks uniqueness), so the big fixture is built once per
// key count and cached as `<dir>/keys-v<version>-<N>.db`; a file that was not finished is never
// used (it is written under a temporary name and renamed once its unit of work has committed).
//
// Every fixture uses the same fixed pepper (BenchPepper), never one for production.
// Thread-compatible: the benchmarks use it from one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/crypto/digest.hpp"
#include "core/result.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace keyward::bench {

// Key n's public id and secret: the same on every run and every machine.
struct KeyMaterial {
  std::string public_id;
  std::string secret;
};
KeyMaterial MakeKeyMaterial(std::uint64_t n);

// Key material that is in no fixture (for unknown ids and wrong secrets): stream `n` of a seed
// space disjoint from the stored keys'.
KeyMaterial MakeForeignMaterial(std::uint64_t n);

// Whether stored key n carries a manual lock: one key in 64, the targets of the wrong-secret
// flood benchmark (a failure against a locked key writes nothing).
bool StoredLocked(std::uint64_t n);

// The pepper file every fixture is digested with.
std::string_view BenchPepper();

// Opens the cached fixture of `keys` keys in `dir` (created if missing), building it first when
// there is none. Progress goes to stderr. Errors from the store or the file system.
core::Result<std::unique_ptr<storage::SqliteStore>> OpenCachedFixture(
    const std::string& dir, std::size_t keys, const core::SecretHasher& hasher);

// A fresh fixture of `keys` keys at `path` (which must not exist yet), for benchmarks that
// write to the store. The caller removes the file (and its -wal, -shm) when done.
core::Result<std::unique_ptr<storage::SqliteStore>> CreateFixture(const std::string& path,
                                                                  std::size_t keys,
                                                                  const core::SecretHasher& hasher);

}  // namespace keyward::bench
