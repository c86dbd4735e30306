# shellcheck shell=bash disable=SC2154,SC2034 # part, tsv: set by the sourcing script; kw_*: used there
# Shared by the HTTP benchmarks (compare.sh, e2e.sh, flood.sh, writes.sh); sourced, never run.
# Settings, a private work directory under build/bench removed on exit, cleanup of every process
# started through it (nginx instances and background servers, by their own pids), free loopback
# ports, starting keyward with a bootstrap key, wrk runs with the CPU accounting of compare.sh, and
# medians. Each script sets `part` (its name in messages) before sourcing this file.
#
# Environment (all optional):
#   KEYWARD_BIN            the keyward binary (default build/bench/src/app/keyward)
#   KEYWARD_PEERS_DIR      the peers (default ../shared/peers beside the repository)
#   BENCH_SECONDS          measured seconds per wrk run (default 8)
#   BENCH_WARMUP_SECONDS   unmeasured warm-up before each wrk run (default 1; 0 for none)
#   BENCH_CONNECTIONS      keep-alive connections of the measured traffic (default 32); wrk runs
#                          1 thread
#   BENCH_ROUNDS           rounds of the comparisons; the figures are their medians (default 3)
#   BENCH_OUT_DIR          where results go (default build/bench/results)

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
keyward_bin=${KEYWARD_BIN:-$root/build/bench/src/app/keyward}
peers=${KEYWARD_PEERS_DIR:-$root/../shared/peers}
seconds=${BENCH_SECONDS:-8}
warmup=${BENCH_WARMUP_SECONDS:-1}
connections=${BENCH_CONNECTIONS:-32}
rounds=${BENCH_ROUNDS:-3}
out=${BENCH_OUT_DIR:-$root/build/bench/results}
lua_dir=$root/bench/http

die() {
  echo "$part: $*" >&2
  exit 1
}

for tool in wrk nginx curl python3; do
  command -v "$tool" >/dev/null || die "$tool is missing (bash scripts/deps.sh bench)"
done
[[ -x $keyward_bin ]] || die "no $keyward_bin (cmake --build --preset bench)"
[[ $rounds =~ ^[1-9][0-9]*$ ]] || die "BENCH_ROUNDS must be a positive integer, not '$rounds'"

mkdir -p "$out" "$root/build/bench"
work=$(mktemp -d "$root/build/bench/$part.XXXXXX")
started_pids=()   # background processes started here (servers, load generators)
nginx_confs=()    # nginx instances started here, by configuration file

# Stops one nginx instance (by its configuration) and waits for its pid file to go.
stop_nginx() {
  local conf=$1 dir
  dir=$(dirname "$conf")
  nginx -e "$dir/error.log" -c "$conf" -s stop 2>/dev/null || true
  for _ in $(seq 50); do [[ -f $dir/nginx.pid ]] || break; sleep 0.1; done
}
# Stops one background process started here.
stop_pid() {
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}
kw_cleanup() {
  local conf pid
  for conf in "${nginx_confs[@]}"; do stop_nginx "$conf"; done
  for pid in "${started_pids[@]}"; do stop_pid "$pid"; done
  rm -rf "$work"
}
trap kw_cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Waits until `curl ARGS...` answers 2xx, for at most 15 s.
wait_ready() {
  for _ in $(seq 150); do
    curl -sf -o /dev/null "$@" && return 0
    sleep 0.1
  done
  return 1
}

# start_nginx DIR: starts nginx with DIR/nginx.conf (which must write DIR/nginx.pid and log to
# DIR/error.log).
start_nginx() {
  local dir=$1
  nginx -e "$dir/error.log" -c "$dir/nginx.conf" || die "nginx did not start: $(tail -3 "$dir/error.log")"
  nginx_confs+=("$dir/nginx.conf")
}
# The pids of the nginx instance in DIR: its master and workers.
nginx_pids() {
  local master
  master=$(cat "$1/nginx.pid" 2>/dev/null) || die "nginx in $1 wrote no pid file"
  echo "$master" "$(ps -o pid= --ppid "$master" | tr '\n' ' ')"
}
# render_peer_nginx DIR PORT: the nginx static peer's configuration, in DIR.
render_peer_nginx() {
  mkdir -p "$1"
  sed "s|@DIR@|$1|g; s|@PORT@|$2|g" "$peers/nginx-static/nginx.conf.template" >"$1/nginx.conf"
}

# start_keyward NAME [serve options...]: starts `keyward serve` on a free loopback port with a
# fresh data directory and a bootstrap key; sets kw_pid, kw_address (HOST:PORT) and kw_admin (the
# bootstrap token).
start_keyward() {
  local name=$1
  shift
  mkdir -p "$work/$name-data"
  # Created here, not by the background job's redirection, which may come after the first read.
  : >"$work/$name.out"
  : >"$work/$name.err"
  KEYWARD_BOOTSTRAP_KEY_FILE=$work/$name-admin.key "$keyward_bin" serve --listen 127.0.0.1:0 \
    --data-dir "$work/$name-data" "$@" >"$work/$name.out" 2>"$work/$name.err" &
  kw_pid=$!
  started_pids+=("$kw_pid")
  kw_address=""
  for _ in $(seq 150); do
    kw_address=$(sed -n 's/^listening on //p' "$work/$name.out")
    [[ -n $kw_address ]] && break
    kill -0 "$kw_pid" 2>/dev/null || break
    sleep 0.1
  done
  [[ -n $kw_address ]] || die "keyward ($name) did not start: $(cat "$work/$name.err")"
  kw_admin=$(head -1 "$work/$name-admin.key")
}

# create_key ADDRESS ADMIN JSON: POST /v1/apikeys; prints the answer (the key with its secret).
create_key() {
  curl -sf -X POST "http://$1/v1/apikeys" -H "Authorization: Bearer $2" \
    -H 'Content-Type: application/json' -d "$3" || die "could not create a key ($3)"
}
# json_field FIELD: reads a JSON object on stdin, prints its FIELD.
json_field() {
  python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"
}

# outcome URL [curl args...]: "<status> <X-Keyward-Outcome>" of a GET.
outcome() {
  curl -s -o /dev/null -D - "$@" | tr -d '\r' |
    awk 'NR == 1 {status = $2} tolower($1) == "x-keyward-outcome:" {o = $2} END {print status " " o}'
}

# CPU ticks (user + system) a process has used, all its threads; 0 once it is gone.
proc_ticks() {
  local stat f
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
  read -ra f <<<"${stat##*) }"  # fields from the 3rd on: utime is the 14th, stime the 15th
  echo $((f[11] + f[12]))
}
pids_ticks() {
  local total=0 pid
  for pid in "$@"; do total=$((total + $(proc_ticks "$pid"))); done
  echo "$total"
}
# shellcheck source=bench/cpu.sh
source "$(dirname "${BASH_SOURCE[0]}")/../cpu.sh"

# run_wrk NAME "SERVER PIDS" URL [wrk args...]: a warm-up, then the measured run of
# `wrk -t1 -c$wrk_connections -d${seconds}s --latency -s $wrk_script` (defaults: $connections,
# authz.lua). Raw output in $out/wrk-NAME.txt; appends to $tsv the line
#   NAME<TAB>loadavg=.. server_cpu=.. wrk_cpu=.. other_cpu=.. requests=.. rps=.. p50_us=.. ...
# where the CPU figures are in percent of one core during the measured run: the server's pids,
# this wrk, and everything else (another load generator running meanwhile counts as "other").
run_wrk() {
  local name=$1 pids=$2 url=$3
  shift 3
  local conns=${wrk_connections:-$connections} script=${wrk_script:-$lua_dir/authz.lua}
  if [[ $warmup != 0 ]]; then
    wrk -t1 -c"$conns" -d"${warmup}s" -s "$script" "$@" "$url" >/dev/null ||
      die "wrk warm-up of $name failed"
  fi
  local load server0 busy0 total0 child0 server1 busy1 total1 child1
  load=$(cut -d' ' -f1 /proc/loadavg)
  # shellcheck disable=SC2086 # a list of pids
  server0=$(pids_ticks $pids)
  read -r busy0 total0 <<<"$(cpu_ticks)"
  child0=$(children_ticks)
  wrk -t1 -c"$conns" -d"${seconds}s" --latency -s "$script" "$@" "$url" >"$out/wrk-$name.txt" ||
    die "wrk failed for $name: $(tail -3 "$out/wrk-$name.txt")"
  child1=$(children_ticks)
  read -r busy1 total1 <<<"$(cpu_ticks)"
  # shellcheck disable=SC2086
  server1=$(pids_ticks $pids)
  local line
  line=$(grep '^KWRESULT ' "$out/wrk-$name.txt") ||
    die "wrk printed no result for $name: $(cat "$out/wrk-$name.txt")"
  local cores span server_pct wrk_pct other_pct
  cores=$(nproc)
  span=$(((total1 - total0) > 0 ? (total1 - total0) : 1))
  server_pct=$(((server1 - server0) * 100 * cores / span))
  wrk_pct=$(((child1 - child0) * 100 * cores / span))
  other_pct=$(((busy1 - busy0) * 100 * cores / span - server_pct - wrk_pct))
  ((other_pct < 0)) && other_pct=0
  printf '%s\tloadavg=%s server_cpu=%s wrk_cpu=%s other_cpu=%s %s\n' "$name" "$load" \
    "$server_pct" "$wrk_pct" "$other_pct" "${line#KWRESULT }" >>"$tsv"
  echo "  $name: ${line#KWRESULT } (CPU % of one core: server $server_pct, wrk $wrk_pct, other $other_pct)"
}

