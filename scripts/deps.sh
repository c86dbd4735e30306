#!/usr/bin/env bash
# Installs the Debian packages Keyward builds, tests and benchmarks with, and for the test sets the
# npm packages of the browser tests (tests/e2e: `npm ci` from its package-lock.json). Idempotent:
# asks apt only for what is missing, runs `apt-get update` once, only when something is missing,
# and runs `npm ci` only when tests/e2e/node_modules is missing or older than the lock file.
# Usage: scripts/deps.sh [build|package|test|bench|fuzz]   (default: test, which is a superset of
# build and package)
set -euo pipefail

build_pkgs=(
  cmake ninja-build g++ ccache pkg-config tzdata ca-certificates gzip
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libssl-dev libsqlite3-dev libpq-dev libhowardhinnant-date-dev libfmt-dev
  libcli11-dev libspdlog-dev libargon2-dev libtomlplusplus-dev
  help2man
)
# help2man (above) makes the man page from --help at build time (cmake/packaging.cmake); `make
# package` needs CPack's helpers too: dpkg-shlibdeps (dpkg-dev) and file for the Depends line.
package_pkgs=(dpkg-dev file)
# chromium (with a Latin and a Japanese font, for readable screenshots) and node run the browser
# tests (tests/e2e); build stays free of them, so `make run` needs neither.
# postgresql: the server the PostgreSQL tests start themselves (src/testing/postgres/pg_server.hpp,
# tests/integration/pg_server.py), with psql. Debian's package may create and start a cluster
# "main" on port 5432; the tests neither use nor touch it (their own directory, socket directory
# and port between 20000 and 32767).
# The package test (tests/integration/test_package.py) builds the package (package_pkgs) and
# checks it with systemd-analyze (systemd) and man (man-db).
test_pkgs=(libgtest-dev libgmock-dev clang-format curl python3 nginx chromium fonts-dejavu-core
           fonts-ipafont-gothic
           nodejs npm
           postgresql
           "${package_pkgs[@]}" systemd man-db)
# procps: ps finds nginx's worker processes for the CPU columns of bench/http/.
bench_pkgs=(libbenchmark-dev wrk nginx nodejs npm procps)
fuzz_pkgs=(clang libclang-rt-14-dev)

want=("${build_pkgs[@]}")
case "${1:-test}" in
  build) ;;
  package) want+=("${package_pkgs[@]}") ;;
  test) want+=("${test_pkgs[@]}") ;;
  bench) want+=("${test_pkgs[@]}" "${bench_pkgs[@]}") ;;
  fuzz) want+=("${test_pkgs[@]}" "${fuzz_pkgs[@]}") ;;
  *) echo "usage: $0 [build|package|test|bench|fuzz]" >&2; exit 2 ;;
esac

missing=()
for p in "${want[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
# node and npm may come from outside Debian on developer machines; a working binary is enough.
tmp=()
for p in "${missing[@]}"; do
  if [[ "$p" == nodejs ]] && node --version >/dev/null 2>&1; then continue; fi
  if [[ "$p" == npm ]] && npm --version >/dev/null 2>&1; then continue; fi
  tmp+=("$p")
done
missing=("${tmp[@]}")

if [[ ${#missing[@]} -gt 0 ]]; then
  echo "deps: installing ${missing[*]}" >&2
  SUDO=""
  [[ $(id -u) -eq 0 ]] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The browser tests' npm packages (playwright-core, axe-core), exactly as the lock file says. The
# stamp is written only after a successful install, so a failed one is tried again next time.
if [[ "${1:-test}" != build && "${1:-test}" != package ]]; then
  e2e="$(dirname "$0")/../tests/e2e"
  stamp="$e2e/node_modules/.keyward-npm-ci"
  if [[ ! -f "$stamp" || "$e2e/package-lock.json" -nt "$stamp" ]]; then
    echo "deps: npm ci in tests/e2e" >&2
    (cd "$e2e" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    touch "$stamp"
  fi
fi
