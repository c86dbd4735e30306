#!/usr/bin/env bash
# Installs the Debian packages Keyward builds, tests and benchmarks with. Idempotent: asks apt only
# for what is missing, and runs `apt-get update` once, only when something is missing.
# Usage: scripts/deps.sh [build|test|bench|fuzz]   (default: test, which is a superset of build)
set -euo pipefail

build_pkgs=(
  cmake ninja-build g++ ccache pkg-config tzdata ca-certificates
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libssl-dev libsqlite3-dev libpq-dev libhowardhinnant-date-dev libfmt-dev
  libcli11-dev libspdlog-dev libargon2-dev
)
test_pkgs=(libgtest-dev libgmock-dev clang-format curl python3 nginx)
bench_pkgs=(libbenchmark-dev wrk nginx nodejs npm)
fuzz_pkgs=(clang libclang-rt-14-dev)

want=("${build_pkgs[@]}")
case "${1:-test}" in
  build) ;;
  test) want+=("${test_pkgs[@]}") ;;
  bench) want+=("${test_pkgs[@]}" "${bench_pkgs[@]}") ;;
  fuzz) want+=("${test_pkgs[@]}" "${fuzz_pkgs[@]}") ;;
  *) echo "usage: $0 [build|test|bench|fuzz]" >&2; exit 2 ;;
esac

missing=()
for p in "${want[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
# node and npm may come from outside Debian on developer machines; a working binary is enough.
if command -v node >/dev/null 2>&1; then
  tmp=()
  for p in "${missing[@]}"; do [[ "$p" == nodejs || "$p" == npm ]] || tmp+=("$p"); done
  missing=("${tmp[@]}")
fi
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "deps: installing ${missing[*]}" >&2
SUDO=""
[[ $(id -u) -eq 0 ]] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
