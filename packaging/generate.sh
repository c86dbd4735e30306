#!/usr/bin/env bash
# Makes what the package installs beside the binary, from the built binary itself, so that
# neither can drift from its commands and options:
#   OUTDIR/keyward.1.gz  the man page: help2man from `keyward --help`, the sections of
#                        packaging/keyward.h2m and COMMANDS, every command's own help;
#   OUTDIR/keyward.bash  the bash completion: `keyward completion bash`.
# Usage: packaging/generate.sh BINARY VERSION OUTDIR   (run by cmake/packaging.cmake at build time)
set -euo pipefail

bin=$(realpath "$1")
version=$2
out=$3
here=$(dirname "$(realpath "$0")")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Run as "keyward" from PATH, so that usage lines name the program and not the build directory.
ln -s "$bin" "$work/keyward"
export PATH="$work:$PATH"

# The names under "Subcommands:" in the help of the command `$@` names (none: the program).
subcommands() {
  keyward help "$@" | awk '/^Subcommands:$/ {on = 1; next} on && /^$/ {exit} on && /^  [a-z]/ {print $1}'
}

# Every command path under `$@`, depth first, in the order the help lists them; `help` itself
# is left out (it prints these helps).
commands() {
  local sub
  for sub in $(subcommands "$@"); do
    [[ $# -eq 0 && $sub == help ]] && continue
    echo "$* $sub" | sed 's/^ //'
    commands "$@" "$sub"
  done
}

# Help text as roff: backslashes escaped, a line that starts with . or ' kept from being read
# as a request, and shown as it is printed (no filling).
roff_verbatim() {
  echo ".nf"
  sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"
  echo ".fi"
}

{
  cat "$here/keyward.h2m"
  echo
  echo "[COMMANDS]"
  while read -r command; do
    # shellcheck disable=SC2086 # the command path is split into its words on purpose
    echo ".SS \"keyward $command\""
    # shellcheck disable=SC2086
    keyward help $command | roff_verbatim
  done < <(commands)
} > "$work/keyward.h2m"

help2man --no-info --no-discard-stderr --section 1 --version-string "$version" \
  --name "API key management and verification" --include "$work/keyward.h2m" \
  --output "$work/keyward.1" keyward
# Compressed as Debian installs man pages: gzip -9, no name or time stamp (-n), so the same help
# makes the same file.
gzip -9n < "$work/keyward.1" > "$out/keyward.1.gz.tmp"
mv "$out/keyward.1.gz.tmp" "$out/keyward.1.gz"

keyward completion bash > "$out/keyward.bash.tmp"
mv "$out/keyward.bash.tmp" "$out/keyward.bash"
