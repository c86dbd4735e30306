// keyward_bench: the in-process verification chain (core::Verifier over the in-memory KeyIndex)
// with N keys loaded from a SQLite file (default 1,000,000), the index's start-up load and
// memory, and reference costs measured in the same binary: a bare SHA-256 of 64 bytes (OpenSSL
// EVP) and the chain's own HMAC. docs/BENCHMARKS.md records the figures.
//
// Flags besides Google Benchmark's own:
//   --keys=N           keys in the fixture (or KEYWARD_BENCH_KEYS; default 1000000, at least 1000)
//   --fixture-dir=DIR  where fixtures are cached (default: <build dir>/fixtures)
// Every benchmark runs on one thread but BM_VerifyValidThreads, which runs on one and on two.
#include <benchmark/benchmark.h>
#include <malloc.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "bench/bench_fixture.hpp"
#include "core/crypto/token.hpp"
#include "core/verification/failure_throttle.hpp"
#include "core/verification/key_index.hpp"
#include "core/verification/key_index_shard.hpp"
#include "core/verification/verifier.hpp"

namespace keyward::bench {
namespace {

// Tokens presented round-robin: 4096 keys (their index entries stay in the CPU caches), and a
// spread of 262144 keys (beyond the caches: every lookup reaches memory).
constexpr std::size_t kTokenCount = 4096;
constexpr std::size_t kSpreadTokenCount = 262'144;
constexpr std::size_t kMinKeys = 1000;
constexpr std::size_t kCountedKeys = 1024;  // the small store the counted-failure benchmark writes

struct Options {
  std::size_t keys = 1'000'000;
  std::string fixture_dir = KEYWARD_BENCH_FIXTURE_DIR;
};

Options& GlobalOptions() {
  static Options options;
  return options;
}

[[noreturn]] void Die(const std::string& what) {
  std::cerr << "keyward_bench: " << what << "\n";
  std::exit(1);
}

const core::SecretHasher& Hasher() {
  static const core::SecretHasher hasher(core::PepperSet::Parse(BenchPepper()).value());
  return hasher;
}

core::IpAddress ClientIp() { return *core::IpAddress::Parse("203.0.113.7"); }

// The cached fixture of GlobalOptions().keys keys, opened once.
storage::SqliteStore& FixtureStore() {
  static std::unique_ptr<storage::SqliteStore> store = [] {
    auto opened = OpenCachedFixture(GlobalOptions().fixture_dir, GlobalOptions().keys, Hasher());
    if (!opened) Die("cannot open the fixture: " + opened.error().Message());
    return std::move(opened).value();
  }();
  return *store;
}

// The fixture loaded into one KeyIndex, the verifiers over it and the tokens they are shown.
class Loaded {
 public:
  static Loaded& Get() {
    static Loaded loaded;
    return loaded;
  }

  core::KeyIndex& index() { return index_; }
  // Wired as `keyward serve` wires it: with the per-address failure throttle.
  const core::Verifier& served() const { return served_; }
  // Without the throttle: failures from one address would otherwise be RATE_LIMITED after 30.
  const core::Verifier& unthrottled() const { return unthrottled_; }

  // kTokenCount tokens of random unlocked stored keys, and their public ids.
  const std::vector<std::string>& valid() const { return valid_; }
  const std::vector<std::string>& valid_ids() const { return valid_ids_; }
  // kSpreadTokenCount tokens of random unlocked stored keys.
  const std::vector<std::string>& valid_spread() const { return valid_spread_; }
  // Well-formed tokens whose public id is not stored.
  const std::vector<std::string>& unknown_id() const { return unknown_id_; }
  // The public id of a locked stored key with another secret.
  const std::vector<std::string>& wrong_secret() const { return wrong_secret_; }

 private:
  Loaded()
      : index_(FixtureStore(), clock_),
        served_(index_, Hasher(), clock_, core::LockoutPolicy{}, &throttle_),
        unthrottled_(index_, Hasher(), clock_) {
    if (core::Status st = index_.Load(); !st) Die("cannot load the index: " + st.error().Message());
    const std::size_t keys = GlobalOptions().keys;
    std::mt19937_64 rng(20240601);
    std::uniform_int_distribution<std::uint64_t> any_key(0, keys - 1);
    std::uniform_int_distribution<std::uint64_t> any_locked(0, keys / 64 - 1);
    while (valid_spread_.size() < kSpreadTokenCount) {
      const std::uint64_t n = any_key(rng);
      if (StoredLocked(n)) continue;
      KeyMaterial m = MakeKeyMaterial(n);
      valid_spread_.push_back(core::FormatToken(m.public_id, m.secret));
      if (valid_.size() < kTokenCount) {
        valid_.push_back(valid_spread_.back());
        valid_ids_.push_back(m.public_id);
      }
    }
    for (std::uint64_t i = 0; i < kTokenCount; ++i) {
      KeyMaterial foreign = MakeForeignMaterial(i);
      unknown_id_.push_back(core::FormatToken(foreign.public_id, foreign.secret));
      const std::uint64_t locked = any_locked(rng) * 64 + 63;
      wrong_secret_.push_back(core::FormatToken(MakeKeyMaterial(locked).public_id, foreign.secret));
    }
  }

  core::SystemClock clock_;
  core::KeyIndex index_;
  core::SlidingFailureThrottle throttle_;
  core::Verifier served_;
  core::Verifier unthrottled_;
  std::vector<std::string> valid_;
  std::vector<std::string> valid_ids_;
  std::vector<std::string> valid_spread_;
  std::vector<std::string> unknown_id_;
  std::vector<std::string> wrong_secret_;
};

// Runs `verifier` over `tokens` round-robin from token `first` on (each thread of a
// multi-threaded benchmark starts elsewhere); every answer must be `expected`.
void RunChainFrom(benchmark::State& state, const core::Verifier& verifier,
                  const std::vector<std::string>& tokens, std::size_t first,
                  core::Outcome expected) {
  const std::optional<core::IpAddress> client = ClientIp();
  std::size_t i = first % tokens.size();
  for (auto _ : state) {
    core::Verification v = verifier.Verify(core::VerifyRequest{tokens[i], client, {}});
    if (v.outcome != expected) {
      state.SkipWithError(
          (std::string("unexpected outcome ") + core::OutcomeName(v.outcome)).c_str());
      break;
    }
    benchmark::DoNotOptimize(v);
    i = (i + 1) % tokens.size();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

// RunChain over the loaded fixture, with its key count as a counter.
void RunLoaded(benchmark::State& state, const core::Verifier& verifier,
               const std::vector<std::string>& tokens, core::Outcome expected) {
  RunChainFrom(state, verifier, tokens, 0, expected);
  state.counters["keys"] = static_cast<double>(Loaded::Get().index().Stats().keys);
}

// Start-up: KeyIndex::Load() from the SQLite file (warm page cache), and what the index costs
// in memory: its own account (Stats().memory_bytes) and the growth of the process's memory across
// constructing and loading it: the malloc heap (mallinfo2) plus the records' huge-page pool
// (index::RecordBytesInUse), both per key.
void BM_IndexLoad(benchmark::State& state) {
  storage::SqliteStore& store = FixtureStore();
  core::SystemClock clock;
  double index_bytes = 0, heap_bytes = 0, keys = 0;
  for (auto _ : state) {
    const std::size_t heap_before = mallinfo2().uordblks + core::index::RecordBytesInUse();
    auto index = std::make_unique<core::KeyIndex>(store, clock);
    const auto start = std::chrono::steady_clock::now();
    core::Status st = index->Load();
    const auto end = std::chrono::steady_clock::now();
    if (!st) Die("cannot load the index: " + st.error().Message());
    state.SetIterationTime(std::chrono::duration<double>(end - start).count());
    const std::size_t heap_after = mallinfo2().uordblks + core::index::RecordBytesInUse();
    const core::KeyIndexStats stats = index->Stats();
    keys = static_cast<double>(stats.keys);
    index_bytes = static_cast<double>(stats.memory_bytes);
    heap_bytes = static_cast<double>(heap_after) - static_cast<double>(heap_before);
  }
  state.counters["keys"] = keys;
  state.counters["index_bytes_per_key"] = index_bytes / keys;
  state.counters["heap_bytes_per_key"] = heap_bytes / keys;
  state.counters["keys_per_second"] = benchmark::Counter(
      keys * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_IndexLoad)->UseManualTime()->Iterations(3)->Unit(benchmark::kMillisecond);

// The headline: a valid token of a random loaded key, through the chain as `keyward serve`
// runs it (throttle check, parse, index lookup, HMAC, role, last-used write-behind).
void BM_VerifyValid(benchmark::State& state) {
  Loaded& loaded = Loaded::Get();
  RunLoaded(state, loaded.served(), loaded.valid(), core::Outcome::kValid);
}
BENCHMARK(BM_VerifyValid);

// The same without the throttle: what the throttle's check costs on the hot path.
void BM_VerifyValidUnthrottled(benchmark::State& state) {
  Loaded& loaded = Loaded::Get();
  RunLoaded(state, loaded.unthrottled(), loaded.valid(), core::Outcome::kValid);
}
BENCHMARK(BM_VerifyValidUnthrottled);

// BM_VerifyValid on one thread and on two at once, each walking the hot set from its own offset
// (half the set apart). Real time, so items_per_second is the threads' aggregate rate: the
// two-thread figure over the one-thread figure is how the chain scales with cores.
void BM_VerifyValidThreads(benchmark::State& state) {
  Loaded& loaded = Loaded::Get();
  const std::size_t offset = static_cast<std::size_t>(state.thread_index()) *
                             loaded.valid().size() / static_cast<std::size_t>(state.threads());
  RunChainFrom(state, loaded.served(), loaded.valid(), offset, core::Outcome::kValid);
}
BENCHMARK(BM_VerifyValidThreads)->Threads(1)->Threads(2)->UseRealTime();

// A well-formed token whose public id is not loaded: still pays one HMAC (SecretHasher::Burn).
void BM_VerifyUnknownId(benchmark::State& state) {
  Loaded& loaded = Loaded::Get();
  RunLoaded(state, loaded.unthrottled(), loaded.unknown_id(), core::Outcome::kNotFound);
}
BENCHMARK(BM_VerifyUnknownId);

// A wrong secret for a key that is locked already (the flood case): one HMAC, no store write.
void BM_VerifyWrongSecretLockedKey(benchmark::State& state) {
  Loaded& loaded = Loaded::Get();
  RunLoaded(state, loaded.unthrottled(), loaded.wrong_secret(), core::Outcome::kNotFound);
}
BENCHMARK(BM_VerifyWrongSecretLockedKey);

// A valid token over 262144 keys: index entries are no longer in the caches, as with traffic
// spread over many keys. After the other chain benchmarks: it leaves 262144 last-used times
// pending (the bench never starts the index's flusher), which would slow the ones after it.
void BM_VerifyValidSpread(benchmark::State& state) {
  Loaded& loaded = Loaded::Get();
  RunLoaded(state, loaded.served(), loaded.valid_spread(), core::Outcome::kValid);
}
BENCHMARK(BM_VerifyValidSpread);

// A wrong secret that counts (docs/architecture.md: written at once, an atomic increment in the
// store): one SQLite unit of work with synchronous=FULL per call (wall time: it waits for the
// disk). On a small store of its own, so the cached fixture is never written; lockout disabled so
// every call counts.
void BM_VerifyWrongSecretCounted(benchmark::State& state) {
  const std::string path =
      GlobalOptions().fixture_dir + "/counted-" + std::to_string(::getpid()) + ".db";
  {
    auto store = CreateFixture(path, kCountedKeys, Hasher());
    if (!store) Die("cannot create " + path + ": " + store.error().Message());
    core::SystemClock clock;
    core::KeyIndex index(**store, clock);
    if (core::Status st = index.Load(); !st) Die("cannot load: " + st.error().Message());
    const core::Verifier verifier(index, Hasher(), clock, core::LockoutPolicy{0, core::Seconds{0}});
    std::vector<std::string> tokens;
    for (std::uint64_t n = 0; n < kCountedKeys; ++n) {
      if (StoredLocked(n)) continue;
      tokens.push_back(
          core::FormatToken(MakeKeyMaterial(n).public_id, MakeForeignMaterial(n).secret));
    }
    RunChainFrom(state, verifier, tokens, 0, core::Outcome::kNotFound);
    state.counters["keys"] = static_cast<double>(index.Stats().keys);
  }
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix, ec);
}
BENCHMARK(BM_VerifyWrongSecretCounted)->UseRealTime()->Unit(benchmark::kMicrosecond);

// Part of the chain: the index lookup and the copy of the key out of it.
void BM_IndexFind(benchmark::State& state) {
  Loaded& loaded = Loaded::Get();
  core::KeyEntry entry;
  std::size_t i = 0;
  for (auto _ : state) {
    core::Result<bool> found = loaded.index().Find(loaded.valid_ids()[i], entry);
    if (!found || !*found) {
      state.SkipWithError("a loaded key was not found");
      break;
    }
    benchmark::DoNotOptimize(entry);
    i = (i + 1) % loaded.valid_ids().size();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_IndexFind);

// Part of the chain: parsing the token (shape, base62, CRC32 checksum).
void BM_ParseToken(benchmark::State& state) {
  const std::vector<std::string>& tokens = Loaded::Get().valid();
  std::size_t i = 0;
  for (auto _ : state) {
    const std::optional<core::TokenView> token = core::ParseToken(tokens[i]);
    if (!token) {
      state.SkipWithError("a valid token did not parse");
      break;
    }
    benchmark::DoNotOptimize(token);
    i = (i + 1) % tokens.size();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_ParseToken);

// Part of the chain: its HMAC-SHA256 of a 43-character secret and the constant-time compare,
// exactly the work the chain does for a valid key (SecretHasher::Compute, ConstantTimeEqual).
// BM_VerifyValid minus this is the chain's own cost beyond its HMAC.
void BM_SecretHasherMatches(benchmark::State& state) {
  const KeyMaterial m = MakeKeyMaterial(0);
  const core::SecretDigest digest = Hasher().Digest(m.secret);
  for (auto _ : state) {
    const bool ok = Hasher().Matches(digest, m.secret);
    if (!ok) {
      state.SkipWithError("the digest did not match");
      break;
    }
    benchmark::DoNotOptimize(ok);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_SecretHasherMatches);

// Reference: a bare SHA-256 of 64 bytes through OpenSSL EVP, context and digest fetched once.
void BM_Sha256Reference64B(benchmark::State& state) {
  EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (md == nullptr || ctx == nullptr) Die("OpenSSL has no SHA256");
  std::array<unsigned char, 64> input{};
  for (std::size_t i = 0; i < input.size(); ++i) input[i] = static_cast<unsigned char>(i * 7);
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int out_len = 0;
  for (auto _ : state) {
    if (EVP_DigestInit_ex2(ctx, md, nullptr) != 1 ||
        EVP_DigestUpdate(ctx, input.data(), input.size()) != 1 ||
        EVP_DigestFinal_ex(ctx, out.data(), &out_len) != 1) {
      state.SkipWithError("EVP digest failed");
      break;
    }
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  EVP_MD_CTX_free(ctx);
  EVP_MD_free(md);
}
BENCHMARK(BM_Sha256Reference64B);

// Takes --keys=N and --fixture-dir=DIR out of argv (and KEYWARD_BENCH_KEYS from the
// environment), leaving Google Benchmark's flags.
void ParseOwnFlags(int& argc, char** argv) {
  Options& options = GlobalOptions();
  auto parse_keys = [&](const std::string& text) {
    char* end = nullptr;
    const unsigned long long n = std::strtoull(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || n < kMinKeys || n > 100'000'000) {
      Die("--keys must be a number from " + std::to_string(kMinKeys) + " to 100000000");
    }
    options.keys = static_cast<std::size_t>(n);
  };
  if (const char* env = std::getenv("KEYWARD_BENCH_KEYS"); env != nullptr && *env != '\0') {
    parse_keys(env);
  }
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--keys=", 0) == 0) {
      parse_keys(arg.substr(7));
    } else if (arg.rfind("--fixture-dir=", 0) == 0) {
      options.fixture_dir = arg.substr(14);
    } else {
      argv[kept++] = argv[i];
    }
  }
  argc = kept;
}

}  // namespace
}  // namespace keyward::bench

int main(int argc, char** argv) {
  keyward::bench::ParseOwnFlags(argc, argv);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  const auto& options = keyward::bench::GlobalOptions();
  benchmark::AddCustomContext("keyward_keys", std::to_string(options.keys));
  benchmark::AddCustomContext("keyward_fixture_dir", options.fixture_dir);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
