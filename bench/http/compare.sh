#!/usr/bin/env bash
# The HTTP comparison of `make bench`: BENCH_ROUNDS rounds (default 3), each running every target
# once, one after another with the same wrk settings (nginx, beast, keyward, express, then again):
#   nginx     the ceiling: $KEYWARD_PEERS_DIR/nginx-static (one worker, a constant body);
#   beast     build/bench/bench/beast_constant (bench/http/beast_constant.cpp), a bare Beast server
#             answering a constant, when the build has it (BEAST_CONSTANT_BIN to name another);
#   keyward   GET /v1/authz with a valid key (`keyward serve --threads 1`);
#   express   GET /verify of $KEYWARD_PEERS_DIR/express-verify (skipped when npm cannot install it);
# and prints each run's requests/s, p50/p99 latency and where the CPU time went (server, wrk,
# other processes: both cores are shared), then per target the median requests/s and the median
# p99 over the rounds, and the ratios of the medians to nginx. The servers start once and stay up
# for all rounds. Builds nothing.
#
# Environment: see bench/http/lib.sh (BENCH_SECONDS, BENCH_WARMUP_SECONDS, BENCH_CONNECTIONS,
# BENCH_ROUNDS, KEYWARD_BIN, KEYWARD_PEERS_DIR, BENCH_OUT_DIR).
# Writes $BENCH_OUT_DIR/http.tsv (one line per run), wrk-<target>.r<round>.txt, http.txt (the
# table) and http.json (the medians, for bench/run.sh's summary).
set -euo pipefail
part=compare.sh
# shellcheck source=bench/http/lib.sh
source "$(dirname "$0")/lib.sh"

[[ -f $peers/nginx-static/nginx.conf.template ]] || die "no peers in $peers"
tsv=$out/http.tsv
: >"$tsv"
echo "HTTP: wrk $(wrk --version 2>&1 | head -1 | awk '{print $2}'), 1 thread, $connections keep-alive" \
  "connections, ${seconds} s per run (after a ${warmup} s warm-up), $rounds rounds of every target"
echo "  machine: $(nproc) cores shared by the server under test and wrk; nothing pinned"

# --- nginx: the ceiling -------------------------------------------------------------------------
nginx_port=$(free_port)
render_peer_nginx "$work/nginx" "$nginx_port"
start_nginx "$work/nginx"
wait_ready "http://127.0.0.1:$nginx_port/" || die "nginx did not answer"

# --- a bare Beast server answering a constant (when this build has one) ---------------------------
beast_bin=${BEAST_CONSTANT_BIN:-$root/build/bench/bench/beast_constant}
beast_pid=""
if [[ -x $beast_bin ]]; then
  beast_port=$(free_port)
  "$beast_bin" 127.0.0.1 "$beast_port" >"$work/beast.out" 2>&1 &
  beast_pid=$!
  started_pids+=("$beast_pid")
  wait_ready "http://127.0.0.1:$beast_port/" || die "beast_constant did not answer: $(cat "$work/beast.out")"
else
  echo "  beast: skipped (no $beast_bin in this build)"
fi

# --- keyward /v1/authz ----------------------------------------------------------------------------
start_keyward keyward --threads 1
keyward_pid=$kw_pid
keyward_address=$kw_address
token=$(create_key "$keyward_address" "$kw_admin" '{"name": "bench", "role": "Auditor"}' |
  json_field secret)
answer=$(outcome "http://$keyward_address/v1/authz" -H "Authorization: Bearer $token")
[[ $answer == "200 VALID" ]] || die "/v1/authz answered '$answer', not '200 VALID'"

# --- express-verify -------------------------------------------------------------------------------
# A copy of the peer under build/bench (never write into the shared folder), `npm ci` again only
# when its lock file changes.
express_dir=$root/build/bench/peers/express-verify
express_note=""
express_pid=""
express_key=kw_00000007_13d28fed9becbe6637ef6b017fbefef73b2b907e
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
  express_port=$(free_port)
  (cd "$express_dir" && exec env PORT="$express_port" node server.js) >"$work/express.log" 2>&1 &
  express_pid=$!
  started_pids+=("$express_pid")
  if ! wait_ready "http://127.0.0.1:$express_port/verify" -H "api-secret-key: $express_key"; then
    express_note="the Express peer did not answer 200: $(tail -1 "$work/express.log")"
    stop_pid "$express_pid"
    express_pid=""
  fi
fi
[[ -z $express_note ]] || echo "  express: skipped ($express_note)"

# --- the rounds -----------------------------------------------------------------------------------
for round in $(seq "$rounds"); do
  echo " round $round of $rounds"
  run_wrk "nginx.r$round" "$(nginx_pids "$work/nginx")" "http://127.0.0.1:$nginx_port/"
  if [[ -n $beast_pid ]]; then
    run_wrk "beast.r$round" "$beast_pid" "http://127.0.0.1:$beast_port/"
  fi
  run_wrk "keyward.r$round" "$keyward_pid" "http://$keyward_address/v1/authz" \
    -H "Authorization: Bearer $token"
  if [[ -n $express_pid ]]; then
    run_wrk "express.r$round" "$express_pid" "http://127.0.0.1:$express_port/verify" \
      -H "api-secret-key: $express_key"
  fi
done

python3 "$root/bench/report.py" http "$out" "$seconds" "$connections" | tee "$out/http.txt"
