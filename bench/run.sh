#!/usr/bin/env bash
# The entry point of `make bench` (which builds the `bench` preset first; this builds nothing).
# Parts, each after waiting for a quiet machine (docs/BENCHMARKS.md, "Running them"):
#   verify  keyward_bench: the in-process verification chain with KEYWARD_BENCH_KEYS keys loaded
#           (default 1000000; the fixture is cached in build/bench/fixtures), the index's load
#           time and memory, and the SHA-256 / HMAC references;
#   http    bench/http/compare.sh: /v1/authz against nginx (the ceiling) and Express, 3 rounds;
#   e2e     bench/http/e2e.sh: nginx auth_request to Keyward in front of an upstream, and without;
#   flood   bench/http/flood.sh: valid traffic with and without a flood of counted wrong secrets;
#   writes  bench/http/writes.sh: keys created per second through POST /v1/apikeys, and the
#           SQLite store's own ceiling (keyward_write_ceiling);
#   postgres bench/http/postgres.sh: one node on PostgreSQL beside one on SQLite, verification
#           throughput and keys created per second;
# then one summary of every figure, each goal marked MET / NOT MET, also written to
# build/bench/results/summary.txt beside the raw outputs. A part that fails is reported as failed
# in the summary, the others still run, and run.sh then exits non-zero.
#
# Environment (all optional): KEYWARD_BENCH_KEYS (e.g. 100000 for a quick run), BENCH_REPETITIONS
# (of each in-process benchmark, default 3; the summary takes the median), BENCH_QUIET_WAIT
# (seconds to wait for an idle machine before each part, default 600), BENCH_SKIP_VERIFY=1,
# BENCH_SKIP_HTTP=1 (every part over HTTP), BENCH_SKIP_COMPARE=1, BENCH_SKIP_E2E=1,
# BENCH_SKIP_FLOOD=1, BENCH_SKIP_WRITES=1, BENCH_SKIP_POSTGRES=1; the HTTP settings of bench/http/lib.sh (BENCH_SECONDS,
# BENCH_ROUNDS, ...) and of flood.sh and writes.sh. Extra arguments go to keyward_bench (e.g.
# --fixture-dir=DIR or --benchmark_filter=Verify).
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

# shellcheck source=bench/cpu.sh
source "$(dirname "${BASH_SOURCE[0]}")/cpu.sh"

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
  "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')" | tee "$out/summary.head"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine skews every figure)" |
  tee -a "$out/summary.head"

# Which parts run: BENCH_SKIP_HTTP=1 skips every part over HTTP, BENCH_SKIP_<PART>=1 one of them.
skip_http=${BENCH_SKIP_HTTP:-0}
declare -A state=(
  [verify]=$([[ ${BENCH_SKIP_VERIFY:-0} == 1 ]] && echo skipped || echo pending)
  [http]=$([[ $skip_http == 1 || ${BENCH_SKIP_COMPARE:-0} == 1 ]] && echo skipped || echo pending)
  [e2e]=$([[ $skip_http == 1 || ${BENCH_SKIP_E2E:-0} == 1 ]] && echo skipped || echo pending)
  [flood]=$([[ $skip_http == 1 || ${BENCH_SKIP_FLOOD:-0} == 1 ]] && echo skipped || echo pending)
  [writes]=$([[ $skip_http == 1 || ${BENCH_SKIP_WRITES:-0} == 1 ]] && echo skipped || echo pending)
  [postgres]=$([[ $skip_http == 1 || ${BENCH_SKIP_POSTGRES:-0} == 1 ]] && echo skipped || echo pending)
)
# Results of a part that runs now must come from this run: remove the previous ones.
for p in "${!state[@]}"; do
  [[ ${state[$p]} == pending ]] && rm -f "$out/$p.json"
done

# run_part PART TITLE COMMAND...: waits for a quiet machine, runs the part, records whether it
# failed (a failed part is reported as such in the summary; the others still run).
run_part() {
  local p=$1 title=$2
  shift 2
  [[ ${state[$p]} == pending ]] || return 0
  echo
  echo "== $title =="
  wait_quiet
  local start=$SECONDS
  if "$@"; then state[$p]=run; else state[$p]=failed; echo "run.sh: $title failed" >&2; fi
  echo "($p took $((SECONDS - start)) s)"
}

verify_part() {
  [[ -x $bench_bin ]] || { echo "run.sh: no $bench_bin; run make bench" >&2; return 1; }
  local busy0 total0 child0 busy1 total1 child1 span other
  read -r busy0 total0 <<<"$(cpu_ticks)"
  child0=$(children_ticks)
  # Repetitions: the summary takes each benchmark's median, steadier on a shared machine.
  "$bench_bin" --benchmark_repetitions="${BENCH_REPETITIONS:-3}" \
    --benchmark_out="$out/verify.json" --benchmark_out_format=json "$@" || return 1
  child1=$(children_ticks)
  read -r busy1 total1 <<<"$(cpu_ticks)"
  span=$(((total1 - total0) > 0 ? (total1 - total0) : 1))
  other=$((((busy1 - busy0) - (child1 - child0)) * 100 * $(nproc) / span))
  echo "$((other < 0 ? 0 : other))" >"$out/verify.other_cpu"
}

run_part verify "In-process: $bench_bin (keys: ${KEYWARD_BENCH_KEYS:-1000000})" verify_part "$@"
run_part http "HTTP: bench/http/compare.sh" bash "$root/bench/http/compare.sh"
run_part e2e "End to end: bench/http/e2e.sh" bash "$root/bench/http/e2e.sh"
run_part flood "Counted-failure flood: bench/http/flood.sh" bash "$root/bench/http/flood.sh"
run_part writes "Management writes: bench/http/writes.sh" bash "$root/bench/http/writes.sh"
run_part postgres "PostgreSQL beside SQLite: bench/http/postgres.sh" bash "$root/bench/http/postgres.sh"

echo
echo "== Summary =="
parts=()
for p in verify http e2e flood writes postgres; do parts+=("$p=${state[$p]}"); done
# report.py fails (after printing everything it could) when a part failed or left no results.
status=0
{
  cat "$out/summary.head"
  python3 "$root/bench/report.py" summary "$out" "${parts[@]}"
} >"$out/summary.txt" || status=$?
rm -f "$out/summary.head"
cat "$out/summary.txt"
exit "$status"
