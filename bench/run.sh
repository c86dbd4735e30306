#!/usr/bin/env bash
# The entry point of `make bench` (which builds the `bench` preset first; this builds nothing):
#   1. keyward_bench: the in-process verification chain with KEYWARD_BENCH_KEYS keys loaded
#      (default 1000000; the fixture is cached in build/bench/fixtures), the index's load time
#      and memory, and the SHA-256 / HMAC references;
#   2. bench/http/compare.sh: Keyward's /v1/authz against nginx (the ceiling) and Express, wrk;
#   3. a summary of both, each goal marked MET / NOT MET, also in build/bench/results/summary.txt.
#
# Environment (all optional): KEYWARD_BENCH_KEYS (e.g. 100000 for a quick run), BENCH_SECONDS,
# BENCH_WARMUP_SECONDS, BENCH_CONNECTIONS (see compare.sh), BENCH_REPETITIONS (of each
# in-process benchmark, default 3; the summary takes the median), BENCH_QUIET_WAIT (seconds to
# wait for an idle machine before each part, default 600), BENCH_SKIP_VERIFY=1,
# BENCH_SKIP_HTTP=1. Extra arguments go to keyward_bench (e.g. --benchmark_filter=Verify).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build/bench
out=$build/results
bench_bin=$build/bench/keyward_bench
mkdir -p "$out"
export BENCH_OUT_DIR=$out

# The share of the last 3 s the CPUs were idle, in percent (from /proc/stat).
idle_percent() {
  local a b
  read -ra a </proc/stat
  sleep 3
  read -ra b </proc/stat
  local total=0 i
  for i in 1 2 3 4 5 6 7 8; do total=$((total + b[i] - a[i])); done
  echo $(((b[4] - a[4] + b[5] - a[5]) * 100 / (total > 0 ? total : 1)))
}

# Busy and total ticks of all CPUs (from /proc/stat).
cpu_ticks() {
  local c
  read -ra c </proc/stat
  echo $((c[1] + c[2] + c[3] + c[6] + c[7] + c[8])) $((c[1] + c[2] + c[3] + c[4] + c[5] + c[6] + c[7] + c[8]))
}
# CPU ticks used by this shell's waited-for children (the benchmark binary runs as one).
children_ticks() {
  local stat f
  stat=$(cat /proc/$$/stat)
  read -ra f <<<"${stat##*) }"
  echo $((f[13] + f[14]))
}

# Other engineers' builds share this machine: wait (at most BENCH_QUIET_WAIT seconds, default
# 600) until the CPUs are at least 85% idle, and say so either way.
wait_quiet() {
  local deadline=$((SECONDS + ${BENCH_QUIET_WAIT:-600})) idle
  while :; do
    idle=$(idle_percent)
    if ((idle >= 85)); then
      echo "machine quiet: CPUs ${idle}% idle before this part"
      return
    fi
    if ((SECONDS >= deadline)); then
      echo "WARNING: CPUs only ${idle}% idle before this part (other work): figures are skewed"
      return
    fi
    sleep 7
  done
}

echo "keyward bench: $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, $(uname -r)," \
  "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine skews every figure)"

if [[ ${BENCH_SKIP_VERIFY:-0} != 1 ]]; then
  [[ -x $bench_bin ]] || { echo "run.sh: no $bench_bin; run make bench" >&2; exit 1; }
  echo
  echo "== In-process: $bench_bin (keys: ${KEYWARD_BENCH_KEYS:-1000000}) =="
  wait_quiet
  read -r busy0 total0 <<<"$(cpu_ticks)"
  child0=$(children_ticks)
  # Repetitions: the summary takes each benchmark's median, steadier on a shared machine.
  "$bench_bin" --benchmark_repetitions="${BENCH_REPETITIONS:-3}" \
    --benchmark_out="$out/verify.json" --benchmark_out_format=json "$@"
  child1=$(children_ticks)
  read -r busy1 total1 <<<"$(cpu_ticks)"
  span=$(((total1 - total0) > 0 ? (total1 - total0) : 1))
  other=$((((busy1 - busy0) - (child1 - child0)) * 100 * $(nproc) / span))
  echo "$((other < 0 ? 0 : other))" >"$out/verify.other_cpu"
fi

if [[ ${BENCH_SKIP_HTTP:-0} != 1 ]]; then
  echo
  echo "== HTTP: bench/http/compare.sh =="
  wait_quiet
  bash "$root/bench/http/compare.sh"
fi

echo
echo "== Summary =="
python3 - "$out" "${BENCH_SKIP_VERIFY:-0}" "${BENCH_SKIP_HTTP:-0}" <<'EOF' | tee "$out/summary.txt"
import json, os, sys
out, skip_verify, skip_http = sys.argv[1], sys.argv[2] == "1", sys.argv[3] == "1"

def verdict(ok):
    return "MET" if ok else "NOT MET"

if not skip_verify:
    data = json.load(open(os.path.join(out, "verify.json")))
    # One entry per benchmark: the median of its repetitions (or its only run).
    runs = {}
    for b in data["benchmarks"]:
        name = b["run_name"].split("/")[0]
        if b.get("run_type") == "aggregate" and b.get("aggregate_name") != "median":
            continue
        if b.get("run_type") == "aggregate" or name not in runs:
            runs[name] = b
    keys = int(data["context"].get("keyward_keys", "0"))
    def rate(name):
        return runs[name]["items_per_second"] if name in runs else float("nan")
    print(f"In-process, one core, {keys:,} keys loaded (median of repetitions; items/s from CPU time):")
    other_path = os.path.join(out, "verify.other_cpu")
    if os.path.exists(other_path):
        other = int(open(other_path).read())
        print(f"  (other processes used {other}% of one core on average meanwhile"
              f"{'' if other < 15 else ': figures skewed'})")
    for name, label in [("BM_VerifyValid", "verify, valid key (as served)"),
                        ("BM_VerifyValidSpread", "verify, valid key, 262144 keys"),
                        ("BM_VerifyValidUnthrottled", "verify, valid key, no throttle"),
                        ("BM_VerifyUnknownId", "verify, unknown id"),
                        ("BM_VerifyWrongSecretLockedKey", "verify, wrong secret, locked key"),
                        ("BM_VerifyWrongSecretCounted", "verify, wrong secret, counted"),
                        ("BM_ParseToken", "parse the token"),
                        ("BM_IndexFind", "index lookup + copy"),
                        ("BM_SecretHasherMatches", "HMAC-SHA256 of the secret"),
                        ("BM_Sha256Reference64B", "SHA-256 of 64 bytes (reference)")]:
        if name in runs:
            print(f"  {label:34} {rate(name):14,.0f} /s   {1e9 / rate(name):9.0f} ns each")
    valid = rate("BM_VerifyValid")
    print(f"  goal >= 2,000,000 verifications/s: {valid:,.0f}/s "
          f"({valid / rate('BM_Sha256Reference64B'):.2f} x the SHA-256 reference) -> {verdict(valid >= 2e6)}")
    load = runs.get("BM_IndexLoad")
    if load:
        seconds = load["real_time"] / {"ms": 1e3, "us": 1e6, "ns": 1e9, "s": 1}[load["time_unit"]]
        scope = "" if keys == 1_000_000 else " (the goals are for 1,000,000 keys)"
        print(f"  index memory: {load['index_bytes_per_key']:.0f} bytes/key by Stats(), "
              f"{load['heap_bytes_per_key']:.0f} bytes/key heap growth across Load (mallinfo2)")
        print(f"  goal index memory <= 256 bytes/key (heap growth): "
              f"{verdict(load['heap_bytes_per_key'] <= 256)}{scope}")
        print(f"  start-up load (KeyIndex::Load from SQLite, warm cache): {seconds:.2f} s "
              f"-> goal <= 3 s: {verdict(seconds <= 3)}{scope}")
if not skip_http:
    print()
    print(open(os.path.join(out, "http.txt")).read().strip())
EOF
