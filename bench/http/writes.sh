#!/usr/bin/env bash
# Management writes: keys created per second through POST /v1/apikeys (docs/api.md) on the
# embedded SQLite store (synchronous=FULL, the default), with 1, 8 and 32 concurrent clients
# (wrk -t1 -c<clients>, writes.lua: every request creates a key of a unique name), first with
# keyward's default --workers, then with --workers 32 (each on a fresh data directory). Beside
# them, the store's own ceiling: keyward_write_ceiling inserting as many keys as the 1-client run
# created, one unit of work each (the key and its chained audit event, fsync'ed), on the same file
# system, once left to the scheduler and once pinned to one CPU; the better is the ceiling. Every measured run's keys are counted through GET /v1/apikeys/summary.
#
# Environment: see bench/http/lib.sh; also BENCH_WRITE_SECONDS (measured seconds per run, default
# 5), BENCH_WRITE_CLIENTS (default "1 8 32"), BENCH_WRITE_WORKERS (the --workers runs besides the
# default one, default "32"; empty for none), BENCH_WRITE_CEILING_MAX (at most this many ceiling
# inserts, default 5000), KEYWARD_WRITE_CEILING_BIN (default build/bench/bench/keyward_write_ceiling).
# Writes $BENCH_OUT_DIR/writes.tsv, writes-created.tsv, writes-ceiling.txt, wrk-writes-*.txt,
# writes.txt and writes.json.
set -euo pipefail
part=writes.sh
# shellcheck source=bench/http/lib.sh
source "$(dirname "$0")/lib.sh"

write_seconds=${BENCH_WRITE_SECONDS:-5}
clients_list=${BENCH_WRITE_CLIENTS:-1 8 32}
workers_list=${BENCH_WRITE_WORKERS-32}
ceiling_max=${BENCH_WRITE_CEILING_MAX:-5000}
ceiling_bin=${KEYWARD_WRITE_CEILING_BIN:-$root/build/bench/bench/keyward_write_ceiling}
[[ -x $ceiling_bin ]] || die "no $ceiling_bin (cmake --build --preset bench)"
command -v taskset >/dev/null || die "taskset is missing (util-linux)"
tsv=$out/writes.tsv
: >"$tsv"
: >"$out/writes-created.tsv"

# The number of keys the store holds.
key_count() {
  curl -sf "http://$address/v1/apikeys/summary" -H "Authorization: Bearer $admin" |
    python3 -c 'import json, sys; print(sum(json.load(sys.stdin)["byStatus"].values()))' ||
    die "could not count the keys"
}
# The same once it has stopped changing: when wrk ends, the server still completes the requests
# that were under way (at most one per connection).
settled_key_count() {
  local last now
  last=$(key_count)
  for _ in $(seq 50); do
    sleep 0.2
    now=$(key_count)
    ((now == last)) && break
    last=$now
  done
  echo "$last"
}

echo "Management writes: POST /v1/apikeys, wrk -t1 -c<clients> -d${write_seconds}s, clients:" \
  "$clients_list; keyward with its default --workers${workers_list:+, then --workers $workers_list}"
for workers in default $workers_list; do
  if [[ $workers == default ]]; then
    start_keyward "writes-wdefault"
  else
    start_keyward "writes-w$workers" --workers "$workers"
  fi
  address=$kw_address
  admin=$kw_admin
  for clients in $clients_list; do
    name=writes-w$workers.c$clients
    # Warm-up: unmeasured key creations (their own names, as every wrk run draws its own UUID).
    if [[ $warmup != 0 ]]; then
      wrk -t1 -c"$clients" -d"${warmup}s" -s "$lua_dir/writes.lua" \
        -H "Authorization: Bearer $kw_admin" "http://$address/" >/dev/null || die "wrk warm-up of $name failed"
    fi
    before=$(settled_key_count)
    seconds=$write_seconds warmup=0 wrk_connections=$clients wrk_script=$lua_dir/writes.lua \
      run_wrk "$name" "$kw_pid" "http://$address/" -H "Authorization: Bearer $admin"
    created=$(($(settled_key_count) - before))
    printf '%s\t%s\n' "${name#writes-}" "$created" >>"$out/writes-created.tsv"
    requests=$(sed -n 's/^KWRESULT requests=\([0-9]*\).*/\1/p' "$out/wrk-$name.txt")
    # wrk counts the answers it read; up to one more request per client was under way at its end.
    ((created >= requests && created <= requests + clients)) ||
      die "$name: wrk counted $requests answers but the store holds $created new keys"
  done
  stop_pid "$kw_pid"
done
sed -i 's/^writes-//' "$tsv"

# The ceiling: as many keys as the 1-client run with the default workers created.
ceiling_count=$(awk '$1 == "wdefault.c1" {print $2}' "$out/writes-created.tsv")
[[ -n $ceiling_count ]] || ceiling_count=$(awk 'NR == 1 {print $2}' "$out/writes-created.tsv")
((ceiling_count >= 100)) || ceiling_count=100
((ceiling_count <= ceiling_max)) || ceiling_count=$ceiling_max
# Run twice, left to the scheduler and pinned to one CPU, and the better of the two is the
# ceiling: a lone thread that fsyncs commit after commit is at the scheduler's mercy on this VM.
# Unpinned, it is woken on the other vCPU after each fsync, which can cost milliseconds per commit
# (170-350 commits/s unpinned against 1,800-2,600 pinned in one window on 2026-12-05); pinned,
# it waits behind whatever else runs on that CPU.
cpu=$(python3 -c 'import os; print(min(os.sched_getaffinity(0)))')
"$ceiling_bin" --db "$work/ceiling-any.db" --count "$ceiling_count" >"$out/writes-ceiling.txt" ||
  die "keyward_write_ceiling failed: $(cat "$out/writes-ceiling.txt")"
sed -i 's/^KWCEILING /KWCEILING placement=any /' "$out/writes-ceiling.txt"
taskset -c "$cpu" "$ceiling_bin" --db "$work/ceiling-pinned.db" --count "$ceiling_count" \
  >"$work/ceiling-pinned.txt" || die "keyward_write_ceiling failed: $(cat "$work/ceiling-pinned.txt")"
sed "s/^KWCEILING /KWCEILING placement=cpu$cpu /" "$work/ceiling-pinned.txt" >>"$out/writes-ceiling.txt"
sed 's/^/  ceiling: /' "$out/writes-ceiling.txt"

python3 "$root/bench/report.py" writes "$out" "$write_seconds" | tee "$out/writes.txt"
