// Management writes in process: keys created per second through KeyService over the stack
// `keyward serve` builds (SqliteStore with synchronous=FULL, the audit chain, the key index), with
// 1, 8 and 32 writers at once. Each run starts from an empty database in a fresh directory under
// KEYWARD_BENCH_FIXTURE_DIR (a real disk, so every commit pays its fsync). Run:
//   build/bench/bench/keyward_write_bench --benchmark_min_time=3
// and count the fsyncs per commit with
//   strace -f -c -e trace=fsync,fdatasync build/bench/bench/keyward_write_bench ...
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "core/audit/audit_chain.hpp"
#include "core/clock.hpp"
#include "core/keys/key_service.hpp"
#include "core/random.hpp"
#include "core/verification/key_index.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace {

using namespace keyward;

// "1 <base64 of 32 'A' bytes>": a fixed pepper, as the tests use.
constexpr const char* kPepperFile = "1 QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE=\n";

class WriteStack {
 public:
  explicit WriteStack(std::string dir)
      : dir_(std::move(dir)),
        peppers_(core::PepperSet::Parse(kPepperFile).value()),
        sqlite_(storage::SqliteStore::Open(dir_ + "/keyward.db").value()),
        chain_(*sqlite_, peppers_),
        index_(chain_, clock_),
        hasher_(peppers_),
        keys_(index_.store(), clock_, random_, hasher_) {
    if (!index_.Load()) std::abort();
  }
  ~WriteStack() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  core::KeyService& keys() { return keys_; }

 private:
  std::string dir_;
  core::SystemClock clock_;
  core::SystemRandom random_;
  core::PepperSet peppers_;
  std::unique_ptr<storage::SqliteStore> sqlite_;
  core::AuditChainStore chain_;
  core::KeyIndex index_;
  core::SecretHasher hasher_;
  core::KeyService keys_;
};

std::unique_ptr<WriteStack> g_stack;
std::atomic<std::uint64_t> g_next{0};

void SetUpStack(const benchmark::State&) {
  std::filesystem::create_directories(KEYWARD_BENCH_FIXTURE_DIR);
  std::string dir = std::string(KEYWARD_BENCH_FIXTURE_DIR) + "/write_bench_XXXXXX";
  if (mkdtemp(dir.data()) == nullptr) std::abort();
  g_stack = std::make_unique<WriteStack>(dir);
}

// Keys created by the runs of this process so far, on stderr: with strace's count of fsyncs, the
// fsyncs per key.
void TearDownStack(const benchmark::State&) {
  g_stack.reset();
  std::fprintf(stderr, "keys created so far: %llu\n",
               static_cast<unsigned long long>(g_next.load()));
}

void BM_CreateKey(benchmark::State& state) {
  core::CreateKeyInput in;
  in.role = "Auditor";
  for (auto _ : state) {
    in.name = "bench key " + std::to_string(g_next.fetch_add(1));
    if (!g_stack->keys().Create(core::Principal::System(), in)) {
      state.SkipWithError("create failed");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CreateKey)
    ->Setup(SetUpStack)
    ->Teardown(TearDownStack)
    ->Threads(1)
    ->Threads(8)
    ->Threads(32)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
