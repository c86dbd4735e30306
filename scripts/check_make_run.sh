#!/usr/bin/env bash
# Proves the README's first command as a new user meets it: `make run` on this checkout builds the
# release binary without a warning or a note, leaves it at build/keyward (optimised, no debug
# information, under 60 MiB), and serves. The server is started in the background with its own
# data directory on a free port (KEYWARD_LISTEN=127.0.0.1:0, as the README's settings allow), and
# is asked for /healthz, for one call authenticated with the bootstrap key it printed, and for
# `keyward whoami` through the CLI pointed at it as the first-start lines say; then it is stopped
# with SIGTERM and must exit 0. Exits non-zero, saying why, on the first thing that fails.
# Usage: scripts/check_make_run.sh   (from the repository's top; .ci/run calls it after make test)
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -KILL -- "-$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "check_make_run: FAILED: $*" >&2
  for f in "$work"/make.out "$work"/make.err; do
    [[ -f "$f" ]] && { echo "--- last lines of $(basename "$f")" >&2; tail -n 30 "$f" >&2; }
  done
  exit 1
}

# `make run` in a process group of its own, so that the server it starts can be signalled.
KEYWARD_LISTEN=127.0.0.1:0 KEYWARD_DATA_DIR="$work/data" \
  setsid make run >"$work/make.out" 2>"$work/make.err" </dev/null &
server_pid=$!

port=""
for _ in $(seq 1 3600); do  # a cold release build on two cores takes minutes
  port=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9][0-9]*\)$/\1/p' "$work/make.out" | head -n 1)
  [[ -n "$port" ]] && break
  kill -0 "$server_pid" 2>/dev/null || fail "make run exited before the server said 'listening on'"
  sleep 1
done
[[ -n "$port" ]] || fail "no 'listening on' line within an hour"
echo "check_make_run: make run serves on 127.0.0.1:$port"

# The build said nothing but progress: no warning, no note, no #pragma message.
if grep -E 'warning:|note:|#pragma message|BOOST_PRAGMA_MESSAGE' "$work/make.out" "$work/make.err"; then
  fail "the release build printed warnings or notes (above)"
fi

[[ -x build/keyward ]] || fail "build/keyward is not there after make run"
size=$(stat -c %s build/keyward)
((size < 60 * 1024 * 1024)) || fail "build/keyward is $size bytes, over 60 MiB"
if readelf -S build/keyward | grep -q '\.debug_info'; then
  fail "build/keyward carries debug information"
fi
version=$(build/keyward version)
grep -q 'Release' <<<"$version" || fail "keyward version does not say it is a Release build: $version"
echo "check_make_run: build/keyward is $((size / 1024 / 1024)) MiB: $version"

status=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/healthz")
[[ "$status" == 200 ]] || fail "GET /healthz answered $status"

key=$(sed -n 's/^    export KEYWARD_API_KEY=\(kw_[0-9A-Za-z_]*\)$/\1/p' "$work/make.err" | head -n 1)
[[ -n "$key" ]] || fail "the first start printed no 'export KEYWARD_API_KEY=' line"
url=$(sed -n 's/^    export KEYWARD_URL=\(http[^ ]*\)$/\1/p' "$work/make.err" | head -n 1)
[[ "$url" == "http://127.0.0.1:$port" ]] ||
  fail "the first start did not say how to point the CLI at port $port (KEYWARD_URL=$url)"

status=$(curl -s -o "$work/current.json" -w '%{http_code}' \
  -H "Authorization: Bearer $key" "http://127.0.0.1:$port/v1/apikeys/current")
[[ "$status" == 200 ]] || fail "GET /v1/apikeys/current with the bootstrap key answered $status"
grep -q '"Master Administrator"' "$work/current.json" ||
  fail "the bootstrap key is not a Master Administrator key: $(cat "$work/current.json")"

KEYWARD_URL="$url" KEYWARD_API_KEY="$key" ./build/keyward whoami >"$work/whoami.out" ||
  fail "keyward whoami against the server failed"

# SIGTERM to the group: the server stops cleanly and says so.
kill -TERM -- "-$server_pid"
for _ in $(seq 1 30); do
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 1
done
kill -0 "$server_pid" 2>/dev/null && fail "make run still running 30 s after SIGTERM"
server_pid=""
grep -q '"msg":"stopped"' "$work/make.err" || fail "the server did not log a clean stop"
echo "check_make_run: make run built, served, answered and stopped cleanly"
