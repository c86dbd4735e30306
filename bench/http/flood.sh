#!/usr/bin/env bash
# Counted-failure flood: does a flood of counted wrong secrets slow the valid traffic sharing its
# I/O thread? One `keyward serve --threads 1 --trusted-proxy 127.0.0.1/32 --lockout-threshold 0
# --throttle 0`, and in each of BENCH_ROUNDS rounds:
#   alone   valid traffic (GET /v1/authz with a valid key, as compare.sh) measured on its own;
#   valid   the same valid traffic measured again while a second wrk floods the same server with
#           wrong secrets for BENCH_FLOOD_KEYS keys (default 16) from random addresses of
#           BENCH_FLOOD_NET.0.0/16 (default 5.0, public addresses) in X-Forwarded-For. Those keys'
#           allowlists hold that /16 and nothing locks them (lockout threshold 0) or throttles the
#           addresses (throttle 0), so every flood request is a counted failure, written to the
#           store (the keys' failedAttempts).
# The flood's rate is the counted failures the store holds after the measured run minus before
# it (the keys' failedAttempts, read through GET /v1/apikeys), over its seconds; wrk's own figures
# for the whole flood are in the raw output. Reports per round and the medians.
#
# Environment: see bench/http/lib.sh; also BENCH_FLOOD_CONNECTIONS (the flood's connections,
# default 8), BENCH_FLOOD_KEYS, BENCH_FLOOD_NET. Writes $BENCH_OUT_DIR/flood.tsv (the valid
# traffic's runs), flood-gen.tsv (the flood's), wrk-flood-*.txt, flood.txt and flood.json.
set -euo pipefail
part=flood.sh
# shellcheck source=bench/http/lib.sh
source "$(dirname "$0")/lib.sh"

flood_connections=${BENCH_FLOOD_CONNECTIONS:-8}
flood_keys=${BENCH_FLOOD_KEYS:-16}
flood_net=${BENCH_FLOOD_NET:-5.0}
[[ $flood_net =~ ^[0-9]+\.[0-9]+$ ]] || die "BENCH_FLOOD_NET must be two octets (e.g. 5.0), not '$flood_net'"
[[ $flood_keys =~ ^[1-9][0-9]?$ ]] || die "BENCH_FLOOD_KEYS must be 1 to 99, not '$flood_keys'"
tsv=$out/flood.tsv
gen_tsv=$out/flood-gen.tsv
: >"$tsv"
: >"$gen_tsv"

start_keyward flood --threads 1 --trusted-proxy 127.0.0.1/32 --lockout-threshold 0 --throttle 0
keyward_pid=$kw_pid
address=$kw_address
admin=$kw_admin
token=$(create_key "$address" "$admin" '{"name": "bench-valid", "role": "Auditor"}' | json_field secret)
answer=$(outcome "http://$address/v1/authz" -H "Authorization: Bearer $token")
[[ $answer == "200 VALID" ]] || die "/v1/authz answered '$answer', not '200 VALID'"

# A token for the same public id with another secret: well-formed, its checksum right.
wrong_token() {
  python3 - "$1" <<'EOF'
import secrets, sys, zlib
alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
real = sys.argv[1]  # kw_<12>_<43 secret><6 checksum> (docs/api.md "Token format")
while True:
    body = real[:16] + "".join(secrets.choice(alphabet) for _ in range(43))
    if body != real[:59]:
        break
crc, digits = zlib.crc32(body.encode()), ""
for _ in range(6):
    digits, crc = alphabet[crc % 62] + digits, crc // 62
print(body + digits)
EOF
}
# The flood's keys, and for each a token with a wrong secret.
wrong_tokens=""
for n in $(seq "$flood_keys"); do
  real=$(create_key "$address" "$admin" \
    "{\"name\": \"bench-flood-$n\", \"role\": \"Auditor\", \"allowedIps\": [\"$flood_net.0.0/16\"]}" |
    json_field secret)
  wrong_tokens+="$(wrong_token "$real") "
done
first_wrong=${wrong_tokens%% *}

# The sum of the flood keys' failedAttempts, as the store holds it.
counted() {
  curl -sf "http://$address/v1/apikeys?q=bench-flood-&limit=500" -H "Authorization: Bearer $admin" |
    python3 -c 'import json, sys; print(sum(k["failedAttempts"] for k in json.load(sys.stdin)["items"]))' ||
    die "could not read the flood keys' failedAttempts"
}
# One flood request by hand: a counted failure (401 NOT_FOUND, failedAttempts one more).
before=$(counted)
answer=$(outcome "http://$address/v1/authz" -H "Authorization: Bearer $first_wrong" \
  -H "X-Forwarded-For: $flood_net.1.1")
[[ $answer == "401 NOT_FOUND" ]] || die "a flood request was answered '$answer', not '401 NOT_FOUND'"
after=$(counted)
((after == before + 1)) || die "a flood request was not counted (failedAttempts $before, then $after)"

echo "Counted-failure flood: keyward --threads 1; valid traffic wrk -t1 -c$connections -d${seconds}s;" \
  "flood wrk -t1 -c$flood_connections, $flood_keys keys, X-Forwarded-For from $flood_net.0.0/16; $rounds rounds"
for round in $(seq "$rounds"); do
  echo " round $round of $rounds"
  run_wrk "flood-alone.r$round" "$keyward_pid" "http://$address/v1/authz" \
    -H "Authorization: Bearer $token"

  # The flood starts first and ends after the valid traffic's warm-up and measured run.
  KW_FLOOD_TOKENS=$wrong_tokens KW_FLOOD_NET=$flood_net \
    wrk -t1 -c"$flood_connections" -d"$((warmup + seconds + 3))s" -s "$lua_dir/flood.lua" \
    "http://$address/v1/authz" >"$out/wrk-flood-gen.r$round.txt" 2>&1 &
  flood_pid=$!
  started_pids+=("$flood_pid")
  sleep 1
  kill -0 "$flood_pid" 2>/dev/null || die "the flood's wrk ended early: $(cat "$out/wrk-flood-gen.r$round.txt")"
  if [[ $warmup != 0 ]]; then
    wrk -t1 -c"$connections" -d"${warmup}s" -s "$lua_dir/authz.lua" \
      -H "Authorization: Bearer $token" "http://$address/v1/authz" >/dev/null || die "wrk warm-up failed"
  fi
  count0=$(counted)
  start_ns=$(date +%s%N)
  warmup=0 run_wrk "flood-valid.r$round" "$keyward_pid" "http://$address/v1/authz" \
    -H "Authorization: Bearer $token"
  count1=$(counted)
  window_us=$((($(date +%s%N) - start_ns) / 1000))
  wait "$flood_pid" || die "the flood's wrk failed: $(cat "$out/wrk-flood-gen.r$round.txt")"
  line=$(grep '^KWRESULT ' "$out/wrk-flood-gen.r$round.txt") ||
    die "the flood's wrk printed no result: $(cat "$out/wrk-flood-gen.r$round.txt")"
  printf 'flood-gen.r%s\tcounted=%s window_us=%s %s\n' "$round" "$((count1 - count0))" "$window_us" \
    "${line#KWRESULT }" >>"$gen_tsv"
  echo "  flood-gen.r$round: ${line#KWRESULT } counted in the measured window: $((count1 - count0))" \
    "in $((window_us / 1000)) ms"
done

python3 "$root/bench/report.py" flood "$out" "$seconds" "$connections" "$flood_connections" |
  tee "$out/flood.txt"
