#!/usr/bin/env bash
# One node on PostgreSQL beside one on SQLite, the same runs on each: verification throughput
# (GET /v1/authz with a valid key, wrk -t1 -c$BENCH_CONNECTIONS, authz.lua: the hot path reads
# the in-memory index and never the store, so the two should match) and keys created per second
# through POST /v1/apikeys (writes.lua) with 1 and 8 clients. PostgreSQL is a throwaway server
# started here from Debian's postgresql (initdb as the `postgres` user through runuser, 127.0.0.1,
# a free port, its socket in its own directory) with its durable defaults (fsync and
# synchronous_commit on), like SQLite's synchronous=FULL; it is stopped and removed at the end.
#
# Environment: see bench/http/lib.sh; also BENCH_WRITE_SECONDS (measured seconds per write run,
# default 5) and BENCH_PG_WRITE_CLIENTS (default "1 8").
# Writes $BENCH_OUT_DIR/postgres.tsv, wrk-postgres-*.txt, postgres.txt and postgres.json.
set -euo pipefail
part=postgres.sh
# shellcheck source=bench/http/lib.sh
source "$(dirname "$0")/lib.sh"

write_seconds=${BENCH_WRITE_SECONDS:-5}
clients_list=${BENCH_PG_WRITE_CLIENTS:-1 8}
tsv=$out/postgres.tsv
: >"$tsv"

pg_bin=$(find /usr/lib/postgresql -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -1)
[[ -x $pg_bin/initdb ]] || die "PostgreSQL's server is missing (bash scripts/deps.sh bench)"
as_pg=()
[[ $(id -u) == 0 ]] && as_pg=(runuser -u postgres --)
# Under /tmp, not the work directory: the postgres user must reach it, and the socket path is short.
pg_dir=$(mktemp -d /tmp/keyward-bench-pg.XXXXXX)
[[ $(id -u) == 0 ]] && chown postgres "$pg_dir"
pg_port=$(free_port)
pg_stop() {
  "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$pg_dir"
}
trap 'pg_stop; kw_cleanup' EXIT
"${as_pg[@]}" "$pg_bin/initdb" -D "$pg_dir/data" -A trust -U postgres --no-sync >"$pg_dir/initdb.log" 2>&1 ||
  die "initdb failed: $(tail -3 "$pg_dir/initdb.log")"
"${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 30 \
  -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1" start >/dev/null ||
  die "PostgreSQL did not start: $(tail -3 "$pg_dir/server.log")"
psql -q -h 127.0.0.1 -p "$pg_port" -U postgres -c 'CREATE DATABASE keyward' ||
  die "could not create the database"
pg_url="postgresql://postgres@127.0.0.1:$pg_port/keyward"
python3 -c 'import base64, os; print("1", base64.b64encode(os.urandom(32)).decode())' >"$work/pepper"
chmod 600 "$work/pepper"
# The PostgreSQL server's own processes (the postmaster and its backends) count as the store's
# CPU in the writes.
pg_pids() {
  local master
  master=$(head -1 "$pg_dir/data/postmaster.pid")
  echo "$master" "$(ps -o pid= --ppid "$master" | tr '\n' ' ')"
}

echo "One node on each store: GET /v1/authz (wrk -t1 -c$connections -d${seconds}s), then" \
  "POST /v1/apikeys (wrk -t1 -c<clients> -d${write_seconds}s), clients: $clients_list"
for store in sqlite postgresql; do
  if [[ $store == sqlite ]]; then
    start_keyward "pg-$store"
  else
    start_keyward "pg-$store" --database "$pg_url" --pepper-file "$work/pepper"
  fi
  token=$(create_key "$kw_address" "$kw_admin" '{"name": "bench", "role": "Auditor"}' | json_field secret)
  [[ $(outcome "http://$kw_address/v1/authz" -H "Authorization: Bearer $token") == "200 VALID" ]] ||
    die "$store: the bench key does not verify"
  run_wrk "postgres-$store.authz" "$kw_pid" "http://$kw_address/v1/authz" -H "Authorization: Bearer $token"
  for clients in $clients_list; do
    pids="$kw_pid"
    [[ $store == postgresql ]] && pids="$kw_pid $(pg_pids)"
    seconds=$write_seconds wrk_connections=$clients wrk_script=$lua_dir/writes.lua \
      run_wrk "postgres-$store.writes.c$clients" "$pids" "http://$kw_address/" \
      -H "Authorization: Bearer $kw_admin"
  done
  stop_pid "$kw_pid"
done
sed -i 's/^postgres-//' "$tsv"
python3 "$root/bench/report.py" postgres "$out" "$seconds" "$write_seconds" | tee "$out/postgres.txt"
