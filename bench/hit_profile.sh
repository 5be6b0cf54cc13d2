#!/usr/bin/env bash
# Where a cache hit's time goes: deterministic counts, not timings (a shared 2-core machine makes
# wall time noisy; these numbers are the same on every run). For each binary, and for the empty
# C program as the reference, after one cold fetch has filled the cache:
#   objects      shared objects mapped           LD_DEBUG=files
#   relocs       symbolic + relative relocations LD_DEBUG=statistics (what ld.so processed);
#                for a static program, its own (readelf -r: IRELATIVE + RELATIVE)
#   ldso_cycles  cycles ld.so spent starting up  LD_DEBUG=statistics (rdtsc: noisy, indicative)
#   syscalls     system calls, failing ones      strace -f -c
#   minflt       minor page faults               /usr/bin/time -f %R
#   maxrss       peak RSS (KiB)                  /usr/bin/time -f %M
#   instr        user-space instructions         valgrind --tool=callgrind (Ir), then the share
#                                                of ld.so, libc and the rest by object
#
#   bench/hit_profile.sh [BIN...]          default: build/helper/fedcred
#   KEEP=1 bench/hit_profile.sh BIN        keep the strace and callgrind files (path printed)
#
# The configuration is searched as an installed fedcred searches it (FEDCRED_CONFIG unset), so
# the system-wide file and conf.d are read when they exist, as they are for the AWS CLI.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
for tool in strace valgrind callgrind_annotate /usr/bin/time; do
  command -v "$tool" >/dev/null || die "needs $tool (apt-get install strace valgrind time)"
done
[ $# -gt 0 ] || set -- "$FEDCRED_BIN"
# A copied build tree needs FEDCRED_MODULE_DIR for the cold fetch; the hits run without it, as
# the AWS CLI runs them (it would spare the hit the module-directory lookup).
COLD_MODULE_DIR=${FEDCRED_MODULE_DIR:-}
unset FEDCRED_MODULE_DIR

build_empty
setup_sandbox
unset FEDCRED_CONFIG
start_metadata
start_fake_sts

# profile NAME CMD...: one PROFILE line.
profile() {
  local name=$1; shift
  local out="$WORK/$name"
  LD_DEBUG=files "$@" >/dev/null 2>"$out.files" || die "$name failed"
  local objects
  objects=$(grep -c 'generating link map' "$out.files" || true)
  LD_DEBUG=statistics "$@" >/dev/null 2>"$out.stats"
  local sym rel cycles
  sym=$(sed -n 's/.*final number of relocations: *\([0-9]*\).*/\1/p' "$out.stats" | tail -1)
  rel=$(sed -n 's/.*number of relative relocations: *\([0-9]*\).*/\1/p' "$out.stats" | tail -1)
  cycles=$(sed -n 's/.*total startup time in dynamic loader: *\([0-9]*\).*/\1/p' "$out.stats" | tail -1)
  # A static program (the static front, issue 15) runs no ld.so, so nothing is printed: it
  # applies its own relocations at start, which are those of its ELF file (static-pie:
  # R_X86_64_RELATIVE, or as many packed in RELR, plus IRELATIVE for glibc's ifuncs, counted as
  # symbolic).
  if [ -z "$sym$rel" ] && ! readelf -l "$1" 2>/dev/null | grep -q 'INTERP'; then
    readelf -rW "$1" >"$out.relocs"
    rel=$(grep -c 'R_X86_64_RELATIVE' "$out.relocs" || true)
    # packed (RELR, hit_layout): readelf counts the offsets in its header line
    relr=$(sed -n 's/^ *\([0-9]*\) offsets$/\1/p' "$out.relocs" | head -1)
    [ -z "$relr" ] || rel="${relr}_packed"
    sym=$(grep -c 'R_X86_64_IRELATIVE' "$out.relocs" || true)
    cycles=none
  fi
  strace -f -c -o "$out.strace-c" "$@" >/dev/null 2>&1
  strace -f -o "$out.strace" "$@" >/dev/null 2>&1
  local calls errors
  read -r calls errors < <(awk '$NF == "total" { print $(NF-2), ($(NF-1) ~ /^[0-9]+$/ ? $(NF-1) : 0) }' "$out.strace-c")
  /usr/bin/time -f '%R %M' -o "$out.time" "$@" >/dev/null 2>&1
  local minflt rss
  read -r minflt rss <"$out.time"
  valgrind --tool=callgrind --callgrind-out-file="$out.cg" "$@" >/dev/null 2>"$out.vg"
  local instr
  instr=$(sed -n 's/.*Collected : *\([0-9]*\).*/\1/p' "$out.vg")
  # Self cost by object, read from the callgrind file itself: "ob=" names the object of the
  # functions that follow; a cost line after "calls=" is a callee's inclusive cost (skipped).
  local by_object
  by_object=$(awk -v total="$instr" '
    /^c?ob=/ { key = $1; sub(/^c?ob=/, "", key); name = $0; sub(/^c?ob=\([0-9]+\) ?/, "", name)
               if (name != "") { sub(/.*\//, "", name); names[key] = name }
               if ($0 ~ /^ob=/) ob = key
               next }
    /^calls=/ { skip = 1; next }
    /^[0-9+*-]/ { if (skip) { skip = 0; next } cost[ob] += $NF; next }
    END {
      for (k in cost) {
        n = names[k]; if (n ~ /^ld-linux/) n = "ld.so"; else if (n ~ /^libc\.so/) n = "libc"
        sum[n] += cost[k]
      }
      for (n in sum) if (sum[n] * 200 >= total) printf "%s=%.0f%% ", n, sum[n] * 100 / total
    }' "$out.cg")
  printf 'PROFILE %-12s objects=%s relocs=%s+%s_relative ldso_cycles=%s syscalls=%s failing=%s minflt=%s maxrss_kib=%s instr=%s  %s\n' \
    "$name" "$objects" "$sym" "$rel" "$cycles" "$calls" "$errors" "$minflt" "$rss" "$instr" "$by_object"
}

echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)   (objects: besides the program; relocs: symbolic+relative)"
profile empty-c "$WORK/empty"
i=0
for bin in "$@"; do
  i=$((i + 1))
  hit=("$bin" aws --role-arn "$ROLE_ARN")
  if [ -n "$COLD_MODULE_DIR" ]; then
    FEDCRED_MODULE_DIR=$COLD_MODULE_DIR "${hit[@]}" >/dev/null || die "the cold fetch with $bin failed"
  else
    "${hit[@]}" >/dev/null || die "the cold fetch with $bin failed"
  fi
  "${hit[@]}" -v 2>"$WORK/hit.log" >/dev/null
  grep -q "cache hit" "$WORK/hit.log" || die "$bin: not a cache hit: $(cat "$WORK/hit.log")"
  echo "hit-$i: $bin"
  profile "hit-$i" "${hit[@]}"
done
if [ -n "${KEEP:-}" ]; then
  trap - EXIT
  echo "kept: $WORK (*.strace, *.cg, *.stats, *.files)"
fi
