# shellcheck shell=bash
# CPU accounting shared by bench/run.sh and bench/http/lib.sh; sourced, never run.

# Busy and total ticks of all CPUs (from /proc/stat).
cpu_ticks() {
  local c
  read -ra c </proc/stat
  echo $((c[1] + c[2] + c[3] + c[6] + c[7] + c[8])) $((c[1] + c[2] + c[3] + c[4] + c[5] + c[6] + c[7] + c[8]))
}
# CPU ticks used by this shell's waited-for children (a benchmark binary, or a foreground wrk,
# once it has ended).
children_ticks() {
  local stat f
  stat=$(cat /proc/$$/stat)
  read -ra f <<<"${stat##*) }"
  echo $((f[13] + f[14]))
}
