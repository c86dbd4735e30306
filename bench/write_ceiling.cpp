// The SQLite store's own ceiling for creating keys, beside `POST /v1/apikeys`
// (bench/http/writes.sh):
// `--count` keys inserted one after another, each in its own unit of work, writing the rows a key
// creation writes — the key (UnitOfWork::InsertKey) and its chained `apikey.create` audit event
// (AppendAuditRecord through AuditChainStore: the insert and its hash update) — with the durability
// the server has (SqliteStore: WAL, synchronous=FULL, one fsync per commit). It goes through the
// store rather than through sqlite3 with a copied schema, so the rows, indexes, triggers and
// pragmas are exactly those of the migrations the server runs, and it leaves out the service's
// reads (role, name and public-id checks) and HTTP: what remains is the cost of the writes.
//
// Usage: keyward_write_ceiling --db PATH --count N   (PATH must not exist; the caller removes it
// and its -wal and -shm afterwards). Prints one line:
//   KWCEILING count=N seconds=S keys_per_second=R synchronous=2 journal_mode=wal
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <string_view>

#include "bench/bench_fixture.hpp"
#include "core/audit/audit_chain.hpp"
#include "core/crypto/digest.hpp"
#include "core/crypto/token.hpp"
#include "core/json_text.hpp"
#include "core/locale.hpp"
#include "core/net/ip.hpp"
#include "core/permissions.hpp"
#include "core/random.hpp"
#include "core/store/api_key.hpp"
#include "core/store/audit_record.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace {

using namespace keyward;

// One key creation's writes in one unit of work, as KeyService::Insert makes them.
core::Status CreateOne(core::Store& store, const core::SecretHasher& hasher, core::Random& random,
                       std::uint64_t n) {
  const core::Time now = std::chrono::floor<core::Seconds>(std::chrono::system_clock::now());
  core::ApiKey key;
  key.public_id = core::GeneratePublicId(random);
  key.name = "ceiling-" + std::to_string(n);
  key.role_id = core::kAuditorRoleId;
  key.created_at = now;
  key.digest = hasher.Digest(core::GenerateSecret(random));
  return store.Transact([&](core::UnitOfWork& uow) -> core::Status {
    KW_ASSIGN_OR_RETURN(key.id, uow.InsertKey(key));
    core::JsonObject details;
    details.Add("name", key.name)
        .Add("role", std::int64_t{key.role_id})
        .Add("source", core::KeySourceName(key.source))
        .Add("enabled", key.enabled)
        .Add("locale", core::LocaleName(key.locale))
        .Add("timeZone", key.time_zone)
        .Add("allowedIps", core::AllowlistStrings(key.allowed_ips));
    return core::AppendAuditRecord(uow, "apikey:1", "127.0.0.1", now, "apikey.create",
                                   core::KeyTarget(key.id), "success", details.str());
  });
}

int Usage() {
  std::cerr << "usage: keyward_write_ceiling --db PATH --count N (PATH must not exist)\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string path;
  long long count = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view flag = argv[i];
    if (flag == "--db") {
      path = argv[i + 1];
    } else if (flag == "--count") {
      count = std::atoll(argv[i + 1]);
    } else {
      return Usage();
    }
  }
  if (argc % 2 != 1 || path.empty() || count <= 0) return Usage();
  if (std::filesystem::exists(path)) {
    std::cerr << "keyward_write_ceiling: " << path << " exists; give a new path\n";
    return 2;
  }

  auto peppers = core::PepperSet::Parse(bench::BenchPepper());
  if (!peppers) {
    std::cerr << "keyward_write_ceiling: bad pepper: " << peppers.error().Message() << "\n";
    return 1;
  }
  const core::SecretHasher hasher(*peppers);
  auto opened = storage::SqliteStore::Open(path);
  if (!opened) {
    std::cerr << "keyward_write_ceiling: " << opened.error().Message() << "\n";
    return 1;
  }
  storage::SqliteStore& sqlite = **opened;
  core::AuditChainStore store(sqlite, *peppers);
  core::SystemRandom random;

  const auto start = std::chrono::steady_clock::now();
  for (long long n = 0; n < count; ++n) {
    if (core::Status st = CreateOne(store, hasher, random, static_cast<std::uint64_t>(n)); !st) {
      std::cerr << "keyward_write_ceiling: insert " << n << ": " << st.error().Message() << "\n";
      return 1;
    }
  }
  const auto pragma = [&sqlite](std::string_view name) -> std::string {
    auto value = sqlite.ReadPragma(name);
    return value ? *value : "?";
  };
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "KWCEILING count=" << count << " seconds=" << seconds
            << " keys_per_second=" << static_cast<double>(count) / seconds
            << " synchronous=" << pragma("synchronous")
            << " journal_mode=" << pragma("journal_mode") << "\n";
  return 0;
}
