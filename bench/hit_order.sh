#!/usr/bin/env bash
# Writes helper/front/hit_path.order: the functions the static front runs on a cache hit, by
# their linker (mangled) names, which lld then lays out first and together in the front's text
# (helper/meson.build, hit_layout; bench/README.md "The hit's layout"). Each page fault
# on the program maps a 64 KiB window of it; laid out by GNU ld, a hit's code touches nearly
# every window of the 1 MiB text.
#
# The hits traced, each after a cold fetch against the bench's stand-ins: `fedcred aws` and
# `fedcred token` from the GCE metadata source, the cache hits the AWS CLI and a Google
# client make of a GCE VM or GKE pod, each both ways a gce hit runs: asking the metadata server
# its account, and recalling the answer of the last 10 s (flows/recalled_account.h). The other commands the front serves share all but their
# own command unit with these. Start-up (glibc's, libstdc++'s) is part of every trace.
# The trace is native, under gdb (bench/trace_functions.py): valgrind's CPU would pick other
# string functions than the machine does, and gives a static program no vDSO to set up. glibc
# picks those functions by the CPU, so every variant of each one traced is listed
# (__memmove_avx512_unaligned_erms brings __memmove_avx_unaligned_erms, ...).
#
#   bench/hit_order.sh [FRONT...]   rewrites helper/front/hit_path.order from the union of the
#                                   fronts' traces (default: build/helper/fedcred)
#   OUT=FILE bench/hit_order.sh     writes FILE instead (to compare: diff it with the committed one)
#
# Trace a front built as the packages build it too: the distribution's flags name other glibc
# functions (_FORTIFY_SOURCE's __read_chk, __memcpy_chk, ...). On Debian:
#   DEB_BUILD_MAINT_OPTIONS=hardening=+all CXXFLAGS="$(dpkg-buildflags --get CXXFLAGS)" \
#     CPPFLAGS="$(dpkg-buildflags --get CPPFLAGS)" LDFLAGS="$(dpkg-buildflags --get LDFLAGS)" \
#     meson setup /tmp/build-dpkg --buildtype=plain && ninja -C /tmp/build-dpkg
#   bench/hit_order.sh build/helper/fedcred /tmp/build-dpkg/helper/fedcred
#
# Run it after changing what a hit runs, rebuild, and compare the old and new fronts with
# `COMPARE=old=PATH bench/cache_hit.sh`. A stale list costs only speed: lld skips a name that
# is no longer linked, and a function missing from it is laid out with the rest of the code.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
command -v gdb >/dev/null || die "needs gdb (apt-get install gdb)"
OUT=${OUT:-$REPO/helper/front/hit_path.order}
[ $# -gt 0 ] || set -- "$FEDCRED_BIN"
for front in "$@"; do
  ! readelf -lW "$front" | grep -q INTERP || die "$front is not the static front (static_front=enabled)"
  readelf -SW "$front" | grep -q '\.symtab' || die "$front has no symbol table: use a build tree's, not an installed one"
done

setup_sandbox
unset FEDCRED_CONFIG
start_metadata
start_fake_sts

# trace_hit FRONT NAME ARGS...: the hit under gdb, with -v; prints the names of the functions it
# ran, and leaves what -v said in $WORK/NAME.gdb (-v adds its few logging functions to the list).
trace_hit() {
  local front=$1 name=$2; shift 2
  TRACE_FUNCTIONS_OUT="$WORK/$name.ran" gdb -q -batch -x "$REPO/bench/trace_functions.py" --args \
    "$front" "$@" -v >/dev/null 2>"$WORK/$name.gdb" || die "$front $name: gdb failed: $(tail -3 "$WORK/$name.gdb")"
  grep -q "cache hit" "$WORK/$name.gdb" || die "$front $name: not a cache hit under gdb: $(tail -3 "$WORK/$name.gdb")"
  [ -s "$WORK/$name.ran" ] || die "$front $name: the trace is empty: $(tail -3 "$WORK/$name.gdb")"
  cat "$WORK/$name.ran"
}

# trace FRONT NAME ARGS...: one cold fetch, then both kinds of gce hit (flows/recalled_account.h):
# one that recalls the account a plain hit just asked the metadata server for (gdb's set-up
# takes ~3 s of the 10 s), and one with no record, which asks.
trace() {
  local front=$1 name=$2; shift 2
  "$front" "$@" >/dev/null 2>"$WORK/$name.cold" || die "$front $name: the cold fetch failed: $(cat "$WORK/$name.cold")"
  rm -f "$FEDCRED_CACHE_DIR"/*.seen
  "$front" "$@" >/dev/null 2>&1 || die "$front $name: the hit failed"
  trace_hit "$front" "$name-recalls" "$@"
  grep -q "recalled, not asked" "$WORK/$name-recalls.gdb" ||
    die "$front $name: the traced hit did not recall the account asked for just before it: $(grep debug: "$WORK/$name-recalls.gdb")"
  rm -f "$FEDCRED_CACHE_DIR"/*.seen
  trace_hit "$front" "$name-asks" "$@"
  ! grep -q "recalled, not asked" "$WORK/$name-asks.gdb" || die "$front $name: recalled an account it had no record of"
}

# variants FRONT RAN: every variant FRONT defines of each glibc string function named in the
# file RAN (__NAME_<isa>...), whichever of them this CPU picked.
variants() {
  nm --defined-only "$1" | "$PYTHON" -c '
import re, sys
ran = set(open(sys.argv[1]).read().split())
variant = re.compile(r"^(__[a-z0-9]+?)_(?:sse2|ssse3|sse4_1|sse4_2|avx|avx2|evex|avx512\w*|erms)(?:_|$)")
bases = {m.group(1) for m in map(variant.match, ran) if m}
for line in sys.stdin:
    fields = line.split()
    if len(fields) == 3:
        m = variant.match(fields[2])
        if m and m.group(1) in bases:
            print(fields[2])' "$2"
}

for front in "$@"; do
  { trace "$front" aws aws --role-arn "$ROLE_ARN"
    trace "$front" token token; } >"$WORK/front.ran"
  cat "$WORK/front.ran"
  variants "$front" "$WORK/front.ran"
done | LC_ALL=C sort -u >"$WORK/names"
[ -s "$WORK/names" ] || die "the traces named no function"

{
  echo "# The functions a cache hit of the static front runs, by linker name: lld lays them out"
  echo "# first and together (helper/meson.build, hit_layout). Written by bench/hit_order.sh from"
  echo "# native traces of the hits it names; run it again after changing what a hit runs."
  cat "$WORK/names"
} >"$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "wrote $OUT: $(wc -l <"$WORK/names") functions"
