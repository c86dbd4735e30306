#include "bench/bench_fixture.hpp"

#include <chrono>
#include <filesystem>
#include <iostream>
#include <system_error>

#include "core/crypto/token.hpp"
#include "core/permissions.hpp"
#include "core/random.hpp"
#include "core/store/api_key.hpp"

namespace keyward::bench {
namespace {

namespace fs = std::filesystem;

// Bump when the fixture's content changes, so an old cached file is never reused.
constexpr int kFixtureVersion = 1;
constexpr std::uint64_t kSeedBase = 0x6b65797761726400ULL;    // "keyward\0"
constexpr std::uint64_t kSeedStride = 0xD1B54A32D192ED03ULL;  // odd: distinct n, distinct seeds
constexpr std::uint64_t kForeignBase = 1ULL << 62;
constexpr std::string_view kMetaKey = "bench_fixture";

std::string FixtureMark(std::size_t keys) {
  return "v" + std::to_string(kFixtureVersion) + " keys=" + std::to_string(keys) + " complete";
}

KeyMaterial MaterialFromSeed(std::uint64_t seed) {
  core::SeededRandom random(seed);
  KeyMaterial m;
  m.public_id = core::GeneratePublicId(random);
  m.secret = core::GenerateSecret(random);
  return m;
}

core::ApiKey MakeKey(std::uint64_t n, const core::SecretHasher& hasher, core::Time now) {
  KeyMaterial m = MakeKeyMaterial(n);
  core::ApiKey key;
  key.public_id = std::move(m.public_id);
  key.name = "bench-" + std::to_string(n);
  key.role_id = core::kAuditorRoleId;
  key.created_at = now;
  key.digest = hasher.Digest(m.secret);
  key.locked = StoredLocked(n);  // a manual lock: no unlock time
  return key;
}

void RemoveDatabase(const std::string& path) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(path + suffix, ec);
}

// Inserts keys 0..keys-1 and the completion mark in one unit of work.
core::Status Populate(core::Store& store, std::size_t keys, const core::SecretHasher& hasher) {
  const core::Time now = std::chrono::floor<core::Seconds>(std::chrono::system_clock::now());
  return store.Transact([&](core::UnitOfWork& uow) -> core::Status {
    for (std::uint64_t n = 0; n < keys; ++n) {
      KW_RETURN_IF_ERROR(uow.InsertKey(MakeKey(n, hasher, now)));
      if (keys >= 100'000 && (n + 1) % 100'000 == 0) {
        std::cerr << "keyward_bench: fixture: " << (n + 1) << " / " << keys << " keys\n";
      }
    }
    return uow.SetMeta(kMetaKey, FixtureMark(keys));
  });
}

}  // namespace

KeyMaterial MakeKeyMaterial(std::uint64_t n) {
  return MaterialFromSeed(kSeedBase + n * kSeedStride);
}

KeyMaterial MakeForeignMaterial(std::uint64_t n) {
  return MaterialFromSeed(kSeedBase + (kForeignBase + n) * kSeedStride);
}

bool StoredLocked(std::uint64_t n) { return n % 64 == 63; }

std::string_view BenchPepper() {
  // base64 of the 32 bytes "keyward benchmark pepper 32 byte".
  return "1 a2V5d2FyZCBiZW5jaG1hcmsgcGVwcGVyIDMyIGJ5dGU=\n";
}

core::Result<std::unique_ptr<storage::SqliteStore>> CreateFixture(
    const std::string& path, std::size_t keys, const core::SecretHasher& hasher) {
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  if (ec) return core::Internal("cannot create the directory of " + path + ": " + ec.message());
  KW_ASSIGN_OR_RETURN(std::unique_ptr<storage::SqliteStore> store,
                      storage::SqliteStore::Open(path));
  KW_RETURN_IF_ERROR(Populate(*store, keys, hasher));
  return store;
}

core::Result<std::unique_ptr<storage::SqliteStore>> OpenCachedFixture(
    const std::string& dir, std::size_t keys, const core::SecretHasher& hasher) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return core::Internal("cannot create " + dir + ": " + ec.message());
  const std::string path =
      dir + "/keys-v" + std::to_string(kFixtureVersion) + "-" + std::to_string(keys) + ".db";
  if (fs::exists(path)) {
    KW_ASSIGN_OR_RETURN(std::unique_ptr<storage::SqliteStore> store,
                        storage::SqliteStore::Open(path));
    KW_ASSIGN_OR_RETURN(std::optional<std::string> mark,
                        core::TransactValue<std::optional<std::string>>(
                            *store, [](core::UnitOfWork& uow) { return uow.GetMeta(kMetaKey); }));
    if (mark == FixtureMark(keys)) return store;
    store.reset();
    std::cerr << "keyward_bench: " << path << " is not a complete fixture; building it again\n";
    RemoveDatabase(path);
  }

  const std::string building = path + ".building";
  RemoveDatabase(building);
  std::cerr << "keyward_bench: building the fixture of " << keys << " keys in " << path
            << " (once; later runs reuse it)\n";
  const auto start = std::chrono::steady_clock::now();
  {
    KW_ASSIGN_OR_RETURN(std::unique_ptr<storage::SqliteStore> store,
                        CreateFixture(building, keys, hasher));
  }  // closing the last connection checkpoints the WAL into the file
  if (fs::exists(building + "-wal")) {
    return core::Internal(building + "-wal is still there: the fixture was not checkpointed");
  }
  fs::rename(building, path, ec);
  if (ec) return core::Internal("cannot rename " + building + ": " + ec.message());
  std::cerr << "keyward_bench: fixture built in "
            << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()
            << " s\n";
  return storage::SqliteStore::Open(path);
}

}  // namespace keyward::bench
