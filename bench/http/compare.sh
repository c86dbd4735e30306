#!/usr/bin/env bash
# The HTTP comparison of `make bench`: in one run, one target after another with the same wrk
# settings, measures
#   nginx     the ceiling: $KEYWARD_PEERS_DIR/nginx-static (one worker, a constant body);
#   keyward   GET /v1/authz with a valid key (`keyward serve --threads 1`);
#   express   GET /verify of $KEYWARD_PEERS_DIR/express-verify (skipped when npm cannot install it);
# and prints requests/s, p50/p99 latency, the ratios to nginx and where the CPU time went during
# each run (server, wrk, other processes: both cores are shared). Builds nothing.
#
# Environment (all optional):
#   KEYWARD_BIN            the keyward binary (default build/bench/src/app/keyward)
#   KEYWARD_PEERS_DIR      the peers (default ../shared/peers beside the repository)
#   BENCH_SECONDS          measured seconds per target (default 8)
#   BENCH_WARMUP_SECONDS   unmeasured warm-up per target (default 1; 0 for none)
#   BENCH_CONNECTIONS      keep-alive connections (default 32); wrk runs 1 thread
#   BENCH_OUT_DIR          where results go (default build/bench/results)
# Writes $BENCH_OUT_DIR/http.tsv (one line per target) and http.txt (the table).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
keyward_bin=${KEYWARD_BIN:-$root/build/bench/src/app/keyward}
peers=${KEYWARD_PEERS_DIR:-$root/../shared/peers}
seconds=${BENCH_SECONDS:-8}
warmup=${BENCH_WARMUP_SECONDS:-1}
connections=${BENCH_CONNECTIONS:-32}
out=${BENCH_OUT_DIR:-$root/build/bench/results}
lua=$root/bench/http/authz.lua

for tool in wrk nginx curl python3; do
  command -v "$tool" >/dev/null || { echo "compare.sh: $tool is missing (bash scripts/deps.sh bench)" >&2; exit 1; }
done
[[ -x $keyward_bin ]] || { echo "compare.sh: no $keyward_bin (cmake --build --preset bench)" >&2; exit 1; }
[[ -f $peers/nginx-static/nginx.conf.template ]] || { echo "compare.sh: no peers in $peers" >&2; exit 1; }

mkdir -p "$out" "$root/build/bench"
work=$(mktemp -d "$root/build/bench/http.XXXXXX")
server_pid=""
nginx_conf=""

stop_server() {
  if [[ -n $nginx_conf ]]; then
    nginx -e "$work/nginx/error.log" -c "$nginx_conf" -s stop 2>/dev/null || true
    for _ in $(seq 50); do [[ -f $work/nginx/nginx.pid ]] || break; sleep 0.1; done
    nginx_conf=""
  fi
  if [[ -n $server_pid ]]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
}
cleanup() {
  stop_server
  rm -rf "$work"
}
trap cleanup EXIT
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

# CPU ticks (user + system) a process has used, all its threads; 0 once it is gone.
proc_ticks() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
  read -ra f <<<"${stat##*) }"  # fields from the 3rd on: utime is the 14th, stime the 15th
  echo $((f[11] + f[12]))
}
# CPU ticks of the server under test: keyward or node, or nginx's master and its workers.
server_ticks() {
  local total=0 pid
  for pid in "$@"; do total=$((total + $(proc_ticks "$pid"))); done
  echo "$total"
}
server_pids() {
  if [[ -n $nginx_conf ]]; then
    local master
    master=$(cat "$work/nginx/nginx.pid")
    echo "$master" "$(ps -o pid= --ppid "$master" | tr '\n' ' ')"
  else
    echo "$server_pid"
  fi
}
# Busy and total ticks of all CPUs (from /proc/stat).
cpu_ticks() {
  local c
  read -ra c </proc/stat
  echo $((c[1] + c[2] + c[3] + c[6] + c[7] + c[8])) $((c[1] + c[2] + c[3] + c[4] + c[5] + c[6] + c[7] + c[8]))
}
# Ticks used by this shell's waited-for children (wrk runs as one).
children_ticks() {
  local stat
  stat=$(cat /proc/$$/stat)
  read -ra f <<<"${stat##*) }"
  echo $((f[13] + f[14]))
}

# run_wrk NAME URL [wrk -H args...]: a warm-up, then the measured run; appends to http.tsv the
# figures and where the CPU time went during the run (server, wrk, everything else), in percent
# of one core.
run_wrk() {
  local name=$1 url=$2
  shift 2
  if [[ $warmup != 0 ]]; then
    wrk -t1 -c"$connections" -d"${warmup}s" "$@" "$url" >/dev/null
  fi
  local load pids server0 busy0 total0 child0 server1 busy1 total1 child1
  load=$(cut -d' ' -f1 /proc/loadavg)
  pids=$(server_pids)
  # shellcheck disable=SC2086 # a list of pids
  server0=$(server_ticks $pids)
  read -r busy0 total0 <<<"$(cpu_ticks)"
  child0=$(children_ticks)
  wrk -t1 -c"$connections" -d"${seconds}s" --latency -s "$lua" "$@" "$url" >"$out/wrk-$name.txt"
  child1=$(children_ticks)
  read -r busy1 total1 <<<"$(cpu_ticks)"
  # shellcheck disable=SC2086
  server1=$(server_ticks $pids)
  local line
  line=$(grep '^KWRESULT ' "$out/wrk-$name.txt") || {
    echo "compare.sh: wrk printed no result for $name" >&2
    cat "$out/wrk-$name.txt" >&2
    return 1
  }
  local cores span server_pct wrk_pct other_pct
  cores=$(nproc)
  span=$(((total1 - total0) > 0 ? (total1 - total0) : 1))
  server_pct=$(((server1 - server0) * 100 * cores / span))
  wrk_pct=$(((child1 - child0) * 100 * cores / span))
  other_pct=$(((busy1 - busy0) * 100 * cores / span - server_pct - wrk_pct))
  ((other_pct < 0)) && other_pct=0
  printf '%s\tloadavg=%s server_cpu=%s wrk_cpu=%s other_cpu=%s %s\n' "$name" "$load" \
    "$server_pct" "$wrk_pct" "$other_pct" "${line#KWRESULT }" >>"$out/http.tsv"
  echo "  $name: ${line#KWRESULT } (CPU % of one core: server $server_pct, wrk $wrk_pct, other $other_pct)"
}

: >"$out/http.tsv"
echo "HTTP: wrk $(wrk --version 2>&1 | head -1 | awk '{print $2}'), 1 thread, $connections keep-alive connections, ${seconds} s per target (after a ${warmup} s warm-up), one after another"
echo "  machine: $(nproc) cores shared by the server under test and wrk; nothing pinned"

# --- nginx: the ceiling -------------------------------------------------------------------------
mkdir -p "$work/nginx"
port=$(free_port)
sed "s|@DIR@|$work/nginx|g; s|@PORT@|$port|g" "$peers/nginx-static/nginx.conf.template" \
  >"$work/nginx/nginx.conf"
nginx -e "$work/nginx/error.log" -c "$work/nginx/nginx.conf"
nginx_conf=$work/nginx/nginx.conf
wait_ready "http://127.0.0.1:$port/" || { echo "compare.sh: nginx did not start" >&2; exit 1; }
run_wrk nginx "http://127.0.0.1:$port/"
stop_server

# --- keyward /v1/authz ----------------------------------------------------------------------------
mkdir -p "$work/keyward-data"
KEYWARD_BOOTSTRAP_KEY_FILE=$work/admin.key "$keyward_bin" serve --listen 127.0.0.1:0 \
  --data-dir "$work/keyward-data" --threads 1 >"$work/keyward.out" 2>"$work/keyward.err" &
server_pid=$!
address=""
for _ in $(seq 150); do
  address=$(sed -n 's/^listening on //p' "$work/keyward.out")
  [[ -n $address ]] && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
[[ -n $address ]] || { echo "compare.sh: keyward did not start:" >&2; cat "$work/keyward.err" >&2; exit 1; }
admin=$(head -1 "$work/admin.key")
token=$(curl -sf -X POST "http://$address/v1/apikeys" -H "Authorization: Bearer $admin" \
  -H 'Content-Type: application/json' -d '{"name": "bench", "role": "Auditor"}' |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["secret"])') ||
  { echo "compare.sh: could not create a key" >&2; exit 1; }
outcome=$(curl -s -o /dev/null -D - "http://$address/v1/authz" -H "Authorization: Bearer $token" |
  tr -d '\r' | awk 'NR == 1 {status = $2} tolower($1) == "x-keyward-outcome:" {o = $2}
                    END {print status " " o}')
[[ $outcome == "200 VALID" ]] ||
  { echo "compare.sh: /v1/authz answered '$outcome', not '200 VALID'" >&2; exit 1; }
run_wrk keyward "http://$address/v1/authz" -H "Authorization: Bearer $token"
stop_server

# --- express-verify -------------------------------------------------------------------------------
# A copy of the peer under build/bench (never write into the shared folder), `npm ci` again only
# when its lock file changes.
express_dir=$root/build/bench/peers/express-verify
express_note=""
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  express_note="node or npm is missing"
elif [[ ! -d $express_dir/node_modules ]] ||
  ! cmp -s "$peers/express-verify/package-lock.json" "$express_dir/package-lock.json"; then
  rm -rf "$express_dir"
  mkdir -p "$express_dir"
  cp -r "$peers/express-verify/." "$express_dir/"
  if ! (cd "$express_dir" && npm ci --no-audit --no-fund --loglevel=error >"$work/npm.log" 2>&1); then
    express_note="npm ci failed: $(tail -1 "$work/npm.log")"
    rm -rf "$express_dir/node_modules"
  fi
else
  cp "$peers/express-verify/server.js" "$peers/express-verify/package.json" "$express_dir/"
fi
if [[ -z $express_note ]]; then
  port=$(free_port)
  (cd "$express_dir" && exec env PORT="$port" node server.js) >"$work/express.log" 2>&1 &
  server_pid=$!
  express_key=kw_00000007_13d28fed9becbe6637ef6b017fbefef73b2b907e
  if wait_ready "http://127.0.0.1:$port/verify" -H "api-secret-key: $express_key"; then
    run_wrk express "http://127.0.0.1:$port/verify" -H "api-secret-key: $express_key"
  else
    express_note="the Express peer did not answer 200: $(tail -1 "$work/express.log")"
  fi
  stop_server
fi
[[ -z $express_note ]] || echo "  express: skipped ($express_note)"

# --- the table ------------------------------------------------------------------------------------
python3 - "$out/http.tsv" "$seconds" "$connections" <<'EOF' | tee "$out/http.txt"
import sys
path, seconds, connections = sys.argv[1], sys.argv[2], sys.argv[3]
rows = {}
for line in open(path):
    name, rest = line.rstrip("\n").split("\t")
    rows[name] = {k: float(v) for k, v in (kv.split("=") for kv in rest.split())}
ceiling = rows["nginx"]["rps"]
labels = {"nginx": "nginx-static (ceiling)", "keyward": "keyward GET /v1/authz",
          "express": "express-verify GET /verify"}
print()
print(f"HTTP summary: wrk -t1 -c{connections} -d{seconds}s --latency; 2 cores shared by server and wrk")
print("(CPU%: of one core during the measured run, for the server, wrk and all other processes)")
print(f"{'target':28} {'requests/s':>11} {'p50 ms':>8} {'p99 ms':>8} {'vs nginx':>9} {'errors':>7} "
      f"{'CPU% server/wrk/other':>22}")
for name in ("nginx", "keyward", "express"):
    if name not in rows:
        continue
    r = rows[name]
    errors = int(r["connect_errors"] + r["read_errors"] + r["write_errors"] + r["status_errors"] + r["timeouts"])
    print(f"{labels[name]:28} {r['rps']:11,.0f} {r['p50_us'] / 1000:8.3f} {r['p99_us'] / 1000:8.3f} "
          f"{r['rps'] / ceiling:9.2f} {errors:7d} "
          f"{int(r['server_cpu']):>12d}/{int(r['wrk_cpu'])}/{int(r['other_cpu'])}")
k = rows["keyward"]
ratio = k["rps"] / ceiling
print(f"goal keyward >= 0.75 x nginx: {ratio:.2f} x -> {'MET' if ratio >= 0.75 else 'NOT MET'}")
print(f"goal keyward p99 <= 1 ms: {k['p99_us'] / 1000:.3f} ms -> {'MET' if k['p99_us'] <= 1000 else 'NOT MET'}")
if "express" in rows:
    print(f"keyward / express: {k['rps'] / rows['express']['rps']:.1f} x")
EOF
